//! Reading one spec file: its YAML (with duplicate keys and syntax errors placed), its OpenAPI
//! version, its shape ([`super::validate`]), the components it defines and its references; then,
//! once references are localized, the document in openapiv3's types.

use super::validate;
use crate::diagnostic::{Diagnostic, Location};
use crate::limits::MAX_DEPTH;
use crate::place::At;
use crate::reference::{ComponentNames, Reference};
use crate::spec::SpecFile;
use crate::text::{describe, short};
use crate::yaml::Span;
use openapiv3::OpenAPI;
use serde_yaml::Value;

/// How to mend a document nested too deeply.
pub(super) const FLATTEN: &str =
    "flatten it: move nested schemas to `components: schemas:` and refer to them with `$ref`";

/// What reading one file's YAML gave.
#[derive(Default)]
pub(super) struct Parsed {
    /// The document, its shape checked, ready to be read into openapiv3's types.
    pub(super) value: Option<Value>,
    /// Its `$ref`s, also when the document could not be read (but its YAML could).
    pub(super) references: Vec<Reference>,
    /// The components it defines, as written.
    pub(super) names: ComponentNames,
    pub(super) faults: Vec<Diagnostic>,
}

pub(super) fn parse(file: &SpecFile) -> Parsed {
    let mut parsed = Parsed::default();
    match read(file, &mut parsed) {
        Ok(value) => parsed.value = Some(value),
        Err(faults) => parsed.faults = faults,
    }
    parsed
}

/// Reads one file's YAML and checks the OpenAPI version and the shape, noting in `parsed` the
/// components the file defines and its references.
fn read(file: &SpecFile, parsed: &mut Parsed) -> Result<Value, Vec<Diagnostic>> {
    let fault = |location: Option<Location>, message: String, help: &str| {
        Diagnostic::new(&file.name, message).at(location).help(help)
    };
    if file.text.trim().is_empty() || file.tree.as_ref().is_some_and(|t| t.root.is_none()) {
        return Err(vec![fault(
            Some(file.start()),
            "the file is empty".to_owned(),
            "write an OpenAPI 3.0 document in it: `openapi: 3.0.3`, `info:` and `paths:`",
        )]);
    }
    duplicate_keys(file)?;
    // The tree was parsed already; serde_yaml reads the text only for what the tree cannot give
    // exactly, and for its account of a syntax error.
    let value: Value = match file.tree.as_ref().and_then(|tree| tree.to_value()) {
        Some(value) => value,
        None => serde_yaml::from_str(&file.text).map_err(|e| vec![yaml_error(file, &e)])?,
    };
    let Value::Mapping(mapping) = &value else {
        let what = describe(&value);
        return Err(vec![fault(
            file.locate(&[]).or(Some(file.start())),
            format!("the file is not a mapping but {what}"),
            "a spec file is one OpenAPI 3.0 document: a mapping with `openapi:`, `info:` and `paths:`",
        )]);
    };
    check_version(file, mapping).map_err(|fault| vec![*fault])?;
    if let Some(found) = too_deep(&value) {
        return Err(vec![fault(
            file.locate_path(&found, At::Key),
            format!("the document nests deeper than {MAX_DEPTH} levels"),
            FLATTEN,
        )]);
    }
    let report = validate::check(&value);
    parsed.references = report.references;
    if let Some(Value::Mapping(components)) = mapping.get("components") {
        for (section, entries) in components {
            if let (Some(section), Value::Mapping(entries)) = (section.as_str(), entries) {
                for name in entries.keys().filter_map(Value::as_str) {
                    parsed.names.insert(section, name);
                }
            }
        }
    }
    if !report.faults.is_empty() {
        let mut faults: Vec<Diagnostic> = report
            .faults
            .into_iter()
            .map(|f| {
                Diagnostic::new(&file.name, f.message)
                    .at(file.locate_path(&f.path, f.at))
                    .help(f.help)
            })
            .collect();
        if report.unlisted > 0 {
            faults.push(Diagnostic::unlisted(&file.name, report.unlisted));
        }
        return Err(faults);
    }
    Ok(value)
}

/// Keys written twice in one mapping, each a fault (serde_yaml would keep one silently).
fn duplicate_keys(file: &SpecFile) -> Result<(), Vec<Diagnostic>> {
    let Some(tree) = &file.tree else {
        return Ok(());
    };
    if tree.duplicates.is_empty() {
        return Ok(());
    }
    let mut faults: Vec<Diagnostic> = tree
        .duplicates
        .iter()
        .map(|d| {
            Diagnostic::new(
                &file.name,
                format!(
                    "the key `{}` is written twice in one mapping",
                    short(&d.key)
                ),
            )
            .at(Some(file.location(d.second)))
            .note(
                &file.name,
                Some(file.location(d.first)),
                "first written here",
            )
            .help("keep one of them, with the contents of both")
        })
        .collect();
    if tree.duplicates_unlisted > 0 {
        faults.push(Diagnostic::unlisted(&file.name, tree.duplicates_unlisted));
    }
    Err(faults)
}

/// The document must say it is OpenAPI 3.0 (not Swagger 2, not OpenAPI 3.1).
fn check_version(file: &SpecFile, mapping: &serde_yaml::Mapping) -> Result<(), Box<Diagnostic>> {
    let fault = |location: Option<Location>, message: String, help: &str| {
        Box::new(Diagnostic::new(&file.name, message).at(location).help(help))
    };
    if let Some(swagger) = mapping.get("swagger") {
        let version = match swagger {
            Value::String(s) => format!(" {}", short(s)),
            Value::Number(n) => format!(" {n}"),
            _ => String::new(),
        };
        return Err(fault(
            file.locate(&["swagger"]),
            format!("this is a Swagger{version} document; the generator reads OpenAPI 3.0"),
            "convert it to OpenAPI 3.0 (`openapi: 3.0.3`, with `components:` for `definitions:`), e.g. with swagger2openapi",
        ));
    }
    match mapping.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => {}
        Some(Value::String(v)) if v.starts_with("3.1") => {
            return Err(fault(
                file.locate_value(&["openapi"]),
                format!("OpenAPI {} documents are not supported", short(v)),
                "write the document as OpenAPI 3.0 (`openapi: 3.0.3`): one `type` per schema, `nullable: true` for null, no `webhooks`",
            ));
        }
        Some(Value::String(v)) => {
            return Err(fault(
                file.locate_value(&["openapi"]),
                format!("OpenAPI version `{}` is not supported", short(v)),
                "write the document as OpenAPI 3.0 (`openapi: 3.0.3`)",
            ));
        }
        Some(other) => {
            return Err(fault(
                file.locate_value(&["openapi"]),
                format!("`openapi` must be a version in quotes, not {}", describe(other)),
                "write `openapi: 3.0.3` (a bare `3.0` is read as a number; quote it: `openapi: '3.0'`)",
            ));
        }
        None => {
            return Err(fault(
                file.locate(&[]).or(Some(file.start())),
                "the document has no `openapi` version".to_owned(),
                "start it with `openapi: 3.0.3`",
            ));
        }
    }
    Ok(())
}

/// Reads a document whose shape was checked into openapiv3's types.
pub(super) fn deserialize(file: &SpecFile, value: Value) -> Result<OpenAPI, Vec<Diagnostic>> {
    // Without tracking the path first, which slows every step: a document that reads is read
    // once; one that does not is read again, for the path to its fault.
    if let Ok(document) = <OpenAPI as serde::Deserialize>::deserialize(&value) {
        return Ok(document);
    }
    match serde_path_to_error::deserialize::<_, OpenAPI>(value) {
        Ok(document) => Ok(document),
        Err(e) => {
            let path: Vec<String> = e
                .path()
                .iter()
                .filter_map(|segment| match segment {
                    serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                    serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                    serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                    serde_path_to_error::Segment::Unknown => None,
                })
                .collect();
            Err(vec![Diagnostic::new(
                &file.name,
                format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
            )
            .at(file.locate_path(&path, At::Value))
            .help("compare this place with the OpenAPI 3.0 specification")])
        }
    }
}

/// The path to a place nested deeper than [`MAX_DEPTH`], if any (iterative: any depth is safe).
/// The walk keeps depths and steps only; the path is spelled out for the one place found.
fn too_deep(value: &Value) -> Option<Vec<String>> {
    /// How a value is reached from its parent's entry in `walked`.
    enum Step<'a> {
        Root,
        Item(usize, usize),
        Key(usize, &'a Value),
        /// The value of a tagged value: no level, and no step, of its own.
        Tagged(usize),
    }
    let mut walked: Vec<Step> = Vec::new();
    let mut stack: Vec<(&Value, usize, Step)> = vec![(value, 0, Step::Root)];
    while let Some((value, depth, step)) = stack.pop() {
        let parent = walked.len();
        walked.push(step);
        if depth > MAX_DEPTH {
            let mut path = Vec::new();
            let mut at = parent;
            loop {
                match walked[at] {
                    Step::Root => break,
                    Step::Item(up, i) => {
                        path.push(i.to_string());
                        at = up;
                    }
                    Step::Key(up, key) => {
                        path.push(key.as_str().unwrap_or("?").to_owned());
                        at = up;
                    }
                    Step::Tagged(up) => at = up,
                }
            }
            path.reverse();
            return Some(path);
        }
        match value {
            Value::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    stack.push((item, depth + 1, Step::Item(parent, i)));
                }
            }
            Value::Mapping(map) => {
                for (k, v) in map {
                    stack.push((v, depth + 1, Step::Key(parent, k)));
                }
            }
            Value::Tagged(tagged) => stack.push((&tagged.value, depth, Step::Tagged(parent))),
            _ => {}
        }
    }
    None
}

fn yaml_error(file: &SpecFile, error: &serde_yaml::Error) -> Diagnostic {
    // serde_yaml's text: `PROBLEM at line L column C[, while CONTEXT at line L column C]`.
    let text = error.to_string();
    let (problem, context) = match text.split_once(", while ") {
        Some((problem, context)) => (problem, Some(context)),
        None => (text.as_str(), None),
    };
    let problem = problem.split(" at line ").next().unwrap_or(problem);
    let location = error.location().map(|l| {
        file.location(Span {
            pos: crate::yaml::Pos {
                line: l.line(),
                column: l.column(),
            },
            width: 1,
        })
    });
    // The context: what was being read, and where it started.
    let context = context.and_then(|c| {
        let (what, place) = c.split_once(" at line ")?;
        let (line, column) = place.split_once(" column ")?;
        let what = what
            .trim_start_matches("parsing ")
            .trim_start_matches("scanning ")
            .to_owned();
        Some((
            what,
            line.parse::<usize>().ok()?,
            column.parse::<usize>().ok()?,
        ))
    });
    let help = match &context {
        _ if problem.contains("more than one document") => "keep one document per file: remove the `---` line and what follows, or move it to a file of its own".to_owned(),
        _ if problem.contains("recursion limit") || problem.contains("repetition limit") => "write the document without so many nested levels or repeated aliases".to_owned(),
        _ if problem.contains("duplicate entry") => "keep one of the two entries, with the contents of both".to_owned(),
        Some((what, line, _)) if what.contains("flow sequence") => format!("close the list `[...]` that starts on line {line} with `]`, and separate its items with `,`"),
        Some((what, line, _)) if what.contains("flow mapping") => format!("close the mapping `{{...}}` that starts on line {line} with `}}`, and separate its entries with `,`"),
        Some((what, line, _)) if what.contains("quoted scalar") => format!("close the quoted text that starts on line {line} with the same quote"),
        Some((what, _, _)) if what.contains("block mapping") || what.contains("simple key") => "indent the keys of one mapping equally, write `: ` after each key, and quote values that contain `: ` or start with a special character".to_owned(),
        _ => "fix the YAML syntax at this place (indentation, a missing `:` or quote, a stray character)".to_owned(),
    };
    let mut diagnostic = Diagnostic::new(&file.name, format!("invalid YAML: {problem}"))
        .at(location.or(Some(file.start())))
        .help(help);
    if let Some((what, line, column)) = context {
        let location = file.location(Span {
            pos: crate::yaml::Pos { line, column },
            width: 1,
        });
        diagnostic = diagnostic.note(&file.name, Some(location), format!("{what} starts here"));
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_deep_names_the_path_to_the_first_place_past_the_limit() {
        // `a: [[...[{b: [x]}]...]]`: a sequence of sequences, then a mapping, past the limit.
        let mut text = "{b: [x]}".to_owned();
        for _ in 0..MAX_DEPTH {
            text = format!("[{text}]");
        }
        let value: Value = serde_yaml::from_str(&format!("a: {text}\nc: 1\n")).unwrap();
        let mut expected = vec!["a".to_owned()];
        expected.extend(std::iter::repeat_n("0".to_owned(), MAX_DEPTH - 1));
        let path = too_deep(&value).unwrap();
        assert_eq!(path.len(), MAX_DEPTH + 1);
        assert_eq!(path[..MAX_DEPTH], expected[..]);
        assert_eq!(path[MAX_DEPTH], "0");
        let shallow: Value = serde_yaml::from_str("a: [[{b: !tag [x]}]]\n").unwrap();
        assert_eq!(too_deep(&shallow), None);
    }
}
