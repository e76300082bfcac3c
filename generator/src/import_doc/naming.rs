//! Names derived from the page: the operationId and component schema names.

use heck::ToUpperCamelCase;

/// Gerunds that open reference titles, and the imperative verb an operationId starts with.
const VERBS: &[(&str, &str)] = &[
    ("adding", "Add"),
    ("approving", "Approve"),
    ("associating", "Associate"),
    ("batch", "Batch"),
    ("binding", "Bind"),
    ("canceling", "Cancel"),
    ("cancelling", "Cancel"),
    ("changing", "Change"),
    ("checking", "Check"),
    ("closing", "Close"),
    ("configuring", "Configure"),
    ("copying", "Copy"),
    ("creating", "Create"),
    ("deleting", "Delete"),
    ("disabling", "Disable"),
    ("downloading", "Download"),
    ("editing", "Edit"),
    ("enabling", "Enable"),
    ("executing", "Execute"),
    ("exporting", "Export"),
    ("getting", "Get"),
    ("importing", "Import"),
    ("listing", "List"),
    ("modifying", "Modify"),
    ("obtaining", "Obtain"),
    ("querying", "Query"),
    ("removing", "Remove"),
    ("resetting", "Reset"),
    ("retrying", "Retry"),
    ("running", "Run"),
    ("saving", "Save"),
    ("searching", "Search"),
    ("setting", "Set"),
    ("starting", "Start"),
    ("stopping", "Stop"),
    ("submitting", "Submit"),
    ("switching", "Switch"),
    ("terminating", "Terminate"),
    ("unbinding", "Unbind"),
    ("updating", "Update"),
    ("uploading", "Upload"),
    ("validating", "Validate"),
    ("viewing", "View"),
];

const ARTICLES: &[&str] = &["a", "an", "the"];

pub(crate) use crate::official::official_operation_id;

/// The operationId a title gives (see the module documentation for the rule).
pub(crate) fn operation_id_from_title(title: &str) -> Option<String> {
    let words: Vec<&str> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter(|w| !ARTICLES.iter().any(|a| a.eq_ignore_ascii_case(w)))
        .collect();
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        let lower = word.to_ascii_lowercase();
        match VERBS.iter().find(|(g, _)| *g == lower) {
            Some((_, verb)) if i == 0 => out.push_str(verb),
            _ => {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.push(first.to_ascii_uppercase());
                    out.push_str(chars.as_str());
                }
            }
        }
    }
    if out.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        Some(out)
    } else {
        None
    }
}

/// Whether `name` can be an operationId: an ASCII letter, then letters, digits or `_`.
pub(crate) fn is_operation_id(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Component schema name for a nested type: the type name in PascalCase.
pub(crate) fn schema_name(type_name: &str) -> String {
    type_name.to_upper_camel_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        let id = |t: &str| operation_id_from_title(t).unwrap_or_default();
        assert_eq!(
            id("Importing Workflow Information"),
            "ImportWorkflowInformation"
        );
        assert_eq!(id("Querying the Playbook List"), "QueryPlaybookList");
        assert_eq!(id("Deleting a Playbook"), "DeletePlaybook");
        assert_eq!(id("Searching for an Alert List"), "SearchForAlertList");
        assert_eq!(id("Creating an AK/SK Pair"), "CreateAKSKPair");
        assert_eq!(id("Workflow Overview"), "WorkflowOverview");
        assert_eq!(operation_id_from_title("-- 42 --"), None);
    }

    #[test]
    fn official_names_come_from_the_operation_list() {
        assert_eq!(
            official_operation_id(
                "POST",
                "/v1/{project_id}/workspaces/{workspace_id}/soc/workflows/import"
            )
            .as_deref(),
            Some("ImportAopworkflow")
        );
        assert_eq!(
            official_operation_id(
                "get",
                "/v1/{project_id}/workspaces/{workspace_id}/soc/workflows"
            )
            .as_deref(),
            Some("ListWorkflows")
        );
        assert_eq!(official_operation_id("GET", "/v1/nowhere"), None);
        assert_eq!(schema_name("data"), "Data");
        assert_eq!(schema_name("AopWorkflowInfo"), "AopWorkflowInfo");
        assert_eq!(schema_name("alert_info"), "AlertInfo");
    }
}
