//! Upload benchmark: `import_aopworkflow` (a streamed multipart upload) against curl, on the same
//! loopback sink.
//!
//! ```text
//! cargo bench --bench upload                               # 512 MiB, 3 runs
//! cargo bench --bench upload -- --size-mib 128 --runs 5
//! ```
//!
//! Every party is its own process, so that each peak RSS belongs to one tool only:
//!
//! * the sink (`--sink`, this binary again): the integration tests' loopback server
//!   (`loopback-server`), keeping only the ends of each body; it answers `200` with a SecMaster
//!   JSON envelope and reports on its stdout how many body bytes, and how many file bytes inside
//!   the multipart framing, it received;
//! * the client (`--client URL FILE`, this binary again): one `secmaster::Client` that uploads the
//!   file with `import_aopworkflow(UploadFile::from_path(..))` and reports its own `VmHWM`;
//! * curl: `curl -sS -o /dev/null -F uploadFile=@FILE URL -H 'X-Auth-Token: bench'`, with and
//!   without `-H 'Expect:'`.
//!
//! Wall time is measured by this process from spawn to exit, for all tools alike; peak RSS is
//! `/usr/bin/time -f %M` (the kernel's `ru_maxrss`) when present, else `VmHWM` polled from
//! `/proc/PID/status`. The process exits 1 when the client's peak RSS reaches 64 MiB or its
//! median time exceeds 1.5 times the faster curl variant's, so rerunning rechecks the acceptance
//! criteria.

use loopback_server::{KeepBody, RecordedRequest, Reply, ServerOptions, TestServer};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo bench --bench upload [-- --size-mib N] [--runs N]";
const MIB: u64 = 1024 * 1024;
/// Acceptance: the client's peak resident set stays below this.
const RSS_LIMIT_MIB: f64 = 64.0;
/// Acceptance: the client's median time is at most this multiple of curl's.
const TIME_RATIO_LIMIT: f64 = 1.5;
const PROJECT: &str = "p";
const WORKSPACE: &str = "w";
const IMPORT_PATH: &str = "/v1/p/workspaces/w/soc/workflows/import";
const CURL: &str = "/usr/bin/curl";
const TIME: &str = "/usr/bin/time";
/// Environment variables that could send loopback traffic through a proxy.
const PROXY_VARS: [&str; 6] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
];
/// Bytes of the start and end of each body the sink keeps, to find the multipart framing.
const PROBE_HEAD: usize = 4096;
const PROBE_TAIL: usize = 256;
const ANSWER: &str = r#"{"code":"00000000","message":""}"#;

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--sink") => run_sink(),
        Some("--client") => run_client(&args[1..]),
        _ => run_bench(&args),
    };
    result.unwrap_or_else(|e| {
        eprintln!("upload bench: {e}");
        ExitCode::FAILURE
    })
}

// ---------------------------------------------------------------------------------------------
// The benchmark proper
// ---------------------------------------------------------------------------------------------

struct Options {
    size_mib: u64,
    runs: usize,
}

fn parse_options(args: &[String]) -> Result<Option<Options>> {
    let mut options = Options {
        size_mib: 512,
        runs: 3,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64> {
            args.next()
                .and_then(|v| v.parse().ok())
                .filter(|&n: &u64| n > 0)
                .ok_or_else(|| format!("{name} needs a positive whole number\n{USAGE}"))
        };
        match arg.as_str() {
            "--size-mib" => options.size_mib = number("--size-mib")?,
            "--runs" => options.runs = number("--runs")? as usize,
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(Some(options))
}

#[derive(Clone, Copy)]
enum Tool {
    Client,
    Curl,
    CurlNoExpect,
}

impl Tool {
    const ALL: [Tool; 3] = [Tool::Client, Tool::Curl, Tool::CurlNoExpect];

    fn label(self) -> &'static str {
        match self {
            Tool::Client => "secmaster client",
            Tool::Curl => "curl",
            Tool::CurlNoExpect => "curl -H 'Expect:'",
        }
    }

    fn command(self, exe: &Path, url: &str, file: &Path) -> (PathBuf, Vec<String>) {
        match self {
            Tool::Client => (
                exe.to_owned(),
                vec!["--client".into(), url.into(), file.display().to_string()],
            ),
            Tool::Curl | Tool::CurlNoExpect => {
                let mut args: Vec<String> = vec![
                    "-sS".into(),
                    "-o".into(),
                    "/dev/null".into(),
                    "-F".into(),
                    format!("uploadFile=@{}", file.display()),
                    format!("{url}{IMPORT_PATH}"),
                    "-H".into(),
                    "X-Auth-Token: bench".into(),
                ];
                if matches!(self, Tool::CurlNoExpect) {
                    args.extend(["-H".into(), "Expect:".into()]);
                }
                (CURL.into(), args)
            }
        }
    }
}

/// One timed run of one tool.
struct Sample {
    wall: Duration,
    /// Peak resident set in KiB, as measured from outside.
    peak_rss_kib: u64,
    /// What the process printed on stdout.
    stdout: String,
}

fn run_bench(args: &[String]) -> Result<ExitCode> {
    let Some(options) = parse_options(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    if !Path::new(CURL).exists() {
        return Err(format!("{CURL} is needed as the baseline and is missing"));
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary dir: {e}"))?;
    let file = dir.path().join("workflow.bin");
    let file_len = options.size_mib * MIB;
    write_file(&file, file_len)?;

    let sink = Sink::start(&exe)?;
    let use_time = Path::new(TIME).exists();
    println!(
        "upload benchmark: {} MiB file, {} run(s) per tool, sink {}, peak RSS from {}",
        options.size_mib,
        options.runs,
        sink.url,
        if use_time {
            "/usr/bin/time -f %M"
        } else {
            "polled /proc/PID/status VmHWM"
        }
    );
    println!("machine: {}", machine_summary());

    let mut samples: Vec<Vec<Sample>> = Tool::ALL.iter().map(|_| Vec::new()).collect();
    for run in 0..options.runs {
        // Rotate the order, so that no tool always runs first or last.
        for offset in 0..Tool::ALL.len() {
            let index = (run + offset) % Tool::ALL.len();
            let tool = Tool::ALL[index];
            let (program, tool_args) = tool.command(&exe, &sink.url, &file);
            let sample = measure(&program, &tool_args, dir.path(), use_time)
                .map_err(|e| format!("{} (run {}): {e}", tool.label(), run + 1))?;
            let received = sink
                .expect_upload(file_len)
                .map_err(|e| format!("{} (run {}): {e}", tool.label(), run + 1))?;
            let mut line = format!(
                "run {} {:<18} {:>7.3} s  peak RSS {:>6.1} MiB  sink got {received} body bytes",
                run + 1,
                tool.label(),
                secs(sample.wall),
                kib_to_mib(sample.peak_rss_kib),
            );
            if let Tool::Client = tool {
                let (upload_secs, hwm_kib) = parse_client_report(&sample.stdout)?;
                line.push_str(&format!(
                    " (in-process: upload {upload_secs:.3} s, VmHWM {:.1} MiB)",
                    kib_to_mib(hwm_kib)
                ));
            }
            println!("{line}");
            samples[index].push(sample);
        }
    }
    drop(sink);

    let size_mib = options.size_mib as f64;
    println!();
    println!(
        "{:<18} {:>4} {:>10} {:>9} {:>13}",
        "tool", "runs", "median s", "MiB/s", "peak RSS MiB"
    );
    let mut medians = Vec::new();
    let mut peaks = Vec::new();
    for (tool, samples) in Tool::ALL.iter().zip(&samples) {
        let median = median(samples.iter().map(|s| secs(s.wall)).collect());
        let peak = samples.iter().map(|s| s.peak_rss_kib).max().unwrap_or(0);
        println!(
            "{:<18} {:>4} {:>10.3} {:>9.1} {:>13.1}",
            tool.label(),
            samples.len(),
            median,
            size_mib / median,
            kib_to_mib(peak)
        );
        medians.push(median);
        peaks.push(kib_to_mib(peak));
    }
    let (client_time, client_rss) = (medians[0], peaks[0]);
    let (curl, curl_time) = if medians[2] < medians[1] {
        (Tool::CurlNoExpect, medians[2])
    } else {
        (Tool::Curl, medians[1])
    };
    let ratio = client_time / curl_time;
    println!();
    println!(
        "client/curl time: {ratio:.2} (against `{}`, the faster curl variant)",
        curl.label()
    );

    let mut failures = Vec::new();
    if client_rss >= RSS_LIMIT_MIB {
        failures.push(format!(
            "client peak RSS {client_rss:.1} MiB is not under {RSS_LIMIT_MIB} MiB"
        ));
    }
    if ratio > TIME_RATIO_LIMIT {
        failures.push(format!(
            "client median time is {ratio:.2}x curl's, over {TIME_RATIO_LIMIT}x"
        ));
    }
    if failures.is_empty() {
        println!(
            "PASS: client peak RSS < {RSS_LIMIT_MIB} MiB and time <= {TIME_RATIO_LIMIT}x curl's"
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for failure in failures {
            println!("FAIL: {failure}");
        }
        Ok(ExitCode::FAILURE)
    }
}

/// Writes `len` bytes of pseudo-random data in 1 MiB chunks, and flushes them to disk so that
/// no write-back runs during the measurements (the file stays in the page cache).
fn write_file(path: &Path, len: u64) -> Result<()> {
    let error = |e: io::Error| format!("cannot write {}: {e}", path.display());
    let mut file = std::fs::File::create(path).map_err(error)?;
    let mut chunk = vec![0u8; MIB as usize];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut written = 0;
    while written < len {
        for word in chunk.chunks_exact_mut(8) {
            // xorshift64
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = (len - written).min(MIB) as usize;
        file.write_all(&chunk[..n]).map_err(error)?;
        written += n as u64;
    }
    file.sync_all().map_err(error)
}

/// Runs `program` to its end; wall time from spawn to exit, and its peak RSS.
fn measure(program: &Path, args: &[String], dir: &Path, use_time: bool) -> Result<Sample> {
    let rss_file = dir.join("peak-rss");
    let mut command = if use_time {
        let mut command = Command::new(TIME);
        command.args(["-f", "%M", "-o"]).arg(&rss_file).arg(program);
        command
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for var in PROXY_VARS {
        command.env_remove(var);
    }
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    let mut polled_kib = 0;
    let status = if use_time {
        child.wait()
    } else {
        let status_path = format!("/proc/{}/status", child.id());
        loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) => {}
                Err(e) => break Err(e),
            }
            if let Some(kib) = vm_hwm_kib(&status_path) {
                polled_kib = polled_kib.max(kib);
            }
            thread::sleep(Duration::from_millis(2));
        }
    }
    .map_err(|e| format!("waiting for {}: {e}", program.display()))?;
    let wall = started.elapsed();
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout)
            .map_err(|e| format!("reading the output of {}: {e}", program.display()))?;
    }
    if !status.success() {
        return Err(format!(
            "{} failed: {status}; output: {stdout}",
            program.display()
        ));
    }
    let peak_rss_kib = if use_time {
        let text = std::fs::read_to_string(&rss_file)
            .map_err(|e| format!("cannot read {}: {e}", rss_file.display()))?;
        text.lines()
            .last()
            .and_then(|line| line.trim().parse().ok())
            .ok_or_else(|| format!("unexpected /usr/bin/time output {text:?}"))?
    } else {
        polled_kib
    };
    Ok(Sample {
        wall,
        peak_rss_kib,
        stdout,
    })
}

fn parse_client_report(stdout: &str) -> Result<(f64, u64)> {
    stdout
        .lines()
        .find_map(|line| {
            let mut words = line.strip_prefix("CLIENT ")?.split_whitespace();
            Some((words.next()?.parse().ok()?, words.next()?.parse().ok()?))
        })
        .ok_or_else(|| format!("the client printed no report: {stdout:?}"))
}

/// `VmHWM` of a `/proc/*/status` file, in KiB.
fn vm_hwm_kib(status_path: &str) -> Option<u64> {
    let status = std::fs::read_to_string(status_path).ok()?;
    let value = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    value.trim().strip_suffix("kB")?.trim().parse().ok()
}

fn machine_summary() -> String {
    let cpus = thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let line = info.lines().find_map(|l| l.strip_prefix("MemTotal:"))?;
            let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
            Some(format!("{:.1} GiB", kib as f64 / (1024.0 * 1024.0)))
        })
        .unwrap_or_else(|| "? GiB".into());
    let curl = Command::new(CURL)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(|line| {
                    line.split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
        })
        .unwrap_or_else(|| "curl ?".into());
    // Other work on the machine shows up as noise in the timings.
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    format!("{cpus} CPUs, {memory} RAM, {curl}, load average {load}")
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn kib_to_mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The sink process, seen from the benchmark.
struct Sink {
    child: std::process::Child,
    url: String,
    lines: mpsc::Receiver<String>,
}

impl Sink {
    fn start(exe: &Path) -> Result<Sink> {
        let mut child = Command::new(exe)
            .arg("--sink")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the sink: {e}"))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut sink = Sink {
            child,
            url: String::new(),
            lines,
        };
        let first = sink.next_line(Duration::from_secs(10))?;
        let port: u16 = first
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("the sink said {first:?} instead of its port"))?;
        sink.url = format!("http://127.0.0.1:{port}");
        Ok(sink)
    }

    fn next_line(&self, timeout: Duration) -> Result<String> {
        self.lines
            .recv_timeout(timeout)
            .map_err(|_| format!("no report from the sink within {timeout:?}"))
    }

    /// Checks that exactly one request reached the sink since the last call, at the import path,
    /// and that its multipart body carried exactly `file_len` file bytes. Returns the body size.
    fn expect_upload(&self, file_len: u64) -> Result<u64> {
        // The sink reports a request before answering it, so the report is there by the time the
        // tool has exited.
        let line = self.next_line(Duration::from_secs(10))?;
        let words: Vec<&str> = line.split_whitespace().collect();
        let ["BODY", body, payload, target] = words[..] else {
            return Err(format!("the sink reported: {line}"));
        };
        if target != IMPORT_PATH {
            return Err(format!("the request went to {target}, not {IMPORT_PATH}"));
        }
        let body: u64 = body
            .parse()
            .map_err(|_| format!("bad sink report {line:?}"))?;
        if payload != file_len.to_string() {
            return Err(format!(
                "the sink received {body} body bytes carrying {payload} file bytes, not {file_len}"
            ));
        }
        if let Ok(extra) = self.lines.recv_timeout(Duration::from_millis(50)) {
            return Err(format!("more than one request per upload: {extra}"));
        }
        Ok(body)
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The client process: `--client URL FILE`
// ---------------------------------------------------------------------------------------------

fn run_client(args: &[String]) -> Result<ExitCode> {
    let [url, file] = args else {
        return Err("usage: upload --client URL FILE".into());
    };
    // What `#[tokio::main]` builds: a multi-threaded runtime.
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start a runtime: {e}"))?;
    let client = secmaster::Client::builder()
        .endpoint(url.as_str())
        .token("bench")
        .build()
        .map_err(|e| format!("cannot build the client: {e}"))?;
    let upload = secmaster::UploadFile::from_path(file);
    let started = Instant::now();
    let answer = runtime.block_on(async {
        client
            .workspace(PROJECT, WORKSPACE)
            .import_aopworkflow(upload)
            .await
    });
    let elapsed = started.elapsed();
    let answer = answer.map_err(|e| format!("the upload failed: {e}"))?;
    if answer.code.as_deref() != Some("00000000") {
        return Err(format!("unexpected answer code {:?}", answer.code));
    }
    let hwm = vm_hwm_kib("/proc/self/status").unwrap_or(0);
    println!("CLIENT {:.6} {hwm}", secs(elapsed));
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// The sink process: `--sink`
// ---------------------------------------------------------------------------------------------

/// The loopback test server of the integration tests, keeping only the ends of each body (where
/// the multipart framing is) and answering every request with a SecMaster envelope. Each request
/// is reported on stdout once it has been read, before its answer goes out.
fn run_sink() -> Result<ExitCode> {
    // The benchmark holds our stdin; when it goes away, so do we.
    thread::spawn(|| {
        let _ = io::copy(&mut io::stdin(), &mut io::sink());
        std::process::exit(0);
    });
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("sink: cannot start a runtime: {e}"))?;
    runtime.block_on(async {
        let options = ServerOptions {
            keep_body: KeepBody::Ends {
                head: PROBE_HEAD,
                tail: PROBE_TAIL,
            },
            unscripted_reply: Reply::status(200)
                .header("X-Request-Id", "bench")
                .json(ANSWER),
        };
        let server = TestServer::start_with(Vec::new(), options).await;
        println!("PORT {}", server.addr().port());
        let mut reported = 0;
        loop {
            // No time limit: the sink runs until the benchmark closes its stdin.
            let requests = server.wait_for_requests(reported + 1, Duration::MAX).await;
            for request in &requests[reported..] {
                let payload = match multipart_payload(request) {
                    Ok(n) => n.to_string(),
                    Err(why) => {
                        eprintln!("sink: {why}");
                        "-".into()
                    }
                };
                println!("BODY {} {payload} {}", request.body_len, request.target);
            }
            reported = requests.len();
        }
    })
}

/// Size of the content of a body made of one `uploadFile` part: the body less the opening
/// delimiter and part headers, and less the closing delimiter.
fn multipart_payload(request: &RecordedRequest) -> Result<u64> {
    let boundary = request
        .header("content-type")
        .and_then(|value| {
            value.split(';').find_map(|param| {
                let (key, v) = param.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("boundary")
                    .then(|| v.trim().trim_matches('"').to_owned())
            })
        })
        .ok_or("no multipart boundary in Content-Type")?;
    let (head, tail) = (&request.body, &request.body_tail);
    let opening = format!("--{boundary}\r\n");
    if !head.starts_with(opening.as_bytes()) {
        return Err("the body does not start with the boundary".into());
    }
    let headers_end = head
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("part headers not found")?
        + 4;
    let part_headers = String::from_utf8_lossy(&head[opening.len()..headers_end]);
    if !part_headers.contains("name=\"uploadFile\"") {
        return Err(format!("the part is not uploadFile: {part_headers:?}"));
    }
    let closing = format!("\r\n--{boundary}--");
    let closing_len = if tail.ends_with(format!("{closing}\r\n").as_bytes()) {
        closing.len() + 2
    } else if tail.ends_with(closing.as_bytes()) {
        closing.len()
    } else {
        return Err("the body does not end with the closing boundary".into());
    };
    request
        .body_len
        .checked_sub((headers_end + closing_len) as u64)
        .ok_or_else(|| "the body is shorter than its framing".into())
}
