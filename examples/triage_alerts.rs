//! Alert triage, the most common SOC task: list a workspace's open alerts of high severity,
//! newest first, and turn one of them into an incident.
//!
//! ```text
//! cargo run --example triage_alerts -- --endpoint URL --token T --project-id P --workspace-id W
//! cargo run --example triage_alerts -- --region cn-north-4 --ak AK --sk SK --project-id P --workspace-id W \
//!     [--severity High,Fatal] [--page-size 100] [--max N] [--timeout SECS] \
//!     [--convert ALERT_ID | --convert-first] [--incident-title T] \
//!     [--incident-type-id ID] [--incident-category C] [--incident-type T]
//! ```
//!
//! The search is `ListAlerts` (`POST .../soc/alerts/search`), a data-object search whose
//! `condition` is a list of named expressions `[field, operator, value]` joined by `logics`:
//!
//! ```json
//! {"conditions": [{"name": "status",   "data": ["handle_status", "=", "Open"]},
//!                 {"name": "severity", "data": ["severity", "in", "High,Fatal"]}],
//!  "logics": ["status", "and", "severity"]}
//! ```
//!
//! (`in` takes a comma-separated list; the values are those of the generated
//! `ListAlertRspHandleStatus` and `ListAlertRspSeverity`.) "High severity" means `High` and
//! `Fatal` (critical) unless `--severity` says otherwise. Pages are fetched with `offset`/`limit`
//! until `total` alerts were read, a page comes back short or empty, or `--max` alerts were
//! printed. Each alert is one tab-separated line on stdout: id, severity, status, creation time,
//! title; a count follows on stderr.
//!
//! `--convert ALERT_ID` (or `--convert-first`, the newest alert listed) then calls
//! `CreateBatchOrderAlerts` (`POST .../soc/alerts/batch-order`), SecMaster's alert-to-incident
//! conversion. The incident is named after the alert unless `--incident-title` is given; its type
//! is sent only when one of the `--incident-type*` / `--incident-category` flags is. With
//! `--convert-first` and no alert listed, there is nothing to convert, which is not an error.
//!
//! Exit codes: 0 done; 1 a call failed, including answers of status 200 whose body reports a
//! failure (`success: false`, a `code` other than `00000000`, or the alert among `error_ids`);
//! 2 bad usage. Without `--token` or `--ak`, the credentials come from HUAWEICLOUD_SDK_AK /
//! HUAWEICLOUD_SDK_SK / HUAWEICLOUD_SDK_SECURITY_TOKEN.

mod common;

use common::{count, failure, print_line, usage_error, value, Connection, CONNECTION_USAGE};
use secmaster::types::{
    DataobjectSearch, DataobjectSearchCondition, DataobjectSearchConditionConditions,
    DataobjectSearchOrder, ListAlertDetail, ListAlertRspHandleStatus, ListAlertRspSeverity,
    OrderAlert, OrderAlertIncidentContent, OrderAlertIncidentContentIncidentType,
};
use secmaster::{CallOptions, WorkspaceClient};
use std::process::ExitCode;

const DEFAULT_PAGE_SIZE: u32 = 100;

/// The result code of a SecMaster answer that succeeded.
const SUCCESS_CODE: &str = "00000000";

/// The severities the service knows, in rising order; `--severity` is checked against them.
const SEVERITIES: [ListAlertRspSeverity; 5] = [
    ListAlertRspSeverity::Tips,
    ListAlertRspSeverity::Low,
    ListAlertRspSeverity::Medium,
    ListAlertRspSeverity::High,
    ListAlertRspSeverity::Fatal,
];

fn usage() -> String {
    format!(
        "usage: triage_alerts {CONNECTION_USAGE} [--severity LIST] [--page-size N] [--max N] \
[--convert ALERT_ID | --convert-first] [--incident-title T] [--incident-type-id ID] \
[--incident-category C] [--incident-type T]"
    )
}

/// Which alert to turn into an incident.
enum Conversion {
    Alert(String),
    FirstListed,
}

struct Args {
    connection: Connection,
    severities: Vec<ListAlertRspSeverity>,
    page_size: u32,
    max: Option<u32>,
    conversion: Option<Conversion>,
    incident_title: Option<String>,
    incident_type: OrderAlertIncidentContentIncidentType,
}

fn parse(mut raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        connection: Connection::default(),
        severities: vec![ListAlertRspSeverity::High, ListAlertRspSeverity::Fatal],
        page_size: DEFAULT_PAGE_SIZE,
        max: None,
        conversion: None,
        incident_title: None,
        incident_type: OrderAlertIncidentContentIncidentType::default(),
    };
    while let Some(flag) = raw.next() {
        if args.connection.take(&flag, &mut raw)? {
            continue;
        }
        match flag.as_str() {
            "--severity" => args.severities = severities(&value(&flag, &mut raw)?)?,
            "--page-size" => args.page_size = count(&flag, &mut raw)?,
            "--max" => args.max = Some(count(&flag, &mut raw)?),
            "--convert" => set_conversion(&mut args, Conversion::Alert(value(&flag, &mut raw)?))?,
            "--convert-first" => set_conversion(&mut args, Conversion::FirstListed)?,
            "--incident-title" => args.incident_title = Some(value(&flag, &mut raw)?),
            "--incident-type-id" => args.incident_type.id = Some(value(&flag, &mut raw)?),
            "--incident-category" => args.incident_type.category = Some(value(&flag, &mut raw)?),
            "--incident-type" => args.incident_type.incident_type = Some(value(&flag, &mut raw)?),
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`")),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(args)
}

fn set_conversion(args: &mut Args, conversion: Conversion) -> Result<(), String> {
    if args.conversion.is_some() {
        return Err("give one --convert ALERT_ID or --convert-first".into());
    }
    args.conversion = Some(conversion);
    Ok(())
}

/// `High,fatal` → `[High, Fatal]`: names as the service spells them, whatever the case given.
fn severities(list: &str) -> Result<Vec<ListAlertRspSeverity>, String> {
    list.split(',')
        .map(|name| {
            SEVERITIES
                .iter()
                .find(|known| known.as_str().eq_ignore_ascii_case(name.trim()))
                .cloned()
                .ok_or_else(|| {
                    let known: Vec<&str> = SEVERITIES.iter().map(|s| s.as_str()).collect();
                    format!(
                        "unknown severity `{}`; choose from {}",
                        name.trim(),
                        known.join(", ")
                    )
                })
        })
        .collect()
}

/// Open alerts whose severity is one of `severities`.
fn open_alerts_of(severities: &[ListAlertRspSeverity]) -> DataobjectSearchCondition {
    let expression = |name: &str, field: &str, operator: &str, value: String| {
        DataobjectSearchConditionConditions {
            name: Some(name.into()),
            data: Some(vec![field.into(), operator.into(), value]),
        }
    };
    let severity_list: Vec<&str> = severities.iter().map(|s| s.as_str()).collect();
    DataobjectSearchCondition {
        conditions: Some(vec![
            expression(
                "status",
                "handle_status",
                "=",
                ListAlertRspHandleStatus::Open.to_string(),
            ),
            expression("severity", "severity", "in", severity_list.join(",")),
        ]),
        logics: Some(vec!["status".into(), "and".into(), "severity".into()]),
    }
}

/// What a status-200 answer's own fields say about failure: `success: false`, or a result code
/// other than the success code. `None` when they report none (or are absent).
fn reported_failure(
    success: Option<bool>,
    code: Option<&str>,
    message: Option<&str>,
) -> Option<String> {
    let code = code.filter(|c| !c.is_empty());
    if success != Some(false) && code.is_none_or(|c| c == SUCCESS_CODE) {
        return None;
    }
    let mut text = String::from("the answer reports a failure");
    if success == Some(false) {
        text.push_str(" (success: false)");
    }
    if let Some(code) = code {
        text.push_str(&format!(", code {code}"));
    }
    if let Some(message) = message.filter(|m| !m.is_empty()) {
        text.push_str(&format!(": {message}"));
    }
    Some(text)
}

fn with_request_id(text: String, request_id: Option<&str>) -> String {
    match request_id {
        Some(id) => format!("{text} (request id {id})"),
        None => text,
    }
}

/// Text from the service on one line, so that each alert stays one line of output.
fn one_line(text: &str) -> String {
    secmaster::sanitize::escape(text).into_owned()
}

/// The alert's id: the alert's own, or else its record's (the two are the same UUID).
fn alert_id(detail: &ListAlertDetail) -> Option<&str> {
    detail
        .data_object
        .as_ref()
        .and_then(|alert| alert.id.as_deref())
        .or(detail.id.as_deref())
}

fn alert_line(detail: &ListAlertDetail) -> String {
    let alert = detail.data_object.as_ref();
    let field = |text: Option<&str>| one_line(text.unwrap_or("-"));
    [
        field(alert_id(detail)),
        field(alert.and_then(|a| a.severity.as_ref()).map(|s| s.as_str())),
        field(
            alert
                .and_then(|a| a.handle_status.as_ref())
                .map(|s| s.as_str()),
        ),
        field(
            alert
                .and_then(|a| a.create_time.as_deref())
                .or(detail.create_time.as_deref()),
        ),
        field(alert.and_then(|a| a.title.as_deref())),
    ]
    .join("\t")
}

/// What the listing found: how many alerts it printed, the search's total, and the alert to
/// convert (id and title) when the listing showed it.
struct Listing {
    printed: usize,
    total: Option<i32>,
    to_convert: Option<(String, Option<String>)>,
}

/// Prints the open alerts of the chosen severities, page by page; on failure, the exit code.
async fn list(
    workspace: &WorkspaceClient,
    options: &CallOptions,
    args: &Args,
) -> Result<Listing, ExitCode> {
    let condition = open_alerts_of(&args.severities);
    let max = args.max.map(|max| max as usize);
    let mut listing = Listing {
        printed: 0,
        total: None,
        to_convert: None,
    };
    let mut offset: usize = 0;
    loop {
        // Never ask for more than `--max` still allows.
        let limit = max.map_or(args.page_size as usize, |max| {
            (args.page_size as usize).min(max - listing.printed)
        });
        // `count` keeps the page size within i32; an offset past it cannot be asked for, and no
        // search has that many alerts.
        let (Ok(limit_field), Ok(offset_field)) = (i32::try_from(limit), i32::try_from(offset))
        else {
            break;
        };
        let search = DataobjectSearch {
            limit: Some(limit_field),
            offset: Some(offset_field),
            sort_by: Some("create_time".into()),
            order: Some(DataobjectSearchOrder::Desc),
            condition: Some(condition.clone()),
            ..Default::default()
        };
        let page = match workspace.list_alerts(search).options(options.clone()).await {
            Ok(page) => page,
            Err(e) => return Err(failure("the alert search", e)),
        };
        if let Some(reason) =
            reported_failure(page.success, page.code.as_deref(), page.message.as_deref())
        {
            let reason = with_request_id(reason, page.request_id());
            return Err(failure("the alert search", reason));
        }
        listing.total = page.total.or(listing.total);
        let alerts = page.data.as_deref().unwrap_or_default();
        // A server that sends more than asked for still moves the offset by what it sent.
        for detail in alerts.iter().take(limit) {
            if let Err(e) = print_line(&alert_line(detail)) {
                return Err(failure("writing the list", e));
            }
            listing.printed += 1;
            let id = alert_id(detail);
            let wanted = match &args.conversion {
                Some(Conversion::FirstListed) => listing.to_convert.is_none(),
                Some(Conversion::Alert(wanted)) => id == Some(wanted.as_str()),
                None => false,
            };
            if let (true, Some(id)) = (wanted, id) {
                let title = detail.data_object.as_ref().and_then(|a| a.title.clone());
                listing.to_convert = Some((id.to_owned(), title));
            }
        }
        offset += alerts.len();
        let short_page = alerts.len() < limit;
        let all_read = listing
            .total
            .is_some_and(|total| i64::try_from(offset).is_ok_and(|o| o >= i64::from(total)));
        let enough = max.is_some_and(|max| listing.printed >= max);
        if short_page || all_read || enough {
            return Ok(listing);
        }
    }
    Ok(listing)
}

/// Turns `alert` into an incident named `title`, of `incident_type` when one was given.
async fn convert(
    workspace: &WorkspaceClient,
    options: CallOptions,
    alert: &str,
    title: &str,
    incident_type: OrderAlertIncidentContentIncidentType,
) -> ExitCode {
    let has_type = incident_type != OrderAlertIncidentContentIncidentType::default();
    let order = OrderAlert {
        ids: Some(vec![alert.to_owned()]),
        incident_content: Some(OrderAlertIncidentContent {
            title: Some(title.to_owned()),
            incident_type: has_type.then_some(incident_type),
        }),
    };
    let answer = match workspace
        .create_batch_order_alerts(order)
        .options(options)
        .await
    {
        Ok(answer) => answer,
        Err(e) => return failure("the conversion", e),
    };
    if let Some(reason) = reported_failure(None, answer.code.as_deref(), answer.message.as_deref())
    {
        let reason = with_request_id(reason, answer.request_id());
        return failure("the conversion", reason);
    }
    let refused = answer
        .data
        .as_ref()
        .and_then(|result| result.error_ids.as_ref())
        .is_some_and(|ids| ids.iter().any(|id| id == alert));
    if refused {
        let reason = format!("the service lists alert {alert} among those it could not convert");
        return failure(
            "the conversion",
            with_request_id(reason, answer.request_id()),
        );
    }
    let done = format!(
        "converted alert {alert} into incident \"{}\"",
        one_line(title)
    );
    if let Err(e) = print_line(&done) {
        return failure("writing the result", e);
    }
    ExitCode::SUCCESS
}

#[tokio::main]
async fn main() -> ExitCode {
    let usage = usage();
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => return usage_error(&message, &usage),
    };
    let (workspace, options) = match args.connection.open() {
        Ok(opened) => opened,
        Err(message) => return usage_error(&message, &usage),
    };
    let listing = match list(&workspace, &options, &args).await {
        Ok(listing) => listing,
        Err(code) => return code,
    };
    let severity_list: Vec<&str> = args.severities.iter().map(|s| s.as_str()).collect();
    let severity_list = severity_list.join(",");
    match listing.total {
        Some(total) => eprintln!(
            "listed {} of {total} open alerts of severity {severity_list}",
            listing.printed
        ),
        None => eprintln!(
            "listed {} open alerts of severity {severity_list}",
            listing.printed
        ),
    }

    let (alert, listed_title) = match (&args.conversion, listing.to_convert) {
        (None, _) => return ExitCode::SUCCESS,
        (_, Some(found)) => found,
        (Some(Conversion::Alert(id)), None) => (id.clone(), None),
        (Some(Conversion::FirstListed), None) => {
            eprintln!("no alert to convert");
            return ExitCode::SUCCESS;
        }
    };
    let title = args
        .incident_title
        .or(listed_title)
        .unwrap_or_else(|| format!("Incident from alert {alert}"));
    convert(&workspace, options, &alert, &title, args.incident_type).await
}
