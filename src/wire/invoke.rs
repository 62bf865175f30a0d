//! `Invoke` on the wire: the invocation headers, the payload limits, the resolver's
//! lock-free choice of version, and the answer (R66, R67).

use base64::Engine as _;
use http::{HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};

use super::errors::invalid_content;
use super::headers::{AnswerKind, INVOCATION_TYPE, LOG_RESULT, LOG_TYPE, executed_version_value};
use super::json_text::push_plain_string_with;
use super::service::{Service, answer, status_only};
use crate::Version;
use crate::error::{Error, ErrorKind};
use crate::registry::{InvokeRequest, check_invocable};
use crate::validate::Violations;

/// The largest `Invoke` payload of a synchronous (or dry-run) call, in bytes.
const SYNC_PAYLOAD_LIMIT: usize = 6_291_456;
/// The largest `Invoke` payload of an asynchronous call, in bytes.
const ASYNC_PAYLOAD_LIMIT: usize = 1_048_576;

/// The JSON payload of a synchronous `Invoke`: no code runs, so the answer says which
/// version would have.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InvokePayload {
    /// The version the resolver chose (also in `X-Amz-Executed-Version`).
    pub executed_version: String,
    /// The ARN the caller invoked (R67).
    pub invoked_function_arn: String,
    /// A fixed note that no code ran.
    pub message: String,
}

/// The note in every [`InvokePayload`] (a macro, so that `concat!` can take it).
macro_rules! no_code_ran {
    () => {
        "lambda-versioning: no code ran; this is the version the resolver chose"
    };
}

impl Service {
    pub(super) fn invoke(
        &self,
        function_name: &str,
        qualifier: Option<&str>,
        headers: &http::HeaderMap,
        payload: &[u8],
    ) -> Result<http::Response<Vec<u8>>, Error> {
        // The registry's request, for the paths that need one owned.
        let request = || InvokeRequest {
            qualifier: qualifier.map(str::to_owned),
            ..InvokeRequest::new(function_name)
        };
        let mut v = Violations::new();
        let invocation_type = match header(headers, &INVOCATION_TYPE) {
            None => Some(InvocationType::RequestResponse),
            Some(value) => {
                let parsed = InvocationType::parse(value);
                if parsed.is_none() {
                    v.push(
                        value,
                        "invocationType",
                        "Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
                    );
                }
                parsed
            }
        };
        let tail = match header(headers, &LOG_TYPE) {
            None | Some("None") => false,
            Some("Tail") => true,
            Some(value) => {
                v.push(
                    value,
                    "logType",
                    "Member must satisfy enum value set: [None, Tail]",
                );
                false
            }
        };
        v.finish()?;
        let invocation_type = invocation_type.unwrap_or(InvocationType::RequestResponse);
        let limit = match invocation_type {
            InvocationType::Event => ASYNC_PAYLOAD_LIMIT,
            _ => SYNC_PAYLOAD_LIMIT,
        };
        if payload.len() > limit {
            return Err(Error::new(
                ErrorKind::RequestTooLarge,
                format!(
                    "Request must be smaller than {limit} bytes for the InvokeFunction operation"
                ),
            ));
        }
        // `{}` (what the SDKs send for no payload) is JSON without asking serde.
        if payload != b"{}" && !payload.iter().all(u8::is_ascii_whitespace) {
            serde_json::from_slice::<serde::de::IgnoredAny>(payload)
                .map_err(|e| invalid_content(&format!("Could not parse payload into json: {e}")))?;
        }

        if invocation_type == InvocationType::Event {
            // R150: the qualifier's settings, the outcome callback, the destination log.
            let event = if payload.iter().all(u8::is_ascii_whitespace) {
                serde_json::Value::Null
            } else {
                serde_json::from_slice(payload).map_err(|e| {
                    invalid_content(&format!("Could not parse payload into json: {e}"))
                })?
            };
            self.registry_read()
                .invoke_async(request(), &event, &mut rand::rng())?;
            return Ok(status_only(StatusCode::ACCEPTED));
        }

        // Under one read of the registry: its checks up to the function's existence, the
        // resolver's lock-free choice, and the state of the chosen version (one that is
        // still being created is not invoked). If the resolver finds no target (a version
        // or alias that does not exist), the registry words the error. A synchronous
        // call's answer is written while the resolution's names are at hand.
        let answers_payload = invocation_type == InvocationType::RequestResponse;
        let (executed, payload, permit) = {
            let registry = self.registry_read();
            let (function, qualifier) = registry.invoke_route(function_name, qualifier)?;
            let chosen = self
                .resolver()
                .resolve_fast(function.name.as_str(), qualifier.as_deref())
                .map(|r| {
                    let executed = r.executed_version();
                    let payload = answers_payload.then(|| {
                        payload_body(executed, r.invoked_arn_capacity(), |out| {
                            r.push_invoked_arn(out)
                        })
                    });
                    (executed, payload)
                });
            let (executed, payload) = match chosen {
                Ok(found) => found,
                Err(_) => {
                    let target = registry.invoke_target(request(), &mut rand::rng())?;
                    let executed = target.executed_version;
                    let arn = target.invoked_arn.to_string();
                    let payload = answers_payload.then(|| {
                        payload_body(executed, arn.len(), |out| {
                            out.extend_from_slice(arn.as_bytes())
                        })
                    });
                    (executed, payload)
                }
            };
            check_invocable(function, executed)?;
            // Admission (R119, R121): the permit is held until the answer is built.
            let permit = self
                .resolver()
                .admit_version_borrowed(function.name.as_str(), executed)
                .map_err(|_| Error::throttled())?;
            (executed, payload, permit)
        };

        let mut response = match (invocation_type, payload) {
            (InvocationType::Event, _) => status_only(StatusCode::ACCEPTED),
            (InvocationType::DryRun, _) => status_only(StatusCode::NO_CONTENT),
            (InvocationType::RequestResponse, payload) => answer(
                StatusCode::OK,
                payload.unwrap_or_default(),
                AnswerKind::Invoke(executed_version_value(executed)),
            ),
        };
        if tail && invocation_type == InvocationType::RequestResponse {
            let log = log_tail(executed);
            if let Ok(value) = HeaderValue::from_str(&log) {
                response.headers_mut().insert(LOG_RESULT, value);
            }
        }
        drop(permit);
        Ok(response)
    }
}

/// The body of a synchronous call's answer: the bytes `serde_json` writes for an
/// [`InvokePayload`], written in one buffer. `push_arn` appends the invoked ARN (at most
/// `arn_capacity` bytes, or the buffer grows once).
fn payload_body(
    executed: Version,
    arn_capacity: usize,
    push_arn: impl FnOnce(&mut Vec<u8>),
) -> Vec<u8> {
    const HEAD: &str = r#"{"executedVersion":""#;
    const ARN: &str = r#"","invokedFunctionArn":"#;
    const TAIL: &str = concat!(r#","message":""#, no_code_ran!(), r#""}"#);
    let mut out = Vec::with_capacity(
        HEAD.len() + Version::LATEST_STR.len().max(20) + ARN.len() + arn_capacity + 2 + TAIL.len(),
    );
    out.extend_from_slice(HEAD.as_bytes());
    executed.with_text(|text| out.extend_from_slice(text.as_bytes()));
    out.extend_from_slice(ARN.as_bytes());
    // The invoked ARN is made of validated names only.
    push_plain_string_with(&mut out, push_arn);
    out.extend_from_slice(TAIL.as_bytes());
    out
}

/// `X-Amz-Invocation-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InvocationType {
    RequestResponse,
    Event,
    DryRun,
}

impl InvocationType {
    fn parse(value: &str) -> Option<InvocationType> {
        match value {
            "RequestResponse" => Some(InvocationType::RequestResponse),
            "Event" => Some(InvocationType::Event),
            "DryRun" => Some(InvocationType::DryRun),
            _ => None,
        }
    }
}

/// Base64 of a short log, as `X-Amz-Log-Result` carries the last 4 KB of the real one.
fn log_tail(executed: Version) -> String {
    let text = format!(
        "START Version: {executed}\nlambda-versioning: no code ran\nEND Version: {executed}\n"
    );
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn header<'a>(headers: &'a http::HeaderMap, name: &http::HeaderName) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"))
}

#[cfg(test)]
mod tests {
    use super::{InvokePayload, payload_body};
    use crate::{Version, VersionNumber};

    /// The body written by hand is the bytes serde writes for the same payload, whatever
    /// the version, for ARNs of every character a validated ARN holds and for ARNs longer
    /// than announced.
    #[test]
    fn r66_r67_payload_body_is_serdes_rendering() {
        let twelve = Version::Published(VersionNumber::new(12).expect("12"));
        let arns = [
            "arn:aws:lambda:us-east-1:123456789012:function:checkout:live",
            "arn:aws:lambda:us-east-1:123456789012:function:checkout",
            "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:a.b_c-d:$LATEST",
            "",
        ];
        for executed in [Version::Latest, twelve] {
            for arn in arns {
                for capacity in [0, arn.len(), 300] {
                    let expected = serde_json::to_vec(&InvokePayload {
                        executed_version: executed.to_string(),
                        invoked_function_arn: arn.to_owned(),
                        message: no_code_ran!().to_owned(),
                    })
                    .expect("serde");
                    let written = payload_body(executed, capacity, |out| {
                        out.extend_from_slice(arn.as_bytes())
                    });
                    assert_eq!(
                        String::from_utf8(written).expect("utf-8"),
                        String::from_utf8(expected).expect("utf-8"),
                        "{executed} {arn:?} {capacity}"
                    );
                }
            }
        }
    }
}
