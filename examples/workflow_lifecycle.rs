//! A workflow's life: list the workspace's workflows, create one, rename and describe it, then
//! delete it.
//!
//! ```text
//! cargo run --example workflow_lifecycle -- --endpoint URL --token T --project-id P --workspace-id W --dataclass-id D
//! ```
//!
//! Without `--token`, the AK/SK pair comes from HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK; without
//! `--endpoint`, `--region R` picks the region's endpoint.

use secmaster::types::{
    AopType, CreateAopWorkflowBody, CreateAopWorkflowBodyEngineType, UpdateAopWorkflowBody,
};
use secmaster::{Client, Credentials};
use std::collections::HashMap;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = flags()?;
    let arg = |name: &str| {
        args.get(name)
            .cloned()
            .ok_or_else(|| format!("--{name} is required"))
    };
    let credentials = match args.get("token") {
        Some(token) => Credentials::token(token),
        None => Credentials::from_env()?,
    };
    let mut builder = Client::builder().credentials(credentials);
    builder = match (args.get("endpoint"), args.get("region")) {
        (Some(endpoint), _) => builder.endpoint(endpoint),
        (None, Some(region)) => builder.region(region),
        (None, None) => return Err("--endpoint or --region is required".into()),
    };
    let client = builder.build()?;
    let workspace = client.workspace(arg("project-id")?, arg("workspace-id")?);

    // List.
    let page = workspace.list_workflows().limit(10).await?;
    println!("{} workflows in the workspace", page.total.unwrap_or(0));
    for workflow in page.data.iter().flatten() {
        println!(
            "  {} {}",
            workflow.id.as_deref().unwrap_or("?"),
            workflow.name.as_deref().unwrap_or("")
        );
    }

    // Create.
    let body = CreateAopWorkflowBody {
        description: Some("Blocks the source IP of an alert".into()),
        ..CreateAopWorkflowBody::new(
            "block-source-ip",
            CreateAopWorkflowBodyEngineType::PublicEngine,
            AopType::Normal,
            arg("dataclass-id")?,
        )
    };
    let created = workspace.create_aop_workflow(body).await?;
    let id = created
        .data
        .as_ref()
        .and_then(|w| w.id.clone())
        .ok_or("the service did not return the new workflow's id")?;
    println!(
        "created {id} (request id {})",
        created.request_id().unwrap_or("-")
    );

    // Update.
    let change = UpdateAopWorkflowBody {
        name: Some("block-source-ip-v2".into()),
        description: Some("Blocks the source IP of an alert for 24 hours".into()),
        ..Default::default()
    };
    let updated = workspace.update_aop_workflow(&id, change).await?;
    println!(
        "renamed to {}",
        updated
            .data
            .as_ref()
            .and_then(|w| w.name.as_deref())
            .unwrap_or("?")
    );

    // Delete.
    workspace.delete_aop_workflow(&id).await?;
    println!("deleted {id}");
    Ok(())
}

/// `--name value` pairs.
fn flags() -> Result<HashMap<String, String>, String> {
    let mut args = std::env::args().skip(1);
    let mut flags = HashMap::new();
    while let Some(flag) = args.next() {
        let name = flag
            .strip_prefix("--")
            .ok_or(format!("unexpected argument `{flag}`"))?;
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        flags.insert(name.to_owned(), value);
    }
    Ok(flags)
}
