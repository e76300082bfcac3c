//! Cycles among types. A component schema that is only an alias of itself (through `$ref`,
//! lists or maps) has no Rust type: a fault. A struct field whose type leads back, by value, to
//! the struct holding it is boxed, so that the type has a size; this is decided here once, for
//! emit to read from [`Field::boxed`](super::Field::boxed). Both are answered from the strongly
//! connected components of the graph of types, found once.

use super::{owned, Builder, TypeDef, TypeKind, TypeRef};
use std::collections::HashMap;

impl Builder<'_> {
    /// Reports component schemas that are type aliases of themselves (`A: {$ref: B}`, `B: {$ref:
    /// A}`, or `A: {type: array, items: {$ref: A}}`): Rust has no recursive type aliases.
    pub(super) fn alias_cycles(&mut self) {
        // Edges only from aliases: a chain of aliases ends at the first type that is not one.
        let graph = Graph::new(&self.types, |kind| match kind {
            TypeKind::Alias(ty) => {
                let mut names = Vec::new();
                named_in(ty, &mut names);
                names
            }
            _ => Vec::new(),
        });
        let Some(components) = &self.spec.document.components else {
            return;
        };
        for name in components.schemas.keys() {
            let Some(rust_name) = self.component_types.get(name) else {
                continue;
            };
            if !graph.on_a_cycle(rust_name) {
                continue;
            }
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

/// Boxes every field whose type leads back, by value, to the struct holding it.
pub(super) fn mark_boxed(types: &mut [TypeDef]) {
    let graph = Graph::new(types, |kind| match kind {
        TypeKind::Struct { fields, .. } => {
            fields.iter().filter_map(|f| direct_named(&f.ty)).collect()
        }
        TypeKind::Alias(ty) => direct_named(ty).into_iter().collect(),
        TypeKind::Enum { .. } => Vec::new(),
    });
    for t in types.iter_mut() {
        let owner = t.name.clone();
        if let TypeKind::Struct { fields, .. } = &mut t.kind {
            for field in fields {
                if let Some(target) = direct_named(&field.ty) {
                    // The field is an edge from the owner to the target: the target leads back
                    // to the owner exactly when both are in one strongly connected component.
                    field.boxed = graph.same_component(&owner, &target);
                }
            }
        }
    }
}

/// The types and which types each holds (by a rule given), with the strongly connected
/// components of that graph: each question about cycles is then answered at once, where a
/// search per type would take the square of the number of types on a long chain of them.
struct Graph {
    index: HashMap<String, usize>,
    edges: Vec<Vec<usize>>,
    component: Vec<usize>,
    /// How many types each component has.
    sizes: Vec<usize>,
}

impl Graph {
    fn new(types: &[TypeDef], targets: impl Fn(&TypeKind) -> Vec<String>) -> Graph {
        let mut index = HashMap::new();
        for (i, t) in types.iter().enumerate() {
            index.entry(t.name.clone()).or_insert(i);
        }
        let edges: Vec<Vec<usize>> = types
            .iter()
            .map(|t| {
                targets(&t.kind)
                    .iter()
                    .filter_map(|name| index.get(name).copied())
                    .collect()
            })
            .collect();
        let component = strongly_connected(&edges);
        let mut sizes = vec![0; edges.len()];
        for &c in &component {
            sizes[c] += 1;
        }
        Graph {
            index,
            edges,
            component,
            sizes,
        }
    }

    /// Whether following the edges from `name` can lead back to it.
    fn on_a_cycle(&self, name: &str) -> bool {
        let Some(&i) = self.index.get(name) else {
            return false;
        };
        self.sizes[self.component[i]] > 1 || self.edges[i].contains(&i)
    }

    fn same_component(&self, a: &str, b: &str) -> bool {
        match (self.index.get(a), self.index.get(b)) {
            (Some(&a), Some(&b)) => self.component[a] == self.component[b],
            _ => false,
        }
    }
}

/// The strongly connected component of each node (Tarjan's algorithm), iterative, so that a
/// chain of a hundred thousand types does not overflow the stack.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let (mut next_order, mut next_component) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        // Each node being visited, and how many of its edges were followed.
        let mut work = vec![(root, 0)];
        while let Some(&(node, followed)) = work.last() {
            if let Some(&next) = edges[node].get(followed) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if order[next] == UNSEEN {
                    order[next] = next_order;
                    low[next] = next_order;
                    next_order += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(order[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
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

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components_of_cycles_chains_and_self_loops() {
        // 0 -> 1 -> 2 -> 0 (a cycle), 3 -> 3 (a self loop), 4 -> 0 (into the cycle), 5 alone.
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0], vec![]];
        let c = strongly_connected(&edges);
        assert!(c[0] == c[1] && c[1] == c[2]);
        assert!(c[3] != c[0] && c[4] != c[0] && c[5] != c[0] && c[4] != c[5]);
        // A long chain, deeper than any stack would allow a recursive search.
        let n = 200_000;
        let mut chain: Vec<Vec<usize>> = (1..n).map(|i| vec![i]).collect();
        chain.push(vec![0]);
        let c = strongly_connected(&chain);
        assert!(c.iter().all(|&x| x == c[0]));
    }
}
