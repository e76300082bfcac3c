//! Paging: the model's list of paged operations (what `generator paging` prints) against the code
//! the emitter writes for the real spec, and the report of a fixture with every shape the model
//! pages or refuses.

use secmaster_codegen::paging::Report;
use std::path::Path;

fn report(spec: &Path) -> Report {
    let config = if spec.is_dir() {
        secmaster_codegen::Config::new().spec_dir(spec)
    } else {
        secmaster_codegen::Config::new().spec_file(spec)
    };
    Report::of(&config).unwrap_or_else(|e| panic!("{e}"))
}

/// Every operation the model pages has its `paged!` (its `impl Paged` and streams) in its
/// family's file, and no other operation has one.
#[test]
fn every_paged_operation_of_the_spec_has_its_streams_in_the_generated_code() {
    let spec = Path::new("../spec");
    let report = report(spec);
    let files = secmaster_codegen::Config::new()
        .spec_dir(spec)
        .render()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut emitted: Vec<String> = Vec::new();
    for file in &files {
        for line in file.contents.lines() {
            if let Some(rest) = line.trim().strip_prefix("crate::paging::paged!(") {
                if let Some((request, _)) = rest.split_once(" => ") {
                    emitted.push(request.to_owned());
                }
            }
        }
    }
    let mut paged: Vec<String> = report.paged.iter().map(|p| p.request.clone()).collect();
    paged.sort();
    emitted.sort();
    assert_eq!(
        emitted, paged,
        "`paged!` differs from the model's paged operations"
    );
    // Every list of the spec with an offset and a limit is paged or reported.
    assert_eq!(report.paged.len() + report.unpageable.len(), 75);
    assert!(report
        .paged
        .iter()
        .any(|p| p.operation_id == "ListAlerts" && p.in_body));
}

/// The report of the real spec: a new list operation, or one that cannot be paged, shows here.
#[test]
fn the_paging_report_of_the_spec() {
    insta::assert_snapshot!("spec_report", report(Path::new("../spec")).render());
}

/// Page numbers with nested items, a body-carried offset with a float count, a list named by
/// `x-paging`, and several lists without it (refused, with the reason).
#[test]
fn the_paging_report_of_every_shape() {
    insta::assert_snapshot!(
        "fixture_report",
        report(Path::new("tests/fixtures/specs/paged_lists.yaml")).render()
    );
}
