//! `generator coverage`: how much of SecMaster's official API the spec holds, family by family.
//!
//! Teams extending the spec run it to see what is left. It reads only the `paths` of each spec
//! file (method, path template, operationId), so it answers even for a spec the generator would
//! still reject, and matches them to the official list (`secmaster-operations.tsv`, compiled
//! in) by method and path, placeholders' names aside.

use crate::official::{official_operations, OfficialOperation, FAMILIES};
use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// The spec's reach against the official operation list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    families: Vec<FamilyCoverage>,
    /// Operations in the spec that the official list does not have: `(file, METHOD path, operationId)`.
    unofficial: Vec<(String, String, String)>,
}

/// One family's line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FamilyCoverage {
    family: &'static str,
    official: usize,
    present: usize,
    missing: Vec<OfficialOperation>,
}

/// An operation as a spec file declares it.
struct Declared {
    file: String,
    method: String,
    path: String,
    operation_id: String,
}

/// What stops the report: a spec file that cannot be read or is not YAML.
#[derive(Debug)]
pub struct CoverageError(String);

impl fmt::Display for CoverageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CoverageError {}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Files larger than this are not specs anyone wrote by hand; refuse rather than read them whole.
const MAX_SPEC_FILE_BYTES: u64 = 16 * 1024 * 1024;

impl Coverage {
    /// Measures spec files against the official list: each path a YAML file, or a folder whose
    /// `.yaml`/`.yml` files are read.
    pub fn of_paths(paths: &[PathBuf]) -> Result<Coverage, CoverageError> {
        let mut declared = Vec::new();
        for path in paths {
            for file in spec_files(path)? {
                declared.extend(declared_operations(&file)?);
            }
        }
        Ok(Coverage::of_declared(&declared))
    }

    fn of_declared(declared: &[Declared]) -> Coverage {
        let key =
            |method: &str, path: &str| (method.to_ascii_uppercase(), placeholders_blanked(path));
        let in_spec: BTreeSet<(String, String)> =
            declared.iter().map(|d| key(&d.method, &d.path)).collect();
        let official = official_operations();
        let official_keys: BTreeSet<(String, String)> =
            official.iter().map(|op| key(op.method, op.path)).collect();
        let families = FAMILIES
            .iter()
            .map(|(family, _)| {
                let of_family: Vec<&OfficialOperation> =
                    official.iter().filter(|op| op.family == *family).collect();
                let missing: Vec<OfficialOperation> = of_family
                    .iter()
                    .filter(|op| !in_spec.contains(&key(op.method, op.path)))
                    .map(|op| (*op).clone())
                    .collect();
                FamilyCoverage {
                    family,
                    official: of_family.len(),
                    present: of_family.len() - missing.len(),
                    missing,
                }
            })
            .collect();
        let unofficial = declared
            .iter()
            .filter(|d| !official_keys.contains(&key(&d.method, &d.path)))
            .map(|d| {
                let call = format!("{} {}", d.method.to_ascii_uppercase(), d.path);
                (d.file.clone(), call, d.operation_id.clone())
            })
            .collect();
        Coverage {
            families,
            unofficial,
        }
    }

    /// Official operations in all.
    pub fn official(&self) -> usize {
        self.families.iter().map(|f| f.official).sum()
    }

    /// Official operations the spec has.
    pub fn present(&self) -> usize {
        self.families.iter().map(|f| f.present).sum()
    }

    /// Whether the spec has every official operation and nothing else.
    pub fn is_complete(&self) -> bool {
        self.present() == self.official() && self.unofficial.is_empty()
    }

    /// The report: a table of families, then (with `list_missing`) each missing operation.
    pub fn report(&self, list_missing: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<20} {:>8} {:>8} {:>8}",
            "family", "official", "in spec", "missing"
        );
        for f in &self.families {
            let _ = writeln!(
                out,
                "{:<20} {:>8} {:>8} {:>8}",
                f.family,
                f.official,
                f.present,
                f.missing.len()
            );
        }
        let (official, present) = (self.official(), self.present());
        let _ = writeln!(
            out,
            "{:<20} {:>8} {:>8} {:>8}",
            "total",
            official,
            present,
            official - present
        );
        if list_missing {
            for f in self.families.iter().filter(|f| !f.missing.is_empty()) {
                let _ = writeln!(out, "\nmissing from {} (spec/{}.yaml):", f.family, f.family);
                for op in &f.missing {
                    let _ = writeln!(
                        out,
                        "  {:<44} {} {} {}",
                        op.operation_id, op.version, op.method, op.path
                    );
                }
            }
        }
        if !self.unofficial.is_empty() {
            let _ = writeln!(out, "\nin the spec but not in the official list:");
            for (file, call, id) in &self.unofficial {
                let _ = writeln!(out, "  {id:<44} {call} ({file})");
            }
        }
        out
    }
}

/// `{anything}` → `{}`, so that a placeholder's name does not decide a match.
fn placeholders_blanked(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_placeholder = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_placeholder = true;
                out.push('{');
            }
            '}' => {
                in_placeholder = false;
                out.push('}');
            }
            _ if in_placeholder => {}
            _ => out.push(c),
        }
    }
    out
}

/// `path` itself, or the YAML files of the folder `path`, sorted by name.
fn spec_files(path: &Path) -> Result<Vec<PathBuf>, CoverageError> {
    if !path.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| CoverageError(format!("cannot read the folder {}: {e}", path.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    Ok(files)
}

fn declared_operations(file: &Path) -> Result<Vec<Declared>, CoverageError> {
    let name = file.display().to_string();
    let size = std::fs::metadata(file)
        .map_err(|e| CoverageError(format!("cannot read {name}: {e}")))?
        .len();
    if size > MAX_SPEC_FILE_BYTES {
        return Err(CoverageError(format!(
            "{name} is {size} bytes, more than the {MAX_SPEC_FILE_BYTES} a spec file may have; split it by family"
        )));
    }
    let text = std::fs::read_to_string(file)
        .map_err(|e| CoverageError(format!("cannot read {name}: {e}")))?;
    let document: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|e| {
        CoverageError(format!(
            "{name}: not YAML ({e}); run `cargo run -p generator` for a full report"
        ))
    })?;
    let Some(paths) = document.get("paths").and_then(|p| p.as_mapping()) else {
        return Ok(Vec::new());
    };
    let mut declared = Vec::new();
    for (path, item) in paths {
        let (Some(path), Some(item)) = (path.as_str(), item.as_mapping()) else {
            continue;
        };
        for (method, operation) in item {
            let Some(method) = method.as_str().filter(|m| HTTP_METHODS.contains(m)) else {
                continue;
            };
            let operation_id = operation
                .get("operationId")
                .and_then(|id| id.as_str())
                .unwrap_or("(no operationId)");
            declared.push(Declared {
                file: name.clone(),
                method: method.to_owned(),
                path: path.to_owned(),
                operation_id: operation_id.to_owned(),
            });
        }
    }
    Ok(declared)
}

/// The families a report lists, one row each.
pub fn family_names() -> impl Iterator<Item = &'static str> {
    FAMILIES.iter().map(|(family, _)| *family)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(method: &str, path: &str, id: &str) -> Declared {
        Declared {
            file: "spec/x.yaml".into(),
            method: method.into(),
            path: path.into(),
            operation_id: id.into(),
        }
    }

    #[test]
    fn an_empty_spec_misses_everything() {
        let coverage = Coverage::of_declared(&[]);
        assert_eq!((coverage.official(), coverage.present()), (396, 0));
        assert!(!coverage.is_complete());
        let report = coverage.report(true);
        let row = |name: &str| -> Vec<String> {
            let line = report
                .lines()
                .find(|l| l.split_whitespace().next() == Some(name));
            line.unwrap_or_default()
                .split_whitespace()
                .map(String::from)
                .collect()
        };
        assert_eq!(row("alerts"), ["alerts", "11", "0", "11"], "{report}");
        assert_eq!(row("total"), ["total", "396", "0", "396"], "{report}");
        assert!(
            report.contains("\nmissing from alerts (spec/alerts.yaml):\n"),
            "{report}"
        );
        assert!(report.contains("  ListAlerts "), "{report}");
    }

    #[test]
    fn operations_match_by_method_and_path_whatever_their_placeholders_are_called() {
        let coverage = Coverage::of_declared(&[
            declared(
                "post",
                "/v1/{project_id}/workspaces/{workspace_id}/soc/alerts/search",
                "ListAlerts",
            ),
            declared("get", "/v1/{p}/workspaces/{w}/soc/alerts/{id}", "ShowAlert"),
            declared("get", "/v1/{project_id}/nowhere", "Nowhere"),
        ]);
        assert_eq!(coverage.present(), 2);
        let alerts = coverage
            .families
            .iter()
            .find(|f| f.family == "alerts")
            .unwrap();
        assert_eq!((alerts.official, alerts.present), (11, 2));
        assert!(!alerts.missing.iter().any(|op| op.name == "ListAlerts"));
        let report = coverage.report(false);
        assert!(!report.contains("missing from"), "{report}");
        assert!(
            report.contains("in the spec but not in the official list:\n  Nowhere"),
            "{report}"
        );
    }

    #[test]
    fn the_report_of_a_spec_file_on_disk_counts_its_operations() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("alerts.yaml");
        std::fs::write(
            &file,
            "openapi: 3.0.3\ninfo: {title: t, version: v1}\npaths:\n  /v1/{project_id}/workspaces/{workspace_id}/soc/alerts/search:\n    parameters: []\n    post: {operationId: ListAlerts}\n",
        )
        .unwrap();
        let coverage = Coverage::of_paths(&[file]).unwrap();
        assert_eq!(coverage.present(), 1);
    }

    #[test]
    fn a_file_that_is_not_yaml_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("broken.yaml");
        std::fs::write(&file, "paths: [unclosed").unwrap();
        let error = Coverage::of_paths(&[file]).unwrap_err().to_string();
        assert!(error.contains("broken.yaml: not YAML"), "{error}");
    }

    #[test]
    fn every_family_has_a_row() {
        let report = Coverage::of_declared(&[]).report(false);
        for family in family_names() {
            assert!(
                report.contains(&format!("\n{family} ")),
                "{family} in {report}"
            );
        }
    }
}
