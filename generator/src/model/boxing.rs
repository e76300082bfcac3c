//! Cycles among types. A component schema that is only an alias of itself (through `$ref`,
//! lists or maps) has no Rust type: a fault. A struct field whose type leads back, by value, to
//! the struct holding it is boxed, so that the type has a size; this is decided here once, for
//! emit to read from [`Field::boxed`](super::Field::boxed).

use super::{owned, Builder, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet, HashMap};

impl Builder<'_> {
    /// Reports component schemas that are type aliases of themselves (`A: {$ref: B}`, `B: {$ref:
    /// A}`, or `A: {type: array, items: {$ref: A}}`): Rust has no recursive type aliases.
    pub(super) fn alias_cycles(&mut self) {
        let edges: HashMap<String, Vec<String>> = self
            .types
            .iter()
            .filter_map(|t| match &t.kind {
                TypeKind::Alias(ty) => {
                    let mut names = Vec::new();
                    named_in(ty, &mut names);
                    Some((t.name.clone(), names))
                }
                _ => None,
            })
            .collect();
        let Some(components) = &self.spec.document.components else {
            return;
        };
        for name in components.schemas.keys() {
            let Some(rust_name) = self.component_types.get(name) else {
                continue;
            };
            // Whether following aliases from this one leads back to it.
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&String> = edges.get(rust_name).into_iter().flatten().collect();
            let mut cyclic = false;
            while let Some(next) = stack.pop() {
                if next == rust_name {
                    cyclic = true;
                    break;
                }
                if seen.insert(next.clone()) {
                    stack.extend(edges.get(next).into_iter().flatten());
                }
            }
            if cyclic {
                self.file = self.spec.file_of_component("schemas", name);
                self.error(
                    &owned(&["components", "schemas", name]),
                    format!(
                        "schema `{}` is made only of itself (through `$ref`, lists or maps), which has no Rust type",
                        crate::text::short(name)
                    ),
                    "give it a definition of its own, e.g. an object with properties, instead of a `$ref` or a list of itself",
                );
            }
        }
    }
}

/// Boxes every field whose type leads back, by value, to the struct holding it.
pub(super) fn mark_boxed(types: &mut [TypeDef]) {
    let by_value: BTreeMap<String, Vec<String>> = types
        .iter()
        .map(|t| {
            let targets = match &t.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().filter_map(|f| direct_named(&f.ty)).collect()
                }
                TypeKind::Alias(ty) => direct_named(ty).into_iter().collect(),
                TypeKind::Enum { .. } => Vec::new(),
            };
            (t.name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(name) = stack.pop() {
            if name == to {
                return true;
            }
            if seen.insert(name.clone()) {
                stack.extend(by_value.get(&name).into_iter().flatten().cloned());
            }
        }
        false
    };
    for t in types.iter_mut() {
        let owner = t.name.clone();
        if let TypeKind::Struct { fields, .. } = &mut t.kind {
            for field in fields {
                if let Some(target) = direct_named(&field.ty) {
                    field.boxed = reaches(&target, &owner);
                }
            }
        }
    }
}

/// Every generated type a type reference names.
fn named_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => named_in(inner, out),
        _ => {}
    }
}

/// The generated type a field holds inline (not behind a `Vec` or map, which already box).
fn direct_named(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Named(name) => Some(name.clone()),
        _ => None,
    }
}
