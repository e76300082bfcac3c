//! Every kind of fault a hand-edited spec can have, each with a fixture under
//! `tests/fixtures/bad_specs/` and a snapshot of the whole message the generator prints: the
//! `FILE:LINE:COL: what is wrong; how to mend it` lines, with their excerpts, all faults of a run at
//! once. And the promise that goes with them: on any fault nothing is written, the output folder
//! stays byte for byte as it was, and the command exits with 1.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const BAD_SPECS: &str = "tests/fixtures/bad_specs";

fn config(spec: &Path) -> secmaster_codegen::Config {
    if spec.is_dir() {
        secmaster_codegen::Config::new().spec_dir(spec)
    } else {
        secmaster_codegen::Config::new().spec_file(spec)
    }
}

/// The message for a bad spec (a file or a folder of files).
fn message(name: &str) -> String {
    let spec = Path::new(BAD_SPECS).join(name);
    match config(&spec).render() {
        Ok(_) => panic!("{name} was accepted"),
        Err(secmaster_codegen::Error::Spec(diagnostics)) => {
            assert!(
                diagnostics.0.iter().all(|d| d.line.is_some()),
                "a fault of {name} has no place:\n{diagnostics}"
            );
            secmaster_codegen::Error::Spec(diagnostics).to_string()
        }
        Err(other) => panic!("{name}: not a spec error: {other}"),
    }
}

macro_rules! bad_spec {
    ($($test:ident => $name:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            insta::assert_snapshot!(stringify!($test), message($name));
        }
    )*};
}

bad_spec!(
    yaml_syntax => "yaml_syntax.yaml",
    wrong_types => "wrong_types.yaml",
    dangling_refs => "dangling_refs.yaml",
    external_refs => "external_refs",
    duplicate_operation_id => "duplicate_operation_id",
    missing_operation_id => "missing_operation_id.yaml",
    path_parameters => "path_parameters.yaml",
    unsupported_constructs => "unsupported_constructs.yaml",
    unsupported_content_type => "unsupported_content_type.yaml",
    swagger_2 => "swagger_2.yaml",
    openapi_3_1 => "openapi_3_1.yaml",
    empty => "empty.yaml",
    not_a_mapping => "not_a_mapping.yaml",
    conflicting_components => "conflicting_components",
    duplicate_keys => "duplicate_keys.yaml",
    self_alias => "self_alias.yaml",
    all_of_without_end => "all_of_without_end.yaml",
    several_files => "several_files",
    not_utf8 => "not_utf8.yaml",
    object_parameters => "object_parameters.yaml",
    paging_extension => "paging_extension.yaml",
);

/// Every fixture of the folder has a test above (a new fixture without one fails here).
#[test]
fn every_bad_spec_has_a_snapshot() {
    let mut names: Vec<String> = std::fs::read_dir(BAD_SPECS)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let snapshots: Vec<String> = names
        .iter()
        .map(|n| n.trim_end_matches(".yaml").replace('.', "_"))
        .filter(|n| !Path::new(&format!("tests/snapshots/diagnostics__{n}.snap")).exists())
        .collect();
    assert!(
        snapshots.is_empty(),
        "bad specs without a snapshot: {snapshots:?}"
    );
}

/// Every file under `dir` and its bytes.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.insert(path.clone(), Vec::new());
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// An output folder as a previous run left it, plus a file of the user's.
fn output_folder() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    secmaster_codegen::Config::new()
        .spec_dir("../spec")
        .out_dir(out.path())
        .generate()
        .unwrap();
    std::fs::write(out.path().join("notes.txt"), "kept as it is\n").unwrap();
    out
}

fn bad_specs() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(BAD_SPECS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    specs.sort();
    specs
}

#[test]
fn the_library_writes_nothing_on_error() {
    let out = output_folder();
    let before = contents(out.path());
    assert!(before.len() >= 2);
    for spec in bad_specs() {
        let result = config(&spec).out_dir(out.path()).generate();
        assert!(
            matches!(result, Err(secmaster_codegen::Error::Spec(_))),
            "{}",
            spec.display()
        );
        assert_eq!(
            contents(out.path()),
            before,
            "{} changed the output",
            spec.display()
        );
    }
    // A good spec and a bad one together: still nothing.
    let result = secmaster_codegen::Config::new()
        .spec_dir("../spec")
        .spec_file(Path::new(BAD_SPECS).join("wrong_types.yaml"))
        .out_dir(out.path())
        .generate();
    assert!(result.is_err());
    assert_eq!(contents(out.path()), before);
}

#[test]
fn the_command_writes_nothing_exits_1_and_prints_the_message() {
    let out = output_folder();
    let before = contents(out.path());
    for spec in bad_specs() {
        let output = Command::new(env!("CARGO_BIN_EXE_secmaster-codegen"))
            .arg("--spec")
            .arg(&spec)
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", spec.display());
        let stderr = String::from_utf8(output.stderr).unwrap();
        let expected = config(&spec).render().unwrap_err().to_string();
        assert_eq!(stderr.trim_end(), expected.trim_end(), "{}", spec.display());
        assert!(output.stdout.is_empty());
        assert_eq!(
            contents(out.path()),
            before,
            "{} changed the output",
            spec.display()
        );
        // `--check` writes nothing either, and fails the same way.
        let check = Command::new(env!("CARGO_BIN_EXE_secmaster-codegen"))
            .arg("--check")
            .arg("--spec")
            .arg(&spec)
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        assert_eq!(check.status.code(), Some(1));
        assert_eq!(contents(out.path()), before);
    }
}

/// A fresh output folder is not even created when the spec has faults.
#[test]
fn a_missing_output_folder_is_not_created() {
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("generated");
    let result = config(&Path::new(BAD_SPECS).join("dangling_refs.yaml"))
        .out_dir(&out)
        .generate();
    assert!(result.is_err());
    assert!(!out.exists());
}
