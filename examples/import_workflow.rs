//! Imports a workflow file into a SecMaster workspace.
//!
//! ```text
//! cargo run --example import_workflow -- --endpoint URL --project-id P --workspace-id W --token T FILE
//! cargo run --example import_workflow -- --region cn-north-4 --ak AK --sk SK [--security-token T] \
//!     --project-id P --workspace-id W [--timeout SECS] FILE
//! ```
//!
//! Prints the answer as JSON and exits 0; on an error prints what went wrong (for an API error:
//! status, code, message, an excerpt of the body when it has neither, and request id) to stderr
//! and exits 1. An answer whose envelope says `success: false` is an error too. Without `--token`
//! or `--ak`, the credentials come from HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK /
//! HUAWEICLOUD_SDK_SECURITY_TOKEN. FILE may be a pipe (`/dev/stdin`, `<(command)`): it is then
//! sent as it is read, without a length, and only once.
//!
//! Everything the server said is printed with control characters escaped, so an answer cannot
//! drive the terminal or forge output lines.

use secmaster::sanitize::{excerpt, needs_escape};
use secmaster::{CallOptions, Client, Credentials, Error, UploadFile};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: import_workflow (--endpoint URL | --region R) (--token T | --ak AK --sk SK [--security-token T]) \
--project-id P --workspace-id W [--timeout SECS] FILE";

#[derive(Default)]
struct Args {
    endpoint: Option<String>,
    region: Option<String>,
    token: Option<String>,
    ak: Option<String>,
    sk: Option<String>,
    security_token: Option<String>,
    project_id: Option<String>,
    workspace_id: Option<String>,
    timeout: Option<Duration>,
    file: Option<String>,
}

fn parse(mut raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args::default();
    while let Some(arg) = raw.next() {
        let mut value = |name: &str| raw.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--endpoint" => args.endpoint = Some(value("--endpoint")?),
            "--region" => args.region = Some(value("--region")?),
            "--token" => args.token = Some(value("--token")?),
            "--ak" => args.ak = Some(value("--ak")?),
            "--sk" => args.sk = Some(value("--sk")?),
            "--security-token" => args.security_token = Some(value("--security-token")?),
            "--project-id" => args.project_id = Some(value("--project-id")?),
            "--workspace-id" => args.workspace_id = Some(value("--workspace-id")?),
            "--timeout" => {
                let secs = value("--timeout")?;
                let timeout = secs
                    .parse::<f64>()
                    .ok()
                    .filter(|s| *s > 0.0)
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .ok_or(format!(
                        "--timeout takes a positive number of seconds, not `{secs}`"
                    ))?;
                args.timeout = Some(timeout);
            }
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with("--") => return Err(format!("unknown option `{other}`")),
            file if args.file.is_none() => args.file = Some(file.to_owned()),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    Ok(args)
}

fn credentials(args: &Args) -> Result<Credentials, String> {
    match (&args.token, &args.ak, &args.sk) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            Err("give --token or --ak/--sk, not both".into())
        }
        (Some(token), None, None) => Ok(Credentials::token(token)),
        (None, Some(ak), Some(sk)) => Ok(match &args.security_token {
            Some(token) => Credentials::temporary(ak, sk, token),
            None => Credentials::aksk(ak, sk),
        }),
        (None, Some(_), None) | (None, None, Some(_)) => Err("--ak and --sk go together".into()),
        (None, None, None) => Credentials::from_env().map_err(|e| e.to_string()),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (Some(project_id), Some(workspace_id), Some(file)) =
        (&args.project_id, &args.workspace_id, &args.file)
    else {
        eprintln!("error: --project-id, --workspace-id and FILE are required\n{USAGE}");
        return ExitCode::from(2);
    };
    let credentials = match credentials(&args) {
        Ok(credentials) => credentials,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Client::builder().credentials(credentials);
    if let Some(endpoint) = &args.endpoint {
        builder = builder.endpoint(endpoint);
    }
    if let Some(region) = &args.region {
        builder = builder.region(region);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut options = CallOptions::new();
    if let Some(timeout) = args.timeout {
        options = options.timeout(timeout);
    }
    let result = client
        .workspace(project_id, workspace_id)
        .import_aopworkflow(UploadFile::from_path(file))
        .options(options)
        .await;
    match result {
        Ok(answer) => {
            if let Some(rejection) = answer.rejection() {
                eprintln!("error: SecMaster refused the import: its answer says `success: false`");
                eprintln!("status: {}", rejection.status);
                print_fields(
                    rejection.code.as_deref(),
                    rejection.message.as_deref(),
                    None,
                    rejection.request_id.as_deref(),
                );
                return ExitCode::FAILURE;
            }
            match serde_json::to_string_pretty(&Printed::of(answer.body())) {
                Ok(json) => println!("{}", json_for_terminal(&json)),
                Err(e) => eprintln!("error: cannot print the answer: {e}"),
            }
            ExitCode::SUCCESS
        }
        Err(Error::Api(api)) => {
            eprintln!("error: the import failed");
            eprintln!("status: {}", api.status);
            // The body says what went wrong when it has neither code nor message (an HTML page
            // from a proxy, say).
            let body = (api.code.is_none() && api.message.is_none()).then_some(api.body.as_str());
            print_fields(
                api.code.as_deref(),
                api.message.as_deref(),
                body,
                api.request_id.as_deref(),
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the server's code, message, body (when given) and request id, each escaped and cut
/// to a length that fits a terminal.
fn print_fields(
    code: Option<&str>,
    message: Option<&str>,
    body: Option<&str>,
    request_id: Option<&str>,
) {
    let shown = |text: Option<&str>, max| text.map_or_else(|| "-".to_owned(), |t| excerpt(t, max));
    eprintln!("code: {}", shown(code, 200));
    eprintln!("message: {}", shown(message, 1000));
    if let Some(body) = body {
        match body {
            "" => eprintln!("body: (empty)"),
            body => eprintln!("body: {}", excerpt(body, 500)),
        }
    }
    eprintln!("request id: {}", shown(request_id, 200));
}

/// The answer's fields, printed as JSON in the order the API documents them; fields the answer
/// left out are left out. (Answer types only deserialize, so the example says how it prints.)
#[derive(serde::Serialize)]
struct Printed<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    success: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

impl<'a> Printed<'a> {
    fn of(answer: &'a secmaster::types::Envelope) -> Self {
        Printed {
            code: answer.code.as_deref(),
            message: answer.message.as_deref(),
            success: answer.success,
            request_id: answer.request_id.as_deref(),
        }
    }
}

/// JSON as serde_json writes it, with the characters it leaves as they are but a terminal would
/// act on (DEL, C1 controls, bidirectional overrides, ...) written as `\uXXXX` escapes: still
/// the same JSON. serde_json already escapes the C0 controls, so any line break left is layout.
fn json_for_terminal(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c != '\n' && needs_escape(c) {
            // Every such character is in the Basic Multilingual Plane: one escape each.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}
