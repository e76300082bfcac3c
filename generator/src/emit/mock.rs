//! The generated half of the client's mock (feature `mock`, runtime in the root package's
//! `src/mock/`): everything here is behind `#[cfg(feature = "mock")]`, so that a build without
//! the feature compiles none of it.
//!
//! Per operation, one method of `crate::mock::MockServer`, named as the operation's handle method,
//! that names the operation's body, success and error types and says where it lives (method,
//! path, documented success); the runtime's generic `Expectation` does the rest. Per error enum
//! (and success enum), the answer of each variant. Per type, the serde derive its direction
//! leaves out, so that answers can be written and requests read.

use super::answer::response_body_type;
use super::{ident, own_docs, type_tokens, Names};
use crate::model::{Api, Body, Directions, Operation, Outcome, ResponseBody, StatusMatch};
use crate::names::Namespace;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

/// The methods of the runtime's `MockServer` that operations must not take (the handles' own
/// are reserved by the model already).
const RESERVED: &[&str] = &[
    "builder",
    "client",
    "project",
    "workspace",
    "start",
    "uri",
    "verify",
    "finish",
    "expectation",
    "fmt",
    "drop",
];

/// The serde derive a type's direction leaves out, added under the mock: `Serialize` for a type
/// only received (an answer to write), `Deserialize` for one only sent (a request to read). A
/// string enum also gets the conversion serde needs for it. Both by absolute path, as every std
/// and serde item generated code names, so that a schema named `Serialize` or `String` changes
/// neither.
pub(super) fn other_serde_half(directions: Directions, string_enum: bool) -> Option<TokenStream> {
    let string_text = super::std_items::string_text();
    let (derive, conversion) = match (directions.sent, directions.received) {
        (true, false) => (quote!(::serde::Deserialize), quote!(from = #string_text)),
        (false, true) => (quote!(::serde::Serialize), quote!(into = #string_text)),
        _ => return None,
    };
    Some(if string_enum {
        quote!(#[cfg_attr(feature = "mock", derive(#derive), serde(#conversion))])
    } else {
        quote!(#[cfg_attr(feature = "mock", derive(#derive))])
    })
}

/// The mock's method names, one per operation of `api` (in order): the handle method's name,
/// numbered where two handles have an operation of the same name or it is one of the mock's own
/// methods.
fn method_names(api: &Api) -> Vec<String> {
    let mut names = Namespace::with_reserved(RESERVED);
    api.operations
        .iter()
        .map(|op| names.claim(&op.method_name, "_"))
        .collect()
}

/// The family's methods of `MockServer`, in one `impl` block; none without operations.
pub(super) fn server_methods(api: &Api, family: usize, feature: &str) -> Option<TokenStream> {
    let names = method_names(api);
    let methods: Vec<TokenStream> = api
        .operations
        .iter()
        .zip(&names)
        .filter(|(op, _)| op.family == family)
        .map(|(op, name)| server_method(op, &ident(name)))
        .collect();
    if methods.is_empty() {
        return None;
    }
    Some(quote! {
        #[cfg(feature = "mock")]
        #[cfg_attr(docsrs, doc(cfg(all(feature = #feature, feature = "mock"))))]
        impl crate::mock::MockServer {
            #(#methods)*
        }
    })
}

fn server_method(op: &Operation, name: &Ident) -> TokenStream {
    let names = Names::of(op);
    let doc = own_docs(&[format!(
        "Expects {}: `{} {}`. Set conditions and an answer, then `mount` it.",
        names.method_link, op.http_method, op.path
    )]);
    let body = match &op.body {
        None => quote!(crate::mock::NoBody),
        Some(Body::Json { ty, .. }) => type_tokens(ty, false),
        Some(Body::Multipart { .. }) => quote!(crate::mock::Form),
        Some(Body::Binary { .. }) => quote!(crate::mock::Binary),
    };
    let success = match op.successes.as_slice() {
        [] => quote!(()),
        [one] => response_body_type(&one.body),
        _ => {
            let response = &names.response;
            quote!(#response)
        }
    };
    let error = if op.errors.is_empty() {
        quote!(::core::convert::Infallible)
    } else {
        let error = &names.error;
        quote!(#error)
    };
    let documented = match op.successes.first() {
        Some(outcome) => success_kind(outcome, &op.successes),
        None => quote!(crate::mock::Success::Empty(200)),
    };
    let method = &op.http_method;
    let path = &op.path;
    let operation = name.to_string();
    quote! {
        #doc
        pub fn #name(&self) -> crate::mock::Expectation<'_, #body, #success, #error> {
            self.expectation(#operation, #method, #path, #documented)
        }
    }
}

/// `crate::mock::Success::Json(200)`: how the first documented success is written.
fn success_kind(outcome: &Outcome, successes: &[Outcome]) -> TokenStream {
    let status = Literal::u16_unsuffixed(status_of(outcome.status, successes));
    let kind = match outcome.body {
        ResponseBody::Empty => quote!(Empty),
        ResponseBody::Json(_) => quote!(Json),
        ResponseBody::Text => quote!(Text),
        ResponseBody::Binary => quote!(Binary),
    };
    quote!(crate::mock::Success::#kind(#status))
}

/// The status the mock answers an outcome with: its code; for a range (`4XX`) or `default`, the
/// first status of the range (of 5xx, then 4xx, for `default`) that no other outcome documents
/// as a code, so that the client reads the answer as this outcome.
fn status_of(status: StatusMatch, outcomes: &[Outcome]) -> u16 {
    let taken = |candidate: &u16| {
        outcomes
            .iter()
            .any(|o| o.status == StatusMatch::Code(*candidate))
    };
    let candidates: Vec<u16> = match status {
        StatusMatch::Code(code) => return code,
        StatusMatch::Range(range) => (range * 100..range * 100 + 100).collect(),
        StatusMatch::Default => (500..600).chain(400..500).collect(),
    };
    candidates
        .into_iter()
        .find(|c| !taken(c))
        .unwrap_or(match status {
            StatusMatch::Range(range) => range * 100,
            _ => 500,
        })
}

/// The answer of each variant of an enum of outcomes (errors or successes): `impl
/// crate::mock::{trait_name} for {name}`.
fn answers_impl(name: &Ident, outcomes: &[Outcome], error: bool) -> TokenStream {
    let arms = outcomes.iter().map(|outcome| {
        let variant = ident(&outcome.variant);
        let status = Literal::u16_unsuffixed(status_of(outcome.status, outcomes));
        match &outcome.body {
            ResponseBody::Empty => quote!(Self::#variant => crate::mock::Answer::empty(#status),),
            ResponseBody::Json(_) => {
                quote!(Self::#variant(body) => crate::mock::Answer::json(#status, body),)
            }
            ResponseBody::Text => {
                quote!(Self::#variant(text) => crate::mock::Answer::text(#status, text.as_str()),)
            }
            // A file is a stream the mock cannot read back.
            ResponseBody::Binary => quote! {
                Self::#variant(_) => crate::mock::Answer::refused(
                    #status,
                    "a file answer is given with `respond_file` or `respond_with`",
                ),
            },
        }
    });
    let match_self = quote! {
        match self {
            #(#arms)*
        }
    };
    let item = if error {
        quote! {
            impl crate::mock::MockError for #name {
                fn answer(&self) -> crate::mock::Answer {
                    #match_self
                }
            }
        }
    } else {
        quote! {
            impl crate::mock::MockSuccess for #name {
                fn answer(&self, _: crate::mock::Success) -> crate::mock::Answer {
                    #match_self
                }
            }
        }
    };
    quote! {
        #[cfg(feature = "mock")]
        #item
    }
}

/// What the mock answers for each variant of an error enum.
pub(super) fn error_answers(name: &Ident, errors: &[Outcome]) -> TokenStream {
    answers_impl(name, errors, true)
}

/// What the mock answers for each variant of a success enum (an operation with several).
pub(super) fn success_answers(name: &Ident, successes: &[Outcome]) -> TokenStream {
    answers_impl(name, successes, false)
}
