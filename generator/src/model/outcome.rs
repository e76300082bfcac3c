//! An operation's documented answers: each status (or range, or `default`) becomes an
//! [`Outcome`] with its variant name, its docs and how its body is read, successes and errors
//! apart.

use super::docs::description_lines;
use super::operation::Place;
use super::{Builder, Docs, Here, Outcome, ResponseBody, StatusMatch};
use crate::names::Namespace;
use crate::reference::Kind;
use openapiv3::{ReferenceOr, StatusCode};

impl Builder<'_> {
    /// The documented answers, successes and errors apart.
    pub(super) fn outcomes(
        &mut self,
        place: &Place,
        operation_id: &str,
        type_name: &str,
    ) -> (Vec<Outcome>, Vec<Outcome>) {
        let responses = &place.operation.responses;
        let two_xx = responses
            .responses
            .keys()
            .filter(|s| StatusMatch::from(*s).is_success())
            .count();
        let mut variants = Namespace::default();
        let (mut successes, mut errors) = (Vec::new(), Vec::new());
        let all = responses
            .responses
            .iter()
            .map(|(s, r)| (Some(s), r))
            .chain(responses.default.iter().map(|r| (None, r)));
        for (status, response) in all {
            let answer = Answer {
                status,
                operation_id,
                type_name,
                single_success: two_xx == 1,
            };
            let Some(outcome) = self.outcome(place, &answer, response, &mut variants) else {
                continue;
            };
            if outcome.status.is_success() {
                successes.push(outcome);
            } else {
                errors.push(outcome);
            }
        }
        (successes, errors)
    }

    /// One documented answer; `None` when its `$ref` does not resolve (reported).
    fn outcome(
        &mut self,
        place: &Place,
        answer: &Answer,
        response: &ReferenceOr<openapiv3::Response>,
        variants: &mut Namespace,
    ) -> Option<Outcome> {
        let status_key = match answer.status {
            Some(StatusCode::Code(code)) => code.to_string(),
            Some(StatusCode::Range(range)) => format!("{range}XX"),
            None => "default".to_owned(),
        };
        let here = Here::new(
            format!("The `{status_key}` answer of `{}`.", answer.operation_id),
            &["paths", place.path, place.method, "responses", &status_key],
        );
        let response = self.resolve(response, Kind::Response, "response", &here, |c| {
            &c.responses
        })?;
        let status = answer
            .status
            .map_or(StatusMatch::Default, StatusMatch::from);
        let variant = match status {
            StatusMatch::Code(code) => status_variant(code),
            StatusMatch::Range(range) => format!("Status{range}xx"),
            StatusMatch::Default => "Other".to_owned(),
        };
        let variant = variants.claim(&variant, "");
        let success = status.is_success();
        let type_place = if success && answer.single_success {
            format!("{}Response", answer.type_name)
        } else {
            format!("{}{variant}", answer.type_name)
        };
        let body = match self.response_body(&response.content, &type_place, &here) {
            // An error body is read whole, as text, whatever its media type.
            ResponseBody::Binary if !success => ResponseBody::Text,
            body => body,
        };
        let headers: Vec<String> = response.headers.keys().cloned().collect();
        Some(Outcome {
            status,
            variant,
            docs: response_docs(&response.description, &headers),
            body,
        })
    }
}

/// What names one answer: its status, and the operation it belongs to.
struct Answer<'a> {
    status: Option<&'a StatusCode>,
    operation_id: &'a str,
    type_name: &'a str,
    /// Whether it is the operation's only success (its body type is then `{Operation}Response`).
    single_success: bool,
}

/// The docs of an answer: its description and the headers it documents.
fn response_docs(description: &str, headers: &[String]) -> Docs {
    let mut docs: Docs = description_lines(description).collect();
    if !headers.is_empty() {
        docs.push(String::new());
        docs.push(format!(
            "Response headers: {}.",
            headers
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    docs
}

/// Enum variant for a documented status code.
fn status_variant(code: u16) -> String {
    let name = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        204 => "NoContent",
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{code}"),
    };
    name.to_owned()
}
