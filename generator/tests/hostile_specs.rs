//! Hostile specs: each is refused with a message naming the limit, the file and how to mend it,
//! or read in time and memory linear in its size. The inputs are made here (none is committed:
//! some are megabytes). How long each takes is measured by
//! `cargo bench -p secmaster-codegen --bench hostile` (BENCHMARKS.md), not here: a timed test fails on a
//! busy machine for no fault of the code, and a debug build is not what users run.

use secmaster_codegen::limits;
use std::path::Path;

const HEAD: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n";

/// An optional text field's type, as generated code writes it.
// The spec names no type like a prelude item, so generated code writes the prelude names.
const OPTION_STRING: &str = "Option<String>";

/// The generator's message for the files given (written to a scratch folder and read as a spec
/// folder), or the generated code when it accepts them.
fn render(files: &[(&str, &[u8])]) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        std::fs::write(dir.path().join(name), contents).unwrap();
    }
    render_dir(dir.path())
}

/// The same, for a folder already written; messages name the files without the folder.
fn render_dir(dir: &Path) -> Result<String, String> {
    match secmaster_codegen::Config::new().spec_dir(dir).render() {
        Ok(files) => Ok(files.into_iter().map(|f| f.contents).collect()),
        Err(e @ secmaster_codegen::Error::Spec(_)) => {
            Err(e.to_string().replace(&format!("{}/", dir.display()), ""))
        }
        Err(other) => panic!("not a spec error: {other}"),
    }
}

/// The message for files that must be refused.
fn refused(files: &[(&str, &[u8])]) -> String {
    match render(files) {
        Ok(_) => panic!("accepted"),
        Err(message) => message,
    }
}

/// The last line of a message: how many faults the spec has.
fn summary(message: &str) -> &str {
    message.lines().last().unwrap_or("")
}

#[test]
fn one_key_written_100_000_times_is_listed_briefly() {
    let mut text = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n");
    for _ in 0..100_000 {
        text.push_str("    A: {type: string}\n");
    }
    let message = refused(&[("x.yaml", text.as_bytes())]);
    assert!(
        message.starts_with("x.yaml:9:5: the key `A` is written twice in one mapping"),
        "{}",
        &message[..300]
    );
    // Every repeat is a fault and is counted; only the first few are printed.
    assert_eq!(
        summary(&message),
        "error: the spec has 99,999 faults; nothing was written"
    );
    let shown = message.matches("is written twice").count();
    assert!(shown <= limits::MAX_SHOWN, "{shown} faults printed");
    assert!(
        message.contains("and 99,949 more faults, not shown"),
        "{}",
        &message[message.len() - 600..]
    );
    assert!(message.len() < 32 * 1024, "{} bytes", message.len());
}

/// `[[[...]]]` and its kin, 200,000 deep: refused from a scan of the bytes, at the bracket past
/// the limit, before a YAML parser spends its time on them.
#[test]
fn nesting_200_000_deep_is_refused_at_the_place_it_passes_the_limit() {
    let depth = 200_000;
    let flow = format!(
        "{HEAD}paths: {{}}\nx-deep: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let message = refused(&[("flow.yaml", flow.as_bytes())]);
    // `x-deep` is level 1; the 65th `[` (column 8 + 65) opens level 66.
    assert!(
        message.starts_with(&format!(
            "flow.yaml:6:73: the document nests deeper than {} levels; flatten it",
            limits::MAX_DEPTH
        )),
        "{}",
        &message[..300.min(message.len())]
    );
    assert_eq!(
        summary(&message),
        "error: the spec has 1 fault; nothing was written"
    );

    let maps = format!(
        "{HEAD}paths: {{}}\nx-deep: {}1{}\n",
        "{a: ".repeat(depth),
        "}".repeat(depth)
    );
    let message = refused(&[("maps.yaml", maps.as_bytes())]);
    assert!(message.starts_with("maps.yaml:6:"), "{}", &message[..300]);
    assert!(message.contains("nests deeper than 64 levels"));

    let dashes = format!("{HEAD}paths: {{}}\nx-deep:\n{}x\n", "- ".repeat(depth));
    let message = refused(&[("dashes.yaml", dashes.as_bytes())]);
    assert!(message.starts_with("dashes.yaml:7:"), "{}", &message[..300]);
    assert!(message.contains("nests deeper than 64 levels"));

    // Block mappings, one more space of indentation per level.
    let mut indented = format!("{HEAD}paths: {{}}\nx-deep:\n");
    for level in 1..2_000 {
        indented.push_str(&" ".repeat(level));
        indented.push_str("a:\n");
    }
    let message = refused(&[("indented.yaml", indented.as_bytes())]);
    assert!(message.starts_with("indented.yaml:"), "{}", &message[..300]);
    assert!(message.contains("nests deeper than 64 levels"));
}

/// Text that only looks nested (brackets in quotes, comments, block scalars and plain text) is
/// not nesting; a spec written with them is read as usual.
#[test]
fn brackets_in_text_are_not_nesting() {
    let many = "[".repeat(500);
    let text = format!(
        "{HEAD}  description: |\n    {many}\n    {{{{{{\npaths:\n  /v1/x:\n    get:\n      operationId: GetX\n      summary: 'a {many} b'\n      description: \"{many}\" # {many}\n      x-note: see {many} here\n      responses:\n        '200':\n          description: ok\n"
    );
    render(&[("x.yaml", text.as_bytes())]).unwrap_or_else(|m| panic!("{m}"));
}

/// A file over the size limit is refused from its size alone: it is never read (the test's file
/// is sparse, so it takes no disk either).
#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("big.yaml")).unwrap();
    file.set_len(limits::MAX_FILE_BYTES + 1).unwrap();
    let message = render_dir(dir.path()).unwrap_err();
    assert!(
        message.starts_with(
            "big.yaml: the file is 4 MiB (4,194,305 bytes), over the limit of 4 MiB for one spec file; split it"
        ),
        "{message}"
    );
    assert_eq!(
        summary(&message),
        "error: the spec has 1 fault; nothing was written"
    );
}

/// The spec of the report: 480,000 operations in 50 MB. Refused by its size before it is read.
#[test]
fn fifty_megabytes_of_operations_are_refused_unread() {
    let mut text = format!("{HEAD}paths:\n");
    for i in 0..480_000 {
        text.push_str(&format!(
            "  /v1/op{i}:\n    get:\n      operationId: Op{i}\n      responses:\n        '200':\n          description: ok\n"
        ));
    }
    assert!(text.len() > 50_000_000);
    let message = refused(&[("big.yaml", text.as_bytes())]);
    assert!(
        message.starts_with("big.yaml: the file is 50.6 MiB (53,0"),
        "{message}"
    );
    assert!(message.contains("over the limit of 4 MiB for one spec file"));
}

/// Files each under the limit, together over the limit of a whole spec: refused, naming the file
/// that passed it, before any is read.
#[test]
fn files_together_over_the_size_limit_are_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.yaml", "b.yaml", "c.yaml", "d.yaml"] {
        let file = std::fs::File::create(dir.path().join(name)).unwrap();
        file.set_len(limits::MAX_FILE_BYTES - 1).unwrap();
    }
    let message = render_dir(dir.path()).unwrap_err();
    assert!(
        message.starts_with(
            "c.yaml: with this file the spec is 12 MiB (12,582,909 bytes), over the limit of 8 MiB for all spec files together"
        ),
        "{message}"
    );
    assert_eq!(
        summary(&message),
        "error: the spec has 1 fault; nothing was written"
    );
}

fn operations(from: usize, to: usize) -> String {
    let mut text = format!("{HEAD}paths:\n");
    for i in from..to {
        text.push_str(&format!(
            "  /v1/op{i}:\n    get:\n      operationId: Op{i}\n      responses:\n        '200':\n          description: ok\n"
        ));
    }
    text
}

/// One operation more than the limit, over two files: refused at the operation past the limit.
#[test]
fn operations_over_the_limit_are_refused_at_the_first_one_past_it() {
    let half = limits::MAX_OPERATIONS / 2;
    let a = operations(0, half);
    let b = operations(half, limits::MAX_OPERATIONS + 1);
    let message = refused(&[("a.yaml", a.as_bytes()), ("b.yaml", b.as_bytes())]);
    // The method key (`get:`) of b.yaml's last operation, its 1,001st: line 7 + 6 * 1,000.
    let line = 7 + 6 * (limits::MAX_OPERATIONS - half);
    assert!(
        message.contains(&format!(
            "b.yaml:{line}:5: the spec has more than 2,000 operations (this is number 2,001), the limit of one client"
        )),
        "{message}"
    );
    assert_eq!(
        summary(&message),
        "error: the spec has 1 fault; nothing was written"
    );
}

/// A spec small in bytes that would make a client of too many items (two per line here: a type
/// and its variant) is refused before anything is emitted, at the file that gives the most.
#[test]
fn a_client_of_too_many_items_is_refused_before_it_is_emitted() {
    let enums = limits::MAX_ITEMS / 2 + 1;
    let mut text = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n");
    for i in 0..enums {
        text.push_str(&format!("    S{i}: {{type: string, enum: [a]}}\n"));
    }
    let small = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    T: {{type: string}}\n");
    let message = refused(&[("a.yaml", small.as_bytes()), ("b.yaml", text.as_bytes())]);
    assert!(
        message.starts_with(
            "b.yaml:1:1: the spec makes a client of 50,003 items (types, fields, enum variants, operations, their parameters and answers, the features gating shared types), over the limit of 50,000 for one client; 50,002 of them come from this file; generate one client per group"
        ),
        "{}",
        &message[..600.min(message.len())]
    );
}

/// `families` spec files of one operation each answering with `S0` of `common.yaml`, a chain of
/// `chain` structs each holding the next: every family reaches every type of the chain.
fn families_sharing_a_chain(families: usize, chain: usize) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = (0..families)
        .map(|f| {
            (
                format!("f{f:04}.yaml"),
                format!("{HEAD}paths:\n  /v1/f{f}:\n    get:\n      operationId: Op{f}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'common.yaml#/components/schemas/S0'}}\n"),
            )
        })
        .collect();
    let mut text = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n");
    for i in 0..chain {
        text.push_str(&format!(
            "    S{i}:\n      type: object\n      properties:\n        v: {{type: string}}\n        next: {{$ref: '#/components/schemas/S{}'}}\n",
            (i + 1) % chain
        ));
    }
    files.push(("common.yaml".to_owned(), text));
    files
}

/// Types that many API families share are compiled behind one gate naming each family once,
/// not one gate per type naming every family (before: 1,000 families sharing a chain of 10,000
/// types took 290 s and 6 GB, and wrote 600 MB of `cfg` attributes).
#[test]
fn types_many_families_share_are_gated_once() {
    let (families, chain) = (300, 3_000);
    let files = families_sharing_a_chain(families, chain);
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_bytes()))
        .collect();
    let code = render(&files).unwrap_or_else(|m| panic!("{m}"));
    assert_eq!(code.matches("pub struct S").count(), chain);
    // The root names each family a few times (its module, its re-exports, the shared types'
    // re-export), its own file twice (the doc gates of its handle and mock methods); the wide
    // types' module and re-export three times. `feature = "mock"` is no family's: each type
    // the mock gives a serde half names it once.
    let named = code.matches("feature = \"f").count();
    assert!(named <= 9 * families, "{named} features named");
}

/// Every family a shared type's own gate names counts as an item of the client: a chain of
/// types that as many families share as a gate names one by one is refused when the gates
/// would pass the limit.
#[test]
fn the_gates_of_shared_types_count_as_items() {
    let files = families_sharing_a_chain(limits::MAX_GATED_FAMILIES, 6_000);
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_bytes()))
        .collect();
    let message = refused(&files);
    assert!(
        message.starts_with(
            "common.yaml:1:1: the spec makes a client of 66,016 items (types, fields, enum variants, operations, their parameters and answers, the features gating shared types), over the limit of 50,000"
        ),
        "{}",
        &message[..600.min(message.len())]
    );
}

/// Many faults at distinct places of one large mapping (each a reference to nothing): each is
/// found, placed and counted, and the work per fault does not grow with their number.
#[test]
fn twenty_thousand_dangling_references_are_counted_and_listed_briefly() {
    let n = 20_000;
    let mut text = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n");
    for i in 0..n {
        text.push_str(&format!(
            "    S{i}: {{$ref: '#/components/schemas/Missing{i}'}}\n"
        ));
    }
    let message = refused(&[("refs.yaml", text.as_bytes())]);
    assert!(
        message.starts_with(
            "refs.yaml:8:16: `$ref: '#/components/schemas/Missing0'` points to nothing"
        ),
        "{}",
        &message[..300]
    );
    assert_eq!(
        summary(&message),
        "error: the spec has 20,000 faults; nothing was written"
    );
    assert!(message.matches("points to nothing").count() <= limits::MAX_SHOWN);
}

/// Ten thousand properties whose names all become the identifier `a`: numbered in order, each
/// number found at once (not by trying every number before it).
#[test]
fn ten_thousand_colliding_names_are_numbered() {
    let n = 10_000;
    let symbols = ['-', '.', '/', ' ', '+'];
    let mut text = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n");
    for i in 0..n {
        // `a` followed by i written in the five symbols: all distinct, all the identifier `a`.
        let mut name = String::from("a");
        let mut k = i;
        loop {
            name.push(symbols[k % 5]);
            k /= 5;
            if k == 0 {
                break;
            }
        }
        text.push_str(&format!("        '{name}': {{type: string}}\n"));
    }
    let code = render(&[("names.yaml", text.as_bytes())]).unwrap_or_else(|m| panic!("{m}"));
    assert!(
        code.contains(&format!("pub a: {OPTION_STRING}")),
        "first name"
    );
    assert!(
        code.contains(&format!("pub a_{n}: {OPTION_STRING}")),
        "last name"
    );
}

/// One object of ten thousand properties, and chains of eight thousand types each holding the
/// next (aliases, and structs by value): each property and each link costs the same however
/// many there are (no search through the ones before it).
#[test]
fn wide_objects_and_long_chains_of_types_are_read() {
    let mut text = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Wide:\n      type: object\n      properties:\n");
    for i in 0..10_000 {
        text.push_str(&format!("        p{i}: {{type: string}}\n"));
    }
    let chain = 8_000;
    for i in 0..chain {
        text.push_str(&format!(
            "    A{i}: {{$ref: '#/components/schemas/A{}'}}\n    S{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/S{}'}}}}}}\n",
            i + 1,
            (i + 1) % chain
        ));
    }
    text.push_str(&format!("    A{chain}: {{type: string}}\n"));
    let code = render(&[("wide.yaml", text.as_bytes())]).unwrap_or_else(|m| panic!("{m}"));
    assert!(code.contains(&format!("pub p9999: {OPTION_STRING}")));
    assert!(code.contains("pub type A0 = A1;"));
    // The structs make one cycle, so every link is boxed.
    let boxed = "Option<Box<S";
    assert!(
        code.contains(&format!("pub next: {boxed}0>>")),
        "the last link"
    );
    assert_eq!(code.matches(boxed).count(), chain);
}

/// Aliases that expand to billions of values are refused, not expanded.
#[test]
fn an_alias_bomb_is_refused() {
    let mut text = format!("{HEAD}paths: {{}}\nx-a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let items = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("x-a{i}: &a{i} [{items}]\n"));
    }
    let message = refused(&[("laughs.yaml", text.as_bytes())]);
    assert!(message.contains("repetition limit exceeded"), "{message}");
}
