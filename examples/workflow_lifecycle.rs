//! A workflow's life: list the workspace's workflows, create one, rename and describe it, then
//! delete it.
//!
//! ```text
//! cargo run --example workflow_lifecycle -- --endpoint URL --token T --project-id P --workspace-id W --dataclass-id D [--timeout SECS]
//! ```
//!
//! Without `--token`, the AK/SK pair comes from HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK; without
//! `--endpoint`, `--region R` picks the region's endpoint. `--timeout` bounds each call (default:
//! the client's, 5 minutes). Exits 0 when every step succeeded, 1 at the first that failed
//! (an answer whose envelope says `success: false` included), 2 on bad usage. Everything the
//! server said is printed with control characters escaped.

use secmaster::sanitize::escape;
use secmaster::types::{
    AopType, CreateAopWorkflowBody, CreateAopWorkflowBodyEngineType, UpdateAopWorkflowBody,
};
use secmaster::{Client, Credentials, Response};
use std::collections::HashMap;
use std::fmt::Display;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: workflow_lifecycle (--endpoint URL | --region R) [--token T] \
--project-id P --workspace-id W --dataclass-id D [--timeout SECS]";

#[tokio::main]
async fn main() -> ExitCode {
    let client = match setup() {
        Ok(setup) => setup,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(client).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// What the steps need: the workspace to work in and the data class of the new workflow.
struct Setup {
    workspace: secmaster::WorkspaceClient,
    dataclass_id: String,
}

fn setup() -> Result<Setup, String> {
    let args = flags()?;
    let arg = |name: &str| {
        args.get(name)
            .cloned()
            .ok_or_else(|| format!("--{name} is required"))
    };
    let credentials = match args.get("token") {
        Some(token) => Credentials::token(token),
        None => Credentials::from_env().map_err(|e| e.to_string())?,
    };
    let mut builder = Client::builder().credentials(credentials);
    builder = match (args.get("endpoint"), args.get("region")) {
        (Some(endpoint), _) => builder.endpoint(endpoint),
        (None, Some(region)) => builder.region(region),
        (None, None) => return Err("--endpoint or --region is required".into()),
    };
    if let Some(secs) = args.get("timeout") {
        builder = builder.timeout(timeout(secs)?);
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    Ok(Setup {
        workspace: client.workspace(arg("project-id")?, arg("workspace-id")?),
        dataclass_id: arg("dataclass-id")?,
    })
}

/// The steps; the error says which one failed and why.
async fn run(setup: Setup) -> Result<(), String> {
    let workspace = setup.workspace;

    // List.
    let page = workspace
        .list_workflows()
        .limit(10)
        .await
        .and_then(Response::checked)
        .map_err(failed("listing the workflows"))?;
    println!("{} workflows in the workspace", page.total.unwrap_or(0));
    for workflow in page.data.iter().flatten() {
        println!(
            "  {} {}",
            escape(workflow.id.as_deref().unwrap_or("?")),
            escape(workflow.name.as_deref().unwrap_or(""))
        );
    }

    // Create.
    let body = CreateAopWorkflowBody {
        description: Some("Blocks the source IP of an alert".into()),
        ..CreateAopWorkflowBody::new(
            "block-source-ip",
            CreateAopWorkflowBodyEngineType::PublicEngine,
            AopType::Normal,
            setup.dataclass_id,
        )
    };
    let created = workspace
        .create_aop_workflow(body)
        .await
        .and_then(Response::checked)
        .map_err(failed("creating the workflow"))?;
    let id = created
        .data
        .as_ref()
        .and_then(|w| w.id.clone())
        .ok_or("creating the workflow failed: the answer has no id for the new workflow")?;
    println!(
        "created {} (request id {})",
        escape(&id),
        escape(created.request_id().unwrap_or("-"))
    );

    // Update.
    let change = UpdateAopWorkflowBody {
        name: Some("block-source-ip-v2".into()),
        description: Some("Blocks the source IP of an alert for 24 hours".into()),
        ..Default::default()
    };
    let updated = workspace
        .update_aop_workflow(&id, change)
        .await
        .and_then(Response::checked)
        .map_err(failed("renaming the workflow"))?;
    println!(
        "renamed to {}",
        escape(
            updated
                .data
                .as_ref()
                .and_then(|w| w.name.as_deref())
                .unwrap_or("?")
        )
    );

    // Delete.
    workspace
        .delete_aop_workflow(&id)
        .await
        .and_then(Response::checked)
        .map_err(failed("deleting the workflow"))?;
    println!("deleted {}", escape(&id));
    Ok(())
}

/// `STEP failed: ERROR`, with the error's `Display` (a short text with what the server said
/// escaped), never its debug form.
fn failed<E: Display>(step: &'static str) -> impl Fn(E) -> String {
    move |e| format!("{step} failed: {e}")
}

fn timeout(secs: &str) -> Result<Duration, String> {
    secs.parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or(format!(
            "--timeout takes a positive number of seconds, not `{secs}`"
        ))
}

/// `--name value` pairs.
fn flags() -> Result<HashMap<String, String>, String> {
    const KNOWN: &[&str] = &[
        "endpoint",
        "region",
        "token",
        "project-id",
        "workspace-id",
        "dataclass-id",
        "timeout",
    ];
    let mut args = std::env::args().skip(1);
    let mut flags = HashMap::new();
    while let Some(flag) = args.next() {
        let name = flag
            .strip_prefix("--")
            .ok_or(format!("unexpected argument `{flag}`"))?;
        if !KNOWN.contains(&name) {
            return Err(format!("unknown option `{flag}`"));
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        flags.insert(name.to_owned(), value);
    }
    Ok(flags)
}
