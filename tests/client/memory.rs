//! Peak memory of the client against oversized answers stays under 256 MiB with the default
//! limits. Each case runs in a child process (this test binary, run again on the probe below) so
//! that the peak measured, the kernel's `VmHWM` of that process, belongs to the client alone; the
//! server stays in this process and makes its bodies on the fly, holding none of them.
//!
//! Rerun and see the peaks with
//! `cargo test --test client memory:: -- --nocapture` (Linux only: it reads /proc).

use loopback_server::{Reply, TestServer};
use secmaster::types::{ValidateAopWorkflowVersionBody, ValidateAopWorkflowVersionBodyMode};
use secmaster::{Client, Error};

const MIB: u64 = 1024 * 1024;
/// The ceiling the issue sets for the client's peak resident memory.
const PEAK_LIMIT_MIB: u64 = 256;
/// Set in the child: `CASE URL`.
const PROBE_ENV: &str = "SECMASTER_MEMORY_PROBE";

struct Case {
    name: &'static str,
    call: Call,
    reply: fn() -> Reply,
    /// What the call must end in, as the probe reports it.
    outcome: &'static str,
}

/// The operation the probe calls.
#[derive(Clone, Copy, Debug)]
enum Call {
    /// `ListWorkflows`: a list of structs.
    List,
    /// `ValidateAopWorkflowVersion`: a free-form JSON object (`data`).
    Validate,
}

/// Just under the default limit for JSON answers, so that the body is read and parsed.
const UNDER_LIMIT: u64 = 16 * MIB - 64;

const CASES: &[Case] = &[
    Case {
        name: "200 MiB error body",
        call: Call::List,
        reply: || {
            Reply::status(400)
                .header("Content-Type", "text/html")
                .body("<html>")
                .repeat(&b"x"[..], 200 * MIB)
                .tail("</html>")
        },
        outcome: "api error 400",
    },
    Case {
        name: "100 MiB error message",
        call: Call::List,
        reply: || {
            Reply::status(400)
                .header("Content-Type", "application/json")
                .body(r#"{"code":"SecMaster.1","message":""#)
                .repeat(&b"m"[..], 100 * MIB)
                .tail(r#""}"#)
        },
        outcome: "api error 400",
    },
    Case {
        name: "10 MiB list of empty objects",
        call: Call::List,
        reply: || {
            Reply::status(200)
                .header("Content-Type", "application/json")
                .body(r#"{"data":["#)
                .repeat(&b"{},"[..], 10 * MIB / 3)
                .tail("{}]}")
        },
        outcome: "too large 200",
    },
    Case {
        name: "16 MiB list of empty objects",
        call: Call::List,
        reply: || {
            Reply::status(200)
                .header("Content-Type", "application/json")
                .body(r#"{"data":["#)
                .repeat(&b"{},"[..], UNDER_LIMIT / 3)
                .tail("{}]}")
        },
        outcome: "too large 200",
    },
    Case {
        name: "16 MiB list of one-letter names",
        call: Call::List,
        reply: || {
            Reply::status(200)
                .header("Content-Type", "application/json")
                .body(r#"{"data":["#)
                .repeat(&br#"{"name":"a"},"#[..], UNDER_LIMIT / 13)
                .tail("{}]}")
        },
        outcome: "too large 200",
    },
    Case {
        name: "16 MiB free-form list of letters",
        call: Call::Validate,
        reply: || {
            Reply::status(200)
                .header("Content-Type", "application/json")
                .body(r#"{"data":{"k":["#)
                .repeat(&br#""a","#[..], UNDER_LIMIT / 4)
                .tail(r#""a"]}}"#)
        },
        outcome: "too large 200",
    },
    Case {
        name: "16 MiB free-form map of keys",
        call: Call::Validate,
        reply: || {
            // Keys must differ to make entries: 7-digit numbers.
            Reply::status(200)
                .header("Content-Type", "application/json")
                .body(r#"{"data":{"#)
                .tail(free_form_map(UNDER_LIMIT as usize))
        },
        outcome: "too large 200",
    },
    Case {
        name: "200 MiB JSON answer",
        call: Call::List,
        reply: || {
            Reply::status(200)
                .header("Content-Type", "application/json")
                .body(r#"{"data":["#)
                .repeat(&br#"{"name":"x"},"#[..], 200 * MIB / 13)
                .tail("{}]}")
        },
        outcome: "too large 200",
    },
];

/// `"0000000":[],"0000001":[],...}}` up to about `len` bytes: a map of distinct keys.
fn free_form_map(len: usize) -> Vec<u8> {
    let mut text = Vec::with_capacity(len + 32);
    let mut key = 0u32;
    while text.len() + 14 < len {
        text.extend_from_slice(format!(r#""{key:07}":[],"#).as_bytes());
        key += 1;
    }
    text.extend_from_slice(b"\"end\":[]}}");
    text
}

/// The child's side: when `PROBE_ENV` is set, makes the call it names against the given server
/// with a default client and prints the outcome and the process's peak memory; otherwise does
/// nothing.
#[test]
fn memory_probe_child() {
    let Ok(probe) = std::env::var(PROBE_ENV) else {
        return;
    };
    let mut words = probe.split(' ');
    let (Some(url), Some(call)) = (words.next(), words.next()) else {
        panic!("{PROBE_ENV} is `URL CALL`, not `{probe}`")
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome = runtime.block_on(async {
        let client = Client::builder().endpoint(url).token("t").build().unwrap();
        let workspace = client.workspace("p", "w");
        let result = match call {
            "List" => workspace
                .list_workflows()
                .await
                .map(|page| page.data.as_ref().map_or(0, Vec::len))
                .map_err(Error::into_untyped),
            _ => workspace
                .validate_aop_workflow_version(ValidateAopWorkflowVersionBody::new(
                    ValidateAopWorkflowVersionBodyMode::Basic,
                    "c",
                    "f",
                    "w",
                ))
                .await
                .map(|answer| answer.data.as_ref().map_or(0, |d| d.len()))
                .map_err(Error::into_untyped),
        };
        match result {
            Ok(items) => format!("ok {items}"),
            Err(e @ Error::Api(_)) => {
                let shown = e.to_string();
                format!(
                    "api error {} shown in {} bytes",
                    &shown[19..22],
                    shown.len()
                )
            }
            Err(e @ Error::TooLarge { .. }) => format!("too large {}", e.status().unwrap_or(0)),
            Err(e) => format!("other error: {e}"),
        }
    });
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    println!("PROBE outcome={outcome}");
    println!("PROBE peak_kib={peak_kib}");
}

#[tokio::test]
async fn peak_memory_stays_bounded_against_oversized_answers() {
    let exe = std::env::current_exe().unwrap();
    let mut report = Vec::new();
    for case in CASES {
        let server = TestServer::start(vec![(case.reply)()]).await;
        let exe = exe.clone();
        let probe = format!("{} {:?}", server.url(), case.call);
        let output = tokio::task::spawn_blocking(move || {
            std::process::Command::new(exe)
                .args([
                    "--exact",
                    "memory::memory_probe_child",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(PROBE_ENV, probe)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let field = |name: &str| {
            stdout
                .lines()
                // The test harness may print its own words before ours on the same line.
                .find_map(|l| l.split_once(&format!("PROBE {name}=")).map(|(_, v)| v))
                .unwrap_or_else(|| panic!("{}: no {name} in {output:?}", case.name))
                .to_owned()
        };
        let outcome = field("outcome");
        let peak_mib = field("peak_kib").parse::<u64>().unwrap() / 1024;
        println!("{:<32} peak {peak_mib:>5} MiB  {outcome}", case.name);
        report.push((case, outcome, peak_mib));
    }
    for (case, outcome, peak_mib) in report {
        assert!(
            outcome.starts_with(case.outcome),
            "{}: {outcome}",
            case.name
        );
        assert!(
            peak_mib < PEAK_LIMIT_MIB,
            "{}: peak {peak_mib} MiB, over {PEAK_LIMIT_MIB} MiB",
            case.name
        );
    }
}
