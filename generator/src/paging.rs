//! Which operations of a spec page, and how: what `generator paging` prints, and what tests
//! compare with the generated code. The decisions are the model's (`model::paging`); this module
//! only lists them.

use crate::model::{self, PagePlace, PageStyle, Paging, Step};
use crate::{Config, Error};
use std::fmt::Write as _;

/// The paged operations of a spec, and those that take an offset and a limit but cannot be paged.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub paged: Vec<PagedOperation>,
    pub unpageable: Vec<Unpageable>,
}

/// An operation whose builder gets `pages()` and `items()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagedOperation {
    pub operation_id: String,
    /// The spec file it is written in.
    pub source: String,
    /// Its request builder, as `secmaster::operations` names it (`ListAlertsRequest`).
    pub request: String,
    /// `offset` counts records, or pages (from 0).
    pub counts_pages: bool,
    /// The offset and limit are fields of the JSON body, not query parameters.
    pub in_body: bool,
    /// The page size asked for when the caller sets no limit.
    pub page_size: u64,
    /// The path of the answer's items, in Rust field names (`data`, `data.data`).
    pub items: String,
    /// The path of the answer's total, when it reports one.
    pub total: Option<String>,
}

/// An operation that takes an offset and a limit, but whose answer cannot be paged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpageable {
    pub operation_id: String,
    pub source: String,
    /// Why, and how to mend it.
    pub reason: String,
}

impl Report {
    /// The paging of the spec `config` reads; faults of the spec are errors, as when generating.
    pub fn of(config: &Config) -> Result<Report, Error> {
        let inputs = config.inputs()?;
        let loaded = crate::load::load_all(&inputs);
        if !loaded.diagnostics.is_empty() {
            return Err(Error::Spec(crate::Diagnostics(loaded.diagnostics)));
        }
        let Some(spec) = loaded.spec else {
            return Err(Error::Internal(
                "the spec could not be read, but no fault was reported; this is a generator bug"
                    .to_owned(),
            ));
        };
        let api = model::build(&spec).map_err(Error::Spec)?;
        let mut report = Report::default();
        for op in &api.operations {
            let source = op.source.clone();
            match &op.paging {
                Paging::None => {}
                Paging::Unpageable(reason) => report.unpageable.push(Unpageable {
                    operation_id: op.operation_id.clone(),
                    source,
                    reason: reason.clone(),
                }),
                Paging::Paged(pager) => report.paged.push(PagedOperation {
                    operation_id: op.operation_id.clone(),
                    source,
                    request: format!("{}Request", op.type_name),
                    counts_pages: pager.style == PageStyle::Pages,
                    in_body: matches!(pager.location, PagePlace::Body(_)),
                    page_size: pager.page_size,
                    items: path(&pager.items),
                    total: pager.total.as_deref().map(path),
                }),
            }
        }
        Ok(report)
    }

    /// One line per operation: the paged ones, then those that cannot be paged and why.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let count = |style: bool, body: bool| {
            self.paged
                .iter()
                .filter(|p| p.counts_pages == style && p.in_body == body)
                .count()
        };
        let _ = writeln!(
            out,
            "{} paged operations: offset/limit counting records, in the query {} and in the body {}; page number (offset counting pages from 0)/limit, in the query {} and in the body {}",
            self.paged.len(),
            count(false, false),
            count(false, true),
            count(true, false),
            count(true, true),
        );
        for p in &self.paged {
            let style = if p.counts_pages {
                "page/limit"
            } else {
                "offset/limit"
            };
            let place = if p.in_body { "body" } else { "query" };
            let total = p.total.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "  {:<36} {:<22} {style:<12} {place:<5} size {:<6} items {:<16} total {total}",
                p.operation_id, p.source, p.page_size, p.items
            );
        }
        let _ = writeln!(
            out,
            "{} {} an offset and a limit but {} not paged:",
            self.unpageable.len(),
            if self.unpageable.len() == 1 {
                "operation takes"
            } else {
                "operations take"
            },
            if self.unpageable.len() == 1 {
                "is"
            } else {
                "are"
            },
        );
        for u in &self.unpageable {
            let _ = writeln!(
                out,
                "  {:<36} {:<22} {}",
                u.operation_id, u.source, u.reason
            );
        }
        out
    }
}

fn path(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| s.field.as_str())
        .collect::<Vec<_>>()
        .join(".")
}
