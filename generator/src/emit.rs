//! Emit: Rust tokens for the model. Thin code over the client runtime (`crate::runtime` of the
//! root package): types with serde attributes, one request builder per operation, and the methods
//! that start them on the scope handles.

use crate::model::{
    Api, Body, Field, Operation, Outcome, ParamLocation, ResponseBody, Scope, StatusMatch, TypeDef,
    TypeKind, TypeRef,
};
use crate::names::Namespace;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use std::collections::BTreeSet;

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Doc attributes for `lines`, made safe for rustdoc, clippy and doc tests whatever the spec's
/// descriptions contain (see [`crate::doc_text`]): fenced code is marked as text, indentation is
/// dropped, links, HTML and URLs are escaped or made valid, control characters removed.
pub fn docs(lines: &[String]) -> TokenStream {
    let mut out = TokenStream::new();
    for line in crate::doc_text::doc_lines(lines) {
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

/// The whole generated file, before formatting.
pub fn file(api: &Api) -> TokenStream {
    let types = types_module(api);
    let operations = operations_module(api);
    quote! {
        #types
        #operations
    }
}

fn types_module(api: &Api) -> TokenStream {
    let defaultable = defaultable_types(&api.types);
    let items = api.types.iter().map(|t| type_def(t, &defaultable));
    quote! {
        /// Request and response bodies of the SecMaster API, one type per schema.
        pub mod types {
            #[allow(unused_imports)]
            use serde::{Deserialize, Serialize};
            #(#items)*
        }
    }
}

/// Types that can derive `Default`: structs whose fields are all optional or of a type with a
/// default.
fn defaultable_types(types: &[TypeDef]) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    loop {
        let before = set.len();
        for t in types {
            let ok = match &t.kind {
                TypeKind::Struct { fields, .. } => fields
                    .iter()
                    .all(|f| is_optional(f) || has_default(&f.ty, &set)),
                TypeKind::Alias(_) | TypeKind::Enum { .. } => false,
            };
            if ok {
                set.insert(t.name.clone());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

fn has_default(ty: &TypeRef, set: &BTreeSet<String>) -> bool {
    match ty {
        TypeRef::Named(name) => set.contains(name),
        _ => true,
    }
}

fn is_optional(field: &Field) -> bool {
    !field.required || field.nullable
}

fn type_def(def: &TypeDef, defaultable: &BTreeSet<String>) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs(&def.docs);
    match &def.kind {
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ty, true);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
        TypeKind::Enum { variants, other } => {
            let other = ident(other);
            let names: Vec<Ident> = variants.iter().map(|v| ident(&v.name)).collect();
            let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
            let variant_docs = values.iter().map(|v| docs(&[format!("`{v}`")]));
            quote! {
                #doc
                ///
                /// Values this client does not know yet are kept in the last variant, so a value
                /// the service adds later is read without error and sent back unchanged.
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
                #[serde(from = "String", into = "String")]
                pub enum #name {
                    #( #variant_docs #names, )*
                    /// A value not listed in the spec, as received.
                    #other(String),
                }

                crate::runtime::string_enum!(#name { #( #names = #values, )* } else #other);
            }
        }
        TypeKind::Struct { fields, additional } => {
            let mut field_names = Namespace::with_reserved(
                &fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            );
            let field_tokens = fields.iter().map(|field| {
                let name = ident(&field.name);
                let doc = docs(&field.docs);
                let mut ty = type_tokens(&field.ty, true);
                if field.boxed {
                    ty = quote!(Box<#ty>);
                }
                let mut serde_args = Vec::new();
                if field.name != field.wire_name {
                    let wire = &field.wire_name;
                    serde_args.push(quote!(rename = #wire));
                }
                let ty = if !field.required {
                    serde_args.push(quote!(default, skip_serializing_if = "Option::is_none"));
                    quote!(Option<#ty>)
                } else if field.nullable {
                    serde_args.push(quote!(default));
                    quote!(Option<#ty>)
                } else {
                    ty
                };
                let serde_attr =
                    (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
                quote! {
                    #doc
                    #serde_attr
                    pub #name: #ty,
                }
            });
            let additional_name = additional
                .as_ref()
                .map(|_| ident(&field_names.claim_snake("additional_properties")));
            let additional =
                additional
                    .as_ref()
                    .zip(additional_name.as_ref())
                    .map(|(value, name)| {
                        let ty = type_tokens(value, true);
                        quote! {
                            /// Properties the spec does not name.
                            #[serde(flatten)]
                            pub #name: std::collections::BTreeMap<String, #ty>,
                        }
                    });
            let default = defaultable.contains(&def.name).then(|| quote!(Default,));
            let constructor = constructor(&def.name, fields, additional_name.as_ref());
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
                pub struct #name {
                    #(#field_tokens)*
                    #additional
                }
                #constructor
            }
        }
    }
}

/// Most arguments a generated constructor takes (clippy's `too_many_arguments` starts at 8).
const MAX_CONSTRUCTOR_ARGUMENTS: usize = 7;

/// `new(required fields...)` for a struct with required fields, the others left empty, so that a
/// caller writes `Body { description: Some(..), ..Body::new(name, kind) }`.
fn constructor(
    type_name: &str,
    fields: &[Field],
    additional: Option<&Ident>,
) -> Option<TokenStream> {
    let required: Vec<&Field> = fields.iter().filter(|f| !is_optional(f)).collect();
    if required.is_empty() || required.len() > MAX_CONSTRUCTOR_ARGUMENTS {
        return None;
    }
    let args = required.iter().map(|f| {
        let name = ident(&f.name);
        let ty = match &f.ty {
            TypeRef::String => quote!(impl Into<String>),
            ty => type_tokens(ty, true),
        };
        quote!(#name: #ty)
    });
    let inits = fields.iter().map(|f| {
        let name = ident(&f.name);
        if is_optional(f) {
            quote!(#name: None,)
        } else {
            match (&f.ty, f.boxed) {
                (TypeRef::String, _) => quote!(#name: #name.into(),),
                (_, true) => quote!(#name: Box::new(#name),),
                _ => quote!(#name,),
            }
        }
    });
    let additional = additional.map(|name| quote!(#name: Default::default(),));
    let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.name)).collect();
    let doc = format!(
        " A `{type_name}` with its required fields ({}) and no optional ones.",
        names.join(", ")
    );
    let type_ident = ident(type_name);
    Some(quote! {
        impl #type_ident {
            #[doc = #doc]
            pub fn new(#(#args),*) -> Self {
                Self {
                    #(#inits)*
                    #additional
                }
            }
        }
    })
}

fn operations_module(api: &Api) -> TokenStream {
    let items = api.operations.iter().map(operation);
    quote! {
        /// One request builder per operation: set optional parameters, then `.await` it (or call
        /// `send`). The builders are made by the methods of [`crate::Client`],
        /// [`crate::ProjectClient`] and [`crate::WorkspaceClient`].
        pub mod operations {
            #[allow(unused_imports)]
            use crate::types;
            #(#items)*
        }
    }
}

/// A setter or argument type, and how to store what the caller gives.
fn argument(ty: &TypeRef) -> (TokenStream, Box<dyn Fn(TokenStream) -> TokenStream>) {
    match ty {
        TypeRef::String => (quote!(impl Into<String>), Box::new(|v| quote!(#v.into()))),
        other => (type_tokens(other, false), Box::new(|v| v)),
    }
}

fn scope_type(scope: Scope) -> TokenStream {
    match scope {
        Scope::Client => quote!(crate::Client),
        Scope::Project => quote!(crate::ProjectClient),
        Scope::Workspace => quote!(crate::WorkspaceClient),
    }
}

/// One field of an operation's request builder.
struct BuilderField {
    name: Ident,
    ty: TokenStream,
    required: bool,
    docs: Vec<String>,
    arg_ty: TokenStream,
    convert: Box<dyn Fn(TokenStream) -> TokenStream>,
}

fn operation(op: &Operation) -> TokenStream {
    let request_name = ident(&format!("{}Request", op.type_name));
    let error_name = ident(&format!("{}Error", op.type_name));
    let response_name = ident(&format!("{}Response", op.type_name));
    let method_name = ident(&op.method_name);
    let scope = scope_type(op.scope);
    let scope_path = scope.to_string().replace(' ', "");
    let method_link = format!("{scope_path}::{}", op.method_name);

    let mut fields: Vec<BuilderField> = Vec::new();
    for param in op.parameters.iter().filter(|p| !p.from_scope) {
        let (arg_ty, convert) = argument(&param.ty);
        fields.push(BuilderField {
            name: ident(&param.name),
            ty: type_tokens(&param.ty, false),
            required: param.required,
            docs: param.docs.clone(),
            arg_ty,
            convert,
        });
    }
    match &op.body {
        Some(Body::Json {
            name,
            ty,
            required,
            docs,
        }) => fields.push(BuilderField {
            name: ident(name),
            ty: type_tokens(ty, false),
            required: *required,
            docs: if docs.is_empty() {
                vec!["The request body.".to_owned()]
            } else {
                docs.clone()
            },
            arg_ty: type_tokens(ty, false),
            convert: Box::new(|v| v),
        }),
        Some(Body::Binary {
            name,
            required,
            docs,
        }) => fields.push(BuilderField {
            name: ident(name),
            ty: quote!(crate::UploadFile),
            required: *required,
            docs: if docs.is_empty() {
                vec!["The content to upload.".to_owned()]
            } else {
                docs.clone()
            },
            arg_ty: quote!(crate::UploadFile),
            convert: Box::new(|v| v),
        }),
        Some(Body::Multipart { fields: form }) => {
            for field in form {
                let (ty, arg_ty, convert): (
                    TokenStream,
                    TokenStream,
                    Box<dyn Fn(TokenStream) -> TokenStream>,
                ) = match &field.text {
                    None => (
                        quote!(crate::UploadFile),
                        quote!(crate::UploadFile),
                        Box::new(|v| v),
                    ),
                    Some(text) => {
                        let (arg_ty, convert) = argument(text);
                        (type_tokens(text, false), arg_ty, convert)
                    }
                };
                fields.push(BuilderField {
                    name: ident(&field.name),
                    ty,
                    required: field.required,
                    docs: field.docs.clone(),
                    arg_ty,
                    convert,
                });
            }
        }
        None => {}
    }

    let struct_fields = fields.iter().map(|f| {
        let name = &f.name;
        let ty = &f.ty;
        if f.required {
            quote!(#name: #ty,)
        } else {
            quote!(#name: Option<#ty>,)
        }
    });
    let required: Vec<&BuilderField> = fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let name = &f.name;
        let ty = &f.arg_ty;
        quote!(#name: #ty)
    });
    let inits = fields.iter().map(|f| {
        let name = &f.name;
        if f.required {
            let value = (f.convert)(quote!(#name));
            if *name == value.to_string() {
                quote!(#name,)
            } else {
                quote!(#name: #value,)
            }
        } else {
            quote!(#name: None,)
        }
    });
    let setters = fields.iter().filter(|f| !f.required).map(|f| {
        let name = &f.name;
        let ty = &f.arg_ty;
        let value = (f.convert)(quote!(#name));
        let doc = docs(&f.docs);
        quote! {
            #doc
            pub fn #name(mut self, #name: #ty) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    let required_docs: Vec<String> = required
        .iter()
        .filter(|f| !f.docs.is_empty())
        .map(|f| {
            format!(
                "- `{}`: {}",
                f.name,
                f.docs
                    .iter()
                    .take_while(|l| !l.trim().is_empty())
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        })
        .collect();

    // The request, as the runtime sends it.
    let operation_id = &op.operation_id;
    let path = &op.path;
    let mut steps = Vec::new();
    for param in &op.parameters {
        let wire = &param.wire_name;
        let value = if param.from_scope {
            let accessor = ident(&param.name);
            quote!(self.scope.#accessor())
        } else {
            let name = ident(&param.name);
            quote!(&self.#name)
        };
        steps.push(match param.location {
            ParamLocation::Path => quote!(.path_param(#wire, #value)),
            ParamLocation::Query => quote!(.query(#wire, #value)),
            ParamLocation::Header => quote!(.header(#wire, #value)),
        });
    }
    match &op.body {
        Some(Body::Json { name, required, .. }) => {
            let name = ident(name);
            steps.push(if *required {
                quote!(.json(&self.#name))
            } else {
                quote!(.json_opt(self.#name.as_ref()))
            });
        }
        Some(Body::Binary { name, .. }) => {
            let name = ident(name);
            steps.push(quote!(.binary(self.#name)));
        }
        Some(Body::Multipart { fields: form }) => {
            for field in form {
                let wire = &field.wire_name;
                let name = ident(&field.name);
                steps.push(match (&field.text, field.json, field.required) {
                    (None, _, _) => quote!(.multipart_file(#wire, self.#name)),
                    (Some(_), false, _) => quote!(.multipart_text(#wire, &self.#name)),
                    (Some(_), true, true) => quote!(.multipart_json(#wire, Some(&self.#name))),
                    (Some(_), true, false) => quote!(.multipart_json(#wire, self.#name.as_ref())),
                });
            }
        }
        None => {}
    }

    // The answer: one arm per documented status.
    let single_success = op.successes.len() == 1;
    let success_ty = match op.successes.as_slice() {
        [] => quote!(()),
        [one] => response_body_type(&one.body),
        _ => quote!(#response_name),
    };
    let has_errors = !op.errors.is_empty();
    let error_ty = if has_errors {
        quote!(crate::Error<#error_name>)
    } else {
        quote!(crate::Error)
    };
    let mut arms = Vec::new();
    let mut ordered: Vec<&Outcome> = op.successes.iter().chain(&op.errors).collect();
    ordered.sort_by_key(|o| match o.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    let mut has_default = false;
    for outcome in ordered {
        let pattern = match outcome.status {
            StatusMatch::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                quote!(#code)
            }
            StatusMatch::Range(range) => {
                let low = Literal::u16_unsuffixed(range * 100);
                let high = Literal::u16_unsuffixed(range * 100 + 99);
                quote!(#low..=#high)
            }
            StatusMatch::Default => {
                has_default = true;
                quote!(_)
            }
        };
        let variant = ident(&outcome.variant);
        let is_success = op.successes.iter().any(|s| s.status == outcome.status);
        let handling = if is_success {
            let read = match &outcome.body {
                ResponseBody::Empty => quote!(response.empty().await),
                ResponseBody::Json(ty) if !single_success => {
                    let ty = type_tokens(ty, false);
                    quote!(response.json::<#ty, _>().await)
                }
                ResponseBody::Json(_) => quote!(response.json().await),
                ResponseBody::Text => quote!(response.text().await),
                ResponseBody::Binary => quote!(response.stream()),
            };
            if single_success {
                read
            } else {
                match &outcome.body {
                    ResponseBody::Empty => {
                        quote!(#read.map(|r| r.map(|()| #response_name::#variant)))
                    }
                    _ => quote!(#read.map(|r| r.map(#response_name::#variant))),
                }
            }
        } else {
            match &outcome.body {
                ResponseBody::Empty => quote!(response.error_empty(#error_name::#variant).await),
                ResponseBody::Json(_) => quote!(response.error_json(#error_name::#variant).await),
                ResponseBody::Text | ResponseBody::Binary => {
                    quote!(response.error_text(#error_name::#variant).await)
                }
            }
        };
        arms.push(quote!(#pattern => #handling,));
    }
    if !has_default {
        arms.push(quote!(_ => response.unexpected().await,));
    }

    let variant_items = |outcomes: &[Outcome]| -> Vec<TokenStream> {
        outcomes
            .iter()
            .map(|o| {
                let variant = ident(&o.variant);
                let mut lines = vec![status_text(o.status)];
                lines.extend(o.docs.iter().cloned());
                let doc = docs(&lines);
                match &o.body {
                    ResponseBody::Empty => quote!(#doc #variant,),
                    body => {
                        let ty = response_body_type(body);
                        quote!(#doc #variant(#ty),)
                    }
                }
            })
            .collect()
    };
    let error_enum = has_errors.then(|| {
        let variants = variant_items(&op.errors);
        let doc = format!(" The documented error answers of [`{method_link}`]({method_link}), one variant per status.");
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #error_name {
                #(#variants)*
            }
        }
    });
    let response_enum = (op.successes.len() > 1).then(|| {
        let variants = variant_items(&op.successes);
        let doc = format!(" The documented success answers of [`{method_link}`]({method_link}), one variant per status.");
        quote! {
            #[doc = #doc]
            #[derive(Debug)]
            pub enum #response_name {
                #(#variants)*
            }
        }
    });

    let mut method_docs = op.docs.clone();
    if !method_docs.is_empty() {
        method_docs.push(String::new());
    }
    method_docs.push(format!(
        "`{} {}` (operation `{}`, from `{}`).",
        op.http_method, op.path, op.operation_id, op.source
    ));
    if !required_docs.is_empty() {
        method_docs.push(String::new());
        method_docs.push("Arguments:".to_owned());
        method_docs.extend(required_docs);
    }
    if fields.iter().any(|f| !f.required) {
        method_docs.push(String::new());
        method_docs.push(format!(
            "Optional parameters are set on the returned [`{request_name}`]."
        ));
    }
    let method_doc = docs(&method_docs);
    let request_doc =
        format!(" Request builder for [`{method_link}`]({method_link}); `.await` it to send it.");
    let success_doc = if single_success {
        op.successes[0].docs.clone()
    } else {
        Vec::new()
    };
    let mut send_docs = vec!["Sends the request and reads the answer.".to_owned()];
    if !success_doc.is_empty() {
        send_docs.push(String::new());
        send_docs.push("On success:".to_owned());
        send_docs.extend(success_doc);
    }
    let send_doc = docs(&send_docs);
    let method_token = ident(&op.http_method);
    let client = match op.scope {
        Scope::Client => quote!(self.scope),
        Scope::Project | Scope::Workspace => quote!(self.scope.client()),
    };

    quote! {
        #[doc = #request_doc]
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #request_name {
            scope: #scope,
            #(#struct_fields)*
            options: crate::CallOptions,
        }

        impl #scope {
            #method_doc
            pub fn #method_name(&self, #(#args),*) -> #request_name {
                #request_name {
                    scope: self.clone(),
                    #(#inits)*
                    options: crate::CallOptions::default(),
                }
            }
        }

        impl #request_name {
            #(#setters)*

            /// Overrides the client's timeouts and retry policy for this call.
            pub fn options(mut self, options: crate::CallOptions) -> Self {
                self.options = options;
                self
            }

            #send_doc
            pub async fn send(self) -> Result<crate::Response<#success_ty>, #error_ty> {
                let request = crate::runtime::ApiRequest::new(#operation_id, crate::runtime::Method::#method_token, #path)
                    #(#steps)*
                    .options(self.options);
                let response = #client.execute(request).await?;
                match response.status() {
                    #(#arms)*
                }
            }
        }

        impl std::future::IntoFuture for #request_name {
            type Output = Result<crate::Response<#success_ty>, #error_ty>;
            type IntoFuture = crate::runtime::BoxFuture<Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        #error_enum
        #response_enum
    }
}

fn response_body_type(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(ty) => type_tokens(ty, false),
        ResponseBody::Text => quote!(String),
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
