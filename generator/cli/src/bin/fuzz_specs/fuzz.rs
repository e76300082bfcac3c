//! A mutational fuzzer for the whole generator: spec files are mutated (as text and as YAML
//! trees), written to a temporary folder, and run through load, model, emit and format, under
//! `catch_unwind`. Every case must end in `Ok` or in a spec error, never in a panic nor in an
//! internal error; accepted specs must give code without duplicate names.
//!
//! Deterministic for a given seed and corpus. A short run is part of `cargo test -p secmaster-codegen`
//! (`tests/fuzz.rs`); a long one is `cargo run --release -p generator --bin fuzz-specs -- --seconds
//! 600`. Inputs that crash are saved, and become fixtures under `tests/fixtures/fuzz_regressions/`.
//!
//! Not part of the generator library: this file is a module of the `fuzz-specs` binary, and the
//! test `tests/fuzz.rs` includes it too. It uses only the library's public `Config` (and its
//! hidden `render_unguarded`, which lets a panic through to be caught here). It is longer than
//! the generator's modules because it is one concern (mutating specs and judging what the
//! generator makes of them) that the test includes whole, by one `#[path]`.

use serde_yaml::Value;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A small, fast, seedable random number generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A spec file of the corpus: its name and text.
pub type Source = (String, String);

/// What one case gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    Rejected,
    /// A panic, an internal error or invalid output, with what was seen.
    Crashed(String),
}

/// A crashing input.
#[derive(Debug, Clone)]
pub struct Crash {
    pub files: Vec<(String, Vec<u8>)>,
    pub what: String,
}

/// Totals of a run.
#[derive(Debug, Default)]
pub struct Stats {
    pub executions: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub crashes: Vec<Crash>,
    /// Spec errors reported without a line (should not happen for a file that was read).
    pub unplaced: u64,
    pub unplaced_examples: Vec<String>,
    /// The first inputs that gave such errors.
    pub unplaced_inputs: Vec<Crash>,
    pub slowest: Duration,
    pub elapsed: Duration,
}

/// When a run stops: after so many cases or so much time, whichever comes first (a struct
/// rather than an enum, since the test counts cases and the long run counts time).
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub executions: Option<u64>,
    pub time: Option<Duration>,
}

/// The corpus: every `.yaml` file under the given folders (recursively) or files.
pub fn corpus(paths: &[PathBuf]) -> Vec<Source> {
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                let mut entries: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                entries.sort();
                stack.extend(entries.into_iter().rev());
            }
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            if let Ok(bytes) = std::fs::read(&path) {
                files.push((
                    path.to_string_lossy().into_owned(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
        }
    }
    files
}

thread_local! {
    /// The panic seen by the current case, when the fuzzer runs on this thread.
    static PANIC: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records panics of fuzzing threads instead of printing them,
/// and leaves others to the default hook.
fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let fuzzing = PANIC.with(|p| p.borrow().is_some());
            if fuzzing {
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let place = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                    .unwrap_or_default();
                PANIC
                    .with(|p| *p.borrow_mut() = Some(Some(format!("panic at {place}: {message}"))));
            } else {
                default(info);
            }
        }));
    });
}

/// Runs the whole pipeline on `files` written into `dir`.
pub fn run_case(dir: &Path, files: &[(String, Vec<u8>)]) -> (Outcome, Vec<String>) {
    install_hook();
    let _ = std::fs::remove_dir_all(dir);
    if std::fs::create_dir_all(dir).is_err() {
        return (Outcome::Rejected, Vec::new());
    }
    let mut config = secmaster_codegen::Config::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        if std::fs::write(&path, bytes).is_err() {
            return (Outcome::Rejected, Vec::new());
        }
        config = config.spec_file(path);
    }
    PANIC.with(|p| *p.borrow_mut() = Some(None));
    let result = std::panic::catch_unwind(|| config.render_unguarded());
    let panic = PANIC.with(|p| p.borrow_mut().take().flatten());
    match result {
        // A panic on a formatting thread is raised again on this one, without the hook.
        Err(payload) => (
            Outcome::Crashed(panic.unwrap_or_else(|| {
                payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".to_owned())
            })),
            Vec::new(),
        ),
        Ok(Ok(output)) => match check_outputs(&output) {
            Ok(()) => (Outcome::Accepted, Vec::new()),
            Err(what) => (Outcome::Crashed(what), Vec::new()),
        },
        Ok(Err(secmaster_codegen::Error::Spec(diagnostics))) => {
            let unplaced = diagnostics
                .0
                .iter()
                // A count of faults not listed one by one stands for many places, so has none.
                .filter(|d| d.line.is_none() && d.more == 0)
                .map(|d| d.headline())
                .collect();
            (Outcome::Rejected, unplaced)
        }
        Ok(Err(
            secmaster_codegen::Error::Io { .. } | secmaster_codegen::Error::Manifest { .. },
        )) => (Outcome::Rejected, Vec::new()),
        Ok(Err(secmaster_codegen::Error::Internal(message))) => (
            Outcome::Crashed(format!("internal error: {message}")),
            Vec::new(),
        ),
    }
}

/// Every word a name in generated code could collide with, as a spec might write it: Rust's
/// keywords (strict, reserved and weak, of every edition), the items of the standard prelude (of
/// every edition), the std, core and serde names generated code uses, the names of the client's
/// runtime and call machinery and of the methods and fields of its handles and builders, and
/// spellings that become the same identifier once converted (`type`, `Type`, `type_`). The fuzzer
/// writes them in place of keys and values; [`rust_names_spec`] names one of each thing with each.
pub const RUST_NAMES: &[&str] = &[
    // Keywords.
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "Self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "macro",
    "override",
    "priv",
    "try",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "union",
    "macro_rules",
    "raw",
    "safe",
    "_",
    // The prelude.
    "Copy",
    "Send",
    "Sized",
    "Sync",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "drop",
    "Box",
    "ToOwned",
    "Clone",
    "PartialEq",
    "PartialOrd",
    "Eq",
    "Ord",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "Default",
    "Iterator",
    "Extend",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "ToString",
    "Vec",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Future",
    "IntoFuture",
    "Debug",
    "Hash",
    "vec",
    "format",
    "panic",
    "assert",
    // std, core and serde.
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "Serialize",
    "Deserialize",
    "Serializer",
    "Deserializer",
    "Value",
    "Map",
    "Number",
    "BTreeMap",
    "HashMap",
    "Formatter",
    "Display",
    "Hasher",
    "Pin",
    "Ordering",
    "fmt",
    "str",
    "bool",
    "char",
    "i32",
    "i64",
    "f32",
    "f64",
    "u8",
    "usize",
    // The runtime, the call machinery, and the names of handles and builders.
    "Client",
    "ClientBuilder",
    "ProjectClient",
    "WorkspaceClient",
    "REGIONS",
    "CallOptions",
    "Credentials",
    "Secret",
    "env",
    "ApiError",
    "Error",
    "ByteStream",
    "Response",
    "RetryPolicy",
    "UploadFile",
    "ApiRequest",
    "Method",
    "BoxFuture",
    "ParamValue",
    "string_enum",
    "call",
    "types",
    "operations",
    "retry",
    "Other",
    "Request",
    "new",
    "send",
    "options",
    "scope",
    "timeout",
    "into_future",
    "as_str",
    "client",
    "project",
    "workspace",
    "project_id",
    "workspace_id",
    "builder",
    "endpoint",
    "execute",
    "clone",
    "body",
    "additional_properties",
    // The call machinery since requests became named futures: what generated code names
    // (`Call`, `Base`, `Read`, `operation!`, the families' `errors` and the `shared` module),
    // the fields and methods of builders and handles it adds (`base`, `call`, `http`, ...), the
    // locals of a builder's `call`, and the runtime's newer items and modules.
    "Call",
    "Base",
    "Read",
    "Answer",
    "RawResponse",
    "Settings",
    "BodyLimits",
    "Limit",
    "Rejection",
    "Infallible",
    "operation",
    "errors",
    "shared",
    "base",
    "http",
    "credentials",
    "settings",
    "answer",
    "request",
    "status",
    "u16",
    "sanitize",
    "limits",
    // Since requests start from the handle and the runtime reads answers: `Base`'s request
    // methods, the readers of `ApiRequest` and `Answer`, and what error enums implement.
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "client_and_ids",
    "path_param",
    "query",
    "json",
    "answers",
    "json_answer",
    "empty_answer",
    "text_answer",
    "stream_answer",
    "unexpected",
    "decode",
    "Decoded",
    "ErrorAnswers",
    "Scope",
    // Paging: the runtime's `paging` module, its `paged!` and `streams!`, what a paged builder
    // implements and gets (`pages()`, `items()`), and what its streams have.
    "paging",
    "paged",
    "streams",
    "Paged",
    "Pages",
    "Items",
    "PageStyle",
    "PageParam",
    "OffsetAndLimit",
    "Total",
    "Item",
    "Page",
    "STYLE",
    "PAGE_SIZE",
    "offset_and_limit",
    "items_of",
    "total_of",
    "count",
    "items",
    "pages",
    "page",
    "max_items",
    // The mock (feature `mock`): its module and items, and `MockServer`'s own methods, which
    // its per-operation methods must not take.
    "mock",
    "MockServer",
    "MockServerBuilder",
    "Expectation",
    "NoBody",
    "Form",
    "Binary",
    "Success",
    "MockError",
    "MockSuccess",
    "Reply",
    "Query",
    "Unmet",
    "Times",
    "start",
    "uri",
    "verify",
    "finish",
    "expectation",
    "mount",
    "respond_with",
    // Methods clippy expects to be a trait's when their signature fits (`add(self, x)`), to
    // return `Self` (`new`), or not to be named like their type (`New::new`).
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "neg",
    "not",
    "shl",
    "shr",
    "bitand",
    "bitor",
    "bitxor",
    "next",
    "from_str",
    "default",
    "deref",
    "deref_mut",
    "hash",
    "eq",
    "cmp",
    "partial_cmp",
    "borrow",
    "borrow_mut",
    "index",
    "index_mut",
    "as_ref",
    "as_mut",
    "into_iter",
    "from_iter",
    "to_owned",
    "to_string",
    "is_empty",
    "len",
    "iter",
    "New",
    // The same identifier once converted.
    "Type",
    "type_",
    "self_",
    "Self_",
    "option",
    "string",
    "into",
    "from",
    "error",
    "client_",
    "SELF",
    "r_type",
    "Self2",
    "type_2",
];

/// A spec whose schemas, properties, enum values, query parameters and operations are named
/// with every word of [`RUST_NAMES`]: `tests/fixtures/specs/rust_names.yaml`, which CI builds
/// with clippy and rustdoc denying warnings (`scripts/build-fixtures.sh`), and `tests/fuzz.rs`
/// keeps equal to this.
///
/// Each word names a schema (an object with a required text property of the same name, or a
/// string enum with the word as a value, in turn), a property of `Names` (of that schema's
/// type), a value of the enum `Words`, a query parameter of one operation, and an operation
/// answering with that schema, on the workspace handle or the client in turn.
#[allow(dead_code)] // the fuzz test's: the long run seeds from the fixture file instead
pub fn rust_names_spec() -> String {
    let mut out = String::from(
        "# Made by `rust_names_spec` in generator/cli/src/bin/fuzz_specs/fuzz.rs from its RUST_NAMES;\n\
         # `UPDATE_RUST_NAMES=1 cargo test -p secmaster-codegen --test fuzz` writes it again.\n\
         openapi: 3.0.3\n\
         info:\n  title: Names that are Rust keywords, prelude items, std and serde names, and runtime names\n  version: '1'\n\
         paths:\n  /v1/{project_id}/workspaces/{workspace_id}/names:\n    post:\n      operationId: NameEverything\n      parameters:\n\
         \x20       - {name: project_id, in: path, required: true, schema: {type: string}}\n\
         \x20       - {name: workspace_id, in: path, required: true, schema: {type: string}}\n",
    );
    for name in RUST_NAMES {
        out.push_str(&format!(
            "        - {{name: '{name}', in: query, schema: {{type: string}}}}\n"
        ));
    }
    out.push_str(
        "      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Names'}\n\
         \x20     responses:\n        '200':\n          description: The words.\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Words'}\n\
         \x20       '400':\n          description: An error.\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Error'}\n",
    );
    // A paged operation (offset and limit, the items in a list of an object), with every word
    // as a parameter too: its builder has `pages()` and `items()`, and the `paged!` it gets
    // reads the page through fields of every kind of optionality.
    out.push_str(
        "  /v1/{project_id}/workspaces/{workspace_id}/pages:\n    get:\n      operationId: PageEveryName\n      parameters:\n\
         \x20       - {name: project_id, in: path, required: true, schema: {type: string}}\n\
         \x20       - {name: workspace_id, in: path, required: true, schema: {type: string}}\n\
         \x20       - {name: offset, in: query, schema: {type: integer, format: int32}}\n\
         \x20       - {name: limit, in: query, schema: {type: integer, format: int32, maximum: 100}}\n",
    );
    for name in RUST_NAMES {
        out.push_str(&format!(
            "        - {{name: '{name}', in: query, schema: {{type: string}}}}\n"
        ));
    }
    out.push_str(
        "      responses:\n        '200':\n          description: A page of names.\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/NamePage'}\n\
         \x20       '400':\n          description: An error.\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Error'}\n",
    );
    for (i, name) in RUST_NAMES.iter().enumerate() {
        let path = if i % 2 == 0 {
            format!("/v1/{{project_id}}/workspaces/{{workspace_id}}/names/n{i}")
        } else {
            format!("/v1/names/n{i}")
        };
        out.push_str(&format!(
            "  {path}:\n    get:\n      operationId: '{name}'\n"
        ));
        if i % 2 == 0 {
            out.push_str(
                "      parameters:\n\
                 \x20       - {name: project_id, in: path, required: true, schema: {type: string}}\n\
                 \x20       - {name: workspace_id, in: path, required: true, schema: {type: string}}\n",
            );
        }
        out.push_str(&format!(
            "      responses:\n        '200':\n          description: The `{name}` schema.\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{name}'}}\n"
        ));
    }
    out.push_str("components:\n  schemas:\n");
    for (i, name) in RUST_NAMES.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(&format!(
                "    '{name}':\n      type: object\n      required: ['{name}']\n      properties:\n        '{name}': {{type: string}}\n"
            ));
        } else {
            out.push_str(&format!(
                "    '{name}':\n      type: string\n      enum: ['{name}', other]\n"
            ));
        }
    }
    out.push_str(
        "    NamePage:\n      type: object\n      properties:\n        Some:\n          type: object\n          required: [None]\n          properties:\n\
         \x20           None: {type: array, items: {$ref: '#/components/schemas/Names'}}\n\
         \x20           total: {type: integer, format: int32}\n",
    );
    out.push_str("    Names:\n      type: object\n      properties:\n");
    for name in RUST_NAMES {
        out.push_str(&format!(
            "        '{name}': {{$ref: '#/components/schemas/{name}'}}\n"
        ));
    }
    out.push_str("    Words:\n      type: string\n      enum:\n");
    for name in RUST_NAMES {
        out.push_str(&format!("        - '{name}'\n"));
    }
    out
}

/// Checks generated code for what would not compile although it parses: two items, fields,
/// variants, methods or arguments of the same name; and for names rustc warns about (types and
/// variants not in upper camel case, fields, functions and arguments not in snake case, such as
/// `Self_2` or `type__2`).
#[cfg(test)]
fn check_output(text: &str) -> Result<(), String> {
    check_files(&[("crate".to_owned(), text)])
}

/// [`check_output`] over every file of one run, each in its module (the root file is the crate,
/// a family's file its module), so that methods two families add to one handle are compared too.
pub fn check_outputs(files: &[secmaster_codegen::OutputFile]) -> Result<(), String> {
    let modules: Vec<(String, &str)> = files
        .iter()
        .map(|f| {
            let stem = f.name.trim_end_matches(".rs");
            let module = if f.name == "secmaster.rs" {
                "crate".to_owned()
            } else {
                format!("crate::{stem}")
            };
            (module, f.contents.as_str())
        })
        .collect();
    check_files(&modules)
}

fn check_files(files: &[(String, &str)]) -> Result<(), String> {
    let mut methods: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (module, text) in files {
        let file =
            syn::parse_file(text).map_err(|e| format!("generated code does not parse: {e}"))?;
        check_items(&file.items, module, &mut methods)?;
    }
    for (ty, names) in methods {
        unique(names.iter(), &format!("methods of `{ty}`"))?;
    }
    Ok(())
}

fn unique<'a>(names: impl Iterator<Item = &'a String>, what: &str) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(format!("generated code has two {what} named `{name}`"));
        }
    }
    Ok(())
}

/// rustc's `non_camel_case_types` rule: no `__`, and no `_` beside a letter that has a case
/// (leading and trailing underscores aside).
fn is_upper_camel(name: &str) -> bool {
    let name = name.trim_matches('_');
    let chars: Vec<char> = name.chars().collect();
    let cased = |c: char| c.is_uppercase() || c.is_lowercase();
    !chars.first().is_some_and(|c| c.is_lowercase())
        && !name.contains("__")
        && !chars
            .windows(2)
            .any(|w| (cased(w[0]) && w[1] == '_') || (cased(w[1]) && w[0] == '_'))
}

/// rustc's `non_snake_case` rule: no upper-case letter and no `__` (leading and trailing
/// underscores aside); a raw identifier is judged without its `r#`.
fn is_snake(name: &str) -> bool {
    let name = name.trim_start_matches("r#").trim_matches('_');
    !name.contains("__") && !name.chars().any(char::is_uppercase)
}

fn named(name: String, camel: bool, what: &str) -> Result<String, String> {
    let good = if camel {
        is_upper_camel(&name)
    } else {
        is_snake(&name)
    };
    if good {
        Ok(name)
    } else {
        Err(format!(
            "generated code has {what} `{name}`, a name rustc warns about"
        ))
    }
}

fn check_items(
    items: &[syn::Item],
    module: &str,
    methods: &mut std::collections::HashMap<String, Vec<String>>,
) -> Result<(), String> {
    let mut names = Vec::new();
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                names.push(named(s.ident.to_string(), true, "a struct")?);
                let fields: Vec<String> = s
                    .fields
                    .iter()
                    .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                    .map(|f| named(f, false, "a field"))
                    .collect::<Result<_, _>>()?;
                unique(fields.iter(), &format!("fields of `{}`", s.ident))?;
            }
            syn::Item::Enum(e) => {
                names.push(named(e.ident.to_string(), true, "an enum")?);
                let variants: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| named(v.ident.to_string(), true, "a variant"))
                    .collect::<Result<_, _>>()?;
                unique(variants.iter(), &format!("variants of `{}`", e.ident))?;
            }
            syn::Item::Type(t) => names.push(named(t.ident.to_string(), true, "a type alias")?),
            syn::Item::Fn(f) => names.push(named(f.sig.ident.to_string(), false, "a function")?),
            syn::Item::Mod(m) => {
                names.push(named(m.ident.to_string(), false, "a module")?);
                if let Some((_, items)) = &m.content {
                    check_items(items, &format!("{module}::{}", m.ident), methods)?;
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let ty = match &*i.self_ty {
                    syn::Type::Path(p) => p
                        .path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect::<Vec<_>>()
                        .join("::"),
                    _ => continue,
                };
                let key = if ty.starts_with("crate::") {
                    ty
                } else {
                    format!("{module}::{ty}")
                };
                for item in &i.items {
                    if let syn::ImplItem::Fn(f) = item {
                        methods.entry(key.clone()).or_default().push(named(
                            f.sig.ident.to_string(),
                            false,
                            "a method",
                        )?);
                        let args: Vec<String> = f
                            .sig
                            .inputs
                            .iter()
                            .filter_map(|a| match a {
                                syn::FnArg::Typed(t) => match &*t.pat {
                                    syn::Pat::Ident(i) => {
                                        Some(named(i.ident.to_string(), false, "an argument"))
                                    }
                                    _ => None,
                                },
                                syn::FnArg::Receiver(_) => None,
                            })
                            .collect::<Result<_, _>>()?;
                        unique(args.iter(), &format!("arguments of `{}`", f.sig.ident))?;
                    }
                }
            }
            _ => {}
        }
    }
    unique(names.iter(), &format!("items in `{module}`"))
}

/// Words a mutation may put in place of a key or a value.
const KEYS: &[&str] = &[
    "openapi",
    "swagger",
    "info",
    "paths",
    "components",
    "schemas",
    "parameters",
    "responses",
    "requestBody",
    "requestBodies",
    "content",
    "schema",
    "type",
    "format",
    "properties",
    "items",
    "required",
    "enum",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "additionalProperties",
    "nullable",
    "$ref",
    "operationId",
    "in",
    "name",
    "description",
    "summary",
    "default",
    "callbacks",
    "headers",
    "style",
    "explode",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "title",
    "security",
    "securitySchemes",
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "x-extra",
    "200",
    "default",
    "4XX",
    "application/json",
    "multipart/form-data",
    "application/octet-stream",
    "text/plain",
    "/v1/{project_id}/things/{id}",
    "/v1/{x}",
    "example",
    "deprecated",
];

const SCALARS: &[&str] = &[
    "5",
    "-1",
    "0",
    "1.5",
    "1e400",
    "99999999999999999999",
    "true",
    "false",
    "null",
    "~",
    "''",
    "\"\"",
    "maybe",
    "[]",
    "{}",
    "[a, b]",
    "{a: 1}",
    "string",
    "integer",
    "number",
    "boolean",
    "array",
    "object",
    "int64",
    "binary",
    "query",
    "path",
    "header",
    "cookie",
    "3.0.3",
    "3.1.0",
    "'2.0'",
    "'#/components/schemas/Nope'",
    "'#/components/parameters/project_id'",
    "'#/components/responses/X'",
    "'#/components/requestBodies/X'",
    "'other.yaml#/x'",
    "'#/'",
    "'#/components/schemas/'",
    "!tag x",
    "*nope",
    "&a x",
    "0x1F",
    ".inf",
    ".nan",
    "'*/ [x] <id> `'",
    "\"a\\rb\\u202Ec\\u0000\"",
    "'```rust'",
    "'<br>'",
    "'https://example.com/[x]'",
    "|",
    ">-",
    "'{id}'",
    "Self",
    "type",
    "self",
    "r#type",
    "'ÄÖÜ 名前'",
    "'-'",
    "'_'",
    "'1abc'",
    "'a b-c_d'",
];

/// Mutates the text of a spec file once.
pub fn mutate_text(rng: &mut Rng, text: &str, others: &[Source]) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let n = lines.len();
    match rng.below(14) {
        0 => {
            lines.remove(rng.below(n));
        }
        1 => {
            let i = rng.below(n);
            let line = lines[i].clone();
            lines.insert(i, line);
        }
        2 => {
            let (a, b) = (rng.below(n), rng.below(n));
            lines.swap(a, b);
        }
        3 => {
            let line = lines.remove(rng.below(n));
            let at = rng.below(lines.len() + 1);
            lines.insert(at, line);
        }
        4 | 5 => {
            // A value of another type.
            let i = rng.below(n);
            if let Some(colon) = lines[i].find(": ") {
                let key = lines[i][..colon + 2].to_owned();
                let value = if rng.chance(25) {
                    format!("'{}'", rng.pick(RUST_NAMES))
                } else {
                    (*rng.pick(SCALARS)).to_owned()
                };
                lines[i] = format!("{key}{value}");
            } else if let Some(dash) = lines[i].find("- ") {
                let head = lines[i][..dash + 2].to_owned();
                lines[i] = format!("{head}{}", rng.pick(SCALARS));
            }
        }
        6 => {
            // Another key.
            let i = rng.below(n);
            let line = &lines[i];
            let indent = line.len() - line.trim_start().len();
            if let Some(colon) = line.find(':') {
                if colon > indent {
                    let rest = line[colon..].to_owned();
                    let dash = if line.trim_start().starts_with("- ") {
                        "- "
                    } else {
                        ""
                    };
                    let key = if rng.chance(25) {
                        format!("'{}'", rng.pick(RUST_NAMES))
                    } else {
                        (*rng.pick(KEYS)).to_owned()
                    };
                    lines[i] = format!("{}{dash}{key}{rest}", " ".repeat(indent));
                }
            }
        }
        7 => {
            // Indentation.
            let i = rng.below(n);
            if rng.chance(50) {
                lines[i].insert_str(0, "  ");
            } else if lines[i].starts_with("  ") {
                lines[i].replace_range(0..2, "");
            }
        }
        8 => {
            // A line of another file, or a key with a value, at the indentation of a neighbour.
            let i = rng.below(n);
            let indent = lines[i].len() - lines[i].trim_start().len();
            let line = if rng.chance(50) && !others.is_empty() {
                let other = &rng.pick(others).1;
                let other_lines: Vec<&str> = other.lines().collect();
                if other_lines.is_empty() {
                    String::new()
                } else {
                    rng.pick(&other_lines).trim_start().to_owned()
                }
            } else {
                format!("{}: {}", rng.pick(KEYS), rng.pick(SCALARS))
            };
            lines.insert(i, format!("{}{line}", " ".repeat(indent)));
        }
        9 => {
            // Truncation.
            let cut = rng.below(text.len() + 1);
            let mut bytes = text.as_bytes()[..cut].to_vec();
            if rng.chance(30) {
                bytes.push(0xff);
            }
            return bytes;
        }
        10 | 11 => {
            // Random characters.
            let mut chars: Vec<char> = text.chars().collect();
            let special = [
                '{', '}', '[', ']', ':', ',', '-', '\'', '"', '#', '&', '*', '!', '|', '>', '%',
                '@', '\t', '\r', '\0', '?', '~', '\\', '`', '\u{202E}', '\u{FEFF}', 'é', '名', ' ',
                '\n', 'x', '0',
            ];
            for _ in 0..=rng.below(4) {
                let c = *rng.pick(&special);
                let at = rng.below(chars.len() + 1);
                match rng.below(3) {
                    0 => chars.insert(at, c),
                    1 if at < chars.len() => chars[at] = c,
                    _ if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ => chars.push(c),
                }
            }
            let mut bytes = chars.into_iter().collect::<String>().into_bytes();
            if rng.chance(5) {
                let at = rng.below(bytes.len() + 1);
                bytes.insert(at, 0xc3);
            }
            return bytes;
        }
        12 => {
            // A fenced block, list or HTML in a description.
            let i = rng.below(n);
            let indent = lines[i].len() - lines[i].trim_start().len();
            let pad = " ".repeat(indent);
            let text = rng.pick(&[
                "description: |\n  ```\n  fn x( {\n  ~~~\n  - a\n  b [c] <d> `e",
                "description: \"line\\rbreak\\ttab \\u202E */ /* <b>x</b> <br> https://x.y/[z]\"",
                "description: |\n  > quoted\n  lazy\n  1. one\n  two",
                "title: '````\n'",
            ]);
            let block: Vec<String> = text.lines().map(|l| format!("{pad}{l}")).collect();
            for (k, l) in block.into_iter().enumerate() {
                lines.insert(i + k, l);
            }
        }
        _ => {
            // Several lines of another file (splice).
            if let Some((_, other)) = others.get(rng.below(others.len())) {
                let other_lines: Vec<&str> = other.lines().collect();
                if !other_lines.is_empty() {
                    let start = rng.below(other_lines.len());
                    let len = 1 + rng.below(20);
                    let at = rng.below(lines.len() + 1);
                    for (k, l) in other_lines.iter().skip(start).take(len).enumerate() {
                        lines.insert(at + k, (*l).to_owned());
                    }
                }
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out.into_bytes()
}

/// Mutates a spec as a YAML tree once; `None` when the text is not YAML.
pub fn mutate_tree(rng: &mut Rng, text: &str) -> Option<Vec<u8>> {
    let mut value: Value = serde_yaml::from_str(text).ok()?;
    // Paths to every node.
    let mut paths: Vec<Vec<Value>> = Vec::new();
    let mut stack: Vec<(Vec<Value>, &Value)> = vec![(Vec::new(), &value)];
    while let Some((path, node)) = stack.pop() {
        match node {
            Value::Mapping(map) => {
                for (k, v) in map {
                    let mut p = path.clone();
                    p.push(k.clone());
                    stack.push((p, v));
                }
            }
            Value::Sequence(items) => {
                for (i, v) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(Value::Number(i.into()));
                    stack.push((p, v));
                }
            }
            _ => {}
        }
        paths.push(path);
        if paths.len() > 20_000 {
            break;
        }
    }
    let target = rng.pick(&paths).clone();
    let donor_path = rng.pick(&paths).clone();
    let donor = get(&value, &donor_path).cloned().unwrap_or(Value::Null);
    let random_scalar = |rng: &mut Rng| -> Value {
        {
            let text: &&str = rng.pick(SCALARS);
            serde_yaml::from_str::<Value>(text).unwrap_or(Value::String("x".to_owned()))
        }
    };
    let new_value = match rng.below(4) {
        0 => donor,
        1 => Value::Mapping(Default::default()),
        2 => Value::Sequence(Vec::new()),
        _ => random_scalar(rng),
    };
    let node = get_mut(&mut value, &target)?;
    match rng.below(7) {
        0 => *node = new_value,
        1 => match node {
            Value::Mapping(map) if !map.is_empty() => {
                let i = rng.below(map.len());
                let key = map.keys().nth(i).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
            Value::Sequence(items) if !items.is_empty() => {
                items.remove(rng.below(items.len()));
            }
            _ => *node = Value::Null,
        },
        2 => {
            if let Value::Mapping(map) = node {
                map.insert(Value::String(rng.pick(KEYS).to_string()), new_value);
            } else {
                *node = new_value;
            }
        }
        3 => {
            // Rename a key.
            if let Value::Mapping(map) = node {
                if !map.is_empty() {
                    let i = rng.below(map.len());
                    if let Some(key) = map.keys().nth(i).cloned() {
                        if let Some(v) = map.remove(&key) {
                            map.insert(Value::String(rng.pick(KEYS).to_string()), v);
                        }
                    }
                }
            }
        }
        4 => {
            if let Value::Sequence(items) = node {
                if !items.is_empty() {
                    let item = items[rng.below(items.len())].clone();
                    items.push(item);
                }
            } else {
                let inner = std::mem::take(node);
                *node = Value::Sequence(vec![inner]);
            }
        }
        5 => {
            let inner = std::mem::take(node);
            let mut map = serde_yaml::Mapping::new();
            map.insert(Value::String(rng.pick(KEYS).to_string()), inner);
            *node = Value::Mapping(map);
        }
        _ => {
            if let Value::Mapping(map) = node {
                if map.len() >= 2 {
                    let a = rng.below(map.len());
                    let b = rng.below(map.len());
                    let ka = map.keys().nth(a).cloned()?;
                    let kb = map.keys().nth(b).cloned()?;
                    let va = map.get(&ka).cloned()?;
                    let vb = map.get(&kb).cloned()?;
                    map.insert(ka, vb);
                    map.insert(kb, va);
                }
            }
        }
    }
    serde_yaml::to_string(&value).ok().map(String::into_bytes)
}

fn get<'v>(value: &'v Value, path: &[Value]) -> Option<&'v Value> {
    let mut node = value;
    for step in path {
        node = match node {
            Value::Mapping(map) => map.get(step)?,
            Value::Sequence(items) => items.get(step.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(node)
}

fn get_mut<'v>(value: &'v mut Value, path: &[Value]) -> Option<&'v mut Value> {
    let mut node = value;
    for step in path {
        node = match node {
            Value::Mapping(map) => map.get_mut(step)?,
            Value::Sequence(items) => items.get_mut(step.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(node)
}

/// One case: one or two files, each a seed mutated one to a few times.
pub fn make_case(rng: &mut Rng, seeds: &[Source]) -> Vec<(String, Vec<u8>)> {
    let files = if rng.chance(20) { 2 } else { 1 };
    let mut case = Vec::new();
    for index in 0..files {
        let (_, seed) = rng.pick(seeds);
        let mut bytes = seed.clone().into_bytes();
        let rounds = if rng.chance(70) { 1 } else { 2 + rng.below(3) };
        for _ in 0..rounds {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            bytes = if rng.chance(35) {
                mutate_tree(rng, &text).unwrap_or_else(|| mutate_text(rng, &text, seeds))
            } else {
                mutate_text(rng, &text, seeds)
            };
        }
        // The second file is sometimes left as it was, to merge a good file with a mutated one.
        if index == 1 && rng.chance(40) {
            bytes = seed.clone().into_bytes();
        }
        case.push((format!("spec_{index}.yaml"), bytes));
    }
    case
}

/// Runs cases until the budget is spent; `on_crash` sees each crash as it is found.
pub fn run(seeds: &[Source], seed: u64, budget: Budget, mut on_crash: impl FnMut(&Crash)) -> Stats {
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    let dir = std::env::temp_dir().join(format!("generator-fuzz-{}-{seed}", std::process::id()));
    let start = Instant::now();
    if seeds.is_empty() {
        return stats;
    }
    loop {
        match budget {
            Budget {
                executions: Some(n),
                ..
            } if stats.executions >= n => break,
            Budget { time: Some(t), .. } if start.elapsed() >= t => break,
            _ => {}
        }
        let case = make_case(&mut rng, seeds);
        let began = Instant::now();
        let (outcome, unplaced) = run_case(&dir, &case);
        stats.slowest = stats.slowest.max(began.elapsed());
        stats.executions += 1;
        if !unplaced.is_empty() {
            stats.unplaced += 1;
            if stats.unplaced_examples.len() < 10 {
                stats
                    .unplaced_examples
                    .extend(unplaced.iter().take(1).cloned());
                stats.unplaced_inputs.push(Crash {
                    files: case.clone(),
                    what: unplaced.join("\n"),
                });
            }
        }
        match outcome {
            Outcome::Accepted => stats.accepted += 1,
            Outcome::Rejected => stats.rejected += 1,
            Outcome::Crashed(what) => {
                let crash = Crash { files: case, what };
                on_crash(&crash);
                stats.crashes.push(crash);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    stats.elapsed = start.elapsed();
    stats
}

/// Saves a crashing input as files under `dir/crash-N/`, returning that folder.
pub fn save_crash(dir: &Path, crash: &Crash) -> std::io::Result<PathBuf> {
    let mut n = 0;
    let folder = loop {
        let folder = dir.join(format!("crash-{n}"));
        if !folder.exists() {
            break folder;
        }
        n += 1;
    };
    std::fs::create_dir_all(&folder)?;
    for (name, bytes) in &crash.files {
        std::fs::write(folder.join(name), bytes)?;
    }
    std::fs::write(folder.join("WHAT.txt"), &crash.what)?;
    Ok(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_deterministic() {
        let seeds = vec![(
            "a.yaml".to_owned(),
            "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\n".to_owned(),
        )];
        let a: Vec<_> = (0..20)
            .map(|i| make_case(&mut Rng::new(i), &seeds))
            .collect();
        let b: Vec<_> = (0..20)
            .map(|i| make_case(&mut Rng::new(i), &seeds))
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn finds_duplicate_names_in_output() {
        assert!(check_output("pub mod types { pub struct A; pub struct A; }").is_err());
        assert!(check_output("struct S; impl S { fn a() {} } impl S { fn a() {} }").is_err());
        assert!(check_output("struct S { a: u8, b: u8 } fn f(a: u8, b: u8) {}").is_ok());
    }
}
