//! The model's types alone: what the emitters read. Every decision about the output is made before
//! a value of these types exists (names, handles, boxed fields, which structs derive `Default`),
//! so emit only writes them out.

pub use super::family::Family;
use openapiv3::StatusCode;

/// Everything the emitters need.
#[derive(Debug, Clone)]
pub struct Api {
    /// The spec files, as named in the generated header.
    pub sources: Vec<String>,
    /// The API families (spec files with operations), in file order.
    pub families: Vec<Family>,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    /// The families that reach a [`TypeDef::wide`] type (sorted indices into `families`): the
    /// wide types are compiled together when any of these is.
    pub wide_families: Vec<usize>,
}

impl Api {
    /// How much code the model makes, in items: each type, field, enum variant, operation,
    /// parameter, form field and answer. The time and memory emitting and formatting take grow
    /// with it (about 10 µs and 10 KiB an item).
    pub fn items(&self) -> usize {
        let types: usize = self.types.iter().map(TypeDef::items).sum();
        let operations: usize = self.operations.iter().map(Operation::items).sum();
        types + operations + self.gate_entries()
    }

    /// The features the gates of shared types name, each counted as an item: a type several
    /// families share is compiled behind `#[cfg(any(feature = "a", feature = "b", ...))]`, its
    /// families named there one by one (at most [`MAX_GATED_FAMILIES`](crate::limits::MAX_GATED_FAMILIES); the wide
    /// types share one gate).
    pub fn gate_entries(&self) -> usize {
        let shared: usize = self
            .types
            .iter()
            .filter(|t| t.families.len() > 1)
            .map(|t| t.families.len())
            .sum();
        shared + self.wide_families.len()
    }
}

impl TypeDef {
    /// The type and its fields or variants.
    pub fn items(&self) -> usize {
        1 + match &self.kind {
            TypeKind::Struct { fields, .. } => fields.len(),
            TypeKind::Enum { variants, .. } => variants.len(),
            TypeKind::Alias(_) => 0,
        }
    }
}

impl Operation {
    /// The operation, its parameters, form fields and answers.
    pub fn items(&self) -> usize {
        let form = match &self.body {
            Some(Body::Multipart { fields }) => fields.len(),
            _ => 0,
        };
        1 + self.parameters.len() + form + self.successes.len() + self.errors.len()
    }
}

/// A Rust type used by a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    /// Any JSON value (a schema with no type, or `oneOf`/`anyOf`).
    Value,
    /// A JSON object with no declared properties.
    FreeObject,
    /// A generated type, by its Rust name.
    Named(String),
    Vec(Box<TypeRef>),
    Map(Box<TypeRef>),
}

/// Text for a doc comment: title, description and facts such as defaults and ranges.
pub type Docs = Vec<String>;

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub docs: Docs,
    pub kind: TypeKind,
    /// The families that reach the type (indices into [`Api::families`], sorted): one, and the
    /// type is emitted with that family; several, and it is shared, compiled when any of them
    /// is. Empty when the type is [`wide`](Self::wide), or the spec has no family.
    pub families: Vec<usize>,
    /// Reached by more than [`MAX_GATED_FAMILIES`](crate::limits::MAX_GATED_FAMILIES) families (or by no operation,
    /// when the spec has more families than that), or named by such a type: shared, and compiled
    /// with the other wide types when any family of [`Api::wide_families`] is. Their gate names
    /// those families once, rather than once per type.
    pub wide: bool,
    /// Which way the type travels: it derives `Serialize` only when sent, `Deserialize` only
    /// when received.
    pub directions: Directions,
}

/// Whether a type is reached from requests (parameters, bodies), from answers, or both. A type
/// reached from neither (defined but unused by any operation) counts as both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Directions {
    pub sent: bool,
    pub received: bool,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        /// Type of the values of properties not declared (`additionalProperties`).
        additional: Option<TypeRef>,
        /// Whether the struct derives `Default`: only when every field is optional, so that
        /// `..Default::default()` never fills a required field with an empty value.
        derives_default: bool,
    },
    /// A string enum; `other` names the variant that keeps values this client does not know.
    Enum {
        variants: Vec<Variant>,
        other: String,
    },
    Alias(TypeRef),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Stored behind a `Box` because the type contains itself.
    pub boxed: bool,
    pub docs: Docs,
}

impl TypeDef {
    /// The generated types this one names directly (in fields, lists and maps).
    pub fn named(&self) -> Vec<&str> {
        let mut names = Vec::new();
        match &self.kind {
            TypeKind::Alias(ty) => ty.collect_named(&mut names),
            TypeKind::Enum { .. } => {}
            TypeKind::Struct {
                fields, additional, ..
            } => {
                for ty in fields.iter().map(|f| &f.ty).chain(additional) {
                    ty.collect_named(&mut names);
                }
            }
        }
        names
    }
}

impl TypeRef {
    /// Appends the generated types this one names.
    pub fn collect_named<'a>(&'a self, names: &mut Vec<&'a str>) {
        match self {
            TypeRef::Named(name) => names.push(name),
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.collect_named(names),
            _ => {}
        }
    }
}

impl Field {
    /// Whether the field is an `Option`: not required, or required but nullable.
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub value: String,
}

/// Which handle an operation's method lives on, decided by the path parameters it shares with
/// the handles: `project_id` and `workspace_id` → [`Scope::Workspace`], `project_id` alone →
/// [`Scope::Project`], otherwise [`Scope::Client`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Client,
    Project,
    Workspace,
}

impl Scope {
    /// The path parameters the handle supplies.
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            Scope::Client => &[],
            Scope::Project => &["project_id"],
            Scope::Workspace => &["project_id", "workspace_id"],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub operation_id: String,
    /// snake_case method name.
    pub method_name: String,
    /// PascalCase prefix of the operation's own types (`{prefix}Request`, `{prefix}Error`).
    pub type_name: String,
    pub http_method: String,
    pub path: String,
    pub source: String,
    /// Its family (index into [`Api::families`]): the spec file it is written in.
    pub family: usize,
    pub docs: Docs,
    pub scope: Scope,
    pub parameters: Vec<Param>,
    pub body: Option<Body>,
    pub successes: Vec<Outcome>,
    pub errors: Vec<Outcome>,
    /// Whether the operation answers a page of a list, and how to walk its pages.
    pub paging: super::Paging,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub docs: Docs,
    /// Supplied by the scope handle rather than by the caller.
    pub from_scope: bool,
}

#[derive(Debug, Clone)]
pub enum Body {
    /// A JSON body; `required: false` makes it an optional setter.
    Json {
        /// The argument's name (`body`, unless a parameter has that name).
        name: String,
        ty: TypeRef,
        required: bool,
        docs: Docs,
    },
    /// A `multipart/form-data` body; its fields are the method's arguments and setters.
    Multipart { fields: Vec<FormField> },
    /// A raw binary body (`application/octet-stream`).
    Binary {
        /// The argument's name (`body`, unless a parameter has that name).
        name: String,
        required: bool,
        docs: Docs,
    },
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub name: String,
    pub wire_name: String,
    pub required: bool,
    pub docs: Docs,
    /// `None` for a file part; otherwise the type of a text part.
    pub text: Option<TypeRef>,
    /// The text part carries the value as JSON (objects, maps and lists of them).
    pub json: bool,
}

/// What one status (or range, or `default`) answers with.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: StatusMatch,
    pub variant: String,
    pub docs: Docs,
    pub body: ResponseBody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX` is `Range(4)`.
    Range(u16),
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseBody {
    Empty,
    Json(TypeRef),
    Text,
    Binary,
}

impl StatusMatch {
    pub(super) fn is_success(&self) -> bool {
        match self {
            StatusMatch::Code(code) => (200..300).contains(code),
            StatusMatch::Range(range) => *range == 2,
            StatusMatch::Default => false,
        }
    }
}

impl From<&StatusCode> for StatusMatch {
    fn from(status: &StatusCode) -> Self {
        match status {
            StatusCode::Code(code) => StatusMatch::Code(*code),
            StatusCode::Range(range) => StatusMatch::Range(*range),
        }
    }
}
