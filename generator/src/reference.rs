//! References: the kinds of components, the `$ref`s found in a document, which components the
//! spec files define, and what is wrong with a `$ref`.
//!
//! Every spec file is merged into one component namespace, so `#/components/schemas/Name` finds
//! `Name` in whichever file defines it. A family file may also name the file explicitly, as
//! `common.yaml#/components/schemas/Name` (resolved relative to the referring file's folder): the
//! named file must be one of the files being loaded, and it must define the component. Such a
//! reference then stands for the merged component, exactly as its local form does; the loader
//! rewrites it to the local form before the document is read into openapiv3's types. The loader
//! and the model judge references with the same [`Catalog`], so both report a fault with the same
//! words (and the model's report of a fault the loader found is dropped as a repeat).

use crate::text::{edit_distance, short};
use openapiv3::Components;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The kinds of reusable objects, as named under `components`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Schema,
    Response,
    Parameter,
    Example,
    RequestBody,
    Header,
    SecurityScheme,
    Link,
    PathItem,
}

impl Kind {
    /// The section of `components` holding this kind.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Schema => "schemas",
            Kind::Response => "responses",
            Kind::Parameter => "parameters",
            Kind::Example => "examples",
            Kind::RequestBody => "requestBodies",
            Kind::Header => "headers",
            Kind::SecurityScheme => "securitySchemes",
            Kind::Link => "links",
            Kind::PathItem => "pathItems",
        }
    }

    /// The kind in prose.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Schema => "schema",
            Kind::Response => "response",
            Kind::Parameter => "parameter",
            Kind::Example => "example",
            Kind::RequestBody => "request body",
            Kind::Header => "header",
            Kind::SecurityScheme => "security scheme",
            Kind::Link => "link",
            Kind::PathItem => "path item",
        }
    }

    /// The kind whose `components` section is `section`.
    pub fn of_section(section: &str) -> Option<Kind> {
        [
            Kind::Schema,
            Kind::Response,
            Kind::Parameter,
            Kind::Example,
            Kind::RequestBody,
            Kind::Header,
            Kind::SecurityScheme,
            Kind::Link,
        ]
        .into_iter()
        .find(|k| k.section() == section)
    }
}

/// A `$ref` found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Path to the `$ref` key's value.
    pub path: Vec<String>,
    pub target: String,
    /// What the place of the reference expects.
    pub kind: Kind,
}

/// The sections of `components`, in the order OpenAPI lists them.
pub const SECTIONS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// The names of the components defined, by section.
#[derive(Debug, Clone, Default)]
pub struct ComponentNames(BTreeMap<String, BTreeSet<String>>);

impl ComponentNames {
    pub fn insert(&mut self, section: &str, name: &str) {
        self.0
            .entry(section.to_owned())
            .or_default()
            .insert(name.to_owned());
    }

    pub fn extend(&mut self, other: ComponentNames) {
        for (section, names) in other.0 {
            self.0.entry(section).or_default().extend(names);
        }
    }

    /// Whether `section` defines `name`.
    pub fn contains(&self, section: &str, name: &str) -> bool {
        self.0
            .get(section)
            .is_some_and(|names| names.contains(name))
    }

    /// The names of one section.
    pub fn in_section(&self, section: &str) -> Option<&BTreeSet<String>> {
        self.0.get(section)
    }
}

/// Most names compared with misspelt references in one run, for "did you mean" suggestions:
/// enough for every misspelling of a real spec, and a bound on the work (each comparison is an
/// edit distance) when a spec has thousands of references to nothing among thousands of names.
const MAX_COMPARED: usize = 50_000;

/// The names defined in one section of `components`.
pub fn component_names<'c>(components: &'c Components, section: &str) -> Vec<&'c String> {
    match section {
        "schemas" => components.schemas.keys().collect(),
        "responses" => components.responses.keys().collect(),
        "parameters" => components.parameters.keys().collect(),
        "examples" => components.examples.keys().collect(),
        "requestBodies" => components.request_bodies.keys().collect(),
        "headers" => components.headers.keys().collect(),
        "securitySchemes" => components.security_schemes.keys().collect(),
        "links" => components.links.keys().collect(),
        "callbacks" => components.callbacks.keys().collect(),
        _ => Vec::new(),
    }
}

/// What a fault in a reference is, and how to mend it.
pub type ReferenceFault = (String, String);

/// The components of every spec file being loaded, for judging references.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Each file's name (as in messages) and the components it defines as written, also when
    /// its document could not be read: references to them are not faults of the files that could.
    files: Vec<(String, ComponentNames)>,
    /// The components of all files together: the merged namespace.
    all: ComponentNames,
    /// Each file's normalized path, for finding the file a reference names at once.
    by_path: HashMap<String, usize>,
    /// Names compared for suggestions so far (at most [`MAX_COMPARED`]).
    compared: Compared,
}

/// A count of names compared for suggestions, shared by the threads that check references.
#[derive(Debug, Default)]
struct Compared(AtomicUsize);

impl Clone for Compared {
    fn clone(&self) -> Self {
        Compared(AtomicUsize::new(self.0.load(Ordering::Relaxed)))
    }
}

impl Compared {
    /// Takes `n` comparisons from the budget of [`MAX_COMPARED`], if that many are left.
    fn take(&self, n: usize) -> bool {
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |done| {
                (done + n <= MAX_COMPARED).then_some(done + n)
            })
            .is_ok()
    }
}

impl Catalog {
    /// Adds a file and the components it defines.
    pub fn add(&mut self, file: &str, names: ComponentNames) {
        self.all.extend(names.clone());
        self.by_path
            .entry(normalize(file))
            .or_insert(self.files.len());
        self.files.push((file.to_owned(), names));
    }

    /// What is wrong with a `$ref` to `target` written in the file `referrer`, at a place
    /// expecting `kind`; `None` when it points to a component of the right kind.
    pub fn fault(&self, referrer: &str, target: &str, kind: Kind) -> Option<ReferenceFault> {
        let Some((file_part, fragment)) = split_external(target) else {
            return local_fault(target, kind, &self.all, None, &self.compared);
        };
        let wanted_file = resolve_relative(referrer, file_part);
        let Some((file, names)) = self.by_path.get(&wanted_file).map(|&i| &self.files[i]) else {
            let shown = short(target);
            let file_shown = path_shown(&wanted_file);
            return Some((
                format!(
                    "`$ref: '{shown}'` refers to the file `{file_shown}`, which is not a spec file given to the generator; only files given to the generator can be referenced"
                ),
                format!(
                    "give `{file_shown}` to the generator too (put it in the spec folder, or pass it with `--spec`), or correct the file name (it is relative to the folder of the referring file)"
                ),
            ));
        };
        let external = External {
            file_part,
            file_name: file,
            whole: target,
        };
        local_fault(
            &format!("#{fragment}"),
            kind,
            names,
            Some(&external),
            &self.compared,
        )
    }

    /// The local form (`#/components/...`) of a reference that names a spec file and points to
    /// a component of the right kind that file defines; `None` for any other reference.
    pub fn localized(&self, referrer: &str, target: &str, kind: Kind) -> Option<String> {
        let (_, fragment) = split_external(target)?;
        match self.fault(referrer, target, kind) {
            None => Some(format!("#{fragment}")),
            Some(_) => None,
        }
    }
}

/// A reference that names a file: how it was written and which loaded file it names.
struct External<'a> {
    /// The file as written in the reference (`common.yaml`, `./common.yaml`).
    file_part: &'a str,
    /// The loaded file it resolves to, as named in messages.
    file_name: &'a str,
    /// The whole reference as written.
    whole: &'a str,
}

/// A file path fit for a message: whole unless it is very long (the part written in the spec
/// may be anything).
fn path_shown(path: &str) -> String {
    const LONGEST: usize = 160;
    let mut chars = path.chars().map(|c| if c.is_control() { ' ' } else { c });
    let cut: String = chars.by_ref().take(LONGEST).collect();
    if chars.next().is_some() {
        format!("{cut}...")
    } else {
        cut
    }
}

/// `FILE` and `FRAGMENT` of `FILE#FRAGMENT` (or of a bare `FILE`, with an empty fragment); `None`
/// for a reference inside the document (`#...`).
fn split_external(target: &str) -> Option<(&str, &str)> {
    if target.starts_with('#') {
        return None;
    }
    Some(target.split_once('#').unwrap_or((target, "")))
}

/// The path of `file` written in the file `referrer`: relative to the referrer's folder unless
/// absolute, normalized.
fn resolve_relative(referrer: &str, file: &str) -> String {
    if file.starts_with('/') {
        return normalize(file);
    }
    match referrer.rsplit_once('/') {
        Some((folder, _)) => normalize(&format!("{folder}/{file}")),
        None => normalize(file),
    }
}

/// A `/`-separated path without `.` steps, `..` steps folded into the step before, and repeated
/// separators, so that `spec/./common.yaml` and `spec/x/../common.yaml` are `spec/common.yaml`.
fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut steps: Vec<&str> = Vec::new();
    for step in path.split('/') {
        match step {
            "" | "." => {}
            ".." if steps.last().is_some_and(|last| *last != "..") => {
                steps.pop();
            }
            step => steps.push(step),
        }
    }
    let joined = steps.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// What is wrong with a reference `#/components/...` at a place expecting `kind`, judged against
/// the components `defined`: those of every file, or, for a reference naming a file, those of
/// that file.
fn local_fault(
    target: &str,
    kind: Kind,
    defined: &ComponentNames,
    external: Option<&External>,
    compared: &Compared,
) -> Option<ReferenceFault> {
    // The common case first, without building any text: a reference to a defined component of
    // the right kind.
    if let Some((section, name)) = target
        .strip_prefix("#/components/")
        .and_then(|rest| rest.split_once('/'))
    {
        if Kind::of_section(section) == Some(kind) && defined.contains(section, name) {
            return None;
        }
    }
    let prefix = external.map_or("", |e| e.file_part);
    let wanted = format!("{prefix}#/components/{}/NAME", kind.section());
    let shown = short(external.map_or(target, |e| e.whole));
    let Some(rest) = target.strip_prefix("#/components/") else {
        return Some(if target.starts_with('#') {
            (
                format!("`$ref: '{shown}'` does not point into `components`"),
                format!("refer to a {} as `{wanted}`", kind.noun()),
            )
        } else {
            (
                format!("`$ref: '{shown}'` refers to another document, which is not supported"),
                format!(
                    "copy the {} into `components: {}:` of a spec file and refer to it as `{wanted}`",
                    kind.noun(),
                    kind.section()
                ),
            )
        });
    };
    let (section, name) = rest.split_once('/').unwrap_or((rest, ""));
    match Kind::of_section(section) {
        Some(found) if found != kind => {
            return Some((
                format!(
                    "`$ref: '{shown}'` refers to a {} where a {} belongs",
                    found.noun(),
                    kind.noun()
                ),
                format!("refer to a {} as `{wanted}`", kind.noun()),
            ))
        }
        None => {
            return Some((
                format!(
                    "`$ref: '{shown}'` points into `components/{}`, which holds no {}s",
                    short(section),
                    kind.noun()
                ),
                format!("refer to a {} as `{wanted}`", kind.noun()),
            ))
        }
        Some(_) => {}
    }
    if defined.contains(section, name) {
        return None;
    }
    // Suggestions while the run's budget of comparisons lasts.
    let candidates: Vec<&str> = match defined.in_section(section) {
        Some(names) if compared.take(names.len()) => names.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    Some(missing_component(
        &shown,
        kind,
        section,
        name,
        &candidates,
        external,
    ))
}

/// The fault of a reference to a component of the right section that is not defined, with the
/// closest defined name as a suggestion.
fn missing_component(
    shown: &str,
    kind: Kind,
    section: &str,
    name: &str,
    names: &[&str],
    external: Option<&External>,
) -> ReferenceFault {
    let name_shown = short(name);
    // Where the component should be defined: any spec file, or the file the reference names.
    let home = match external {
        Some(e) => format!("`components: {section}:` of `{}`", e.file_name),
        None => format!("`components: {section}:`"),
    };
    let suggestion = names
        .iter()
        .filter(|n| n.eq_ignore_ascii_case(name) || edit_distance(n, name) <= 2.max(name.len() / 4))
        .min_by_key(|n| edit_distance(n, name))
        .map(|n| format!("correct the name to `{n}`, or define `{name_shown}` under {home}"));
    let message = match external {
        Some(e) => format!(
            "`$ref: '{shown}'` points to nothing: `{}` defines no {} `{name_shown}` under `components: {section}:`",
            e.file_name,
            kind.noun()
        ),
        None => format!(
            "`$ref: '{shown}'` points to nothing: no {} `{name_shown}` is defined under `components: {section}:`",
            kind.noun()
        ),
    };
    let help = suggestion.unwrap_or_else(|| match external {
        Some(_) => format!("define `{name_shown}` under {home}, or correct the name"),
        None => format!(
            "define `{name_shown}` under `components: {section}:` in a spec file, or correct the name"
        ),
    });
    (message, help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let mut common = ComponentNames::default();
        common.insert("parameters", "project_id");
        common.insert("schemas", "ErrorBody");
        let mut family = ComponentNames::default();
        family.insert("schemas", "Workflow");
        let mut catalog = Catalog::default();
        catalog.add("spec/common.yaml", common);
        catalog.add("spec/workflows.yaml", family);
        catalog
    }

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize("spec/./common.yaml"), "spec/common.yaml");
        assert_eq!(normalize("spec/x/../common.yaml"), "spec/common.yaml");
        assert_eq!(normalize("../spec//common.yaml"), "../spec/common.yaml");
        assert_eq!(normalize("/a/b/../c.yaml"), "/a/c.yaml");
        assert_eq!(
            resolve_relative("spec/workflows.yaml", "./common.yaml"),
            "spec/common.yaml"
        );
        assert_eq!(
            resolve_relative("workflows.yaml", "common.yaml"),
            "common.yaml"
        );
    }

    #[test]
    fn references_naming_a_loaded_file_resolve_to_its_components() {
        let catalog = catalog();
        let referrer = "spec/workflows.yaml";
        for target in [
            "common.yaml#/components/parameters/project_id",
            "./common.yaml#/components/parameters/project_id",
            "../spec/common.yaml#/components/parameters/project_id",
        ] {
            assert_eq!(
                catalog.fault(referrer, target, Kind::Parameter),
                None,
                "{target}"
            );
            assert_eq!(
                catalog
                    .localized(referrer, target, Kind::Parameter)
                    .as_deref(),
                Some("#/components/parameters/project_id")
            );
        }
        // The local form finds a component of any file.
        assert_eq!(
            catalog.fault(referrer, "#/components/schemas/ErrorBody", Kind::Schema),
            None
        );
        assert_eq!(
            catalog.localized(referrer, "#/components/schemas/ErrorBody", Kind::Schema),
            None
        );
    }

    #[test]
    fn a_named_file_must_define_the_component() {
        let catalog = catalog();
        let (message, help) = catalog
            .fault(
                "spec/workflows.yaml",
                "common.yaml#/components/schemas/Workflow",
                Kind::Schema,
            )
            .unwrap();
        assert!(
            message.contains("`spec/common.yaml` defines no schema `Workflow`"),
            "{message}"
        );
        assert!(help.contains("of `spec/common.yaml`"), "{help}");
        let (message, _) = catalog
            .fault(
                "spec/workflows.yaml",
                "common.yaml#/components/schemas/ErrorBody",
                Kind::Parameter,
            )
            .unwrap();
        assert!(message.contains("refers to a schema where a parameter belongs"));
    }

    #[test]
    fn a_file_not_loaded_cannot_be_referenced() {
        let (message, help) = catalog()
            .fault(
                "spec/workflows.yaml",
                "shared.yaml#/components/schemas/ErrorBody",
                Kind::Schema,
            )
            .unwrap();
        assert!(
            message.contains("`spec/shared.yaml`, which is not a spec file given to the generator")
        );
        assert!(help.contains("--spec"));
    }
}
