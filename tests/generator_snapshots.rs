//! Snapshots of the generator's output: the real spec, and one small spec per feature. Review
//! changes with `cargo insta review`.

use std::path::Path;

fn render(spec: &Path) -> String {
    let config = if spec.is_dir() {
        generator::Config::new().spec_dir(spec)
    } else {
        generator::Config::new().spec_file(spec)
    };
    let files = config.render().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(files.len(), 1);
    files.into_iter().next().unwrap().contents
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
);

#[test]
fn real_spec() {
    insta::assert_snapshot!("real_spec", render(Path::new("spec")));
}

/// generated/ must be what spec/ gives. A hand edit of a generated file fails here when the build
/// script did not run since (it regenerates only when spec/ or the generator changed); CI runs
/// `cargo run -p generator -- --check` before building, which catches a stale generated/ in every
/// case. The fix is to change the spec and regenerate.
#[test]
fn generated_code_is_fresh() {
    let stale = generator::Config::new()
        .spec_dir("spec")
        .out_dir("generated")
        .check()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `cargo run -p generator` and commit the result"
    );
}
