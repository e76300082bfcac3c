//! Model: the operations and types of the spec, resolved (`$ref`s followed), validated and named
//! once, for the emitters to consume.
//!
//! [`ir`] holds the model's types alone: what emit reads, with every decision about the output
//! already made (names, boxed fields, which structs derive `Default`). The builder that makes
//! them from the merged spec answers one question per module: [`schema`] (schemas to types),
//! [`operation`] (operations: parameters, scope, answers), [`body`] (request and response bodies
//! by media type), [`boxing`] (cycles: aliases made only of themselves, and fields boxed because
//! their type contains them), [`paging`] (which operations page, and how) and [`docs`] (doc text from descriptions and constraints). This
//! module holds the entry point, the builder's state, faults, and following references.

mod body;
mod boxing;
mod docs;
mod family;
mod ir;
mod operation;
mod outcome;
mod paging;
mod schema;

pub use ir::*;
pub use paging::{PagePlace, PageStyle, Paging, Step};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::limits::{thousands, MAX_ITEMS};
use crate::names::Namespace;
use crate::place::At;
use crate::reference::Kind;
use crate::spec::{Spec, SpecFile};
use openapiv3::ReferenceOr;
use std::collections::HashMap;

/// Names a schema does not take as they are: every item of the standard prelude (of every
/// edition) and serde's derives. Generated code names std and serde items by absolute path, so a
/// type of such a name would shadow nothing there; but a program that imports `types::*` would
/// find its `Option` or `String` replaced. A schema of such a name is numbered instead (`Option2`).
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Copy",
    "Send",
    "Sized",
    "Sync",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "Box",
    "ToOwned",
    "Clone",
    "PartialEq",
    "PartialOrd",
    "Eq",
    "Ord",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "Default",
    "Iterator",
    "Extend",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "ToString",
    "Vec",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Future",
    "IntoFuture",
    "Debug",
    "Hash",
    "Serialize",
    "Deserialize",
    // A struct with required fields has a constructor `new`, which clippy does not want on a
    // type named `New`.
    "New",
];

/// Builds the model of a merged spec, reporting every fault at once.
pub fn build(spec: &Spec) -> Result<Api, Diagnostics> {
    let mut builder = Builder::new(spec);
    builder.components();
    builder.alias_cycles();
    let mut operations = builder.operations();
    let (families, faults) = family::families(spec, &mut operations);
    builder.diagnostics.extend(faults);
    if !builder.diagnostics.is_empty() {
        return Err(Diagnostics(builder.diagnostics));
    }
    let mut types = builder.types;
    boxing::mark_boxed(&mut types);
    let mut api = Api {
        sources: spec.files.iter().map(|f| f.name.clone()).collect(),
        families,
        types,
        operations,
        wide_families: Vec::new(),
    };
    family::reach(&mut api);
    let items = api.items();
    if items > MAX_ITEMS {
        return Err(too_many_items(spec, &builder.component_types, &api, items).into());
    }
    family::directions(&mut api);
    let faults = paging::decide(spec, &mut api);
    if !faults.is_empty() {
        return Err(Diagnostics(faults));
    }
    Ok(api)
}

/// The fault of a model over [`MAX_ITEMS`], found before anything is emitted. It is the whole
/// spec's; it is placed at the start of the file that gives the most items (component types and
/// operations; inline types are not counted to a file), where splitting would help most.
fn too_many_items(
    spec: &Spec,
    component_types: &HashMap<String, String>,
    api: &Api,
    items: usize,
) -> Diagnostic {
    let component_of: HashMap<&str, &str> = component_types
        .iter()
        .map(|(component, rust)| (rust.as_str(), component.as_str()))
        .collect();
    let mut per_file = vec![0usize; spec.files.len()];
    for t in &api.types {
        if let Some(file) = component_of
            .get(t.name.as_str())
            .and_then(|c| spec.schema_files.get(*c))
        {
            per_file[*file] += t.items()
                + if t.families.len() > 1 {
                    t.families.len()
                } else {
                    0
                };
        }
    }
    for op in &api.operations {
        let key = (op.path.clone(), op.http_method.to_lowercase());
        if let Some(file) = spec.operation_files.get(&key) {
            per_file[*file] += op.items();
        }
    }
    let (largest, _) = per_file
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
        .unwrap_or((0, &0));
    let file = &spec.files[largest];
    Diagnostic::new(
        &file.name,
        format!(
            "the spec makes a client of {} items (types, fields, enum variants, operations, their parameters and answers, the features gating shared types), over the limit of {} for one client; {} of them come from this file",
            thousands(items as u64),
            thousands(MAX_ITEMS as u64),
            thousands(per_file[largest] as u64)
        ),
    )
    .at(Some(file.start()))
    .help("generate one client per group of API families, giving the generator the files of one group at a time (`--spec FILE` for each)")
}

struct Builder<'a> {
    spec: &'a Spec,
    types: Vec<TypeDef>,
    /// Each type's index in `types`, by Rust name.
    type_index: HashMap<String, usize>,
    type_names: Namespace,
    /// Component schema name → Rust type name.
    component_types: HashMap<String, String>,
    diagnostics: Vec<Diagnostic>,
    /// The file being read, for messages.
    file: &'a SpecFile,
    /// Header name of the API key scheme, supplied by the client's credentials.
    auth_header: Option<String>,
    /// The `allOf` references being followed for the type being defined, outermost first.
    all_of_stack: Vec<String>,
    /// The `allOf` references already merged into the type being defined.
    all_of_seen: Vec<String>,
    /// How many types are being defined, one inside another.
    define_depth: usize,
}

/// Most types defined one inside another (see `Builder::define`).
const MAX_INLINE_DEPTH: usize = 24;

impl<'a> Builder<'a> {
    fn new(spec: &'a Spec) -> Self {
        let auth_header = spec.document.components.as_ref().and_then(|c| {
            c.security_schemes.values().find_map(|s| match s {
                ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                    location: openapiv3::APIKeyLocation::Header,
                    name,
                    ..
                }) => Some(name.to_ascii_lowercase()),
                _ => None,
            })
        });
        Builder {
            spec,
            types: Vec::new(),
            type_index: HashMap::new(),
            type_names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
            component_types: HashMap::new(),
            diagnostics: Vec::new(),
            file: &spec.files[0],
            auth_header,
            all_of_stack: Vec::new(),
            all_of_seen: Vec::new(),
            define_depth: 0,
        }
    }

    /// A fault at the key `path` leads to (or its deepest existing step).
    fn error(&mut self, path: &[String], message: impl Into<String>, help: impl Into<String>) {
        self.error_at(path, At::Key, message, help);
    }

    fn error_at(
        &mut self,
        path: &[String],
        at: At,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let diagnostic = Diagnostic::new(&self.file.name, message)
            .at(self.file.locate_path(path, at))
            .help(help);
        self.diagnostics.push(diagnostic);
    }

    /// Reports a `$ref` at `here` that does not point to a component of `kind`; true when it does.
    fn check_reference(&mut self, reference: &str, kind: Kind, here: &Here) -> bool {
        match self.spec.catalog.fault(&self.file.name, reference, kind) {
            Some((message, help)) => {
                self.error_at(&here.join(&["$ref"]).path, At::Value, message, help);
                false
            }
            None => true,
        }
    }

    fn reference_type(&mut self, reference: &str, here: &Here) -> TypeRef {
        if !self.check_reference(reference, Kind::Schema, here) {
            return TypeRef::Value;
        }
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_default();
        match self.component_types.get(name) {
            Some(rust_name) => TypeRef::Named(rust_name.clone()),
            None => TypeRef::Value,
        }
    }

    /// The object `item` is or refers to. A reference that does not resolve is reported where it
    /// stands (a target in a file that could not be read was reported with that file).
    fn resolve<T: Clone>(
        &mut self,
        item: &ReferenceOr<T>,
        kind: Kind,
        what: &str,
        here: &Here,
        components: impl Fn(&openapiv3::Components) -> &indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<T> {
        let reference = match item {
            ReferenceOr::Item(item) => return Some(item.clone()),
            ReferenceOr::Reference { reference } => reference,
        };
        if !self.check_reference(reference, kind, here) {
            return None;
        }
        let name = reference.rsplit('/').next().unwrap_or_default();
        match self
            .spec
            .document
            .components
            .as_ref()
            .and_then(|c| components(c).get(name))
        {
            Some(ReferenceOr::Item(item)) => Some(item.clone()),
            None => None,
            Some(ReferenceOr::Reference { .. }) => {
                self.error_at(
                    &here.join(&["$ref"]).path,
                    At::Value,
                    format!(
                        "`$ref: '{}'` points to a {what} that is itself only a `$ref`",
                        crate::text::short(reference)
                    ),
                    format!("refer to the {what} that is written out"),
                );
                None
            }
        }
    }
}

/// Steps of a path as owned strings.
fn owned(steps: &[&str]) -> Vec<String> {
    steps.iter().map(|s| (*s).to_owned()).collect()
}

/// Where a schema (or other piece) is written, for messages: the path of keys to it, and the name
/// its fallback documentation uses.
#[derive(Debug, Clone)]
struct Here {
    /// The doc line of a type defined here when its schema has no description.
    doc: String,
    path: Vec<String>,
}

impl Here {
    fn new(doc: String, path: &[&str]) -> Here {
        Here {
            doc,
            path: owned(path),
        }
    }

    /// A place further down, documented by the same name.
    fn join(&self, steps: &[&str]) -> Here {
        let mut path = self.path.clone();
        path.extend(steps.iter().map(|s| (*s).to_owned()));
        Here {
            doc: self.doc.clone(),
            path,
        }
    }

    /// The place of a property, documented by its name.
    fn property(&self, wire_name: &str) -> Here {
        let mut here = self.join(&["properties", wire_name]);
        here.doc = format!("The `{wire_name}` property.");
        here
    }
}
