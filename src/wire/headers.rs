//! The headers the service reads and sets, named once (no parsing per request).

use http::HeaderName;

/// `x-amzn-RequestId`, on every answer.
pub(super) const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
/// `X-Amzn-ErrorType`, on every error answer (R96).
pub(super) const ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");
/// `X-Amz-Executed-Version`, on a synchronous invoke (R66).
pub(super) const EXECUTED_VERSION: HeaderName = HeaderName::from_static("x-amz-executed-version");
/// `X-Amz-Log-Result`, on a synchronous invoke that asked for the log tail.
pub(super) const LOG_RESULT: HeaderName = HeaderName::from_static("x-amz-log-result");
/// `X-Amz-Invocation-Type`, read by `Invoke`.
pub(super) const INVOCATION_TYPE: HeaderName = HeaderName::from_static("x-amz-invocation-type");
/// `X-Amz-Log-Type`, read by `Invoke`.
pub(super) const LOG_TYPE: HeaderName = HeaderName::from_static("x-amz-log-type");
