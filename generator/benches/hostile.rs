//! Hostile specs: how long the generator takes to refuse or read each, and its peak memory.
//!
//! ```sh
//! cargo bench -p secmaster-codegen --bench hostile                    # every case
//! cargo bench -p secmaster-codegen --bench hostile -- deep repeated   # the cases whose names contain a word
//! ```
//!
//! Each case is a spec made here (none is committed: some are tens of megabytes), given to the
//! generator in a process of its own (the bench runs itself again with `--child`), so that its
//! peak resident set (`VmHWM`, read by the child from `/proc/self/status` when done) is that
//! case's alone; wall time is measured by the parent from spawn to exit. The bench fails (exit 1)
//! when a case takes 5 s or more, or ends otherwise than expected (accepted, or refused with a
//! given message). `generator/tests/hostile_specs.rs` asserts the messages in full; this measures.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// What every case must stay under, in seconds.
const BUDGET_SECONDS: f64 = 5.0;

const HEAD: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..])
    } else {
        run(&args)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// How a case must end.
enum Expect {
    Accepted,
    /// Refused, with a message containing this text.
    Refused(&'static str),
}

/// One hostile spec: its name, what it is, how it is written and how it must end.
struct Case {
    name: &'static str,
    what: &'static str,
    write: fn(&Path) -> std::io::Result<()>,
    expect: Expect,
}

fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        Case {
            name: "repeated-key",
            what: "one key written 100,000 times",
            write: repeated_key,
            expect: Refused("is written twice"),
        },
        Case {
            name: "repeated-key-4mib",
            what: "one key written as often as 4 MiB hold",
            write: repeated_key_max,
            expect: Refused("is written twice"),
        },
        Case {
            name: "repeated-key-one-line",
            what: "a 4 MiB line `{a: 1, a: 1, ...}`",
            write: repeated_key_one_line,
            expect: Refused("is written twice"),
        },
        Case {
            name: "deep-flow",
            what: "`[[[...]]]` 200,000 deep",
            write: deep_flow,
            expect: Refused("nests deeper than 64 levels"),
        },
        Case {
            name: "deep-maps",
            what: "`{a: {a: ...}}` 200,000 deep",
            write: deep_maps,
            expect: Refused("nests deeper than 64 levels"),
        },
        Case {
            name: "deep-dashes",
            what: "`- - - ... x` 200,000 deep",
            write: deep_dashes,
            expect: Refused("nests deeper than 64 levels"),
        },
        Case {
            name: "deep-indent",
            what: "block mappings indented 2,000 deep",
            write: deep_indent,
            expect: Refused("nests deeper than 64 levels"),
        },
        Case {
            name: "ops-480k-50mb",
            what: "480,000 operations in 50 MB",
            write: ops_480k,
            expect: Refused("over the limit of 4 MiB for one spec file"),
        },
        Case {
            name: "files-12mib",
            what: "three files of 4 MiB",
            write: files_together,
            expect: Refused("over the limit of 8 MiB for all spec files together"),
        },
        Case {
            name: "ops-over-limit",
            what: "2,001 operations",
            write: ops_over,
            expect: Refused("more than 2,000 operations"),
        },
        Case {
            name: "ops-at-limit",
            what: "2,000 operations",
            write: ops_at,
            expect: Accepted,
        },
        Case {
            name: "items-over-limit",
            what: "25,001 one-value enums (50,002 items)",
            write: items_over,
            expect: Refused("over the limit of 50,000 for one client"),
        },
        Case {
            name: "items-at-limit",
            what: "25,000 one-value enums (50,000 items)",
            write: items_at,
            expect: Accepted,
        },
        Case {
            name: "wide-object",
            what: "one object of 49,999 properties",
            write: wide_object,
            expect: Accepted,
        },
        Case {
            name: "colliding-names",
            what: "40,000 properties all named `a` in Rust",
            write: colliding_names,
            expect: Accepted,
        },
        Case {
            name: "type-chains",
            what: "16,000 aliases and 16,000 structs, each holding the next",
            write: type_chains,
            expect: Accepted,
        },
        Case {
            name: "families-2000",
            what: "2,000 API families of one operation each",
            write: families_2000,
            expect: Accepted,
        },
        Case {
            name: "families-sharing",
            what: "1,000 API families sharing a chain of 10,000 types",
            write: families_sharing,
            expect: Accepted,
        },
        Case {
            name: "gates-over-limit",
            what: "8 API families sharing a chain of 10,000 types (their gates count)",
            write: gates_over,
            expect: Refused("over the limit of 50,000 for one client"),
        },
        Case {
            name: "files-20000",
            what: "20,001 spec files, 20,000 of one schema each",
            write: many_files,
            expect: Accepted,
        },
        Case {
            name: "dangling-refs-4mib",
            what: "references to nothing, as many as 4 MiB hold",
            write: dangling_refs,
            expect: Refused("points to nothing"),
        },
        Case {
            name: "alias-bomb",
            what: "aliases expanding to 10^9 values",
            write: alias_bomb,
            expect: Refused("repetition limit exceeded"),
        },
    ]
}

fn run(args: &[String]) -> Result<(), String> {
    // `cargo bench` passes `--bench`; other words select cases by name.
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let scratch = tempfile::tempdir().map_err(|e| format!("cannot make a scratch folder: {e}"))?;
    println!(
        "{:<22} {:>9} {:>8} {:>9}  {:<9} what",
        "case", "input", "seconds", "peak MiB", "outcome"
    );
    let mut failures = Vec::new();
    for case in cases() {
        if !words.is_empty() && !words.iter().any(|w| case.name.contains(w)) {
            continue;
        }
        let spec = scratch.path().join(case.name);
        std::fs::create_dir_all(&spec).map_err(|e| e.to_string())?;
        (case.write)(&spec).map_err(|e| format!("{}: cannot write the spec: {e}", case.name))?;
        let input = size_of(&spec);
        let out = scratch.path().join(format!("{}-out", case.name));
        let me = std::env::current_exe().map_err(|e| e.to_string())?;
        let start = Instant::now();
        let output = Command::new(me)
            .arg("--child")
            .arg(&spec)
            .arg(&out)
            .output()
            .map_err(|e| format!("cannot run the child: {e}"))?;
        let seconds = start.elapsed().as_secs_f64();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let peak_kib: u64 = stdout
            .lines()
            .find_map(|l| l.strip_prefix("vmhwm_kib="))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let accepted = stdout.lines().any(|l| l == "accepted");
        let message = String::from_utf8_lossy(&output.stderr);
        let outcome = if accepted { "accepted" } else { "refused" };
        println!(
            "{:<22} {:>9} {:>8.2} {:>9.1}  {:<9} {}",
            case.name,
            human(input),
            seconds,
            peak_kib as f64 / 1024.0,
            outcome,
            case.what
        );
        let as_expected = match case.expect {
            Expect::Accepted => accepted,
            Expect::Refused(text) => !accepted && message.contains(text),
        };
        if !as_expected {
            let first = message.lines().next().unwrap_or("(no message)");
            failures.push(format!(
                "{}: ended otherwise than expected: {first}",
                case.name
            ));
        }
        if seconds >= BUDGET_SECONDS {
            failures.push(format!("{}: took {seconds:.2} s", case.name));
        }
        let _ = std::fs::remove_dir_all(&spec);
        let _ = std::fs::remove_dir_all(&out);
    }
    if failures.is_empty() {
        println!("every case ended as expected in under {BUDGET_SECONDS} s");
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// The child: one generation; `accepted` or the message on stderr, then its peak resident set.
fn child(args: &[String]) -> Result<(), String> {
    let [spec, out] = args else {
        return Err("--child needs SPEC_DIR OUT_DIR".into());
    };
    match secmaster_codegen::Config::new()
        .spec_dir(spec)
        .out_dir(out)
        .render()
    {
        Ok(_) => println!("accepted"),
        Err(e) => eprintln!("{e}"),
    }
    println!("vmhwm_kib={}", peak_resident_kib());
    Ok(())
}

fn peak_resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn size_of(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
        b => format!("{:.0} KiB", b as f64 / 1024.0),
    }
}

const FOUR_MIB: usize = 4 << 20;

fn write(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    std::fs::write(dir.join(name), text)
}

fn schemas_head() -> String {
    format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n")
}

/// Lines from `line(i)` appended to `head` while the text stays within 4 MiB.
fn up_to_4mib(mut text: String, line: impl Fn(usize) -> String) -> String {
    for i in 0.. {
        let next = line(i);
        if text.len() + next.len() > FOUR_MIB {
            break;
        }
        text.push_str(&next);
    }
    text
}

fn repeated_key(dir: &Path) -> std::io::Result<()> {
    let text = schemas_head() + &"    A: {type: string}\n".repeat(100_000);
    write(dir, "x.yaml", &text)
}

fn repeated_key_max(dir: &Path) -> std::io::Result<()> {
    let text = up_to_4mib(format!("{HEAD}paths: {{}}\nx-a:\n"), |_| "  a: 1\n".into());
    write(dir, "x.yaml", &text)
}

fn repeated_key_one_line(dir: &Path) -> std::io::Result<()> {
    let mut text = format!("{HEAD}paths: {{}}\nx-a: {{");
    while text.len() < FOUR_MIB - 16 {
        text.push_str("a: 1, ");
    }
    text.push_str("a: 1}\n");
    write(dir, "x.yaml", &text)
}

fn deep_flow(dir: &Path) -> std::io::Result<()> {
    let n = 200_000;
    let text = format!(
        "{HEAD}paths: {{}}\nx-deep: {}{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    write(dir, "x.yaml", &text)
}

fn deep_maps(dir: &Path) -> std::io::Result<()> {
    let n = 200_000;
    let text = format!(
        "{HEAD}paths: {{}}\nx-deep: {}1{}\n",
        "{a: ".repeat(n),
        "}".repeat(n)
    );
    write(dir, "x.yaml", &text)
}

fn deep_dashes(dir: &Path) -> std::io::Result<()> {
    let text = format!("{HEAD}paths: {{}}\nx-deep:\n{}x\n", "- ".repeat(200_000));
    write(dir, "x.yaml", &text)
}

fn deep_indent(dir: &Path) -> std::io::Result<()> {
    let mut text = format!("{HEAD}paths: {{}}\nx-deep:\n");
    for level in 1..2_000 {
        text.push_str(&" ".repeat(level));
        text.push_str("a:\n");
    }
    write(dir, "x.yaml", &text)
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

fn ops_480k(dir: &Path) -> std::io::Result<()> {
    write(dir, "big.yaml", &operations(0, 480_000))
}

fn files_together(dir: &Path) -> std::io::Result<()> {
    // Sparse: refused from their sizes, they take no disk.
    for name in ["a.yaml", "b.yaml", "c.yaml"] {
        std::fs::File::create(dir.join(name))?.set_len(FOUR_MIB as u64 - 1)?;
    }
    Ok(())
}

fn ops_over(dir: &Path) -> std::io::Result<()> {
    write(dir, "a.yaml", &operations(0, 1_000))?;
    write(dir, "b.yaml", &operations(1_000, 2_001))
}

fn ops_at(dir: &Path) -> std::io::Result<()> {
    write(dir, "a.yaml", &operations(0, 1_000))?;
    write(dir, "b.yaml", &operations(1_000, 2_000))
}

fn enums(dir: &Path, n: usize) -> std::io::Result<()> {
    let mut text = schemas_head();
    for i in 0..n {
        text.push_str(&format!("    S{i}: {{type: string, enum: [a]}}\n"));
    }
    write(dir, "x.yaml", &text)
}

fn items_over(dir: &Path) -> std::io::Result<()> {
    enums(dir, 25_001)
}

fn items_at(dir: &Path) -> std::io::Result<()> {
    enums(dir, 25_000)
}

fn wide_object(dir: &Path) -> std::io::Result<()> {
    let mut text = schemas_head() + "    Wide:\n      type: object\n      properties:\n";
    for i in 0..49_999 {
        text.push_str(&format!("        p{i}: {{type: string}}\n"));
    }
    write(dir, "x.yaml", &text)
}

fn colliding_names(dir: &Path) -> std::io::Result<()> {
    let symbols = ['-', '.', '/', ' ', '+'];
    let mut text = schemas_head() + "    Thing:\n      type: object\n      properties:\n";
    for i in 0..40_000 {
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
    write(dir, "x.yaml", &text)
}

fn type_chains(dir: &Path) -> std::io::Result<()> {
    let n = 16_000;
    let mut text = schemas_head();
    for i in 0..n {
        text.push_str(&format!(
            "    A{i}: {{$ref: '#/components/schemas/A{}'}}\n    S{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/S{}'}}}}}}\n",
            i + 1,
            (i + 1) % n
        ));
    }
    text.push_str(&format!("    A{n}: {{type: string}}\n"));
    write(dir, "x.yaml", &text)
}

/// `families` spec files of one operation each answering with `S0` of `common.yaml`, a chain of
/// `chain` structs each holding the next.
fn families_sharing_a_chain(dir: &Path, families: usize, chain: usize) -> std::io::Result<()> {
    for f in 0..families {
        write(
            dir,
            &format!("f{f:04}.yaml"),
            &format!("{HEAD}paths:\n  /v1/f{f}:\n    get:\n      operationId: Op{f}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'common.yaml#/components/schemas/S0'}}\n"),
        )?;
    }
    let mut text = schemas_head();
    for i in 0..chain {
        text.push_str(&format!(
            "    S{i}:\n      type: object\n      properties:\n        v: {{type: string}}\n"
        ));
        if i + 1 < chain {
            text.push_str(&format!(
                "        next: {{$ref: '#/components/schemas/S{}'}}\n",
                i + 1
            ));
        }
    }
    write(dir, "common.yaml", &text)
}

fn families_sharing(dir: &Path) -> std::io::Result<()> {
    families_sharing_a_chain(dir, 1_000, 10_000)
}

fn gates_over(dir: &Path) -> std::io::Result<()> {
    families_sharing_a_chain(dir, 8, 10_000)
}

fn families_2000(dir: &Path) -> std::io::Result<()> {
    for f in 0..2_000 {
        write(
            dir,
            &format!("f{f:04}.yaml"),
            &format!("{HEAD}paths:\n  /v1/f{f}:\n    post:\n      operationId: Op{f}\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                name: {{type: string}}\n      responses:\n        '204':\n          description: ok\n"),
        )?;
    }
    Ok(())
}

fn many_files(dir: &Path) -> std::io::Result<()> {
    for i in 0..20_000 {
        write(
            dir,
            &format!("s{i:05}.yaml"),
            &format!("{}    S{i}: {{type: string}}\n", schemas_head()),
        )?;
    }
    write(dir, "ops.yaml", &operations(0, 1))
}

fn dangling_refs(dir: &Path) -> std::io::Result<()> {
    let text = up_to_4mib(schemas_head(), |i| {
        format!("    S{i}: {{$ref: '#/components/schemas/Missing{i}'}}\n")
    });
    write(dir, "x.yaml", &text)
}

fn alias_bomb(dir: &Path) -> std::io::Result<()> {
    let mut text = format!("{HEAD}paths: {{}}\nx-a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let items = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("x-a{i}: &a{i} [{items}]\n"));
    }
    write(dir, "x.yaml", &text)
}
