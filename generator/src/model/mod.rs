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
mod paging;
mod schema;

pub use ir::*;
pub use paging::{PagePlace, PageStyle, Paging, Step};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::names::Namespace;
use crate::place::At;
use crate::reference::Kind;
use crate::spec::{Spec, SpecFile};
use openapiv3::ReferenceOr;
use std::collections::HashMap;

/// Names the generated `types` module uses unqualified (prelude types and serde's derives): a
/// schema of such a name is numbered instead (`Option2`) so that it does not shadow them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Serialize",
    "Deserialize",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "PartialOrd",
    "Ord",
    "Self",
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
    };
    family::reach(&mut api);
    family::directions(&mut api);
    let faults = paging::decide(spec, &mut api);
    if !faults.is_empty() {
        return Err(Diagnostics(faults));
    }
    Ok(api)
}

struct Builder<'a> {
    spec: &'a Spec,
    types: Vec<TypeDef>,
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
