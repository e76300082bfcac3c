//! What SIEM users script most: run a query against a table over a time range and page through
//! the result, printing each row as tab-separated values or as a JSON line.
//!
//! ```text
//! cargo run --example query_logs -- --endpoint URL --token T --project-id P --workspace-id W \
//!     --table-id TABLE --query 'QUERY' --from 2024-05-01T00:00:00Z [--to 2024-05-02T00:00:00Z]
//! cargo run --example query_logs -- --region cn-north-4 --ak AK --sk SK --project-id P --workspace-id W \
//!     --table-id TABLE --query 'QUERY' --last 1h [--param KEY=VALUE ...] \
//!     [--page-size 100] [--max N] [--format tsv|json] [--timeout SECS]
//! ```
//!
//! # Which operation
//!
//! The spec offers four ways to query log data; this example uses `ListTableLogs`
//! (`POST /v2/.../siem/tables/{table_id}/logs`) because it is the one that is all three of
//! "a table", "a time range" and "paged" in one synchronous call: the body names the query,
//! `from`/`to` in Unix milliseconds and `limit`/`offset`, and each answer is one page of rows
//! with `total`. The others fit less well:
//!
//! - `ListSearchLogs` (`/v1/.../siem/search/logs`) searches a data *pipeline* of a data space,
//!   the version 1 model, not a table;
//! - `CreateAdhocQuery` + `ShowAdhocResult` (`/v2/.../siem/ad-hoc-queries`) start a query job and
//!   then read its result in batches; it is the console's asynchronous SQL workbench (a session,
//!   a job to poll and delete), not a paged query;
//! - `CreateTableAnalysis` (`/v2/.../siem/tables/{table_id}/analysis`) takes the same body as
//!   `ListTableLogs` but is meant for statistical analysis queries, whose result is an aggregate
//!   rather than the table's records.
//!
//! # Paging
//!
//! The API reference describes `offset` of this operation as the *page number* (not a count of
//! rows to skip), and leaves it optional; an omitted offset being the first page, pages are
//! numbered from 0. Every page is asked for with the same `limit`, so that page `n` starts at row
//! `n * limit`. Paging stops when `total` rows were read, a page comes back short or empty, or
//! `--max` rows were printed.
//!
//! # Output
//!
//! A row is the answer's `datarows` entry, one JSON value per column of `schema`; an answer with
//! records in `results` only is shown as rows of (`timestamp`, `data_source`).
//!
//! - `--format tsv` (the default): a header line of column names, then one line per row. Strings
//!   are written as they are, with `\`, tab, line feed and carriage return escaped as `\\`, `\t`,
//!   `\n` and `\r`; null is an empty cell; numbers, booleans, arrays and objects are compact JSON.
//! - `--format json`: one JSON object per row, keyed by column name in column order; a row whose
//!   cells do not match the columns one to one is written as a JSON array.
//!
//! A count of the rows read follows on stderr. Times are Unix milliseconds or RFC 3339
//! (`2024-05-01T08:00:00+08:00`); `--last 15m|2h|7d|30s` ends at `--to`, or now. Exit codes: 0
//! done; 1 a call failed; 2 bad usage. Without `--token` or `--ak`, the credentials come from
//! HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK / HUAWEICLOUD_SDK_SECURITY_TOKEN.

mod common;

use common::{count, failure, print_line, usage_error, value, Connection, CONNECTION_USAGE};
use secmaster::types::{ListTableLogsRequestBody, ListTableLogsResponse, SearchScriptParam};
use secmaster::{CallOptions, WorkspaceClient};
use serde_json::Value;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

const DEFAULT_PAGE_SIZE: u32 = 100;

fn usage() -> String {
    format!(
        "usage: query_logs {CONNECTION_USAGE} --table-id TABLE --query QUERY \
(--from TIME [--to TIME] | --last DURATION [--to TIME]) [--param KEY=VALUE]... \
[--page-size N] [--max N] [--format tsv|json]"
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Tsv,
    JsonLines,
}

struct Args {
    connection: Connection,
    table_id: Option<String>,
    query: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
    last: Option<i64>,
    params: Vec<SearchScriptParam>,
    page_size: u32,
    max: Option<u32>,
    format: Format,
}

fn parse(mut raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        connection: Connection::default(),
        table_id: None,
        query: None,
        from: None,
        to: None,
        last: None,
        params: Vec::new(),
        page_size: DEFAULT_PAGE_SIZE,
        max: None,
        format: Format::Tsv,
    };
    while let Some(flag) = raw.next() {
        if args.connection.take(&flag, &mut raw)? {
            continue;
        }
        match flag.as_str() {
            "--table-id" => args.table_id = Some(value(&flag, &mut raw)?),
            "--query" => args.query = Some(value(&flag, &mut raw)?),
            "--from" => args.from = Some(time(&flag, &value(&flag, &mut raw)?)?),
            "--to" => args.to = Some(time(&flag, &value(&flag, &mut raw)?)?),
            "--last" => args.last = Some(duration(&flag, &value(&flag, &mut raw)?)?),
            "--param" => {
                let pair = value(&flag, &mut raw)?;
                let (key, value) = pair
                    .split_once('=')
                    .ok_or(format!("--param takes KEY=VALUE, not `{pair}`"))?;
                args.params.push(SearchScriptParam {
                    key: Some(key.into()),
                    value: Some(value.into()),
                });
            }
            "--page-size" => args.page_size = count(&flag, &mut raw)?,
            "--max" => args.max = Some(count(&flag, &mut raw)?),
            "--format" => {
                args.format = match value(&flag, &mut raw)?.as_str() {
                    "tsv" => Format::Tsv,
                    "json" => Format::JsonLines,
                    other => return Err(format!("--format is tsv or json, not `{other}`")),
                }
            }
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`")),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(args)
}

/// The time range `[from, to]` in Unix milliseconds.
fn time_range(args: &Args) -> Result<(i64, i64), String> {
    let to = match args.to {
        Some(to) => to,
        None => now_millis()?,
    };
    let from = match (args.from, args.last) {
        (Some(_), Some(_)) => return Err("give --from or --last, not both".into()),
        (Some(from), None) => from,
        (None, Some(last)) => to.checked_sub(last).ok_or("--last reaches too far back")?,
        (None, None) => return Err("--from TIME or --last DURATION is required".into()),
    };
    if from >= to {
        return Err("the time range is empty: --from must be before --to".into());
    }
    Ok((from, to))
}

fn now_millis() -> Result<i64, String> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|since| i64::try_from(since.as_millis()).ok())
        .ok_or_else(|| "the system clock is before 1970; give --to".into())
}

/// `1714521600000` (Unix milliseconds) or an RFC 3339 time such as `2024-05-01T00:00:00Z` or
/// `2024-05-01T08:00:00.250+08:00`, as Unix milliseconds.
fn time(flag: &str, text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "{flag} takes Unix milliseconds or an RFC 3339 time such as 2024-05-01T00:00:00Z, \
not `{text}`"
        )
    };
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map_err(|_| bad());
    }
    rfc3339_millis(text).ok_or_else(bad)
}

fn rfc3339_millis(text: &str) -> Option<i64> {
    let (date, clock) = text.split_once(['T', 't', ' '])?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = digits(date_parts.next()?, 4)?;
    let month: i64 = digits(date_parts.next()?, 2)?;
    let day: i64 = digits(date_parts.next()?, 2)?;
    let zone_at = clock.find(['Z', 'z', '+', '-'])?;
    let (clock, zone) = clock.split_at(zone_at);
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (clock, None),
    };
    let mut hms_parts = hms.splitn(3, ':');
    let hour: i64 = digits(hms_parts.next()?, 2)?;
    let minute: i64 = digits(hms_parts.next()?, 2)?;
    let second: i64 = digits(hms_parts.next()?, 2)?;
    let millis = match fraction {
        // Digits past milliseconds are dropped; the API counts in milliseconds.
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{:0<3}", &f[..f.len().min(3)])
                .parse::<i64>()
                .ok()?
        }
        Some(_) => return None,
        None => 0,
    };
    let offset_minutes = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (hours, minutes) = zone[1..].split_once(':')?;
            let (hours, minutes): (i64, i64) = (digits(hours, 2)?, digits(minutes, 2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 60 + minutes)
        }
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1..=12).contains(&month)
        && (1..=month_days[(month - 1) as usize]).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    if !valid {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// Exactly `width` ASCII digits.
fn digits(text: &str, width: usize) -> Option<i64> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (the well-known
/// `days_from_civil` algorithm: years start in March, so that the leap day ends them).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `30s`, `15m`, `2h`, `7d` as milliseconds.
fn duration(flag: &str, text: &str) -> Result<i64, String> {
    let bad = || format!("{flag} takes a duration such as 30s, 15m, 2h or 7d, not `{text}`");
    let unit_at = text.len().checked_sub(1).ok_or_else(bad)?;
    let (number, unit) = text.split_at(unit_at);
    let millis_per_unit = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(bad()),
    };
    number
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .and_then(|n| n.checked_mul(millis_per_unit))
        .ok_or_else(bad)
}

/// The page's rows and their column names. Rows are the answer's `datarows`; an answer that has
/// only `results` (records as JSON documents) gives rows of (`timestamp`, `data_source`).
fn rows_of(page: ListTableLogsResponse) -> (Vec<String>, Vec<Vec<Value>>) {
    let datarows = page.datarows.unwrap_or_default();
    let results = page.results.unwrap_or_default();
    if datarows.is_empty() && !results.is_empty() {
        let columns = vec!["timestamp".to_owned(), "data_source".to_owned()];
        let rows = results
            .into_iter()
            .map(|record| vec![Value::String(record.timestamp), record.data_source])
            .collect();
        return (columns, rows);
    }
    let columns = page
        .schema
        .unwrap_or_default()
        .into_iter()
        .map(|field| field.name)
        .collect();
    (columns, datarows)
}

/// A string as a TSV cell: backslash, tab and line breaks escaped, so that a cell never splits
/// its line or the columns, and other control or invisible characters escaped as `\u{..}`.
fn tsv_text(text: &str) -> String {
    let mut cell = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => cell.push_str("\\\\"),
            '\t' => cell.push_str("\\t"),
            '\n' => cell.push_str("\\n"),
            '\r' => cell.push_str("\\r"),
            // Escapes and invisible reordering marks would act on the terminal showing the TSV.
            c if secmaster::sanitize::needs_escape(c) => {
                cell.push_str(&secmaster::sanitize::escape(&c.to_string()))
            }
            c => cell.push(c),
        }
    }
    cell
}

fn tsv_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => tsv_text(text),
        // Compact JSON escapes control characters inside strings, so it holds no tab or newline.
        other => other.to_string(),
    }
}

fn tsv_line(cells: impl Iterator<Item = String>) -> String {
    cells.collect::<Vec<_>>().join("\t")
}

/// A row as a JSON object keyed by column name, in column order (written by hand because a
/// `serde_json::Map` sorts its keys); as an array when the names do not fit the row one to one.
fn json_line(columns: &[String], row: &[Value]) -> String {
    let distinct = columns
        .iter()
        .enumerate()
        .all(|(i, name)| !columns[..i].contains(name));
    if columns.len() != row.len() || !distinct {
        return Value::Array(row.to_vec()).to_string();
    }
    let fields: Vec<String> = columns
        .iter()
        .zip(row)
        .map(|(name, value)| format!("{}:{value}", Value::String(name.clone())))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// A query to page through: each page's request is `body` with that page's number as `offset`.
struct Query {
    table_id: String,
    body: ListTableLogsRequestBody,
    max: Option<usize>,
    format: Format,
}

/// Prints the query's rows page by page and returns how many it printed and the total the
/// service counted; on failure, the exit code.
async fn print_rows(
    workspace: &WorkspaceClient,
    options: &CallOptions,
    query: Query,
) -> Result<(usize, Option<i32>), ExitCode> {
    let limit = query.body.limit;
    let mut printed: usize = 0;
    let mut received: usize = 0;
    let mut total: Option<i32> = None;
    for page_number in 0_i64.. {
        let body = ListTableLogsRequestBody {
            offset: Some(page_number),
            ..query.body.clone()
        };
        let page = match workspace
            .list_table_logs(&query.table_id, body)
            .options(options.clone())
            .await
        {
            Ok(page) => page.into_inner(),
            Err(e) => return Err(failure("the query", e)),
        };
        total = page.total.or(total);
        let (columns, rows) = rows_of(page);
        let mut lines = Vec::with_capacity(rows.len() + 1);
        // The header comes from the first page only, so that it can never follow rows.
        if query.format == Format::Tsv && page_number == 0 && !columns.is_empty() {
            lines.push(tsv_line(columns.iter().map(|name| tsv_text(name))));
        }
        let room = query.max.map_or(usize::MAX, |max| max - printed);
        for row in rows.iter().take(room) {
            lines.push(match query.format {
                Format::Tsv => tsv_line(row.iter().map(tsv_cell)),
                Format::JsonLines => json_line(&columns, row),
            });
            printed += 1;
        }
        for line in &lines {
            if let Err(e) = print_line(line) {
                return Err(failure("writing the rows", e));
            }
        }
        received += rows.len();
        let short_page = i64::try_from(rows.len()).is_ok_and(|n| n < limit);
        let all_read =
            total.is_some_and(|total| i64::try_from(received).is_ok_and(|r| r >= i64::from(total)));
        let enough = query.max.is_some_and(|max| printed >= max);
        if short_page || all_read || enough {
            break;
        }
    }
    Ok((printed, total))
}

#[tokio::main]
async fn main() -> ExitCode {
    let usage = usage();
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => return usage_error(&message, &usage),
    };
    let (Some(table_id), Some(query_text)) = (&args.table_id, &args.query) else {
        return usage_error("--table-id and --query are required", &usage);
    };
    let (from, to) = match time_range(&args) {
        Ok(range) => range,
        Err(message) => return usage_error(&message, &usage),
    };
    let (workspace, options) = match args.connection.open() {
        Ok(opened) => opened,
        Err(message) => return usage_error(&message, &usage),
    };

    // The offset is a page number, so every page is asked for with the same limit; with `--max`
    // below the page size, that limit is `--max`.
    let limit = args
        .max
        .map_or(args.page_size, |max| max.min(args.page_size));
    let query = Query {
        table_id: table_id.clone(),
        body: ListTableLogsRequestBody {
            from: Some(from),
            to: Some(to),
            script_params: (!args.params.is_empty()).then(|| args.params.clone()),
            ..ListTableLogsRequestBody::new(query_text.clone(), i64::from(limit))
        },
        max: args.max.map(|max| max as usize),
        format: args.format,
    };
    match print_rows(&workspace, &options, query).await {
        Ok((printed, Some(total))) => eprintln!("read {printed} of {total} rows"),
        Ok((printed, None)) => eprintln!("read {printed} rows"),
        Err(code) => return code,
    }
    ExitCode::SUCCESS
}
