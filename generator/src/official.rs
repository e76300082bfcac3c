//! SecMaster's official operations, as Huawei's SDKs and documentation name them, and the API
//! family each belongs to.
//!
//! The list (`secmaster-operations.tsv`: version, name, method, path, request content type) is the
//! yardstick of the spec's reach: import-doc names a transcribed page's operation from it, and the
//! `coverage` command counts, per family, what the spec has and what it lacks.
//!
//! Eighteen names exist in both v1 and v2 with different paths (alert rules, pipes, collect
//! configuration). The spec keeps operationIds unique by one rule: the v2 operation of such a name
//! takes the suffix `V2` (`ListAlertRules` is v1, `ListAlertRulesV2` is v2); every other operation
//! keeps its official name.

use std::collections::BTreeSet;

/// The official list, carried inside the generator so that it works anywhere.
const OFFICIAL_OPERATIONS: &str = include_str!("secmaster-operations.tsv");

/// One official SecMaster operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OfficialOperation {
    /// `v1` or `v2`.
    pub version: &'static str,
    /// The official name, as the SDKs and documentation URLs have it.
    pub name: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// The operationId the spec uses (see the module documentation for the rule).
    pub operation_id: String,
    /// The API family, which is also the name of the spec file that holds it.
    pub family: &'static str,
}

/// API families (named as their spec files and cargo features) and the path prefixes they cover,
/// after `/v{n}/{project_id}/` and `workspaces/{workspace_id}/`. The longest prefix wins.
pub(crate) const FAMILIES: &[(&str, &[&str])] = &[
    (
        "workspaces",
        &[
            "workspaces",
            "agency",
            "configurations/dictionaries",
            "{resource_type}",
        ],
    ),
    ("alerts", &["soc/alerts"]),
    ("incidents", &["soc/incidents"]),
    ("indicators", &["soc/indicators"]),
    ("vulnerabilities", &["soc/vulnerability"]),
    ("assets", &["sa/resources"]),
    ("asset_credentials", &["soc/assetcredentials"]),
    (
        "data_objects",
        &[
            "soc/{dataclass_name}",
            "soc/{dataclass_type}",
            "soc/datapanel",
        ],
    ),
    (
        "data_classes",
        &["soc/dataclasses", "soc/modules", "soc/catalogues"],
    ),
    ("layouts", &["soc/layouts"]),
    ("playbooks", &["soc/playbooks"]),
    ("workflows", &["soc/workflows"]),
    ("components", &["components", "soc/components"]),
    ("mappings", &["soc/mappings"]),
    ("policies", &["soc/policys", "soc/policy-records"]),
    ("tasks", &["soc/tasks", "soc/notes", "soc/attachment"]),
    (
        "subscriptions",
        &["subscriptions", "siem/subscription", "siem/upgradation"],
    ),
    ("metrics", &["soc/metrics", "sa/metrics", "sa/reports"]),
    ("baseline", &["sa/baseline"]),
    ("cloud_logs", &["collector/cloudlogs", "siem/cloud-logs"]),
    ("collection", &["collector", "nodes"]),
    ("alert_rules", &["siem/alert-rules"]),
    ("pipes", &["siem/dataspaces", "siem/pipes"]),
    (
        "tables",
        &[
            "siem/tables",
            "siem/directories",
            "siem/data-transformations",
        ],
    ),
    (
        "search",
        &[
            "siem/search",
            "siem/ad-hoc-queries",
            "siem/sql",
            "siem/moniter",
        ],
    ),
    ("shippers", &["siem/shippers"]),
    (
        "scripts",
        &[
            "siem/analysis-scripts",
            "siem/retrieve-scripts",
            "siem/code-segments",
        ],
    ),
];

/// Every official operation, in the list's order.
pub(crate) fn official_operations() -> Vec<OfficialOperation> {
    let rows: Vec<[&'static str; 4]> = OFFICIAL_OPERATIONS
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split('\t');
            Some([
                fields.next()?,
                fields.next()?,
                fields.next()?,
                fields.next()?,
            ])
        })
        .collect();
    let in_v1: BTreeSet<&str> = rows
        .iter()
        .filter(|[version, ..]| *version == "v1")
        .map(|[_, name, ..]| *name)
        .collect();
    rows.iter()
        .map(|&[version, name, method, path]| OfficialOperation {
            version,
            name,
            method,
            path,
            operation_id: if version == "v2" && in_v1.contains(name) {
                format!("{name}V2")
            } else {
                name.to_owned()
            },
            family: family_of(path),
        })
        .collect()
}

/// The operationId of the official operation at `method` and `path`, if SecMaster has one there.
pub(crate) fn official_operation_id(method: &str, path: &str) -> Option<String> {
    official_operations()
        .into_iter()
        .find(|op| op.method.eq_ignore_ascii_case(method) && op.path == path)
        .map(|op| op.operation_id)
}

/// The family a path belongs to: the one with the longest matching prefix, `other` for none.
pub(crate) fn family_of(path: &str) -> &'static str {
    let rest = path_after_scope(path);
    let mut best: Option<(&'static str, usize)> = None;
    for (family, prefixes) in FAMILIES {
        for prefix in *prefixes {
            let matches = rest == *prefix
                || rest
                    .strip_prefix(prefix)
                    .is_some_and(|tail| tail.starts_with('/'));
            if matches && best.is_none_or(|(_, len)| prefix.len() > len) {
                best = Some((family, prefix.len()));
            }
        }
    }
    match best {
        Some((family, _)) => family,
        // `/v1/{project_id}/workspaces/{workspace_id}` itself.
        None if rest.is_empty() && path.contains("/workspaces/") => "workspaces",
        None => "other",
    }
}

/// The part of a path after `/v{n}/`, `{project_id}/` and `workspaces/{workspace_id}/`.
fn path_after_scope(path: &str) -> &str {
    let mut rest = path.trim_start_matches('/');
    if let Some((version, tail)) = rest.split_once('/') {
        if version.starts_with('v') && version[1..].chars().all(|c| c.is_ascii_digit()) {
            rest = tail;
        }
    }
    rest = rest.strip_prefix("{project_id}").unwrap_or(rest);
    rest = rest.trim_start_matches('/');
    if let Some(tail) = rest.strip_prefix("workspaces/{workspace_id}") {
        rest = tail.trim_start_matches('/');
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_every_operation_once_under_a_unique_operation_id() {
        let ops = official_operations();
        assert_eq!(ops.len(), 396);
        let ids: BTreeSet<&str> = ops.iter().map(|op| op.operation_id.as_str()).collect();
        assert_eq!(ids.len(), 396);
        let v2_suffixed = ops
            .iter()
            .filter(|op| op.operation_id.ends_with("V2"))
            .count();
        assert_eq!(v2_suffixed, 18);
    }

    #[test]
    fn every_operation_belongs_to_a_family_and_the_counts_match_the_facts_table() {
        let ops = official_operations();
        let count = |family: &str| ops.iter().filter(|op| op.family == family).count();
        assert_eq!(count("other"), 0);
        assert_eq!(count("workflows"), 18);
        assert_eq!(count("collection"), 33);
        assert_eq!(count("cloud_logs"), 13);
        assert_eq!(count("workspaces"), 19);
        assert_eq!(count("data_objects"), 14);
        assert_eq!(count("alert_rules"), 23);
        let threat_side = [
            "workspaces",
            "alerts",
            "incidents",
            "indicators",
            "vulnerabilities",
            "assets",
            "asset_credentials",
            "data_objects",
            "data_classes",
            "layouts",
            "playbooks",
            "components",
            "mappings",
            "policies",
            "tasks",
        ];
        assert_eq!(threat_side.iter().map(|f| count(f)).sum::<usize>(), 191);
    }

    #[test]
    fn names_in_both_versions_give_the_v2_one_a_suffix() {
        assert_eq!(
            official_operation_id(
                "GET",
                "/v1/{project_id}/workspaces/{workspace_id}/siem/alert-rules"
            )
            .as_deref(),
            Some("ListAlertRules")
        );
        let v2 = official_operations()
            .into_iter()
            .find(|op| op.version == "v2" && op.name == "ListAlertRules")
            .unwrap();
        assert_eq!(v2.operation_id, "ListAlertRulesV2");
    }

    #[test]
    fn paths_are_placed_by_their_longest_prefix() {
        assert_eq!(
            family_of("/v1/{project_id}/collector/cloudlogs/alias"),
            "cloud_logs"
        );
        assert_eq!(
            family_of("/v1/{project_id}/collector/channels"),
            "collection"
        );
        assert_eq!(
            family_of("/v1/{project_id}/workspaces/{workspace_id}"),
            "workspaces"
        );
        assert_eq!(family_of("/v1/{project_id}/workspaces"), "workspaces");
        assert_eq!(family_of("/v1/subscriptions/orders"), "subscriptions");
        assert_eq!(family_of("/v9/elsewhere"), "other");
    }
}
