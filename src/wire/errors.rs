//! Error bodies as the service sends them (R96): the `X-Amzn-ErrorType` header, `"Type"`
//! where it applies, and the message member in the casing of each exception.

use serde::Serialize;

use crate::error::{Error, ErrorKind};

/// How an exception spells its message member in the JSON body (R96).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageCase {
    /// `"message"`.
    Lower,
    /// `"Message"`.
    Upper,
}

impl MessageCase {
    /// The member name.
    pub const fn member(self) -> &'static str {
        match self {
            MessageCase::Lower => "message",
            MessageCase::Upper => "Message",
        }
    }
}

/// The casing of the message member for `kind` (R96): `message` for
/// `InvalidParameterValueException`, `ResourceConflictException`,
/// `PreconditionFailedException`, `PolicyLengthExceededException`,
/// `TooManyRequestsException`, `CodeStorageExceededException`,
/// `AliasLimitExceededException`, `InvalidRequestContentException`,
/// `RequestTooLargeException` and `ValidationException`; `Message` for
/// `ResourceNotFoundException`, `ServiceException`, `PublicPolicyException`,
/// `AccessDeniedException` and `UnknownOperationException`.
///
/// ```
/// use lambda_versioning::ErrorKind;
/// use lambda_versioning::wire::{MessageCase, message_case};
/// assert_eq!(message_case(ErrorKind::ResourceNotFound), MessageCase::Upper);
/// assert_eq!(message_case(ErrorKind::PreconditionFailed), MessageCase::Lower);
/// ```
pub const fn message_case(kind: ErrorKind) -> MessageCase {
    match kind {
        ErrorKind::ResourceNotFound
        | ErrorKind::Service
        | ErrorKind::PublicPolicy
        | ErrorKind::AccessDenied
        | ErrorKind::UnknownOperation => MessageCase::Upper,
        ErrorKind::ProvisionedConcurrencyConfigNotFound => MessageCase::Lower,
        ErrorKind::Validation
        | ErrorKind::InvalidParameterValue
        | ErrorKind::ResourceConflict
        | ErrorKind::PreconditionFailed
        | ErrorKind::PolicyLengthExceeded
        | ErrorKind::CodeStorageExceeded
        | ErrorKind::AliasLimitExceeded
        | ErrorKind::TooManyRequests
        | ErrorKind::InvalidRequestContent
        | ErrorKind::RequestTooLarge => MessageCase::Lower,
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(rename = "Reason", skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    fault: Option<&'static str>,
    #[serde(rename = "message", skip_serializing_if = "Option::is_none")]
    lower: Option<&'a str>,
    #[serde(rename = "Message", skip_serializing_if = "Option::is_none")]
    upper: Option<&'a str>,
    /// `"Message": null` (R179): the unit serializes as `null`.
    #[serde(rename = "Message", skip_serializing_if = "Option::is_none")]
    null: Option<()>,
}

/// The JSON body the service sends for `err` (R96), `"Type"` first.
///
/// ```
/// use lambda_versioning::{Error, ErrorKind};
/// use lambda_versioning::wire::error_body;
/// let err = Error::new(
///     ErrorKind::PreconditionFailed,
///     "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id",
/// );
/// let body = error_body(&err);
/// assert_eq!(
///     String::from_utf8(body.clone()).unwrap(),
///     r#"{"Type":"User","message":"The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id"}"#
/// );
/// assert_eq!(body.len(), 149); // the recorded size
/// ```
pub fn error_body(err: &Error) -> Vec<u8> {
    let message = (!err.has_null_message()).then(|| err.message());
    let (lower, upper) = match message_case(err.kind()) {
        MessageCase::Lower => (message, None),
        MessageCase::Upper => (None, message),
    };
    let body = ErrorBody {
        reason: err.reason(),
        fault: err.fault_type().map(|t| t.as_str()),
        lower,
        upper,
        null: err.has_null_message().then_some(()),
    };
    // Serializing a struct of strings cannot fail; an empty object is the fallback.
    serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec())
}

/// The whole HTTP answer for `err`: its status (R95), `Content-Type: application/json`,
/// `X-Amzn-ErrorType: <ExceptionName>` and the body of [`error_body`].
pub fn error_response(err: &Error) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(error_body(err));
    *response.status_mut() =
        http::StatusCode::from_u16(err.http_status()).unwrap_or(http::StatusCode::BAD_REQUEST);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    headers.insert(
        super::headers::ERROR_TYPE,
        http::HeaderValue::from_static(err.kind().exception_name()),
    );
    response
}

/// The `InvalidRequestContentException` prefix of a body that cannot be read.
pub const UNPARSABLE_BODY: &str = "Could not parse request body into json: ";

/// `InvalidRequestContentException` `Could not parse request body into json: <reason>`.
pub(crate) fn invalid_content(reason: &str) -> Error {
    Error::new(
        ErrorKind::InvalidRequestContent,
        format!("{UNPARSABLE_BODY}{reason}"),
    )
}
