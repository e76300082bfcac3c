//! Snapshots of the generator's output: one small spec per feature (`tests/fixtures/specs/`).
//! Review changes with `cargo insta review`. The output of the real spec is `generated/`, checked
//! in and guarded by the staleness check below.

use std::path::Path;

fn render(spec: &Path) -> String {
    let config = if spec.is_dir() {
        secmaster_codegen::Config::new().spec_dir(spec)
    } else {
        secmaster_codegen::Config::new().spec_file(spec)
    };
    let files = config.render().unwrap_or_else(|e| panic!("{e}"));
    // The root file, the family's and (when several families share types) the shared one, each
    // under its name.
    files
        .iter()
        .map(|f| format!("//// {}\n{}", f.name, f.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

macro_rules! fixture {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            let spec = format!("tests/fixtures/specs/{}.yaml", stringify!($name));
            insta::assert_snapshot!(stringify!($name), render(Path::new(&spec)));
        }
    )*};
}

fixture!(
    query_parameters,
    json_bodies,
    enums,
    duplicate_enum_values,
    name_collisions,
    all_of,
    maps_and_free_form,
    nullable,
    recursion,
    odd_names,
    multiple_responses,
    binary,
    multipart,
    references,
    paged_lists,
);

/// Two families sharing types (tests/fixtures/families): the root, a file per family, and the
/// shared types behind the features of the families that reach them.
#[test]
fn families() {
    insta::assert_snapshot!("families", render(Path::new("tests/fixtures/families")));
}

/// generated/ must be what spec/ gives. A hand edit of a generated file fails here when the build
/// script did not run since (it regenerates only when spec/ or the generator changed); CI runs
/// `cargo run -p generator -- --check` before building, which catches a stale generated/ in every
/// case. The fix is to change the spec and regenerate.
#[test]
fn generated_code_is_fresh() {
    // Run where CI runs it, at the workspace root: the header of the generated file names the
    // spec files as the root sees them (`spec/workflows.yaml`).
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_secmaster-codegen"))
        .arg("--check")
        .current_dir("..")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "stale generated files: run `cargo run -p generator` and commit the result\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn the_command_without_a_spec_folder_says_where_it_looked_and_what_to_do() {
    // An installed `secmaster-codegen` reads spec/ in the current directory; elsewhere it must
    // stop before writing anything, not generate an empty client.
    let dir = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_secmaster-codegen"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("there is no spec/ folder in")
            && stderr.contains("--spec PATH and --out DIR"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
