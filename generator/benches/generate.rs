//! Generation benchmark: time, peak memory and output size of the generator on a synthetic spec of
//! 500 and 2,000 operations, optionally beside a peer generator run on the same spec in the same run.
//!
//! ```sh
//! cargo bench -p secmaster-codegen --bench generate                       # 500 and 2000 operations, 5 runs
//! cargo bench -p secmaster-codegen --bench generate -- --ops 2000 --runs 9
//! cargo bench -p secmaster-codegen --bench generate -- --peer /tmp/progenitor-peer/target/release/progenitor-peer
//! cargo bench -p secmaster-codegen --bench generate -- --write-spec 500 /tmp/synthetic   # the spec alone
//! cargo bench -p secmaster-codegen --bench generate -- --edit-one-family   # regeneration after one edit
//! ```
//!
//! Each run is its own process (the bench runs itself again with `--child`), so that its peak
//! resident set (`VmHWM`, which the child reads from `/proc/self/status` when done) belongs to that
//! run alone; wall time is measured by the parent from spawn to exit, for ours and the peer alike.
//! A peer is any program called as `PEER SPEC.yaml OUT_DIR` that generates a client from the spec
//! and prints `vmhwm_kib=N` on its last line (see BENCHMARKS.md for the progenitor peer).
//!
//! The synthetic spec has one family file per 50 resources (so regeneration after editing one family
//! can be measured: `--edit-one-family`); each resource has five operations: list (offset, limit
//! and order query parameters, a paged envelope), create (a body with a nested object, an enum and
//! an array), show, update and delete; schemas and parameters shared through components.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const OPERATIONS_PER_RESOURCE: usize = 5;
const RESOURCES_PER_FILE: usize = 50;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Options {
    ops: Vec<usize>,
    runs: usize,
    peer: Option<PathBuf>,
    edit_one_family: bool,
}

fn run(args: &[String]) -> Result<(), String> {
    if args.first().map(String::as_str) == Some("--child") {
        return child(&args[1..]);
    }
    let mut options = Options {
        ops: vec![500, 2000],
        runs: 5,
        peer: None,
        edit_one_family: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--ops" => {
                let list = it.next().ok_or("--ops needs a list, e.g. 500,2000")?;
                options.ops = list
                    .split(',')
                    .map(|n| {
                        n.trim()
                            .parse()
                            .map_err(|_| format!("--ops: `{n}` is not a number"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--runs" => {
                let n = it.next().ok_or("--runs needs a number")?;
                options.runs = n
                    .parse()
                    .map_err(|_| format!("--runs: `{n}` is not a number"))?;
            }
            "--peer" => options.peer = Some(it.next().ok_or("--peer needs a program")?.into()),
            "--edit-one-family" => options.edit_one_family = true,
            "--write-spec" => {
                let n: usize = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--write-spec needs a number of operations")?;
                let dir = PathBuf::from(it.next().ok_or("--write-spec needs a folder")?);
                write_synthetic_spec(&dir.join("spec"), n)?;
                write_merged_spec(&dir.join("merged.yaml"), n)?;
                println!(
                    "wrote a spec of {n} operations to {0}/spec (family files) and {0}/merged.yaml (one file)",
                    dir.display()
                );
                return Ok(());
            }
            // What `cargo bench` passes to every bench binary.
            "--bench" => {}
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    bench(&options)
}

/// One measured run: seconds, peak resident set in KiB, lines written (those of the client: the
/// mock's, compiled only with the `mock` feature, are counted apart, as progenitor writes its
/// httpmock code apart when asked).
struct Sample {
    seconds: f64,
    peak_kib: u64,
    lines: usize,
    mock_lines: usize,
}

fn bench(options: &Options) -> Result<(), String> {
    let scratch = tempfile::tempdir().map_err(|e| format!("cannot make a scratch folder: {e}"))?;
    println!(
        "{:>6}  {:<12} {:>10} {:>10} {:>10} {:>8}",
        "ops", "generator", "median s", "peak MiB", "lines", "lines/op"
    );
    for &ops in &options.ops {
        let spec_dir = scratch.path().join(format!("spec-{ops}"));
        write_synthetic_spec(&spec_dir, ops)?;
        let merged = scratch.path().join(format!("merged-{ops}.yaml"));
        write_merged_spec(&merged, ops)?;
        let mut ours = Vec::new();
        let mut peer = Vec::new();
        for run in 0..options.runs {
            // Alternate who goes first, so that neither always meets a warm or a cold cache.
            let order = if run % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            };
            for is_ours in order {
                let out = scratch.path().join(format!("out-{ops}-{run}-{is_ours}"));
                if is_ours {
                    ours.push(measure_ours(&spec_dir, &out)?);
                } else if let Some(program) = &options.peer {
                    peer.push(measure(Command::new(program).arg(&merged).arg(&out), &out)?);
                }
            }
        }
        let ours = summarize(ops, "ours", &ours);
        if let Some(name) = &options.peer {
            let name = name
                .file_name()
                .map_or("peer".into(), |n| n.to_string_lossy());
            let theirs = summarize(ops, &name, &peer);
            println!(
                "{:>6}  ours/peer: time {:.2}x, peak memory {:.2}x, lines {:.2}x",
                ops,
                ours.0 / theirs.0,
                ours.1 / theirs.1,
                ours.2 / theirs.2
            );
        }
        if options.edit_one_family {
            regenerate_after_one_edit(&spec_dir, scratch.path(), ops)?;
        }
    }
    Ok(())
}

/// Prints a row; returns (median seconds, peak MiB, lines) for the ratio.
fn summarize(ops: usize, name: &str, samples: &[Sample]) -> (f64, f64, f64) {
    let mut seconds: Vec<f64> = samples.iter().map(|s| s.seconds).collect();
    seconds.sort_by(f64::total_cmp);
    let median = seconds.get(seconds.len() / 2).copied().unwrap_or(f64::NAN);
    let peak = samples.iter().map(|s| s.peak_kib).max().unwrap_or(0) as f64 / 1024.0;
    let lines = samples.last().map_or(0, |s| s.lines) as f64;
    let mock = samples.last().map_or(0, |s| s.mock_lines);
    let mock = if mock > 0 {
        format!(
            "  (and {mock} lines of the mock, {:.1}/op)",
            mock as f64 / ops as f64
        )
    } else {
        String::new()
    };
    println!(
        "{:>6}  {:<12} {:>10.3} {:>10.1} {:>10} {:>8.1}{mock}",
        ops,
        name,
        median,
        peak,
        lines,
        lines / ops as f64
    );
    (median, peak, lines)
}

fn measure_ours(spec_dir: &Path, out: &Path) -> Result<Sample, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    measure(Command::new(me).arg("--child").arg(spec_dir).arg(out), out)
}

fn measure(command: &mut Command, out: &Path) -> Result<Sample, String> {
    let start = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let peak_kib = stdout
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("vmhwm_kib="))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("{command:?} did not print vmhwm_kib=N"))?;
    let (lines, mock_lines) = lines_under(out);
    Ok(Sample {
        seconds,
        peak_kib,
        lines: lines - mock_lines,
        mock_lines,
    })
}

/// Lines of the files under `dir`, and how many of them only the `mock` feature compiles.
fn lines_under(dir: &Path) -> (usize, usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                lines_under(&path)
            } else {
                std::fs::read_to_string(&path)
                    .map_or((0, 0), |text| (text.lines().count(), mock_lines(&text)))
            }
        })
        .fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
}

/// Lines of items under `#[cfg(feature = "mock")]` (to the end of the item) and of
/// `#[cfg_attr(feature = "mock", ...)]` attributes.
fn mock_lines(text: &str) -> usize {
    let mut count = 0;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim();
        if line.starts_with("#[cfg_attr(feature = \"mock\"") {
            count += 1;
        } else if line == "#[cfg(feature = \"mock\")]" {
            count += 1;
            let mut depth = 0i64;
            for line in lines.by_ref() {
                count += 1;
                depth += line.matches('{').count() as i64 - line.matches('}').count() as i64;
                let end = line.trim_end();
                if depth <= 0 && (end.ends_with('}') || end.ends_with(';')) {
                    break;
                }
            }
        }
    }
    count
}

/// The child: one generation, then its own peak resident set.
fn child(args: &[String]) -> Result<(), String> {
    let [spec, out] = args else {
        return Err("--child needs SPEC_DIR OUT_DIR".into());
    };
    secmaster_codegen::Config::new()
        .spec_dir(spec)
        .out_dir(out)
        .generate()
        .map_err(|e| e.to_string())?;
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

/// Regenerates into a warm output folder after one family file changed, and says how many files
/// were rewritten and how long it took, beside a regeneration with nothing changed.
fn regenerate_after_one_edit(spec_dir: &Path, scratch: &Path, ops: usize) -> Result<(), String> {
    let out = scratch.join(format!("warm-{ops}"));
    let generate = || {
        let start = Instant::now();
        let outcomes = secmaster_codegen::Config::new()
            .spec_dir(spec_dir)
            .out_dir(&out)
            .generate()
            .map_err(|e| e.to_string())?;
        let written = outcomes
            .iter()
            .filter(|(_, o)| matches!(o, secmaster_codegen::WriteOutcome::Written))
            .count();
        Ok::<_, String>((start.elapsed().as_secs_f64(), written, outcomes.len()))
    };
    generate()?;
    let (unchanged_s, _, _) = generate()?;
    let first = spec_dir.join("family_000.yaml");
    let text = std::fs::read_to_string(&first).map_err(|e| e.to_string())?;
    std::fs::write(
        &first,
        text.replace("Name of resource 0.", "Name of resource zero."),
    )
    .map_err(|e| e.to_string())?;
    let (edited_s, written, files) = generate()?;
    println!(
        "{ops:>6}  regenerate: nothing changed {unchanged_s:.3} s; one family edited {edited_s:.3} s, {written} of {files} files rewritten"
    );
    Ok(())
}

/// Writes the synthetic spec as one file per [`RESOURCES_PER_FILE`] resources plus `common.yaml`.
pub fn write_synthetic_spec(dir: &Path, ops: usize) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let resources = ops.div_ceil(OPERATIONS_PER_RESOURCE);
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text).map_err(|e| format!("cannot write {name}: {e}"))
    };
    write("common.yaml", document("common", "", &components_common()))?;
    for (file, first) in (0..resources).step_by(RESOURCES_PER_FILE).enumerate() {
        let last = (first + RESOURCES_PER_FILE).min(resources);
        let (mut paths, mut schemas) = (String::new(), String::new());
        for r in first..last {
            resource(r, "common.yaml", &mut paths, &mut schemas);
        }
        write(
            &format!("family_{file:03}.yaml"),
            document(
                &format!("family {file}"),
                &paths,
                &format!("  schemas:\n{schemas}"),
            ),
        )?;
    }
    Ok(())
}

/// The same spec as one self-contained file, for peers that read a single document.
fn write_merged_spec(file: &Path, ops: usize) -> Result<(), String> {
    let resources = ops.div_ceil(OPERATIONS_PER_RESOURCE);
    let (mut paths, mut schemas) = (String::new(), String::new());
    for r in 0..resources {
        resource(r, "", &mut paths, &mut schemas);
    }
    let components =
        components_common().replacen("  schemas:\n", &format!("  schemas:\n{schemas}"), 1);
    std::fs::write(file, document("merged", &paths, &components))
        .map_err(|e| format!("cannot write {}: {e}", file.display()))
}

fn document(title: &str, paths: &str, components: &str) -> String {
    let paths = if paths.is_empty() {
        " {}\n".to_owned()
    } else {
        format!("\n{paths}")
    };
    format!(
        "openapi: 3.0.3\ninfo:\n  title: synthetic {title}\n  version: v1\npaths:{paths}components:\n{components}"
    )
}

fn components_common() -> String {
    "  parameters:
    project_id:
      name: project_id
      in: path
      required: true
      description: Project that owns the resources.
      schema: {type: string}
    id:
      name: id
      in: path
      required: true
      description: ID of the resource.
      schema: {type: string}
    offset:
      name: offset
      in: query
      description: Records to skip.
      schema: {type: integer, format: int32, minimum: 0}
    limit:
      name: limit
      in: query
      description: Largest page.
      schema: {type: integer, format: int32, minimum: 1, maximum: 1000}
    order:
      name: order
      in: query
      description: Sort direction.
      schema: {$ref: '#/components/schemas/Order'}
  schemas:
    Order:
      type: string
      description: Sort direction.
      enum: [ASC, DESC]
    Severity:
      type: string
      description: How severe something is.
      enum: [TIPS, LOW, MEDIUM, HIGH, FATAL]
    Meta:
      type: object
      description: Who made a resource and when.
      properties:
        creator: {type: string, description: Who created it.}
        created: {type: string, description: When it was created.}
    ErrorBody:
      type: object
      description: An error answer.
      properties:
        code: {type: string, description: Error code.}
        message: {type: string, description: Error message.}
"
    .to_owned()
}

/// The five operations and three schemas of resource `r`; `common` is the file shared components
/// live in (empty: the same document).
fn resource(r: usize, common: &str, paths: &mut String, schemas: &mut String) {
    let c = |kind: &str, name: &str| format!("'{common}#/components/{kind}/{name}'");
    let (project, id) = (c("parameters", "project_id"), c("parameters", "id"));
    let error = format!(
        "        '400':\n          description: Rejected.\n          content:\n            application/json:\n              schema: {{$ref: {}}}\n",
        c("schemas", "ErrorBody")
    );
    let json = |schema: &str| {
        format!("          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{schema}'}}\n")
    };
    let _ = write!(
        paths,
        "  /v1/{{project_id}}/resource{r}s:
    get:
      operationId: ListResource{r}
      summary: List resource {r}.
      parameters:
        - $ref: {project}
        - $ref: {offset}
        - $ref: {limit}
        - $ref: {order}
      responses:
        '200':
          description: A page.
{page}{error}    post:
      operationId: CreateResource{r}
      summary: Create resource {r}.
      parameters:
        - $ref: {project}
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Resource{r}Input'}}
      responses:
        '200':
          description: Created.
{one}{error}  /v1/{{project_id}}/resource{r}s/{{id}}:
    get:
      operationId: ShowResource{r}
      summary: Show resource {r}.
      parameters:
        - $ref: {project}
        - $ref: {id}
      responses:
        '200':
          description: The resource.
{one}{error}    put:
      operationId: UpdateResource{r}
      summary: Update resource {r}.
      parameters:
        - $ref: {project}
        - $ref: {id}
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Resource{r}Input'}}
      responses:
        '200':
          description: Updated.
{one}{error}    delete:
      operationId: DeleteResource{r}
      summary: Delete resource {r}.
      parameters:
        - $ref: {project}
        - $ref: {id}
      responses:
        '204':
          description: Deleted.
{error}",
        offset = c("parameters", "offset"),
        limit = c("parameters", "limit"),
        order = c("parameters", "order"),
        page = json(&format!("Resource{r}Page")),
        one = json(&format!("Resource{r}")),
    );
    let _ = write!(
        schemas,
        "    Resource{r}:
      type: object
      description: Resource {r}.
      required: [id, name]
      properties:
        id: {{type: string, description: ID.}}
        name: {{type: string, description: Name of resource {r}.}}
        severity: {{$ref: {severity}}}
        meta: {{$ref: {meta}}}
        tags: {{type: array, description: Tags., items: {{type: string}}}}
        settings:
          type: object
          description: Settings.
          properties:
            enabled: {{type: boolean, description: On or off.}}
            threshold: {{type: integer, format: int64, description: Threshold.}}
    Resource{r}Input:
      type: object
      description: What creates or changes resource {r}.
      required: [name]
      properties:
        name: {{type: string, description: Name of resource {r}.}}
        severity: {{$ref: {severity}}}
        tags: {{type: array, description: Tags., items: {{type: string}}}}
        settings:
          type: object
          description: Settings.
          properties:
            enabled: {{type: boolean, description: On or off.}}
            threshold: {{type: integer, format: int64, description: Threshold.}}
    Resource{r}Page:
      type: object
      description: One page of resource {r}.
      properties:
        total: {{type: integer, format: int32, description: Records in all.}}
        items:
          type: array
          description: The page.
          items: {{$ref: '#/components/schemas/Resource{r}'}}
",
        severity = c("schemas", "Severity"),
        meta = c("schemas", "Meta"),
    );
}
