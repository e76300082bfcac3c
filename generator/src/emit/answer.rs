//! The answers of an operation: how the runtime reads each documented success's body, the match
//! arms of its decode function (one per documented status, each decoding the read body as the
//! model says), and the enums of its documented errors and successes.

use super::{call_item, ident, mock, own_docs, type_tokens, Names};
use crate::doc_text::doc_lines;
use crate::model::{Operation, Outcome, ResponseBody, StatusMatch};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use std::collections::{HashMap, HashSet};

/// The documented answers, successes flagged, in the order a status is matched against them:
/// codes, then ranges, then `default`.
fn ordered(op: &Operation) -> Vec<(&Outcome, bool)> {
    let mut ordered: Vec<(&Outcome, bool)> = op
        .successes
        .iter()
        .map(|o| (o, true))
        .chain(op.errors.iter().map(|o| (o, false)))
        .collect();
    ordered.sort_by_key(|(o, _)| match o.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    ordered
}

/// How the runtime reads each documented success's body before decoding: `.answers(&[(low,
/// high, how)])`, in matching order. Errors are the runtime's default, listed only where a
/// success after them would otherwise hold their status; nothing without successes to list.
pub(super) fn answer_reads(op: &Operation) -> Option<TokenStream> {
    let mut ordered = ordered(op);
    while ordered.last().is_some_and(|(_, success)| !success) {
        ordered.pop();
    }
    if ordered.is_empty() {
        return None;
    }
    let read = call_item("Read");
    let entries = ordered.iter().map(|(outcome, success)| {
        let (low, high) = match outcome.status {
            StatusMatch::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                (quote!(#code), quote!(#code))
            }
            StatusMatch::Range(range) => {
                let low = Literal::u16_unsuffixed(range * 100);
                let high = Literal::u16_unsuffixed(range * 100 + 99);
                (quote!(#low), quote!(#high))
            }
            StatusMatch::Default => (quote!(0), quote!(::core::primitive::u16::MAX)),
        };
        let how = match (&outcome.body, success) {
            (_, false) => quote!(Error),
            (ResponseBody::Empty, true) => quote!(Empty),
            (ResponseBody::Json(_), true) => quote!(Json),
            (ResponseBody::Text, true) => quote!(Text),
            (ResponseBody::Binary, true) => quote!(Stream),
        };
        quote!((#low, #high, #read::#how))
    });
    Some(quote!(.answers(&[#(#entries),*])))
}

/// How the runtime reads the answer of an operation with one documented success, a status code
/// (`.json_answer(200)`, ...); errors are decoded by the operation's error enum. `None` for other
/// operations, which list their successes and decode every status themselves.
pub(super) fn single_success(op: &Operation) -> Option<TokenStream> {
    let [only] = op.successes.as_slice() else {
        return None;
    };
    let StatusMatch::Code(code) = only.status else {
        return None;
    };
    let code = Literal::u16_unsuffixed(code);
    Some(match &only.body {
        ResponseBody::Json(_) => quote!(.json_answer(#code)),
        ResponseBody::Empty => quote!(.empty_answer(#code)),
        ResponseBody::Text => quote!(.text_answer(#code)),
        ResponseBody::Binary => quote!(.stream_answer(#code)),
    })
}

/// One match arm per documented status (codes, then ranges, then `default`), and one for any
/// other status unless `default` is documented.
pub(super) fn answer_arms(op: &Operation, names: &Names) -> Vec<TokenStream> {
    let ordered = ordered(op);
    let mut arms: Vec<TokenStream> = ordered
        .iter()
        .map(|(outcome, success)| {
            let pattern = status_pattern(outcome.status);
            let handling = if *success {
                success_handling(outcome, op.successes.len() == 1, names)
            } else {
                error_handling(outcome, names)
            };
            quote!(#pattern => #handling,)
        })
        .collect();
    if !ordered
        .iter()
        .any(|(o, _)| o.status == StatusMatch::Default)
    {
        arms.push(quote!(_ => answer.unexpected(),));
    }
    arms
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(range) => {
            let low = Literal::u16_unsuffixed(range * 100);
            let high = Literal::u16_unsuffixed(range * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// Reading a success: its body, as such when it is the only success, else in its variant of
/// the response enum.
fn success_handling(outcome: &Outcome, single_success: bool, names: &Names) -> TokenStream {
    let read = match &outcome.body {
        ResponseBody::Empty => quote!(answer.empty()),
        ResponseBody::Json(ty) if !single_success => {
            let ty = type_tokens(ty, false);
            quote!(answer.json::<#ty, _>())
        }
        ResponseBody::Json(_) => quote!(answer.json()),
        ResponseBody::Text => quote!(answer.text()),
        ResponseBody::Binary => quote!(answer.stream()),
    };
    if single_success {
        return read;
    }
    let response = &names.response;
    let variant = ident(&outcome.variant);
    match &outcome.body {
        ResponseBody::Empty => quote!(#read.map(|r| r.map(|()| #response::#variant))),
        _ => quote!(#read.map(|r| r.map(#response::#variant))),
    }
}

fn error_handling(outcome: &Outcome, names: &Names) -> TokenStream {
    error_variant_handling(outcome, &names.error)
}

/// Reading a documented error into `error::Variant`.
fn error_variant_handling(outcome: &Outcome, error: &Ident) -> TokenStream {
    let variant = ident(&outcome.variant);
    match &outcome.body {
        ResponseBody::Empty => quote!(answer.error_empty(#error::#variant)),
        ResponseBody::Json(_) => quote!(answer.error_json(#error::#variant)),
        ResponseBody::Text | ResponseBody::Binary => {
            quote!(answer.error_text(#error::#variant))
        }
    }
}

/// The error enums of a family's operations: one per distinct set of documented error answers
/// (statuses, bodies and docs), shared by the operations that document the same set, in the
/// family's `errors` module. Each is named after its variants (`BadRequest`,
/// `BadRequestNotFound`, a number added when two sets would take one name).
pub(super) struct ErrorEnums {
    /// By the set's tokens: the enum's name and its tokens.
    by_content: HashMap<String, usize>,
    enums: Vec<(Ident, TokenStream)>,
    taken: HashSet<String>,
    /// The next number to try after each name.
    next: HashMap<String, usize>,
}

impl ErrorEnums {
    pub(super) fn new() -> Self {
        ErrorEnums {
            by_content: HashMap::new(),
            enums: Vec::new(),
            taken: HashSet::new(),
            next: HashMap::new(),
        }
    }

    /// The enum of `op`'s documented errors (made when first seen); none without errors.
    pub(super) fn of(&mut self, op: &Operation) -> Option<Ident> {
        if op.errors.is_empty() {
            return None;
        }
        let variants = outcome_variants(&op.errors);
        let key = quote!(#(#variants)*).to_string();
        if let Some(&i) = self.by_content.get(&key) {
            return Some(self.enums[i].0.clone());
        }
        let base: String = op.errors.iter().map(|o| o.variant.as_str()).collect();
        let mut name = base.clone();
        // Numbered from where the last of this name left off, not from 2 each time: thousands
        // of sets of the same statuses (and different docs) stay linear.
        while !self.taken.insert(name.clone()) {
            let n = self.next.entry(base.clone()).or_insert(2);
            name = format!("{base}{n}");
            *n += 1;
        }
        let name = ident(&name);
        let statuses: Vec<String> = op.errors.iter().map(|o| status_name(o.status)).collect();
        let doc = own_docs(&[format!(
            "Documented error answers, one variant per status ({}): the error enum of every \
             operation of this family that documents these.",
            statuses.join(", ")
        )]);
        let decode = error_decode(&name, &op.errors);
        let mock_answers = mock::error_answers(&name, &op.errors);
        let tokens = quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name {
                #(#variants)*
            }

            #decode
            #mock_answers
        };
        self.by_content.insert(key, self.enums.len());
        self.enums.push((name.clone(), tokens));
        Some(name)
    }

    /// The `errors` module of the family; none when no operation documents errors.
    pub(super) fn module(self) -> Option<TokenStream> {
        if self.enums.is_empty() {
            return None;
        }
        let enums = self.enums.into_iter().map(|(_, tokens)| tokens);
        Some(quote! {
            /// The error enums of this family's operations, each shared by the operations that
            /// document the same error answers; every operation names its own with an alias in
            /// [`operations`](super::operations) (`ShowAlertError`, ...).
            pub mod errors {
                #[allow(unused_imports)]
                use crate::types;
                #(#enums)*
            }
        })
    }
}

/// How an error enum decodes an answer that is not a documented success: one arm per documented
/// error status (codes, then ranges, then `default`), and one for any other status unless
/// `default` is documented.
fn error_decode(name: &Ident, errors: &[Outcome]) -> TokenStream {
    let mut ordered: Vec<&Outcome> = errors.iter().collect();
    ordered.sort_by_key(|o| match o.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    let this = ident("Self");
    let mut arms: Vec<TokenStream> = ordered
        .iter()
        .map(|outcome| {
            let pattern = status_pattern(outcome.status);
            let handling = error_variant_handling(outcome, &this);
            quote!(#pattern => #handling,)
        })
        .collect();
    if !ordered.iter().any(|o| o.status == StatusMatch::Default) {
        arms.push(quote!(_ => answer.unexpected(),));
    }
    let error_answers = call_item("ErrorAnswers");
    let answer = call_item("Answer");
    let decoded = call_item("Decoded");
    quote! {
        impl #error_answers for #name {
            fn decode<T>(answer: #answer) -> #decoded<T, Self> {
                match answer.status() {
                    #(#arms)*
                }
            }
        }
    }
}

/// `404`, `4xx`, `default`.
fn status_name(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(range) => format!("{range}xx"),
        StatusMatch::Default => "default".to_owned(),
    }
}

/// The operation's error type: an alias of its family's error enum for its documented errors.
pub(super) fn error_alias(names: &Names, shared: Option<&Ident>) -> Option<TokenStream> {
    let shared = shared?;
    let error = &names.error;
    let doc = own_docs(&[format!(
        "The documented error answers of {}, one variant per status.",
        names.method_link
    )]);
    Some(quote! {
        #doc
        pub type #error = super::errors::#shared;
    })
}

/// The documented success answers, one variant per status; only for more than one success.
pub(super) fn response_enum(op: &Operation, names: &Names) -> Option<TokenStream> {
    if op.successes.len() < 2 {
        return None;
    }
    let response = &names.response;
    let variants = outcome_variants(&op.successes);
    let doc = own_docs(&[format!(
        "The documented success answers of {}, one variant per status.",
        names.method_link
    )]);
    let mock_answers = mock::success_answers(response, &op.successes);
    Some(quote! {
        #doc
        #[derive(Debug)]
        pub enum #response {
            #(#variants)*
        }
        #mock_answers
    })
}

fn outcome_variants(outcomes: &[Outcome]) -> Vec<TokenStream> {
    outcomes
        .iter()
        .map(|o| {
            let variant = ident(&o.variant);
            let mut lines = vec![status_text(o.status)];
            lines.extend(doc_lines(&o.docs));
            let doc = own_docs(&lines);
            match &o.body {
                ResponseBody::Empty => quote!(#doc #variant,),
                body => {
                    let ty = response_body_type(body);
                    quote!(#doc #variant(#ty),)
                }
            }
        })
        .collect()
}

pub(super) fn response_body_type(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(ty) => type_tokens(ty, false),
        ResponseBody::Text => super::std_items::string(),
        ResponseBody::Binary => quote!(crate::ByteStream),
    }
}

fn status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => format!("Status {code}."),
        StatusMatch::Range(range) => format!("Any {range}xx status."),
        StatusMatch::Default => "Any other status (`default`).".to_owned(),
    }
}
