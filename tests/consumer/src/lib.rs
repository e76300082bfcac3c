//! What an application that uses only the `workflows` family of the packaged client writes: the
//! names of a workspace's enabled workflows.

use secmaster::operations::ListWorkflowsError;
use secmaster::{Error, Response, WorkspaceClient};

/// The names of the enabled workflows of a workspace (first page, up to `limit`), refusing an
/// answer whose envelope says `success: false`.
pub async fn enabled_workflow_names(
    workspace: &WorkspaceClient,
    limit: i32,
) -> Result<Vec<String>, Error<ListWorkflowsError>> {
    let page = workspace
        .list_workflows()
        .enabled(true)
        .limit(limit)
        .await
        .and_then(Response::checked)?;
    Ok(page
        .data
        .iter()
        .flatten()
        .filter_map(|workflow| workflow.name.clone())
        .collect())
}
