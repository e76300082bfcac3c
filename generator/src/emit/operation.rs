//! The items of each operation, in its family's `operations` module: the request builder struct,
//! the method of the scope handle that makes it (one `impl` block per handle and family), its
//! setters and `call` (the request and the function that decodes its answer), the runtime's
//! `operation!` for `options`, `send` and `IntoFuture`, and the enums of its documented error and
//! success answers.

use super::answer::{
    answer_arms, answer_reads, error_alias, response_body_type, response_enum, single_success,
    ErrorEnums,
};
use super::std_items::{into, into_string, none, option, some};
use super::{call_item, ident, own_docs, spec_docs, type_tokens, Names};
use crate::doc_text::{code_span, doc_lines, inline_text};
use crate::model::{Body, Docs, Operation, Paging, ParamLocation, Scope, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The items of a family's operations, and the methods that start them, in one `impl` block per
/// scope handle marked for docs as needing `feature`.
pub(super) fn operation_items<'a>(
    operations: impl Iterator<Item = &'a Operation>,
    feature: &str,
    errors: &mut ErrorEnums,
) -> TokenStream {
    let mut out = TokenStream::new();
    let mut methods: [(Scope, TokenStream); 3] = [
        (Scope::Client, TokenStream::new()),
        (Scope::Project, TokenStream::new()),
        (Scope::Workspace, TokenStream::new()),
    ];
    for op in operations {
        let names = Names::of(op);
        let fields = builder_fields(op);
        if let Some((_, block)) = methods.iter_mut().find(|(scope, _)| *scope == op.scope) {
            block.extend(scope_method(op, &names, &fields));
        }
        let shared_error = errors.of(op);
        out.extend(items_of(op, &names, &fields, shared_error.as_ref()));
    }
    for (scope, block) in methods {
        if block.is_empty() {
            continue;
        }
        let scope = ident(scope_name(scope));
        out.extend(quote! {
            #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]
            impl crate::#scope {
                #block
            }
        });
    }
    out
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Client => "Client",
        Scope::Project => "ProjectClient",
        Scope::Workspace => "WorkspaceClient",
    }
}

/// How a builder stores what the caller gives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Conversion {
    AsGiven,
    /// The argument is `impl Into<String>`.
    Into,
}

impl Conversion {
    fn of(ty: &TypeRef) -> Conversion {
        match ty {
            TypeRef::String => Conversion::Into,
            _ => Conversion::AsGiven,
        }
    }

    /// The type of an argument or setter for a value of `ty`.
    fn argument_type(self, ty: TokenStream) -> TokenStream {
        match self {
            Conversion::AsGiven => ty,
            Conversion::Into => into_string(),
        }
    }

    fn apply(self, name: &Ident) -> TokenStream {
        match self {
            Conversion::AsGiven => quote!(#name),
            Conversion::Into => into(quote!(#name)),
        }
    }
}

/// One field of an operation's request builder: a parameter, the body, or a form field.
struct BuilderField {
    name: Ident,
    ty: TokenStream,
    required: bool,
    docs: Docs,
    conversion: Conversion,
}

impl BuilderField {
    fn argument_type(&self) -> TokenStream {
        self.conversion.argument_type(self.ty.clone())
    }
}

/// The fields of an operation's builder: parameters the handle does not supply, then the body.
fn builder_fields(op: &Operation) -> Vec<BuilderField> {
    let mut fields: Vec<BuilderField> = op
        .parameters
        .iter()
        .filter(|p| !p.from_scope)
        .map(|param| BuilderField {
            name: ident(&param.name),
            ty: type_tokens(&param.ty, false),
            required: param.required,
            docs: param.docs.clone(),
            conversion: Conversion::of(&param.ty),
        })
        .collect();
    let upload = |name: &str, required: bool, docs: &Docs| BuilderField {
        name: ident(name),
        ty: quote!(crate::UploadFile),
        required,
        docs: docs.clone(),
        conversion: Conversion::AsGiven,
    };
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
            docs: docs.clone(),
            conversion: Conversion::AsGiven,
        }),
        Some(Body::Binary {
            name,
            required,
            docs,
        }) => fields.push(upload(name, *required, docs)),
        Some(Body::Multipart { fields: form }) => {
            for field in form {
                fields.push(match &field.text {
                    None => upload(&field.name, field.required, &field.docs),
                    Some(text) => BuilderField {
                        name: ident(&field.name),
                        ty: type_tokens(text, false),
                        required: field.required,
                        docs: field.docs.clone(),
                        conversion: Conversion::of(text),
                    },
                });
            }
        }
        None => {}
    }
    fields
}

fn items_of(
    op: &Operation,
    names: &Names,
    fields: &[BuilderField],
    shared_error: Option<&Ident>,
) -> TokenStream {
    let request_struct = request_struct(op, names, fields);
    let request_impl = request_impl(op, names, fields);
    let error_enum = error_alias(names, shared_error);
    let response_enum = response_enum(op, names);
    let paged = super::paging::paged(op, names);
    quote! {
        #request_struct
        #request_impl
        #paged
        #error_enum
        #response_enum
    }
}

fn request_struct(op: &Operation, names: &Names, fields: &[BuilderField]) -> TokenStream {
    let Names { request, scope, .. } = names;
    let doc = request_docs(op, names);
    let base = call_item("Base");
    let struct_fields = fields.iter().map(|f| {
        let name = &f.name;
        let ty = &f.ty;
        if f.required {
            quote!(#name: #ty,)
        } else {
            let ty = option(ty.clone());
            quote!(#name: #ty,)
        }
    });
    // A paged operation's builder is copied for each page.
    let derives = match op.paging {
        Paging::Paged(_) => quote!(#[derive(Debug, Clone)]),
        _ => quote!(#[derive(Debug)]),
    };
    quote! {
        #doc
        #derives
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #request {
            base: #base<crate::#scope>,
            #(#struct_fields)*
        }
    }
}

/// The method of the scope handle that starts the request, taking its required fields.
fn scope_method(op: &Operation, names: &Names, fields: &[BuilderField]) -> TokenStream {
    let Names {
        request, method, ..
    } = names;
    let required: Vec<&BuilderField> = fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let name = &f.name;
        let ty = f.argument_type();
        quote!(#name: #ty)
    });
    let inits = fields.iter().map(|f| {
        let name = &f.name;
        match (f.required, f.conversion) {
            (false, _) => {
                let none = none();
                quote!(#name: #none,)
            }
            (true, Conversion::AsGiven) => quote!(#name,),
            (true, conversion) => {
                let value = conversion.apply(name);
                quote!(#name: #value,)
            }
        }
    });
    let doc = method_docs(op, names, fields);
    let base = call_item("Base");
    quote! {
        #doc
        pub fn #method(&self #(, #args)*) -> #request {
            #request {
                base: #base::new(self),
                #(#inits)*
            }
        }
    }
}

/// The method's docs: the operation's own, where it comes from, its arguments, and where its
/// optional parameters are set.
fn method_docs(op: &Operation, names: &Names, fields: &[BuilderField]) -> TokenStream {
    let mut lines = doc_lines(&op.docs);
    if !lines.is_empty() {
        lines.push(String::new());
    }
    let optional = if fields.iter().any(|f| !f.required) {
        format!(
            " Optional parameters are set on the returned [`{}`].",
            names.request
        )
    } else {
        String::new()
    };
    lines.push(format!(
        "{} (operation {}, from {}).{optional}",
        code_span(&format!("{} {}", op.http_method, op.path)),
        code_span(&op.operation_id),
        code_span(&op.source)
    ));
    let arguments: Vec<String> = fields
        .iter()
        .filter(|f| f.required && !f.docs.is_empty())
        .map(|f| {
            let first_paragraph: Vec<&str> = f
                .docs
                .iter()
                .take_while(|l| !l.trim().is_empty())
                .map(|l| l.trim())
                .collect();
            format!(
                "- `{}`: {}",
                f.name,
                inline_text(&first_paragraph.join(" "))
            )
        })
        .collect();
    if !arguments.is_empty() {
        lines.push(String::new());
        lines.push("Arguments:".to_owned());
        lines.extend(arguments);
    }
    own_docs(&lines)
}

/// The builder's setters and `call` (its request and how its answers are decoded); `options`,
/// `send` and `IntoFuture` come from the runtime's `operation!`.
fn request_impl(op: &Operation, names: &Names, fields: &[BuilderField]) -> TokenStream {
    let request = &names.request;
    let setters = fields.iter().filter(|f| !f.required).map(setter);
    let call = call_method(op, names);
    let (success, error) = result_types(op, names);
    let operation = call_item("operation");
    quote! {
        impl #request {
            #(#setters)*

            #call
        }

        #operation!(#request => #success, #error);
    }
}

fn setter(field: &BuilderField) -> TokenStream {
    let name = &field.name;
    let ty = field.argument_type();
    let value = some(field.conversion.apply(name));
    let doc = spec_docs(&field.docs);
    quote! {
        #doc
        pub fn #name(mut self, #name: #ty) -> Self {
            self.#name = #value;
            self
        }
    }
}

/// What `send` answers with: the success body type (or the success enum) and the type of the
/// typed error body (`Infallible` without documented errors).
fn result_types(op: &Operation, names: &Names) -> (TokenStream, TokenStream) {
    let response = &names.response;
    let success = match op.successes.as_slice() {
        [] => quote!(()),
        [one] => response_body_type(&one.body),
        _ => quote!(#response),
    };
    let error = &names.error;
    let error = if op.errors.is_empty() {
        quote!(::core::convert::Infallible)
    } else {
        quote!(#error)
    };
    (success, error)
}

/// The docs of the request builder: what makes it, and what a single success holds.
fn request_docs(op: &Operation, names: &Names) -> TokenStream {
    let mut lines = vec![format!(
        "Request builder for {}; `.await` it (or what `send()` returns) to send it.",
        names.method_link
    )];
    if let [single] = op.successes.as_slice() {
        let mut success = doc_lines(&single.docs).into_iter();
        if let Some(first) = success.next() {
            if let Some(line) = lines.first_mut() {
                line.push_str(" On success: ");
                line.push_str(&first);
            }
            lines.extend(success);
        }
    }
    own_docs(&lines)
}

/// `call`: the request, started from the handle (which puts its ids into the path), and how its
/// answer is read: the runtime's reader for a single documented success status, else the listed
/// successes and a decode function. `#[inline]`: it is compiled in the crate that sends the
/// request, only if it does.
fn call_method(op: &Operation, names: &Names) -> TokenStream {
    let (success, error) = result_types(op, names);
    let operation_id = &op.operation_id;
    let path = &op.path;
    let start = match op.http_method.as_str() {
        "GET" | "POST" | "PUT" | "DELETE" | "PATCH" => {
            let method = ident(&op.http_method.to_lowercase());
            quote!(#method(#operation_id, #path))
        }
        other => {
            let method = call_item("Method");
            let http_method = ident(other);
            quote!(request(#operation_id, #method::#http_method, #path))
        }
    };
    let steps = request_steps(op);
    let finish = match single_success(op) {
        Some(reader) => reader,
        None => {
            let answers = answer_reads(op);
            let arms = answer_arms(op, names);
            quote! {
                #answers
                .decode(|answer| match answer.status() {
                    #(#arms)*
                })
            }
        }
    };
    quote! {
        #[inline]
        fn call(self) -> crate::Call<#success, #error> {
            self.base
                .#start
                #(#steps)*
                #finish
        }
    }
}

/// The calls that put the parameters and the body into the request.
fn request_steps(op: &Operation) -> Vec<TokenStream> {
    let mut steps: Vec<TokenStream> = op
        .parameters
        .iter()
        // The handle puts its own ids into the path.
        .filter(|param| !param.from_scope)
        .map(|param| {
            let wire = &param.wire_name;
            let name = ident(&param.name);
            let value = quote!(&self.#name);
            match param.location {
                ParamLocation::Path => quote!(.path_param(#wire, #value)),
                ParamLocation::Query => quote!(.query(#wire, #value)),
                ParamLocation::Header => quote!(.header(#wire, #value)),
            }
        })
        .collect();
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
        Some(Body::Multipart { fields }) => {
            for field in fields {
                let wire = &field.wire_name;
                let name = ident(&field.name);
                steps.push(match (&field.text, field.json, field.required) {
                    (None, _, _) => quote!(.multipart_file(#wire, self.#name)),
                    (Some(_), false, _) => quote!(.multipart_text(#wire, &self.#name)),
                    (Some(_), true, true) => {
                        let value = some(quote!(&self.#name));
                        quote!(.multipart_json(#wire, #value))
                    }
                    (Some(_), true, false) => quote!(.multipart_json(#wire, self.#name.as_ref())),
                });
            }
        }
        None => {}
    }
    steps
}
