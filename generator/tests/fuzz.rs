//! The generator never panics: a short, deterministic fuzz run over mutated specs (seeded from the
//! workspace's specs, fixture specs and bad specs), and a replay of every input a fuzz run ever
//! crashed on (`tests/fixtures/fuzz_regressions/`). The long run is
//! `cargo run --release -p generator --bin fuzz-specs -- --seconds 600`.

#[path = "../cli/src/bin/fuzz_specs/fuzz.rs"]
mod fuzz;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn seeds() -> Vec<fuzz::Source> {
    fuzz::corpus(&[root().join("spec"), root().join("generator/tests/fixtures")])
}

#[test]
fn a_short_fuzz_run_finds_no_crash() {
    let seeds = seeds();
    assert!(seeds.len() > 10, "the corpus is missing");
    let stats = fuzz::run(
        &seeds,
        20_240_601,
        fuzz::Budget {
            executions: Some(600),
            time: None,
        },
        // Kept for replay: a crash found here becomes a case of `fuzz_regressions/`.
        |crash| {
            let _ = fuzz::save_crash(&root().join("target/fuzz-crashes"), crash);
        },
    );
    let crashes: Vec<&str> = stats.crashes.iter().map(|c| c.what.as_str()).collect();
    assert!(crashes.is_empty(), "crashes: {crashes:#?}");
    assert!(stats.accepted > 0 && stats.rejected > 0, "{stats:?}");
    assert_eq!(stats.unplaced, 0, "{:?}", stats.unplaced_examples);
}

/// Every input that once crashed the generator, one folder (of one or more spec files) each.
#[test]
fn former_crashes_are_fixed() {
    let dir = root().join("generator/tests/fixtures/fuzz_regressions");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    cases.sort();
    assert!(
        cases.iter().any(|c| c.is_dir()),
        "no regression case in {}",
        dir.display()
    );
    let scratch = tempfile::tempdir().unwrap();
    for case in cases.iter().filter(|c| c.is_dir()) {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(case)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        let (outcome, _) = fuzz::run_case(&scratch.path().join("case"), &files);
        assert!(
            !matches!(outcome, fuzz::Outcome::Crashed(_)),
            "{}: {outcome:?}",
            case.display()
        );
    }
}

/// Descriptions full of what breaks rustdoc, clippy or doc tests (`*/`, unbalanced backticks,
/// unclosed HTML, `[brackets]`, bare URLs, code blocks, control characters) are accepted, and give
/// documentation that is safe (checked by building the client with `scripts/build-fixtures.sh
/// generator/tests/fixtures/good_specs/hostile_docs.yaml`).
#[test]
fn hostile_descriptions_are_accepted() {
    let files = secmaster_codegen::Config::new()
        .spec_file("tests/fixtures/good_specs/hostile_docs.yaml")
        .render()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = &files
        .iter()
        .map(|f| f.contents.as_str())
        .collect::<String>();
    fuzz::check_outputs(&files).unwrap();
    assert!(!text.contains('\r') && !text.contains('\u{202E}'));
    assert!(text.contains("\\[brackets\\]"));
    assert!(text.contains("<http://bare.example/x>"));
    assert!(!text.contains("```rust"));
}

/// Names that are Rust keywords, prelude items, std and serde names and the runtime's names, of
/// schemas, properties, enum values, parameters and operations (`fuzz::RUST_NAMES`): accepted,
/// and given identifiers rustc does not warn about, none shadowing what generated code uses.
/// CI builds the fixture with clippy and rustdoc denying warnings (`scripts/build-fixtures.sh`).
#[test]
fn rust_names_give_clean_identifiers() {
    let fixture = root().join("generator/tests/fixtures/specs/rust_names.yaml");
    let spec = fuzz::rust_names_spec();
    if std::env::var_os("UPDATE_RUST_NAMES").is_some() {
        std::fs::write(&fixture, &spec).unwrap();
    }
    let written = std::fs::read_to_string(&fixture).unwrap_or_default();
    assert!(
        written == spec,
        "{} is not what `fuzz::rust_names_spec` makes; write it again with `UPDATE_RUST_NAMES=1 cargo test -p secmaster-codegen --test fuzz`",
        fixture.display()
    );
    let files = secmaster_codegen::Config::new()
        .spec_file(&fixture)
        .render()
        .unwrap_or_else(|e| panic!("{e}"));
    fuzz::check_outputs(&files).unwrap_or_else(|e| panic!("{e}"));
    let code = &files
        .iter()
        .map(|f| f.contents.as_str())
        .collect::<String>();
    // Collisions numbered cleanly: `Self2`, `type_2`, never `Self_2` or `type__2`.
    for clean in [
        "pub enum Self2 ",
        "pub struct Self3 ",
        "pub type_2:",
        "pub fn type_2(",
    ] {
        assert!(code.contains(clean), "no `{clean}`");
    }
}
