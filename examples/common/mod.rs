//! What the SOC examples (`triage_alerts`, `query_logs`) share: the flags that say where SecMaster
//! is, who is calling and which workspace to work in, and how each example ends. Each example
//! declares it with `mod common;`; Cargo does not build this folder as an example of its own.

use secmaster::{CallOptions, Client, Credentials, WorkspaceClient};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// The shared part of each example's usage line.
pub const CONNECTION_USAGE: &str = "(--endpoint URL | --region R) \
(--token T | --ak AK --sk SK [--security-token T]) --project-id P --workspace-id W [--timeout SECS]";

/// Where SecMaster is, who is calling, which workspace, and how long a call may take.
#[derive(Default)]
pub struct Connection {
    endpoint: Option<String>,
    region: Option<String>,
    token: Option<String>,
    ak: Option<String>,
    sk: Option<String>,
    security_token: Option<String>,
    project_id: Option<String>,
    workspace_id: Option<String>,
    timeout: Option<Duration>,
}

impl Connection {
    /// Takes `flag`, with its value from `rest`, when it is one of the shared flags; `Ok(false)`
    /// leaves it to the example.
    pub fn take(
        &mut self,
        flag: &str,
        rest: &mut impl Iterator<Item = String>,
    ) -> Result<bool, String> {
        let slot = match flag {
            "--endpoint" => &mut self.endpoint,
            "--region" => &mut self.region,
            "--token" => &mut self.token,
            "--ak" => &mut self.ak,
            "--sk" => &mut self.sk,
            "--security-token" => &mut self.security_token,
            "--project-id" => &mut self.project_id,
            "--workspace-id" => &mut self.workspace_id,
            "--timeout" => {
                let secs = value(flag, rest)?;
                let timeout = secs
                    .parse::<f64>()
                    .ok()
                    .filter(|s| *s > 0.0)
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .ok_or(format!(
                        "--timeout takes a positive number of seconds, not `{secs}`"
                    ))?;
                self.timeout = Some(timeout);
                return Ok(true);
            }
            _ => return Ok(false),
        };
        *slot = Some(value(flag, rest)?);
        Ok(true)
    }

    /// The workspace to call and the options of every call, or why the flags do not make one (a
    /// usage error).
    pub fn open(&self) -> Result<(WorkspaceClient, CallOptions), String> {
        let (Some(project_id), Some(workspace_id)) = (&self.project_id, &self.workspace_id) else {
            return Err("--project-id and --workspace-id are required".into());
        };
        let mut builder = Client::builder().credentials(self.credentials()?);
        builder = match (&self.endpoint, &self.region) {
            (Some(_), Some(_)) => return Err("give --endpoint or --region, not both".into()),
            (Some(endpoint), None) => builder.endpoint(endpoint),
            (None, Some(region)) => builder.region(region),
            (None, None) => return Err("--endpoint or --region is required".into()),
        };
        let client = builder.build().map_err(|e| e.to_string())?;
        let mut options = CallOptions::new();
        if let Some(timeout) = self.timeout {
            options = options.timeout(timeout);
        }
        Ok((client.workspace(project_id, workspace_id), options))
    }

    fn credentials(&self) -> Result<Credentials, String> {
        match (&self.token, &self.ak, &self.sk) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                Err("give --token or --ak/--sk, not both".into())
            }
            (Some(token), None, None) => Ok(Credentials::token(token)),
            (None, Some(ak), Some(sk)) => Ok(match &self.security_token {
                Some(token) => Credentials::temporary(ak, sk, token),
                None => Credentials::aksk(ak, sk),
            }),
            (None, Some(_), None) | (None, None, Some(_)) => {
                Err("--ak and --sk go together".into())
            }
            // Without flags, the variables Huawei's SDKs read.
            (None, None, None) => Credentials::from_env().map_err(|e| e.to_string()),
        }
    }
}

/// The value that follows `flag`.
pub fn value(flag: &str, rest: &mut impl Iterator<Item = String>) -> Result<String, String> {
    rest.next().ok_or(format!("{flag} needs a value"))
}

/// A count given to `flag` (a page size, a maximum): a whole number from 1 up to what the API's
/// 32-bit fields hold.
pub fn count(flag: &str, rest: &mut impl Iterator<Item = String>) -> Result<u32, String> {
    let text = value(flag, rest)?;
    text.parse::<u32>()
        .ok()
        .filter(|n| (1..=i32::MAX as u32).contains(n))
        .ok_or(format!(
            "{flag} takes a whole number from 1 to {}, not `{text}`",
            i32::MAX
        ))
}

/// Reports bad usage, with the usage line, and gives the exit code for it (2). An empty message
/// (`--help`) prints the usage line alone.
pub fn usage_error(message: &str, usage: &str) -> ExitCode {
    if !message.is_empty() {
        eprintln!("error: {message}");
    }
    eprintln!("{usage}");
    ExitCode::from(2)
}

/// Reports a failed step and gives the exit code for it (1).
pub fn failure(step: &str, reason: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {step} failed: {reason}");
    ExitCode::FAILURE
}

/// Writes one line of results to stdout. Unlike `println!`, which panics, a closed stdout (the
/// reader of a pipe went away) is an error the example reports and stops on.
pub fn print_line(line: &str) -> std::io::Result<()> {
    writeln!(std::io::stdout(), "{line}")
}
