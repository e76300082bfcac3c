//! Families: each spec file with operations is one API family, a cargo feature and a module of
//! the generated client named after the file (`spec/alerts.yaml` → feature and module `alerts`).
//! Here the families are named (and their names checked), and every type learns which families
//! reach it, through an operation's parameters, body or answers and then field by field: a type
//! reached by one family is emitted with it, one reached by several is shared and compiled when
//! any of them is.

use super::{Api, Body, Directions, Operation, ResponseBody, TypeRef};
use crate::diagnostic::Diagnostic;
use crate::limits::MAX_GATED_FAMILIES;
use crate::spec::Spec;
use std::collections::{HashMap, HashSet};

/// Names a family may not take: cargo features of the client that are not families, and the
/// modules and items at the root of the client crate (the runtime's and the generated ones).
pub const RESERVED_NAMES: &[&str] = &[
    // Features.
    "default",
    "full",
    "regenerate",
    "mock",
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
    "paging",
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
    /// Its operations (indices into [`Api::operations`], in order).
    pub operations: Vec<usize>,
    /// The types only it reaches, emitted in its file (indices into [`Api::types`], in order).
    pub own_types: Vec<usize>,
}

/// The families of the operations (one per spec file that has operations, in file order), and
/// the faults of their names. Sets [`Operation::family`].
pub(super) fn families(
    spec: &Spec,
    operations: &mut [Operation],
) -> (Vec<Family>, Vec<Diagnostic>) {
    let mut families: Vec<Family> = Vec::new();
    let mut faults = Vec::new();
    let with_operations: HashSet<&str> = operations.iter().map(|op| op.source.as_str()).collect();
    let mut taken: HashMap<String, usize> = HashMap::new();
    for file in &spec.files {
        if !with_operations.contains(file.name.as_str()) {
            continue;
        }
        let stem = std::path::Path::new(&file.name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let same = taken.get(&stem).map(|&i| families[i].source.as_str());
        if let Some(problem) = name_problem(&stem, same) {
            faults.push(
                Diagnostic::new(
                    &file.name,
                    format!("the file name `{stem}` cannot name an API family (its cargo feature and module): {problem}"),
                )
                .at(file.locate(&["openapi"]).or(Some(file.start())))
                .help("rename the file in lower snake case, to a name the client does not use yet (e.g. `alert_rules.yaml`)"),
            );
        }
        taken.entry(stem.clone()).or_insert(families.len());
        families.push(Family {
            feature: stem.clone(),
            module: stem,
            source: file.name.clone(),
            operations: Vec::new(),
            own_types: Vec::new(),
        });
    }
    let by_source: HashMap<String, usize> = families
        .iter()
        .enumerate()
        .map(|(i, f)| (f.source.clone(), i))
        .collect();
    for (index, op) in operations.iter_mut().enumerate() {
        op.family = by_source.get(&op.source).copied().unwrap_or(0);
        if let Some(family) = families.get_mut(op.family) {
            family.operations.push(index);
        }
    }
    (families, faults)
}

/// Why `stem` cannot be a family's feature and module name, if it cannot.
fn name_problem(stem: &str, same: Option<&str>) -> Option<String> {
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
    if let Some(other) = same {
        return Some(format!("`{other}` has the same name"));
    }
    None
}

/// For every type, the families that reach it (sorted indices into `families`), through an
/// operation's parameters, body or answers and then field by field; each family's own types. A
/// type no operation reaches is given to every family (and so is every type it names), so that
/// it is compiled whenever any family is. A type more than [`MAX_GATED_FAMILIES`] families reach
/// is wide, and so is every type it names (they are compiled together, whenever any family that
/// reaches one is).
///
/// Linear in the types and their references: each type is walked from at most
/// [`MAX_GATED_FAMILIES`] + 1 families, as a family's walk stops at a type already wide.
pub(super) fn reach(api: &mut Api) {
    let count = api.types.len();
    let family_count = api.families.len();
    let index: HashMap<&str, usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let named: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|t| {
            t.named()
                .iter()
                .filter_map(|n| index.get(n).copied())
                .collect()
        })
        .collect();
    let mut reached: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut wide = vec![false; count];
    let mut wide_families = vec![false; family_count];
    // The last family whose walk came to each type.
    let mut seen = vec![usize::MAX; count];
    let mut stack: Vec<usize> = Vec::new();
    let mut names = Vec::new();
    for (family, entry) in api.families.iter().enumerate() {
        names.clear();
        for &op in &entry.operations {
            for ty in operation_types(&api.operations[op]) {
                ty.collect_named(&mut names);
            }
        }
        stack.extend(names.iter().filter_map(|n| index.get(n)));
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], family) == family {
                continue;
            }
            if wide[i] {
                wide_families[family] = true;
                continue;
            }
            reached[i].push(family);
            if reached[i].len() > MAX_GATED_FAMILIES {
                wide[i] = true;
                for &f in &reached[i] {
                    wide_families[f] = true;
                }
                reached[i] = Vec::new();
            }
            stack.extend(&named[i]);
        }
    }
    // Types no operation reaches, and what they name, are every family's.
    let mut everyones = vec![false; count];
    stack.extend((0..count).filter(|&i| reached[i].is_empty() && !wide[i]));
    while let Some(i) = stack.pop() {
        if !std::mem::replace(&mut everyones[i], true) {
            stack.extend(&named[i]);
        }
    }
    let every_is_wide = family_count > MAX_GATED_FAMILIES;
    for i in (0..count).filter(|&i| everyones[i]) {
        if every_is_wide {
            wide[i] = true;
            wide_families.iter_mut().for_each(|f| *f = true);
        } else {
            reached[i] = (0..family_count).collect();
        }
    }
    // What a wide type names is wide too: it must be compiled whenever the wide type is.
    stack.extend((0..count).filter(|&i| wide[i]));
    while let Some(i) = stack.pop() {
        for &j in &named[i] {
            if !wide[j] {
                wide[j] = true;
                for &f in &reached[j] {
                    wide_families[f] = true;
                }
                stack.push(j);
            }
        }
    }
    for (i, (def, mut families)) in api.types.iter_mut().zip(reached).enumerate() {
        def.wide = wide[i];
        if def.wide {
            families = Vec::new();
        } else {
            families.sort_unstable();
            families.dedup();
        }
        if let [family] = families.as_slice() {
            api.families[*family].own_types.push(i);
        }
        def.families = families;
    }
    api.wide_families = (0..family_count).filter(|&f| wide_families[f]).collect();
}

/// For every type, whether requests reach it and whether answers do (a type neither reaches is
/// given both, so that it serializes and deserializes as before, and so is every type it names).
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
    // A type reached from neither travels both ways, and so must every type it names (its
    // `Serialize` needs theirs, its `Deserialize` theirs too).
    let neither: Vec<TypeRef> = api
        .types
        .iter()
        .enumerate()
        .filter(|&(i, _)| !sent[i] && !received[i])
        .map(|(_, t)| TypeRef::Named(t.name.clone()))
        .collect();
    let both = walk(neither.iter().collect());
    for (i, def) in api.types.iter_mut().enumerate() {
        def.directions = Directions {
            sent: sent[i] || both[i],
            received: received[i] || both[i],
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
