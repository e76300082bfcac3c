//! API families: one output file per spec file with operations, the types several families reach
//! in `shared.rs` behind their features, the features block of the manifest kept in sync, and
//! regeneration that formats only the files an edit changes.

use secmaster_codegen::{Config, WriteOutcome};
use std::path::{Path, PathBuf};

const FAMILIES: &str = "tests/fixtures/families";

const MANIFEST: &str = "[package]\nname = \"client\"\n\n[features]\ndefault = [\"full\"]\n# @generated families: begin\n# @generated families: end\n";

/// A scratch copy of the fixture spec, with a manifest and an output folder.
fn scratch() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    std::fs::create_dir(&spec).unwrap();
    for name in ["common.yaml", "alerts.yaml", "incidents.yaml"] {
        std::fs::copy(Path::new(FAMILIES).join(name), spec.join(name)).unwrap();
    }
    let manifest = dir.path().join("Cargo.toml");
    std::fs::write(&manifest, MANIFEST).unwrap();
    let out = dir.path().join("generated");
    (dir, spec, manifest, out)
}

fn config(spec: &Path, manifest: &Path, out: &Path) -> Config {
    Config::new().spec_dir(spec).manifest(manifest).out_dir(out)
}

#[test]
fn each_family_has_its_file_and_shared_types_are_gated_by_their_families() {
    let files = Config::new().spec_dir(FAMILIES).render().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["secmaster.rs", "alerts.rs", "incidents.rs", "shared.rs"]
    );
    let text = |name: &str| &files.iter().find(|f| f.name == name).unwrap().contents;
    // Reached by one family: with it.
    assert!(text("alerts.rs").contains("pub struct AlertPage"));
    assert!(text("incidents.rs").contains("pub struct CreateIncidentBody"));
    assert!(text("incidents.rs").contains("use crate::shared::Severity;"));
    // Reached by both (and a type no operation reaches): shared, compiled with either.
    let shared = text("shared.rs");
    for ty in ["ErrorBody", "Severity", "Unused"] {
        assert!(shared.contains(&format!(" {ty} ")), "{ty}");
    }
    assert_eq!(
        shared
            .matches("#[cfg(any(feature = \"alerts\", feature = \"incidents\"))]")
            .count(),
        // ErrorBody and its `json_struct!`, Severity and its conversions, Unused.
        5,
        "{shared}"
    );
    let root = text("secmaster.rs");
    assert!(root.contains("#[cfg(feature = \"alerts\")]\n    pub use crate::alerts::types::*;"));
    assert!(root.contains("#[cfg_attr(docsrs, doc(cfg(feature = \"incidents\")))]"));
    assert!(root.contains("include!(\"shared.rs\");"));
}

#[test]
fn the_manifest_lists_the_families_and_a_stale_one_fails_the_build() {
    let (_dir, spec, manifest, out) = scratch();
    // Before the generator ran: render (what the build script calls) refuses, saying what to run.
    let error = config(&spec, &manifest, &out)
        .render()
        .unwrap_err()
        .to_string();
    assert!(error.contains("`alerts`, `incidents`"), "{error}");
    assert!(error.contains("run `cargo run -p generator`"), "{error}");
    assert_eq!(
        config(&spec, &manifest, &out).check().unwrap().last(),
        Some(&manifest)
    );
    config(&spec, &manifest, &out).generate().unwrap();
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains("full = [\n    \"alerts\",\n    \"incidents\",\n]\nalerts = []\nincidents = []\n# @generated families: end\n"), "{text}");
    assert!(config(&spec, &manifest, &out).check().unwrap().is_empty());
    config(&spec, &manifest, &out).render().unwrap();

    // A family added: stale again, until the generator runs.
    std::fs::write(
        spec.join("tasks.yaml"),
        std::fs::read_to_string(spec.join("alerts.yaml"))
            .unwrap()
            .replace("/alerts:", "/tasks:")
            .replace("ListAlerts", "ListTasks")
            .replace("AlertPage", "TaskPage")
            .replace("Severity", "TaskSeverity"),
    )
    .unwrap();
    let error = config(&spec, &manifest, &out)
        .render()
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("lacks the features of the API families `tasks`"),
        "{error}"
    );
    config(&spec, &manifest, &out).generate().unwrap();
    assert!(std::fs::read_to_string(&manifest)
        .unwrap()
        .contains("tasks = []"));

    // And removed: its file goes too.
    std::fs::remove_file(spec.join("tasks.yaml")).unwrap();
    let outcomes = config(&spec, &manifest, &out).generate().unwrap();
    assert!(outcomes.contains(&(out.join("tasks.rs"), WriteOutcome::Removed)));
    assert!(!std::fs::read_to_string(&manifest)
        .unwrap()
        .contains("tasks"));
}

#[test]
fn a_family_file_named_like_something_the_client_has_is_a_fault() {
    let (_dir, spec, _, _) = scratch();
    std::fs::rename(spec.join("incidents.yaml"), spec.join("retry.yaml")).unwrap();
    let error = Config::new()
        .spec_dir(&spec)
        .render()
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("the file name `retry` cannot name an API family"),
        "{error}"
    );
}

#[test]
fn regenerating_formats_only_what_changed_and_repairs_hand_edits() {
    let (_dir, spec, manifest, out) = scratch();
    config(&spec, &manifest, &out).generate().unwrap();
    let written = |outcomes: Vec<(PathBuf, WriteOutcome)>| -> Vec<String> {
        outcomes
            .into_iter()
            .filter(|(_, o)| *o != WriteOutcome::Unchanged)
            .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert!(written(config(&spec, &manifest, &out).generate().unwrap()).is_empty());

    // One family edited: its file alone changes; the others are taken as they are.
    let alerts = spec.join("alerts.yaml");
    let text = std::fs::read_to_string(&alerts).unwrap();
    std::fs::write(
        &alerts,
        text.replace("description: Alerts.", "description: Some alerts."),
    )
    .unwrap();
    assert_eq!(
        written(config(&spec, &manifest, &out).generate().unwrap()),
        ["alerts.rs"]
    );

    // A hand edit below an intact header is not trusted: the file is formatted anew.
    let incidents = out.join("incidents.rs");
    let fresh = std::fs::read_to_string(&incidents).unwrap();
    std::fs::write(&incidents, fresh.replace("pub struct", "pub(crate) struct")).unwrap();
    assert_eq!(
        config(&spec, &manifest, &out).check().unwrap(),
        std::slice::from_ref(&incidents)
    );
    assert_eq!(
        written(config(&spec, &manifest, &out).generate().unwrap()),
        ["incidents.rs"]
    );
    assert_eq!(std::fs::read_to_string(&incidents).unwrap(), fresh);
}

/// The spec files of `families` families, `family_00.yaml`, ..., each with one operation whose
/// answer is `answer` (a schema of `common.yaml`), and `common.yaml` with `schemas`.
fn many_families(dir: &Path, families: usize, answer: &str, schemas: &str) {
    let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";
    for f in 0..families {
        let text = format!(
            "{head}paths:\n  /v1/f{f}:\n    get:\n      operationId: Op{f}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'common.yaml#/components/schemas/{answer}'}}\n"
        );
        std::fs::write(dir.join(format!("family_{f:02}.yaml")), text).unwrap();
    }
    let common = format!("{head}paths: {{}}\ncomponents:\n  schemas:\n{schemas}");
    std::fs::write(dir.join("common.yaml"), common).unwrap();
}

/// A type no operation reaches is compiled with every family, and so is what it names, although
/// only one family reaches that: `Unused` in `shared.rs` names `Detail`, which must be there too
/// (not in the family's file, where `shared.rs` cannot see it). And as `Unused` travels both ways
/// (no operation says which), so does `Detail`, although it is only received: `Unused`'s
/// `Serialize` needs `Detail`'s.
#[test]
fn what_an_unreached_type_names_is_shared() {
    let dir = tempfile::tempdir().unwrap();
    let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";
    std::fs::write(
        dir.path().join("things.yaml"),
        format!("{head}paths:\n  /v1/things:\n    get:\n      operationId: ListThings\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Detail'}}\ncomponents:\n  schemas:\n    Detail:\n      type: object\n      properties:\n        name: {{type: string}}\n    Unused:\n      type: object\n      properties:\n        detail: {{$ref: '#/components/schemas/Detail'}}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("others.yaml"),
        format!("{head}paths:\n  /v1/others:\n    get:\n      operationId: ListOthers\n      responses:\n        '204':\n          description: ok\n"),
    )
    .unwrap();
    let files = Config::new().spec_dir(dir.path()).render().unwrap();
    let text = |name: &str| &files.iter().find(|f| f.name == name).unwrap().contents;
    let shared = text("shared.rs");
    assert!(shared.contains("pub struct Detail "), "{shared}");
    assert!(shared.contains("pub struct Unused "), "{shared}");
    assert!(!text("things.rs").contains("pub struct Detail "));
    let detail = shared.split("pub struct Detail ").next().unwrap();
    assert!(
        detail.ends_with("#[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize, ::serde::Deserialize)]\n"),
        "{shared}"
    );
}

/// A type more families reach than a gate names one by one (`limits::MAX_GATED_FAMILIES`) is
/// wide: it and all it names are in one module of `shared.rs`, behind one gate naming every
/// family that reaches them; a type fewer families reach keeps its own gate.
#[test]
fn types_many_families_share_are_gated_once() {
    let many = secmaster_codegen::limits::MAX_GATED_FAMILIES + 1;
    let dir = tempfile::tempdir().unwrap();
    many_families(
        dir.path(),
        many,
        "Page",
        "    Page:\n      type: object\n      properties:\n        item: {$ref: '#/components/schemas/Item'}\n    Item:\n      type: object\n      properties:\n        name: {type: string}\n",
    );
    // Two of the families also reach `Pair`.
    for f in 0..2 {
        let path = dir.path().join(format!("family_{f:02}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let extra = format!("  /v1/f{f}/pair:\n    get:\n      operationId: Pair{f}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'common.yaml#/components/schemas/Pair'}}\n");
        std::fs::write(&path, text + &extra).unwrap();
    }
    let common = dir.path().join("common.yaml");
    let text = std::fs::read_to_string(&common).unwrap();
    std::fs::write(
        &common,
        text + "    Pair:\n      type: object\n      properties:\n        item: {$ref: '#/components/schemas/Item'}\n",
    )
    .unwrap();
    let files = Config::new().spec_dir(dir.path()).render().unwrap();
    let shared = &files
        .iter()
        .find(|f| f.name == "shared.rs")
        .unwrap()
        .contents;
    let (gated, rest) = shared.split_once("mod wide {").expect("a wide module");
    let (wide, after) = rest.split_once("\n}\n").expect("the module's end");
    assert!(gated.contains("pub struct Pair "), "{shared}");
    assert!(gated.contains("#[cfg(any(feature = \"family_00\", feature = \"family_01\"))]"));
    assert!(wide.contains("pub struct Page "), "{shared}");
    // Named by a wide type, so wide although `Pair` names it too.
    assert!(wide.contains("pub struct Item "), "{shared}");
    assert!(!wide.contains("#[cfg("), "{shared}");
    // Each family named twice in the module's gates (`cfg` and `doc(cfg)`) and once in the
    // re-export's; `family_00` and `family_01` also in `Pair`'s three (its `cfg`, `doc(cfg)`
    // and the `cfg` of its `json_struct!`).
    for f in 0..many {
        let named = shared
            .matches(&format!("feature = \"family_{f:02}\""))
            .count();
        assert_eq!(named, if f < 2 { 6 } else { 3 }, "family_{f:02}:\n{shared}");
    }
    assert!(after.contains("pub use self::wide::*;"), "{shared}");
}
