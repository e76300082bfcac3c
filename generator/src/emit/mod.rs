//! Emit: Rust tokens for the model. Thin code over the client's call machinery (the module
//! [`CALL_MODULE`] of the root package): types with serde attributes, one request builder per
//! operation, and the methods that start them on the scope handles.
//!
//! One function per emitted item: [`types`] writes the `types` module (aliases, string enums,
//! structs and their constructors), [`operation`] each operation's items (request builder, the
//! method that makes it, its `send`, its `IntoFuture`) and [`answer`] what reads its answers (the
//! match arms of `send`, its error and response enums). Every
//! decision is read from the model; only the spec's own text is made safe for rustdoc
//! ([`spec_docs`]), the generator's own sentences are written as they are ([`own_docs`]).

mod answer;
mod operation;
mod types;

use crate::model::{Api, Operation, Scope, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The module of the root package that generated code calls (`ApiRequest`, `Method`,
/// `BoxFuture`, `string_enum!`): named in this one place.
pub const CALL_MODULE: &str = "call";

/// The path of an item of the call machinery: `crate::call::NAME`.
fn call_item(name: &str) -> TokenStream {
    let module = ident(CALL_MODULE);
    let name = ident(name);
    quote!(crate::#module::#name)
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

/// The whole generated file, before formatting.
pub fn file(api: &Api) -> TokenStream {
    let types = types::types_module(&api.types);
    let operations = operation::operations_module(&api.operations);
    quote! {
        #types
        #operations
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
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Value => quote!(serde_json::Value),
        TypeRef::FreeObject => quote!(serde_json::Map<String, serde_json::Value>),
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
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, local);
            quote!(std::collections::BTreeMap<String, #value>)
        }
    }
}
