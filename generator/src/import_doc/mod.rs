//! `generator import-doc`: transcribes one SecMaster API reference page, copied from the web page
//! as plain text (each table cell on its own line), into an OpenAPI 3.0.3 document with that
//! operation, or merges it into an existing spec file.
//!
//! ```text
//! generator import-doc PAGE.txt [--into spec/FILE.yaml] [--operation-id NAME]
//! ```
//!
//! # What is read
//!
//! * **Title** (the first line after the optional `Help Center` breadcrumb and `Updated on` line)
//!   → `summary` and `info.title`. The text under **Function** → `description`.
//! * **URI**: the line after `URI` is `METHOD /path`. A query string after `?` is dropped (the
//!   Query Parameters table describes those parameters).
//! * **Tables** `Table N <title>`, each with the header `Parameter`, \[`Mandatory`,\] `Type`,
//!   `Description`, then one row per parameter: the name, `Yes`/`No` when the table has a
//!   Mandatory column, the type, then the description lines up to the next row. Titles:
//!   `Path Parameters`, `Query Parameters`, `Request header parameters`, `FormData parameters`,
//!   `Request body parameters`, `Response header parameters` and `Response body parameters`
//!   (the last two under a `Status code: N` line), and nested object tables titled by a type name.
//! * **Types**: String → string; Integer → integer/int32; Long → integer/int64; Number → number;
//!   Float, Double → number/float, number/double; Boolean → boolean; File → string/binary (only in
//!   FormData, or as the `-` row that stands for a whole body); Object → a free-form object;
//!   `Array of strings` (integers, longs, numbers, floats, doubles, booleans, objects) → an array
//!   of those; `X object` → `$ref` to the component schema named `X` in PascalCase, described by
//!   the table titled `X` (anywhere on the page); `Array of X objects` → an array of that `$ref`.
//!   Bracket notation: `Array<T>` and `List<T>` → an array of T, `Map<String,T>` → an object
//!   whose properties are all T (`additionalProperties`), where T is one of the types above, a
//!   type name (as `X object`), another bracket type, or nothing: `Array<Array<>>` (rows of mixed
//!   values, as in the SIEM analysis answers) → an array of arrays of any JSON value (a schema
//!   with no type). Anything else is an error naming the line.
//! * **Descriptions**, in three layouts, per cell:
//!   - `Definition` / `Constraints` / `Range` / `Default Value` blocks: Definition → description;
//!     `N/A` means nothing. A Constraints or Range that is only a range (`0 to 10,000`, `1-64`,
//!     `The value contains 1 to 64 characters.`) → minimum/maximum (Integer, Long, Number) or
//!     minLength/maxLength (String); on other types it stays in the description. A Range of
//!     bullets (`• ASC: ascending`) or a one-line list (`ASC, DESC`) of one-word values → `enum`
//!     (the bullet text is kept in the description when it explains the values); values that do
//!     not fit the type are kept as description text. For Boolean, `true`/`false` give no enum.
//!     Default Value → `default`, which must fit the type.
//!   - One-line (or few-paragraph) descriptions → description.
//!   - `Minimum: N` / `Maximum: N` → minimum/maximum (numbers) or minLength/maxLength (strings;
//!     for an array of strings, on its items); `Default: X` → default; `Enumeration values:` and
//!     the bullets after it → enum (values must fit the type); `Array Length: A - B` →
//!     minItems/maxItems. A 0 lower bound on a length or item count is left out (it is the
//!     default).
//! * **Status Codes** list: every status gets a response with that description, in list order
//!   (a status listed with an empty description gets its HTTP reason phrase, `OK`, `Bad
//!   Request`, ...); response tables and examples for a status not in the list are an error.
//! * **Examples**: JSON after `Example Requests` → the request body's `example`; JSON under each
//!   `Status code: N` after `Example Responses` → that response's `example` (several → `examples`).
//!   Examples of binary bodies are dropped (the page shows a placeholder, not the bytes).
//!
//! # What is written
//!
//! An OpenAPI 3.0.3 document following the spec/ conventions: `security: [{iam_token: []}]` with
//! the `iam_token` apiKey scheme for `X-Auth-Token` (never a header parameter; a page without
//! `X-Auth-Token` gets `security: []` on the operation); the `content-type` header dropped
//! (the body's media type carries it); `project_id` and `workspace_id` path parameters as `$ref`s
//! to the shared components; a 4xx/5xx body of exactly `code` and `message` strings as `$ref` to
//! `ErrorBody`; FormData → `multipart/form-data`; a `-` File body → `application/octet-stream`;
//! other bodies → `application/json` (the request body is `required` when a field is mandatory).
//! Nested object tables become component schemas; everything else is inline. The same servers
//! block as the other spec files is included. Keys are written in a fixed order, with no nulls
//! and no empty maps.
//!
//! # operationId
//!
//! Unless `--operation-id` names it, the operationId is the official name of the operation at the
//! page's method and path, from SecMaster's list of operations (`secmaster-operations.tsv`, see `official`, the
//! names Huawei's SDKs and documentation URLs use: the seed page gives `ImportAopworkflow`). A page
//! whose method and path are not in that list is named from its title in PascalCase: the title is
//! split into words at every character that is not an ASCII letter or digit, the articles `a`,
//! `an` and `the` are dropped, a leading gerund is replaced by its verb from a fixed list
//! (`Importing` → `Import`, `Querying` → `Query`, `Deleting` → `Delete`, ...; other first words
//! stay as they are), and each word gets an upper-case first letter (the rest is kept):
//! "Importing Workflow Information" → `ImportWorkflowInformation`, "Deleting a Playbook" →
//! `DeletePlaybook`.
//!
//! # Errors
//!
//! A page that cannot be read is an [`ImportError`] naming the 1-based line and what was
//! expected there; nothing is guessed. The command prints `PAGE.txt:LINE: message` and exits 1.

mod constraints;
mod conventions;
mod describe;
mod document;
mod draft;
mod lines;
mod merge;
mod naming;
mod page;
mod schema;
mod sections;
mod tables;
mod types;

use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub use merge::{merge_into, MergeError};
pub use serde_yaml::Value;

/// Options of [`import_page`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The operationId to use instead of the one derived from the title.
    pub operation_id: Option<String>,
}

/// A page that cannot be read: the 1-based line, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ImportError {}

/// Reads one reference page and returns the OpenAPI document with its operation.
///
/// The document is a YAML value with keys in a fixed order; [`to_yaml`] renders it. It always
/// deserializes as an `openapiv3::OpenAPI` (checked before it is returned).
pub fn import_page(text: &str, options: &ImportOptions) -> Result<Value, ImportError> {
    let page = page::parse(text)?;
    let doc = document::document(&page, options)?;
    if let Err(e) = serde_yaml::from_value::<openapiv3::OpenAPI>(doc.clone()) {
        return Err(ImportError {
            line: page.title_line,
            message: format!(
                "internal error: the document built from this page is not valid OpenAPI ({e})"
            ),
        });
    }
    Ok(doc)
}

/// Renders a document as YAML text.
pub fn to_yaml(doc: &Value) -> String {
    serde_yaml::to_string(doc)
        .unwrap_or_else(|e| format!("# could not render the document as YAML: {e}\n"))
}

const USAGE: &str = "\
usage: generator import-doc PAGE.txt [--into spec/FILE.yaml] [--operation-id NAME]

Reads one SecMaster API reference page, copied as plain text, and prints an OpenAPI 3.0.3
document with its operation.

  --into FILE          add the operation (and its components) to an existing spec file instead of
                       printing it; refuses an operation the file already has
  --operation-id NAME  name the operation NAME instead of its official name (or, for an
                       operation not in SecMaster's list, the name derived from the title)
  -h, --help           print this help
";

struct Args {
    page: PathBuf,
    into: Option<PathBuf>,
    operation_id: Option<String>,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse_args(args: &[String]) -> Result<Parsed, String> {
    let mut page = None;
    let mut into = None;
    let mut operation_id = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone().or_else(|| it.next().cloned()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(format!("{name} needs a value")),
            }
        };
        match flag {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--into" if into.is_none() => into = Some(PathBuf::from(value("--into")?)),
            "--operation-id" if operation_id.is_none() => {
                operation_id = Some(value("--operation-id")?)
            }
            "--into" | "--operation-id" => return Err(format!("{flag} given twice")),
            f if f.starts_with('-') && f.len() > 1 => return Err(format!("unknown option `{f}`")),
            _ if page.is_none() => page = Some(PathBuf::from(arg)),
            _ => return Err(format!("expected one PAGE.txt, got a second: `{arg}`")),
        }
    }
    let page = page.ok_or("expected the page to import (PAGE.txt)")?;
    if let Some(id) = &operation_id {
        if !naming::is_operation_id(id) {
            return Err(format!(
                "--operation-id `{id}`: expected an ASCII letter followed by letters, digits or `_`"
            ));
        }
    }
    Ok(Parsed::Run(Args {
        page,
        into,
        operation_id,
    }))
}

/// Entry point of `generator import-doc`; `args` are the arguments after `import-doc`.
pub fn cli(args: &[String]) -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = run(args, &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}

/// [`cli`] with its output streams given; returns the exit status (0 or 1).
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    // Write errors on the streams themselves (a closed pipe) cannot be reported anywhere.
    let args = match parse_args(args) {
        Ok(Parsed::Help) => {
            let _ = out.write_all(USAGE.as_bytes());
            return 0;
        }
        Ok(Parsed::Run(args)) => args,
        Err(message) => {
            let _ = writeln!(err, "import-doc: {message}\n\n{USAGE}");
            return 1;
        }
    };
    let shown = args.page.display().to_string();
    let text = match std::fs::read(&args.page) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                let _ = writeln!(err, "{shown}:{line}: expected UTF-8 text");
                return 1;
            }
        },
        Err(e) => {
            let _ = writeln!(err, "{shown}: cannot read the page: {e}");
            return 1;
        }
    };
    let options = ImportOptions {
        operation_id: args.operation_id,
    };
    let doc = match import_page(&text, &options) {
        Ok(doc) => doc,
        Err(e) => {
            let _ = writeln!(err, "{shown}:{}: {}", e.line, e.message);
            return 1;
        }
    };
    let Some(into) = args.into else {
        let _ = out.write_all(to_yaml(&doc).as_bytes());
        return 0;
    };
    let target = into.display().to_string();
    let existing = match std::fs::read_to_string(&into) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "{target}: cannot read the spec file: {e}");
            return 1;
        }
    };
    let merged = match merge_into(&existing, &doc) {
        Ok(text) => text,
        Err(e) => {
            let _ = writeln!(err, "{target}: {e}");
            return 1;
        }
    };
    if let Err(e) = crate::write::write_atomic(&into, merged.as_bytes()) {
        let _ = writeln!(err, "{target}: cannot write: {e}");
        return 1;
    }
    let (path, method, op_id) = summary_of(&doc);
    let _ = writeln!(
        out,
        "{target}: added {} {path} ({op_id})",
        method.to_uppercase()
    );
    0
}

fn summary_of(doc: &Value) -> (String, String, String) {
    let item = doc
        .get("paths")
        .and_then(Value::as_mapping)
        .and_then(|p| p.iter().next());
    let path = item
        .and_then(|(k, _)| k.as_str())
        .unwrap_or_default()
        .to_string();
    let op = item
        .and_then(|(_, v)| v.as_mapping())
        .and_then(|m| m.iter().next());
    let method = op
        .and_then(|(k, _)| k.as_str())
        .unwrap_or_default()
        .to_string();
    let id = op
        .and_then(|(_, v)| v.get("operationId"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    (path, method, id)
}
