//! Emit: Rust tokens for the model. Thin code over the client's call machinery (the module
//! [`CALL_MODULE`] of the root package): types with serde attributes, one request builder per
//! operation, and the methods that start them on the scope handles.
//!
//! One function per emitted item: [`types`] writes the `types` module (aliases, string enums,
//! structs and their constructors), [`operation`] each operation's items (request builder, the
//! method that makes it, its `send`, its `IntoFuture`) and [`answer`] what reads its answers (the
//! match arms of `send`, its error and response enums) and [`paging`] the `impl Paged` of an
//! operation that pages. Every
//! decision is read from the model; only the spec's own text is made safe for rustdoc
//! ([`spec_docs`]), the generator's own sentences are written as they are ([`own_docs`]).

mod answer;
mod mock;
mod operation;
mod paging;
mod types;

use crate::model::{Api, Operation, Scope, TypeDef, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The module of the root package that generated code calls (`ApiRequest`, `Method`, `Read`,
/// `Base`, `operation!`, `string_enum!`): named in this one place.
pub const CALL_MODULE: &str = "call";

/// The path of an item of the call machinery: `crate::call::NAME`.
fn call_item(name: &str) -> TokenStream {
    let module = ident(CALL_MODULE);
    let name = ident(name);
    quote!(crate::#module::#name)
}

/// std and serde items as generated code names them. `String`, `Option` (`Some`, `None`), `Box`
/// and `Into` are written as the prelude names them, as hand-written code does: the model keeps
/// every schema from taking a prelude item's name (`RESERVED_TYPE_NAMES`, a schema `Option`
/// becomes `Option2`), and nothing else generated in a module is named so, so the prelude's are
/// the ones in scope. serde's derives are named `::serde::Serialize`, and the other std and
/// serde items generated code uses by absolute path, so that no module imports them.
///
/// The std derives (`Debug`, `Clone`, `PartialEq`, ...) are written as the prelude names them
/// too: a derive is looked up among macros, where nothing generated code defines can be found
/// (types, fields and modules are not macros), and what it expands to names std by absolute path
/// itself.
mod std_items {
    use proc_macro2::TokenStream;
    use quote::quote;

    pub fn string() -> TokenStream {
        quote!(String)
    }
    /// `String` as serde's `from`/`into` attributes name it.
    pub fn string_text() -> &'static str {
        "String"
    }
    /// `Option::is_none` as serde's `skip_serializing_if` names it.
    pub fn is_none_text() -> &'static str {
        "Option::is_none"
    }
    pub fn option(inner: TokenStream) -> TokenStream {
        quote!(Option<#inner>)
    }
    pub fn some(value: TokenStream) -> TokenStream {
        quote!(Some(#value))
    }
    pub fn none() -> TokenStream {
        quote!(None)
    }
    pub fn boxed(inner: TokenStream) -> TokenStream {
        quote!(Box<#inner>)
    }
    /// An argument that takes anything that converts into text.
    pub fn into_string() -> TokenStream {
        quote!(impl Into<String>)
    }
    pub fn into(value: TokenStream) -> TokenStream {
        quote!(#value.into())
    }
}

/// The names one operation's items use.
struct Names {
    request: Ident,
    error: Ident,
    response: Ident,
    /// The handle the method lives on: `Client`, `ProjectClient` or `WorkspaceClient`.
    scope: Ident,
    method: Ident,
    /// A doc link to the method, with short text: ``[`WorkspaceClient::list_workflows`](crate::...)``.
    method_link: String,
}

impl Names {
    fn of(op: &Operation) -> Names {
        let scope = match op.scope {
            Scope::Client => "Client",
            Scope::Project => "ProjectClient",
            Scope::Workspace => "WorkspaceClient",
        };
        let method = format!("{scope}::{}", op.method_name);
        Names {
            request: ident(&format!("{}Request", op.type_name)),
            error: ident(&format!("{}Error", op.type_name)),
            response: ident(&format!("{}Response", op.type_name)),
            scope: ident(scope),
            method: ident(&op.method_name),
            method_link: format!("[`{method}`](crate::{method})"),
        }
    }
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Name of the root file, which `src/lib.rs` includes: the `types` and `operations` modules
/// (re-exports) and one module per family, each including its family's file.
pub const ROOT_FILE: &str = "secmaster.rs";
/// Name of the file of the types several families share.
pub const SHARED_FILE: &str = "shared.rs";

/// One generated file: formatted apart from the others, and only when its tokens changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Root,
    /// The family's types and operations (index into [`Api::families`]).
    Family(usize),
    Shared,
}

/// The files the model gives, the root first.
pub fn units(api: &Api) -> Vec<Unit> {
    let mut units = vec![Unit::Root];
    units.extend((0..api.families.len()).map(Unit::Family));
    if api.types.iter().any(is_shared) {
        units.push(Unit::Shared);
    }
    units
}

impl Unit {
    /// The file's name in the output folder.
    pub fn file_name(self, api: &Api) -> String {
        match self {
            Unit::Root => ROOT_FILE.to_owned(),
            Unit::Family(i) => format!("{}.rs", api.families[i].module),
            Unit::Shared => SHARED_FILE.to_owned(),
        }
    }

    /// The spec files the file is made from, for its header.
    pub fn sources(self, api: &Api) -> Vec<String> {
        match self {
            Unit::Family(i) => vec![api.families[i].source.clone()],
            Unit::Root | Unit::Shared => api.sources.clone(),
        }
    }

    /// How much the file holds, roughly: its operations and types.
    pub fn weight(self, api: &Api) -> usize {
        match self {
            Unit::Root => api.families.len(),
            Unit::Family(i) => api.families[i].operations.len() + api.families[i].own_types.len(),
            Unit::Shared => api.types.iter().filter(|t| is_shared(t)).count(),
        }
    }

    /// The file's tokens, before formatting.
    pub fn tokens(self, api: &Api) -> TokenStream {
        match self {
            Unit::Root => root(api),
            Unit::Family(i) => family(api, i),
            Unit::Shared => shared(api),
        }
    }
}

/// Whether a type is shared by several families (with no families at all, every type is; a
/// wide type always is).
fn is_shared(def: &TypeDef) -> bool {
    def.wide || def.families.len() != 1
}

/// The features of families, as a `cfg` predicate: `feature = "a"` or `any(feature = "a", ...)`.
fn features_predicate(api: &Api, families: &[usize]) -> TokenStream {
    let features = families.iter().map(|&i| api.families[i].feature.as_str());
    match families {
        [_] => quote!(#(feature = #features)*),
        _ => quote!(any(#(feature = #features),*)),
    }
}

/// The attributes that compile an item only with some features, and mark it so in the docs.
#[derive(Default)]
struct Gate {
    /// `#[cfg(...)]`.
    cfg: TokenStream,
    /// `#[cfg_attr(docsrs, doc(cfg(...)))]`.
    doc_cfg: TokenStream,
}

impl Gate {
    fn of(api: &Api, families: &[usize]) -> Gate {
        if families.is_empty() {
            return Gate::default();
        }
        let predicate = features_predicate(api, families);
        Gate {
            cfg: quote!(#[cfg(#predicate)]),
            doc_cfg: quote!(#[cfg_attr(docsrs, doc(cfg(#predicate)))]),
        }
    }
}

/// The root file: `types` and `operations` re-exporting what the enabled families give, and a
/// module per family that includes the family's file.
fn root(api: &Api) -> TokenStream {
    let mut type_exports = TokenStream::new();
    let mut operation_exports = TokenStream::new();
    let mut modules = TokenStream::new();
    for family in &api.families {
        let module = ident(&family.module);
        let feature = family.feature.as_str();
        let cfg = quote!(#[cfg(feature = #feature)]);
        let own_types = !family.own_types.is_empty();
        if own_types {
            type_exports.extend(quote!(#cfg pub use crate::#module::types::*;));
        }
        operation_exports.extend(quote!(#cfg pub use crate::#module::operations::*;));
        let file = format!("{}.rs", family.module);
        let count = family.operations.len();
        let plural = if count == 1 { "" } else { "s" };
        // The summary line is what the crate root's module list shows: with one module per
        // family, that list is the table of the family features.
        let mut doc = vec![
            format!(
                "Feature `{feature}`: the {count} operation{plural} of `{}`.",
                family.source
            ),
            String::new(),
        ];
        if own_types {
            doc.push(
                "The family's request builders ([`operations`]) and the types only it uses ([`types`]),"
                    .to_owned(),
            );
            doc.push("both also in the crate's `operations` and `types`.".to_owned());
        } else {
            doc.push(
                "The family's request builders ([`operations`]), also in the crate's `operations`."
                    .to_owned(),
            );
        }
        doc.push(String::new());
        doc.push(format!(
            "Compiled with the `{feature}` feature (on by default, through `full`), which also adds the"
        ));
        doc.push("family's methods to the client handles and pulls in no dependency.".to_owned());
        let doc = own_docs(&doc);
        modules.extend(quote! {
            #doc
            #cfg
            #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]
            pub mod #module {
                include!(#file);
            }
        });
    }
    let mut shared_families: Vec<usize> = api
        .types
        .iter()
        .filter(|t| is_shared(t))
        .flat_map(|t| t.families.iter().copied())
        .chain(api.wide_families.iter().copied())
        .collect();
    shared_families.sort_unstable();
    shared_families.dedup();
    let shared = units(api).contains(&Unit::Shared).then(|| {
        let gate = Gate::of(api, &shared_families).cfg;
        type_exports.extend(quote!(#gate pub use crate::shared::*;));
        quote! {
            /// Types several families use, each compiled when any of them is; re-exported in
            /// [`types`].
            mod shared {
                include!(#SHARED_FILE);
            }
        }
    });
    quote! {
        /// Request and response bodies of the SecMaster API, one type per schema, of the families
        /// enabled by features.
        ///
        /// String enums keep values this client does not know yet in their last variant, so a
        /// value the service adds later is read without error and sent back unchanged.
        pub mod types {
            #type_exports
        }

        /// One request builder per operation, of the families enabled by features: set optional
        /// parameters, then `.await` it (or call `send`). The builders are made by the methods of
        /// [`Client`], [`ProjectClient`] and [`WorkspaceClient`].
        pub mod operations {
            #operation_exports
        }

        #modules
        #shared
    }
}

/// A family's file: its own types (those no other family reaches) and its operations.
fn family(api: &Api, index: usize) -> TokenStream {
    let family = &api.families[index];
    let own: Vec<&TypeDef> = family.own_types.iter().map(|&i| &api.types[i]).collect();
    let types = (!own.is_empty()).then(|| {
        // The shared types the family's own types name, imported by name: what they name is the
        // family's own or shared (a type that several families reach names only such types).
        let own_names: std::collections::HashSet<&str> =
            own.iter().map(|t| t.name.as_str()).collect();
        let shared: std::collections::BTreeSet<&str> = own
            .iter()
            .flat_map(|t| t.named())
            .filter(|name| !own_names.contains(name))
            .collect();
        let shared = (!shared.is_empty()).then(|| {
            let names: Vec<_> = shared.iter().map(|n| ident(n)).collect();
            match names.as_slice() {
                [one] => quote!(use crate::shared::#one;),
                _ => quote!(use crate::shared::{#(#names),*};),
            }
        });
        let items = types::type_items(own.iter().map(|t| (*t, Gate::default())));
        let doc = own_docs(&[format!(
            "The types only the operations of `{}` use.",
            family.source
        )]);
        quote! {
            #doc
            pub mod types {
                #shared
                #items
            }
        }
    });
    let mut errors = answer::ErrorEnums::new();
    let operations = operation::operation_items(
        family.operations.iter().map(|&i| &api.operations[i]),
        &family.feature,
        &mut errors,
    );
    let errors = errors.module();
    let mock = mock::server_methods(api, index, &family.feature);
    let doc = own_docs(&[format!(
        "The request builders of the operations of `{}`.",
        family.source
    )]);
    quote! {
        #types

        #doc
        pub mod operations {
            #[allow(unused_imports)]
            use crate::types;
            #operations
            #mock
        }

        #errors
    }
}

/// The shared file: the types several families reach, each behind their features; the wide
/// types (those more than [`crate::limits::MAX_GATED_FAMILIES`] families reach, and what they
/// name) in a module of their own behind the features of all the families that reach them.
fn shared(api: &Api) -> TokenStream {
    let items = types::type_items(
        api.types
            .iter()
            .filter(|t| is_shared(t) && !t.wide)
            .map(|t| (t, Gate::of(api, &t.families))),
    );
    let wide = api.types.iter().any(|t| t.wide).then(|| {
        let Gate { cfg, doc_cfg } = Gate::of(api, &api.wide_families);
        let wide_items = types::type_items(
            api.types
                .iter()
                .filter(|t| t.wide)
                .map(|t| (t, Gate::default())),
        );
        let doc = own_docs(&[format!(
            "Types more than {} API families use (with all they name), compiled together when any \
             family that uses one is.",
            crate::limits::MAX_GATED_FAMILIES
        )]);
        quote! {
            #doc
            #cfg
            #doc_cfg
            mod wide {
                #wide_items
            }

            #cfg
            pub use self::wide::*;
        }
    });
    quote! {
        #items
        #wide
    }
}

/// Doc attributes for text taken from the spec (descriptions, names), made safe for rustdoc,
/// clippy and doc tests whatever it contains (see [`crate::doc_text`]): fenced code is marked as
/// text, indentation is dropped, links, HTML and URLs are escaped or made valid, control
/// characters removed.
fn spec_docs(lines: &[String]) -> TokenStream {
    own_docs(&crate::doc_text::doc_lines(lines))
}

/// Doc attributes for the generator's own sentences, written as they are.
fn own_docs<S: AsRef<str>>(lines: &[S]) -> TokenStream {
    let mut out = TokenStream::new();
    for line in lines {
        let line = line.as_ref();
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        out.extend(quote!(#[doc = #text]));
    }
    out
}

/// How a type is written from inside the `types` module (`local`) or from elsewhere.
fn type_tokens(ty: &TypeRef, local: bool) -> TokenStream {
    match ty {
        TypeRef::String => std_items::string(),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Value => quote!(::serde_json::Value),
        TypeRef::FreeObject => {
            quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            if local {
                quote!(#name)
            } else {
                quote!(types::#name)
            }
        }
        TypeRef::Vec(item) => {
            let item = type_tokens(item, local);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, local);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
    }
}
