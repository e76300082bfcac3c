//! Reading every page of a list or search operation as a stream: [`Pages`] (each answer whole)
//! and [`Items`] (the records of every page, one by one), driven by [`Paged`], which the
//! generated request builders of paged operations implement.
//!
//! The driver is written once here and generic over the builder, so a paged operation adds only
//! a short `Paged` impl (where its offset, limit, items and total are) and `streams!` to the
//! generated code, and the stream is compiled only for the
//! operations an application reads this way.
//!
//! One request at a time, each sent only when the stream is polled past the previous page. The
//! stream stops after an empty page, a short page (fewer items than the page size asked for), the
//! last page of the total the latest answer reports (a total that changes while paging is
//! followed), or once [`Pages::max_items`] items were read; an error is yielded as it came, and
//! ends the stream.

use crate::call::Call;
use crate::error::Error;
use crate::response::Response;
use futures_util::Stream;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// What the offset parameter of a paged operation counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// Records to skip: the next page starts after the items already read.
    Records,
    /// Pages to skip, counted from 0: the next page is the next number.
    Pages,
}

/// A request builder whose operation answers one page of a list at a time, and how to move it
/// from page to page. The generated builders of paged operations implement it; the way to use
/// it is their `pages()` and `items()` methods.
pub trait Paged: Answer + Clone + Send + 'static {
    /// One record of a page.
    type Item;
    /// What the operation's offset counts.
    const STYLE: PageStyle = PageStyle::Records;
    /// The page size asked for when the builder sets no limit: the spec's largest `limit`, or
    /// its default, within the range the spec gives.
    const PAGE_SIZE: u64;

    /// The builder's offset and limit, to read what the caller set and to set each page's.
    #[doc(hidden)]
    fn offset_and_limit(&mut self) -> OffsetAndLimit<'_>;
    /// The items of a page, where the answer has them.
    #[doc(hidden)]
    fn items_of(page: &mut Self::Page) -> Option<&mut Vec<Self::Item>>;
    /// The number of records the whole list holds, as the page reports it.
    #[doc(hidden)]
    fn total_of(page: &Self::Page) -> Option<u64> {
        let _ = page;
        None
    }
}

/// The page and error types of a request builder, read from the [`Call`] awaiting it gives.
#[doc(hidden)]
pub trait Answer: IntoFuture<IntoFuture = Call<Self::Page, Self::Error>> {
    /// The answer's body type.
    type Page;
    /// The operation's typed error body.
    type Error;
}

impl<R, T, E> Answer for R
where
    R: IntoFuture<IntoFuture = Call<T, E>>,
{
    type Page = T;
    type Error = E;
}

/// Where a builder keeps its offset and limit.
#[doc(hidden)]
pub type OffsetAndLimit<'a> = (&'a mut dyn PageParam, &'a mut dyn PageParam);

/// A total as a count, whatever number type the answer gives it in.
#[doc(hidden)]
pub fn count(total: impl Total) -> Option<u64> {
    total.total()
}

/// A paging parameter's value as the builder stores it (an integer, or text for an operation
/// that declares its limit as a string), optional or not.
#[doc(hidden)]
pub trait PageParam {
    /// The value, when it is set and a count.
    fn count(&self) -> Option<u64>;
    /// Stores `n`; `false` when it does not fit.
    fn set_count(&mut self, n: u64) -> bool;
}

macro_rules! integer_param {
    ($($int:ty),*) => {$(
        impl PageParam for $int {
            fn count(&self) -> Option<u64> {
                u64::try_from(*self).ok()
            }

            fn set_count(&mut self, n: u64) -> bool {
                <$int>::try_from(n).map(|v| *self = v).is_ok()
            }
        }
    )*};
}
integer_param!(i32, i64, u32, u64);

impl PageParam for String {
    fn count(&self) -> Option<u64> {
        self.trim().parse().ok()
    }

    fn set_count(&mut self, n: u64) -> bool {
        *self = n.to_string();
        true
    }
}

impl<T: PageParam + Default> PageParam for Option<T> {
    fn count(&self) -> Option<u64> {
        self.as_ref().and_then(T::count)
    }

    fn set_count(&mut self, n: u64) -> bool {
        self.get_or_insert_with(T::default).set_count(n)
    }
}

/// A total as an answer gives it; a negative or not finite one counts as not given.
#[doc(hidden)]
pub trait Total {
    /// The total as a count.
    fn total(self) -> Option<u64>;
}

macro_rules! integer_total {
    ($($int:ty),*) => {$(
        impl Total for $int {
            fn total(self) -> Option<u64> {
                u64::try_from(self).ok()
            }
        }
    )*};
}
integer_total!(i32, i64, u32, u64);

macro_rules! float_total {
    ($($float:ty),*) => {$(
        impl Total for $float {
            fn total(self) -> Option<u64> {
                // `as` saturates: a total beyond `u64` is taken as `u64::MAX`.
                (self.is_finite() && self >= 0.0).then(|| self as u64)
            }
        }
    )*};
}
float_total!(f32, f64);

/// The request of one page.
type PageCall<R> = Call<<R as Answer>::Page, <R as Answer>::Error>;

/// Every page of a paged operation, as a [`Stream`] of answers: made by a paged request
/// builder's `pages()`.
///
/// Each page is yielded whole (its items, total and other fields, and the answer's status and
/// headers); the next request is sent only when the stream is polled again. An error is the last
/// item: the pages before it were yielded, and no request follows it.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<R: Paged> {
    /// The builder as the caller made it; each page's request is a copy with its offset and limit.
    template: R,
    /// The offset (in records or pages, as [`Paged::STYLE`] says) of the next page; `None` when
    /// it does not fit in `u64`.
    next: Option<u64>,
    size: u64,
    /// Items read so far.
    read: u64,
    max_items: Option<u64>,
    in_flight: Option<PageCall<R>>,
    done: bool,
}

impl<R: Paged> Pages<R> {
    /// Starts at the builder's offset (0 unless it sets one), with its limit as the page size
    /// (else [`Paged::PAGE_SIZE`]).
    pub fn new(mut request: R) -> Self {
        let (offset, limit) = request.offset_and_limit();
        let (offset, limit) = (offset.count(), limit.count());
        Pages {
            template: request,
            next: Some(offset.unwrap_or(0)),
            size: limit.unwrap_or(R::PAGE_SIZE),
            read: 0,
            max_items: None,
            in_flight: None,
            done: false,
        }
    }

    /// Stops requesting once `n` items were read (pages are yielded whole, so the last one may
    /// hold more; [`Items`] yields exactly up to `n`). `0` sends no request.
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Every item of every page, one by one.
    pub fn items(self) -> Items<R> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
            yielded: 0,
        }
    }

    fn enough(&self) -> bool {
        self.max_items.is_some_and(|max| self.read >= max)
    }

    /// The request of the next page, or why it cannot be made.
    fn next_call(&mut self) -> Result<PageCall<R>, Error<R::Error>> {
        let what = match R::STYLE {
            PageStyle::Records => "offset",
            PageStyle::Pages => "page number",
        };
        let Some(offset) = self.next else {
            return Err(Error::invalid(format!(
                "paging stopped after {} items: the next {what} is beyond what a count can hold; narrow the query",
                self.read
            )));
        };
        let mut request = self.template.clone();
        let (at, limit) = request.offset_and_limit();
        if !(at.set_count(offset) && limit.set_count(self.size)) {
            return Err(Error::invalid(format!(
                "paging stopped after {} items: the next {what} ({offset}) or the page size ({}) does not fit the operation's parameter; narrow the query or set a smaller limit",
                self.read, self.size
            )));
        }
        Ok(request.into_future())
    }

    /// Takes in a page: counts its items, and decides whether another page follows.
    fn advance(&mut self, page: &mut R::Page) {
        let count = R::items_of(page).map_or(0, |items| items.len() as u64);
        let total = R::total_of(page);
        let offset = self.next.unwrap_or(u64::MAX);
        self.read = self.read.saturating_add(count);
        // What the pages so far cover of the list, in records: a page number counts whole pages.
        let (covered, next) = match R::STYLE {
            PageStyle::Records => (offset.checked_add(count), offset.checked_add(count)),
            PageStyle::Pages => (
                offset
                    .checked_add(1)
                    .and_then(|pages| pages.checked_mul(self.size)),
                offset.checked_add(1),
            ),
        };
        let short = count < self.size;
        let past_total = match (total, covered) {
            (Some(total), Some(covered)) => covered >= total,
            (Some(_), None) => true,
            (None, _) => false,
        };
        self.next = next;
        if count == 0 || short || past_total || self.enough() {
            self.done = true;
        }
    }
}

impl<R: Paged> Stream for Pages<R> {
    type Item = Result<Response<R::Page>, Error<R::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.in_flight.is_none() {
            if this.done || this.enough() {
                this.done = true;
                return Poll::Ready(None);
            }
            match this.next_call() {
                Ok(call) => this.in_flight = Some(call),
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
        let Some(call) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let answer = match Pin::new(call).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(answer) => answer,
        };
        this.in_flight = None;
        match answer {
            Ok(page) => {
                let page = page.map(|mut body| {
                    this.advance(&mut body);
                    body
                });
                Poll::Ready(Some(Ok(page)))
            }
            Err(e) => {
                this.done = true;
                Poll::Ready(Some(Err(e)))
            }
        }
    }
}

// The builder is never pinned: the stream only moves it and clones it.
impl<R: Paged> Unpin for Pages<R> {}

impl<R: Paged> std::fmt::Debug for Pages<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("next", &self.next)
            .field("size", &self.size)
            .field("read", &self.read)
            .field("max_items", &self.max_items)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// Every item of every page of a paged operation, as a [`Stream`]: made by a paged request
/// builder's `items()`.
///
/// Pages are requested one at a time, as the items of the previous one run out. An error is the
/// last item: the items before it were yielded, and no request follows it.
#[must_use = "a stream does nothing until it is polled"]
pub struct Items<R: Paged> {
    pages: Pages<R>,
    current: std::vec::IntoIter<R::Item>,
    yielded: u64,
}

impl<R: Paged> Items<R> {
    /// Starts at the builder's offset, as [`Pages::new`] does.
    pub fn new(request: R) -> Self {
        Pages::new(request).items()
    }

    /// Yields at most `n` items, and requests no page once they were read.
    pub fn max_items(mut self, n: u64) -> Self {
        self.pages.max_items = Some(n);
        self
    }
}

impl<R: Paged> Stream for Items<R> {
    type Item = Result<R::Item, Error<R::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.pages.max_items.is_some_and(|max| this.yielded >= max) {
                return Poll::Ready(None);
            }
            if let Some(item) = this.current.next() {
                this.yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => {
                    let mut page = page.into_inner();
                    let items = R::items_of(&mut page).map(std::mem::take);
                    this.current = items.unwrap_or_default().into_iter();
                }
            }
        }
    }
}

impl<R: Paged> Unpin for Items<R> {}

impl<R: Paged> std::fmt::Debug for Items<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.current.len())
            .field("yielded", &self.yielded)
            .finish()
    }
}

/// Gives a [`Paged`] request builder its `pages()` and `items()`.
#[allow(unused_macros)] // a spec without paged operations does not use it
/// A paged operation's paging, as generated code declares it: its builder's `impl Paged` and
/// its streams. `offset_limit` names the builder's offset and limit fields (`body.offset` inside
/// a JSON body); `items` and `total` read a page; `style: Pages` when the offset counts pages.
/// Every path in it is absolute (`$crate::`, `::std::`, `::core::`): it expands in generated
/// code, among a spec's names.
macro_rules! paged {
    ($request:ident => $item:ty {
        $(style: $style:ident,)?
        size: $size:literal,
        offset_limit: ($($offset:ident).+, $($limit:ident).+),
        items: |$items_page:ident| $items:expr,
        $(total: |$total_page:ident| $total:expr,)?
    }) => {
        impl $crate::Paged for $request {
            type Item = $item;
            $(const STYLE: $crate::paging::PageStyle = $crate::paging::PageStyle::$style;)?
            const PAGE_SIZE: ::core::primitive::u64 = $size;

            fn offset_and_limit(&mut self) -> $crate::paging::OffsetAndLimit<'_> {
                (&mut self.$($offset).+, &mut self.$($limit).+)
            }

            fn items_of(
                $items_page: &mut <Self as $crate::paging::Answer>::Page,
            ) -> ::std::option::Option<&mut ::std::vec::Vec<Self::Item>> {
                $items
            }

            $(
                fn total_of(
                    $total_page: &<Self as $crate::paging::Answer>::Page,
                ) -> ::std::option::Option<::core::primitive::u64> {
                    $crate::paging::count($total)
                }
            )?
        }

        $crate::paging::streams!($request);
    };
}
#[allow(unused_imports)]
pub(crate) use paged;

#[allow(unused_macros)] // `paged!` alone invokes it, and a spec without paged operations none
macro_rules! streams {
    ($request:ident) => {
        impl $request {
            /// Every page of the list, as a stream of answers, one request at a time from the
            /// offset set here (else the start), until an empty or short page or the total the
            /// answers report; an error ends it.
            #[inline]
            pub fn pages(self) -> $crate::Pages<Self> {
                $crate::Pages::new(self)
            }

            /// Every item of every page, as a stream, one request at a time as the items run
            /// out; `.max_items(n)` stops after `n`. An error ends it, after the items already
            /// read.
            #[inline]
            pub fn items(self) -> $crate::Items<Self> {
                $crate::Items::new(self)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use streams;

#[cfg(test)]
mod tests {
    use super::{count, PageParam};

    #[test]
    fn counts_are_read_and_written_in_the_parameters_own_type() {
        let mut limit: Option<i32> = None;
        assert_eq!(limit.count(), None);
        assert!(limit.set_count(100));
        assert_eq!((limit, limit.count()), (Some(100), Some(100)));
        assert!(!limit.set_count(1 << 31), "beyond i32 does not fit");
        assert_eq!(limit, Some(100));
        assert_eq!(Some(-3i64).count(), None, "a negative value is no count");

        // ListResourceInstance declares its limit as text.
        let mut text: Option<String> = Some(" 25 ".into());
        assert_eq!(text.count(), Some(25));
        assert!(text.set_count(1000));
        assert_eq!(text.as_deref(), Some("1000"));
        assert_eq!(Some("many".to_owned()).count(), None);
    }

    #[test]
    fn totals_in_any_number_type_and_absurd_ones_are_bounded() {
        assert_eq!(count(7i32), Some(7));
        assert_eq!(count(-1i32), None);
        assert_eq!(count(12.0f32), Some(12));
        assert_eq!(count(f64::NAN), None);
        assert_eq!(count(f64::INFINITY), None);
        assert_eq!(count(-0.5f64), None);
        assert_eq!(count(1e30f64), Some(u64::MAX));
    }
}
