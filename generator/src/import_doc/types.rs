//! The `Type` column of a reference table: the words the reference uses (`String`, `Array of
//! strings`, `Array of X objects`, `X object`) and its bracket notation (`Array<Array<>>`,
//! `List<String>`, `Map<String,String>`).

/// A primitive type name as the reference spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prim {
    String,
    Integer,
    Long,
    Number,
    Float,
    Double,
    Boolean,
    File,
    Object,
}

/// What a `Type` cell says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldType {
    Prim(Prim),
    /// `X object`: described by a later table titled `X`.
    Named(String),
    /// `Array of ...`, `Array<...>`, `List<...>`.
    Array(Box<FieldType>),
    /// `Map<String,...>`: an object whose properties are all of one type.
    Map(Box<FieldType>),
    /// Nothing between brackets (`Array<>`, `Array<Array<>>`): any JSON value, as the rows of
    /// mixed values in the SIEM analysis answers are.
    Any,
}

/// The wording the error messages quote when a type cell is not understood.
pub(crate) const KNOWN_TYPES: &str =
    "String, Integer, Long, Number, Float, Double, Boolean, File, Object, \
`Array of strings` (or integers, longs, numbers, floats, doubles, booleans, objects), \
`Array of X objects`, `X object`, or `Array<T>`, `List<T>` or `Map<String,T>` with T one of \
these, a type name or nothing (any value)";

/// Most brackets a bracket-notation type may nest (`Array<Array<String>>` is 2); the reference
/// uses at most 2, and the bound keeps the recursive reader off the end of its stack.
const MAX_BRACKETS: usize = 8;

fn prim(word: &str) -> Option<Prim> {
    Some(match word.to_ascii_lowercase().as_str() {
        "string" => Prim::String,
        "integer" | "int" => Prim::Integer,
        "long" => Prim::Long,
        "number" => Prim::Number,
        "float" => Prim::Float,
        "double" => Prim::Double,
        "boolean" => Prim::Boolean,
        "file" => Prim::File,
        "object" => Prim::Object,
        _ => return None,
    })
}

fn plural_prim(word: &str) -> Option<Prim> {
    Some(match word.to_ascii_lowercase().as_str() {
        "strings" => Prim::String,
        "integers" => Prim::Integer,
        "longs" => Prim::Long,
        "numbers" => Prim::Number,
        "floats" => Prim::Float,
        "doubles" => Prim::Double,
        "booleans" => Prim::Boolean,
        "objects" => Prim::Object,
        _ => return None,
    })
}

/// A word that can name a nested type (`AopWorkflowInfo`, `data`, `conditions`).
pub(crate) fn is_type_name(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A type in bracket notation, spaces removed: `Array<T>`, `List<T>` or `Map<String,T>`.
fn bracketed(text: &str, depth: usize) -> Option<FieldType> {
    if depth > MAX_BRACKETS {
        return None;
    }
    let (head, rest) = text.split_once('<')?;
    let inner = rest.strip_suffix('>')?;
    match head.to_ascii_lowercase().as_str() {
        "array" | "list" => Some(FieldType::Array(Box::new(bracket_item(inner, depth)?))),
        "map" => {
            let (key, value) = split_top_level_comma(inner)?;
            key.eq_ignore_ascii_case("string")
                .then(|| bracket_item(value, depth))?
                .map(|value| FieldType::Map(Box::new(value)))
        }
        _ => None,
    }
}

/// What is between brackets: nothing (any value), another bracket type, a primitive type other
/// than File, or a type name described by a table.
fn bracket_item(inner: &str, depth: usize) -> Option<FieldType> {
    if inner.is_empty() {
        return Some(FieldType::Any);
    }
    if inner.contains(['<', '>']) {
        return bracketed(inner, depth + 1);
    }
    match prim(inner) {
        Some(Prim::File) => None,
        Some(p) => Some(FieldType::Prim(p)),
        None if is_type_name(inner) => Some(FieldType::Named(inner.to_string())),
        None => None,
    }
}

/// `KEY,VALUE` split at the first comma outside brackets.
fn split_top_level_comma(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => return Some((&text[..i], &text[i + 1..])),
            _ => {}
        }
    }
    None
}

/// Whether the brackets of a text open and close in order.
fn balanced(text: &str) -> bool {
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '<' => depth += 1,
            '>' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

/// Parses a `Type` cell; `None` when it is not one of [`KNOWN_TYPES`].
pub(crate) fn parse_type(cell: &str) -> Option<FieldType> {
    if cell.contains('<') {
        // Spaces around brackets and commas are layout (`Map<String, String>`); spaces anywhere
        // else stay, so that `Array<Array of strings>` is not read as a type name.
        let compact = cell
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" <", "<")
            .replace("< ", "<")
            .replace(" >", ">")
            .replace("> ", ">")
            .replace(" ,", ",")
            .replace(", ", ",");
        return if balanced(&compact) {
            bracketed(&compact, 1)
        } else {
            None
        };
    }
    let words: Vec<&str> = cell.split_whitespace().collect();
    match words.as_slice() {
        [one] => prim(one).map(FieldType::Prim),
        [name, obj] if obj.eq_ignore_ascii_case("object") && is_type_name(name) => {
            if prim(name).is_some() {
                // `Object object`, `String object`: not a spelling the reference uses.
                None
            } else {
                Some(FieldType::Named((*name).to_string()))
            }
        }
        [array, of, rest @ ..] if *array == "Array" && *of == "of" => match rest {
            [plural] => plural_prim(plural).map(|p| FieldType::Array(Box::new(FieldType::Prim(p)))),
            [name, objs] if *objs == "objects" && is_type_name(name) && prim(name).is_none() => {
                Some(FieldType::Array(Box::new(FieldType::Named(
                    (*name).to_string(),
                ))))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether a cell is shaped like a type even though [`parse_type`] rejects it, so that a row
/// with a misspelt or unsupported type is reported rather than read as part of the previous
/// row's description.
pub(crate) fn looks_like_type(cell: &str) -> bool {
    if parse_type(cell).is_some() {
        return true;
    }
    if cell.starts_with("Array of") || cell.ends_with(" object") || cell.ends_with(" objects") {
        return true;
    }
    if cell.contains('<') && cell.ends_with('>') {
        return true; // Map<String,String>, List<Foo>
    }
    let single_word = !cell.contains(char::is_whitespace);
    single_word
        && cell.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && cell.chars().all(|c| c.is_ascii_alphanumeric())
        && !matches!(
            cell,
            "Definition" | "Constraints" | "Range" | "Yes" | "No" | "None"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        assert_eq!(parse_type("String"), Some(FieldType::Prim(Prim::String)));
        assert_eq!(parse_type("Long"), Some(FieldType::Prim(Prim::Long)));
        assert_eq!(
            parse_type("data object"),
            Some(FieldType::Named("data".into()))
        );
        assert_eq!(
            parse_type("Array of AopWorkflowInfo objects"),
            Some(FieldType::Array(Box::new(FieldType::Named(
                "AopWorkflowInfo".into()
            ))))
        );
        assert_eq!(
            parse_type("Array of strings"),
            Some(FieldType::Array(Box::new(FieldType::Prim(Prim::String))))
        );
        assert_eq!(parse_type("Timestamp"), None);
        assert_eq!(parse_type("Array of Array of strings"), None);
        assert!(looks_like_type("Timestamp"));
        assert!(!looks_like_type("Definition"));
        assert!(!looks_like_type("Error code."));
    }

    #[test]
    fn bracket_notation() {
        let array = |t: FieldType| FieldType::Array(Box::new(t));
        let map = |t: FieldType| FieldType::Map(Box::new(t));
        let string = FieldType::Prim(Prim::String);
        assert_eq!(parse_type("Array<>"), Some(array(FieldType::Any)));
        assert_eq!(
            parse_type("Array<Array<>>"),
            Some(array(array(FieldType::Any)))
        );
        assert_eq!(
            parse_type("Array< Array<String> >"),
            Some(array(array(string.clone())))
        );
        assert_eq!(parse_type("List<String>"), Some(array(string.clone())));
        assert_eq!(
            parse_type("array<object>"),
            Some(array(FieldType::Prim(Prim::Object)))
        );
        assert_eq!(
            parse_type("Array<AnalysisField>"),
            Some(array(FieldType::Named("AnalysisField".into())))
        );
        assert_eq!(parse_type("Map<String,String>"), Some(map(string.clone())));
        assert_eq!(
            parse_type("Map<String, Array<Integer>>"),
            Some(map(array(FieldType::Prim(Prim::Integer))))
        );
        assert_eq!(parse_type("Map<String,>"), Some(map(FieldType::Any)));
        // Not types: unbalanced, keys that are not text, files inside, unknown wrappers, and
        // nesting deeper than any page writes (which would otherwise recurse without end).
        for cell in [
            "Array<Array<>",
            "Array<>>",
            "Map<Integer,String>",
            "Map<String>",
            "Array<File>",
            "Set<String>",
            "Array<Array of strings>",
            "Array<String>x",
            "Array<a-b>",
        ] {
            assert_eq!(parse_type(cell), None, "{cell}");
            assert!(looks_like_type(cell) || !cell.ends_with('>'), "{cell}");
        }
        let deep = format!("{}{}", "Array<".repeat(100_000), ">".repeat(100_000));
        assert_eq!(parse_type(&deep), None);
    }
}
