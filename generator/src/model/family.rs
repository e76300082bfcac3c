//! Families: each spec file with operations is one API family, a cargo feature and a module of
//! the generated client named after the file (`spec/alerts.yaml` → feature and module `alerts`).
//! Here the families are named (and their names checked), and every type learns which families
//! reach it, through an operation's parameters, body or answers and then field by field: a type
//! reached by one family is emitted with it, one reached by several is shared and compiled when
//! any of them is.

use super::{Api, Body, Directions, Operation, ResponseBody, TypeRef};
use crate::diagnostic::Diagnostic;
use crate::spec::Spec;
use std::collections::HashMap;

/// Names a family may not take: cargo features of the client that are not families, and the
/// modules and items at the root of the client crate (the runtime's and the generated ones).
pub const RESERVED_NAMES: &[&str] = &[
    // Features.
    "default",
    "full",
    "regenerate",
    // Generated modules.
    "types",
    "operations",
    "shared",
    // The runtime's modules and root items in snake case.
    "call",
    "client",
    "credentials",
    "deadline",
    "env",
    "error",
    "headers",
    "response",
    "retry",
    "signing",
    "upload",
    "activity",
    "budget",
    "failure",
    "limits",
    "sanitize",
    // Crates the client's code names (a module of the same name at the root would make its paths
    // there ambiguous).
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "reqwest",
];

/// One API family: a spec file with operations.
#[derive(Debug, Clone)]
pub struct Family {
    /// The cargo feature, the file's stem (`alerts`).
    pub feature: String,
    /// The module, the same name (checked to be an identifier).
    pub module: String,
    /// The spec file, as named in messages (`spec/alerts.yaml`).
    pub source: String,
}

/// The families of the operations (one per spec file that has operations, in file order), and
/// the faults of their names. Sets [`Operation::family`].
pub(super) fn families(
    spec: &Spec,
    operations: &mut [Operation],
) -> (Vec<Family>, Vec<Diagnostic>) {
    let mut families: Vec<Family> = Vec::new();
    let mut faults = Vec::new();
    for file in &spec.files {
        if !operations.iter().any(|op| op.source == file.name) {
            continue;
        }
        let stem = std::path::Path::new(&file.name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(problem) = name_problem(&stem, &families) {
            faults.push(
                Diagnostic::new(
                    &file.name,
                    format!("the file name `{stem}` cannot name an API family (its cargo feature and module): {problem}"),
                )
                .at(file.locate(&["openapi"]).or(Some(file.start())))
                .help("rename the file in lower snake case, to a name the client does not use yet (e.g. `alert_rules.yaml`)"),
            );
        }
        families.push(Family {
            feature: stem.clone(),
            module: stem,
            source: file.name.clone(),
        });
    }
    for op in operations.iter_mut() {
        op.family = families
            .iter()
            .position(|f| f.source == op.source)
            .unwrap_or(0);
    }
    (families, faults)
}

/// Why `stem` cannot be a family's feature and module name, if it cannot.
fn name_problem(stem: &str, taken: &[Family]) -> Option<String> {
    let mut chars = stem.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    if !starts_well
        || !stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Some("it is not a lower snake case identifier".to_owned());
    }
    if crate::names::is_keyword(stem) {
        return Some("it is a Rust keyword".to_owned());
    }
    if RESERVED_NAMES.contains(&stem) {
        return Some("the client already uses it (a feature or a module at its root)".to_owned());
    }
    if let Some(other) = taken.iter().find(|f| f.feature == stem) {
        return Some(format!("`{}` has the same name", other.source));
    }
    None
}

/// For every type, the families that reach it (sorted indices into `families`); a type no
/// operation reaches is given to every family, so that it is compiled whenever any family is.
pub(super) fn reach(api: &mut Api) {
    let index: HashMap<&str, usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let mut reached: Vec<Vec<usize>> = vec![Vec::new(); api.types.len()];
    for (family, _) in api.families.iter().enumerate() {
        let mut seen = vec![false; api.types.len()];
        let mut stack: Vec<usize> = Vec::new();
        let mut names = Vec::new();
        for op in api.operations.iter().filter(|op| op.family == family) {
            for ty in operation_types(op) {
                ty.collect_named(&mut names);
            }
        }
        stack.extend(names.iter().filter_map(|n| index.get(n)));
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            reached[i].push(family);
            stack.extend(api.types[i].named().iter().filter_map(|n| index.get(n)));
        }
    }
    let every: Vec<usize> = (0..api.families.len()).collect();
    for (def, families) in api.types.iter_mut().zip(reached) {
        def.families = if families.is_empty() {
            every.clone()
        } else {
            families
        };
    }
}

/// For every type, whether requests reach it and whether answers do (a type neither reaches is
/// given both, so that it serializes and deserializes as before).
pub(super) fn directions(api: &mut Api) {
    let index: HashMap<&str, usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let walk = |roots: Vec<&TypeRef>| {
        let mut names = Vec::new();
        for ty in roots {
            ty.collect_named(&mut names);
        }
        let mut seen = vec![false; api.types.len()];
        let mut stack: Vec<usize> = names.iter().filter_map(|n| index.get(n)).copied().collect();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            stack.extend(api.types[i].named().iter().filter_map(|n| index.get(n)));
        }
        seen
    };
    let sent = walk(api.operations.iter().flat_map(request_types).collect());
    let received = walk(api.operations.iter().flat_map(answer_types).collect());
    for (i, def) in api.types.iter_mut().enumerate() {
        let neither = !sent[i] && !received[i];
        def.directions = Directions {
            sent: sent[i] || neither,
            received: received[i] || neither,
        };
    }
}

/// The types an operation names directly.
fn operation_types(op: &Operation) -> Vec<&TypeRef> {
    let mut types = request_types(op);
    types.extend(answer_types(op));
    types
}

/// The types an operation's answers name directly.
fn answer_types(op: &Operation) -> Vec<&TypeRef> {
    op.successes
        .iter()
        .chain(&op.errors)
        .filter_map(|outcome| match &outcome.body {
            ResponseBody::Json(ty) => Some(ty),
            _ => None,
        })
        .collect()
}

/// The types an operation's request names directly: parameters and body.
fn request_types(op: &Operation) -> Vec<&TypeRef> {
    let mut types: Vec<&TypeRef> = op.parameters.iter().map(|p| &p.ty).collect();
    match &op.body {
        Some(Body::Json { ty, .. }) => types.push(ty),
        Some(Body::Multipart { fields }) => {
            types.extend(fields.iter().filter_map(|f| f.text.as_ref()))
        }
        Some(Body::Binary { .. }) | None => {}
    }
    types
}

#[cfg(test)]
mod tests {
    /// Every module and item in snake case at the root of the client (`src/lib.rs`) is a name no
    /// family takes: a family of that name would be a second module of the name there.
    #[test]
    fn the_roots_names_are_reserved() {
        let lib = include_str!("../../../src/lib.rs");
        let mut names = Vec::new();
        for line in lib.lines().map(str::trim) {
            let line = line.strip_prefix("pub ").unwrap_or(line);
            if let Some(module) = line.strip_prefix("mod ").and_then(|m| m.strip_suffix(';')) {
                names.push(module.to_owned());
            } else if let Some(items) = line.strip_prefix("use ") {
                let items = items.trim_end_matches(';');
                let items = match items.split_once('{') {
                    Some((_, list)) => list.trim_end_matches('}').to_owned(),
                    None => items.rsplit("::").next().unwrap_or("").to_owned(),
                };
                names.extend(
                    items
                        .split(',')
                        .map(str::trim)
                        .filter(|n| n.starts_with(|c: char| c.is_ascii_lowercase()))
                        .map(str::to_owned),
                );
            }
        }
        assert!(names.len() > 10, "no module found in src/lib.rs: {names:?}");
        for name in names {
            assert!(
                super::RESERVED_NAMES.contains(&name.as_str()),
                "`{name}` is at the root of the client but not in RESERVED_NAMES"
            );
        }
    }
}
