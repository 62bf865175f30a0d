//! `Invoke` on the wire: the invocation headers, the payload limits, the resolver's
//! lock-free choice of version, and the answer (R66, R67).

use base64::Engine as _;
use http::{HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};

use super::errors::invalid_content;
use super::headers::{EXECUTED_VERSION, LOG_RESULT};
use super::service::{Service, json_with_status, status_only};
use crate::Version;
use crate::error::{Error, ErrorKind};
use crate::registry::InvokeRequest;
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

/// [`InvokePayload`] as it is written: the same members, borrowed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InvokePayloadRef<'a> {
    executed_version: &'a str,
    invoked_function_arn: &'a str,
    message: &'a str,
}

/// The note in every [`InvokePayload`].
const NO_CODE_RAN: &str = "lambda-versioning: no code ran; this is the version the resolver chose";

impl Service {
    pub(super) fn invoke(
        &self,
        req: InvokeRequest,
        headers: &http::HeaderMap,
        payload: &[u8],
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let mut v = Violations::new();
        let invocation_type = match header(headers, "x-amz-invocation-type") {
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
        let tail = match header(headers, "x-amz-log-type") {
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
        if !payload.iter().all(u8::is_ascii_whitespace) {
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
                .invoke_async(req, &event, &mut rand::rng())?;
            return Ok(status_only(StatusCode::ACCEPTED));
        }

        // Under one read of the registry: its checks up to the function's existence, the
        // resolver's lock-free choice, and the state of the chosen version (one that is
        // still being created is not invoked). If the resolver finds no target (a version
        // or alias that does not exist), the registry words the error.
        let (executed, invoked_arn, permit) = {
            let registry = self.registry_read();
            let (function, qualifier) = registry.invoke_route(&req)?;
            let chosen = self
                .resolver()
                .resolve_fast(function.as_str(), qualifier.as_deref())
                .map(|r| (r.executed_version(), r.invoked_arn_string()));
            let (executed, invoked_arn) = match chosen {
                Ok(found) => found,
                Err(_) => {
                    let target = registry.invoke_target(req, &mut rand::rng())?;
                    (target.executed_version, target.invoked_arn.to_string())
                }
            };
            registry.check_invocable(function, executed)?;
            // Admission (R119, R121): the permit is held until the answer is built.
            let permit = self
                .resolver()
                .admit_version_borrowed(function.as_str(), executed)
                .map_err(|_| Error::throttled())?;
            (executed, invoked_arn, permit)
        };

        let mut response = match invocation_type {
            InvocationType::Event => status_only(StatusCode::ACCEPTED),
            InvocationType::DryRun => status_only(StatusCode::NO_CONTENT),
            InvocationType::RequestResponse => {
                let executed_text = executed.to_string();
                let payload = InvokePayloadRef {
                    executed_version: &executed_text,
                    invoked_function_arn: &invoked_arn,
                    message: NO_CODE_RAN,
                };
                let mut response = json_with_status(StatusCode::OK, &payload)?;
                if let Ok(value) = HeaderValue::from_str(&executed_text) {
                    response.headers_mut().insert(EXECUTED_VERSION, value);
                }
                response
            }
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

fn header<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"))
}
