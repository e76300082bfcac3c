//! Types, in a family's `types` module or the shared file: one item per type of the model (an
//! alias, a string enum with the call machinery's `string_enum!` conversions, or a struct with
//! its `new` constructor), behind the features of the families that reach it when shared.

use super::std_items::{boxed, into, into_string, is_none_text, none, option, string, string_text};
use super::{call_item, ident, mock, own_docs, spec_docs, type_tokens, Gate};
use crate::doc_text::code_span;
use crate::model::{Directions, Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::names::Namespace;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// Most arguments a generated constructor takes (clippy's `too_many_arguments` starts at 8).
const MAX_CONSTRUCTOR_ARGUMENTS: usize = 7;

/// The items of `types`, each behind `gate` (empty outside the shared file).
pub(super) fn type_items<'a>(types: impl Iterator<Item = (&'a TypeDef, Gate)>) -> TokenStream {
    let mut out = TokenStream::new();
    for (def, gate) in types {
        out.extend(type_item(def, &gate));
    }
    out
}

fn type_item(def: &TypeDef, gate: &Gate) -> TokenStream {
    let cfg = &gate.cfg;
    match &def.kind {
        TypeKind::Alias(ty) => alias(def, ty, gate),
        TypeKind::Enum { variants, other } => string_enum(def, variants, other, gate),
        TypeKind::Struct {
            fields,
            additional,
            derives_default,
        } => {
            let additional_name = additional.as_ref().map(|_| additional_field_name(fields));
            let definition = struct_item(
                def,
                fields,
                additional.as_ref().zip(additional_name.as_ref()),
                *derives_default,
                gate,
            );
            let constructor = constructor(&def.name, fields, additional_name.as_ref())
                .map(|constructor| quote!(#cfg #constructor));
            quote! {
                #definition
                #constructor
            }
        }
    }
}

fn alias(def: &TypeDef, ty: &TypeRef, gate: &Gate) -> TokenStream {
    let Gate { cfg, doc_cfg } = gate;
    let name = ident(&def.name);
    let doc = spec_docs(&def.docs);
    let ty = type_tokens(ty, true);
    quote! {
        #doc
        #cfg
        #doc_cfg
        pub type #name = #ty;
    }
}

/// A string enum whose last variant keeps values not listed, and its conversions from and to
/// text (by the call machinery's `string_enum!`).
fn string_enum(def: &TypeDef, variants: &[Variant], other: &str, gate: &Gate) -> TokenStream {
    let Gate { cfg, doc_cfg } = gate;
    let name = ident(&def.name);
    let doc = spec_docs(&def.docs);
    let other = ident(other);
    let names: Vec<Ident> = variants.iter().map(|v| ident(&v.name)).collect();
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| own_docs(&[code_span(v)]));
    let string_enum = call_item("string_enum");
    let derives = serde_derives(def.directions);
    let Directions { sent, received } = def.directions;
    let string_text = string_text();
    let conversions = match (sent, received) {
        (true, false) => quote!(into = #string_text),
        (false, true) => quote!(from = #string_text),
        _ => quote!(from = #string_text, into = #string_text),
    };
    let string = string();
    let mock_half = mock::other_serde_half(def.directions, true);
    quote! {
        #doc
        #cfg
        #doc_cfg
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, #derives)]
        #[serde(#conversions)]
        #mock_half
        pub enum #name {
            #( #variant_docs #names, )*
            /// A value not listed in the spec, as received.
            #other(#string),
        }

        #cfg
        #string_enum!(#name { #( #names = #values, )* } else #other);
    }
}

/// The field that keeps properties the spec does not name, named apart from the others.
fn additional_field_name(fields: &[Field]) -> Ident {
    let taken: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    ident(&Namespace::with_reserved(&taken).claim_snake("additional_properties"))
}

fn struct_item(
    def: &TypeDef,
    fields: &[Field],
    additional: Option<(&TypeRef, &Ident)>,
    derives_default: bool,
    gate: &Gate,
) -> TokenStream {
    let Gate { cfg, doc_cfg } = gate;
    let name = ident(&def.name);
    let doc = spec_docs(&def.docs);
    let lean = reads_as_json_struct(def.directions, additional.is_some());
    let field_items = fields.iter().map(|f| struct_field(f, def.directions, lean));
    let additional = additional.map(|(value, name)| {
        let map = type_tokens(&TypeRef::Map(Box::new(value.clone())), true);
        quote! {
            /// Properties the spec does not name.
            #[serde(flatten)]
            pub #name: #map,
        }
    });
    let default = derives_default.then(|| quote!(, Default));
    // An answer struct is read by `json_struct!` (see `reads_as_json_struct`); any other derives
    // its serde traits.
    if lean {
        let json_struct = call_item("json_struct");
        let entries = fields.iter().map(|f| {
            let field = ident(&f.name);
            if f.name == f.wire_name {
                quote!(#field)
            } else {
                let wire = &f.wire_name;
                quote!(#field = #wire)
            }
        });
        return quote! {
            #doc
            #cfg
            #doc_cfg
            #[derive(Debug, Clone, PartialEq #default)]
            pub struct #name {
                #(#field_items)*
            }

            #cfg
            #json_struct!(#name => [#(#entries),*]);
        };
    }
    let derives = serde_derives(def.directions);
    let mock_half = mock::other_serde_half(def.directions, false);
    quote! {
        #doc
        #cfg
        #doc_cfg
        #[derive(Debug, Clone, PartialEq #default, #derives)]
        #mock_half
        pub struct #name {
            #(#field_items)*
            #additional
        }
    }
}

/// Whether a struct is read by the runtime's `json_struct!` rather than serde's derive: a struct
/// only received (not sent, so it needs no `Serialize` beyond the mock's, which the macro also
/// writes) and without a map of properties the spec does not name (which needs serde's
/// `flatten`). Such structs are most of a client's types, and the derive's code for reading
/// them was about 40 % of its compile time.
fn reads_as_json_struct(directions: Directions, additional: bool) -> bool {
    directions.received && !directions.sent && !additional
}

/// The serde derives of a type: `Serialize` when it is sent, `Deserialize` when it is received;
/// by absolute path, so that a type of the spec named `Serialize` stands in for neither.
fn serde_derives(directions: Directions) -> TokenStream {
    match (directions.sent, directions.received) {
        (true, false) => quote!(::serde::Serialize),
        (false, true) => quote!(::serde::Deserialize),
        _ => quote!(::serde::Serialize, ::serde::Deserialize),
    }
}

/// One field: an `Option` unless required and not nullable, boxed when the model says so,
/// renamed to its wire name when that differs (by `json_struct!` for its structs); with the serde
/// attributes of the directions its type travels in.
fn struct_field(field: &Field, directions: Directions, json_struct: bool) -> TokenStream {
    let name = ident(&field.name);
    let doc = spec_docs(&field.docs);
    let mut ty = type_tokens(&field.ty, true);
    if field.boxed {
        ty = boxed(ty);
    }
    let mut serde_args = Vec::new();
    // A `json_struct!` struct's wire names are the macro's; it has no serde attributes.
    if !json_struct && field.name != field.wire_name {
        let wire = &field.wire_name;
        serde_args.push(quote!(rename = #wire));
    }
    // A missing `Option` field reads as `None` without `#[serde(default)]`.
    let ty = if !field.required {
        if directions.sent {
            let is_none = is_none_text();
            serde_args.push(quote!(skip_serializing_if = #is_none));
        }
        option(ty)
    } else if field.nullable {
        option(ty)
    } else {
        ty
    };
    let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
    quote! {
        #doc
        #serde_attr
        pub #name: #ty,
    }
}

/// `new(required fields...)` for a struct with required fields, the others left empty, so that a
/// caller writes `Body { description: Some(..), ..Body::new(name, kind) }`.
fn constructor(
    type_name: &str,
    fields: &[Field],
    additional: Option<&Ident>,
) -> Option<TokenStream> {
    let required: Vec<&Field> = fields.iter().filter(|f| !f.is_optional()).collect();
    if required.is_empty() || required.len() > MAX_CONSTRUCTOR_ARGUMENTS {
        return None;
    }
    let args = required.iter().map(|f| {
        let name = ident(&f.name);
        let ty = match &f.ty {
            TypeRef::String => into_string(),
            ty => type_tokens(ty, true),
        };
        quote!(#name: #ty)
    });
    let inits = fields.iter().map(|f| {
        let name = ident(&f.name);
        if f.is_optional() {
            let none = none();
            quote!(#name: #none,)
        } else {
            match (&f.ty, f.boxed) {
                (TypeRef::String, _) => {
                    let value = into(quote!(#name));
                    quote!(#name: #value,)
                }
                (_, true) => quote!(#name: ::std::boxed::Box::new(#name),),
                _ => quote!(#name,),
            }
        }
    });
    let additional = additional.map(|name| quote!(#name: ::core::default::Default::default(),));
    let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.name)).collect();
    let doc = own_docs(&[format!(
        "A `{type_name}` with its required fields ({}) and no optional ones.",
        names.join(", ")
    )]);
    let type_ident = ident(type_name);
    Some(quote! {
        impl #type_ident {
            #doc
            pub fn new(#(#args),*) -> Self {
                Self {
                    #(#inits)*
                    #additional
                }
            }
        }
    })
}
