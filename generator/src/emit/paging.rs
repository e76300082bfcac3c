//! The paging of a paged operation: a short `paged!` after its builder, telling the runtime's
//! generic driver (`crate::paging`) where the builder's offset and limit are, the page size to ask
//! for, and where an answer holds its items and total; the macro gives the builder its `impl
//! Paged`, `pages()` and `items()`. The streams themselves are written once in the runtime.

use super::std_items::some;
use super::{ident, type_tokens, Names};
use crate::model::{Operation, PagePlace, PageStyle, Paging, Step};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The module of the root package that holds the paging driver and its `streams!` macro.
pub const PAGING_MODULE: &str = "paging";

/// `impl Paged` and `streams!` for a paged operation; nothing for the others.
pub(super) fn paged(op: &Operation, names: &Names) -> TokenStream {
    let (Paging::Paged(pager), [_]) = (&op.paging, op.successes.as_slice()) else {
        return TokenStream::new();
    };
    let module = ident(PAGING_MODULE);
    let request = &names.request;
    let item = type_tokens(&pager.item, false);
    let field = |name: &str| {
        let name = ident(name);
        match &pager.location {
            PagePlace::Query => quote!(#name),
            PagePlace::Body(body) => {
                let body = ident(body);
                quote!(#body.#name)
            }
        }
    };
    let (offset, limit) = (field(&pager.offset), field(&pager.limit));
    let style = match pager.style {
        PageStyle::Records => TokenStream::new(),
        PageStyle::Pages => quote!(style: Pages,),
    };
    let size = Literal::u64_unsuffixed(pager.page_size);
    let items = items_expr(&pager.items);
    let total = pager.total.as_ref().map(|steps| {
        let total = total_expr(steps);
        quote!(total: |page| #total,)
    });
    quote! {
        crate::#module::paged!(#request => #item {
            #style
            size: #size,
            offset_limit: (#offset, #limit),
            items: |page| #items,
            #total
        });
    }
}

/// `Option<&mut Vec<Item>>` from `page: &mut Answer`, with `?` where an outer field may be missing.
fn items_expr(steps: &[Step]) -> TokenStream {
    let Some((last, before)) = steps.split_last() else {
        return quote!(page);
    };
    let prefix = prefix(before, quote!(as_mut));
    let name = ident(&last.field);
    if last.optional {
        quote!(#prefix.#name.as_mut())
    } else {
        some(quote!(&mut #prefix.#name))
    }
}

/// The total (an integer) from `page: &Answer`, with `?` where a field may be missing.
fn total_expr(steps: &[Step]) -> TokenStream {
    let Some((last, before)) = steps.split_last() else {
        return quote!(page);
    };
    let prefix = prefix(before, quote!(as_ref));
    let name = ident(&last.field);
    if last.optional {
        quote!(#prefix.#name?)
    } else {
        quote!(#prefix.#name)
    }
}

/// `page.outer` (or `page.outer.as_mut()?` when it may be missing) for the steps before the last.
fn prefix(steps: &[Step], borrow: TokenStream) -> TokenStream {
    let mut expr = quote!(page);
    for step in steps {
        let name = ident(&step.field);
        expr = if step.optional {
            quote!(#expr.#name.#borrow()?)
        } else {
            quote!(#expr.#name)
        };
    }
    expr
}
