//! Asynchronous invocation (R139–R150): the per-qualifier settings (retries, event age,
//! destinations), the outcome of each attempt as the embedding platform reports it, and
//! the records that land in the destinations.
//!
//! No code runs in this crate and no destination is called over the network: an
//! [`AsyncOutcome`] callback decides whether each attempt succeeds (default: success),
//! and every record a destination would receive lands in the registry's
//! [`DestinationLog`], where the platform (or a test) reads it.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::names::{FunctionName, Version};

/// One side of a `DestinationConfig`: `{"Destination": arn}`, or `{}` for none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Destination {
    /// `Destination`: the ARN of an SQS queue, SNS topic, Lambda function or EventBridge
    /// bus (or an S3 bucket, on failure only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
}

impl Destination {
    /// A destination ARN.
    pub fn to(arn: impl Into<String>) -> Destination {
        Destination {
            destination: Some(arn.into()),
        }
    }
}

/// `DestinationConfig` (R139, R145): where records of successful and of failed
/// asynchronous invocations go. Responses always carry both sides (`{}` when unset).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct DestinationConfig {
    /// `OnSuccess`.
    #[serde(default)]
    pub on_success: Option<Destination>,
    /// `OnFailure`.
    #[serde(default)]
    pub on_failure: Option<Destination>,
}

impl DestinationConfig {
    /// A configuration with the given destination ARNs.
    pub fn new(on_success: Option<&str>, on_failure: Option<&str>) -> DestinationConfig {
        DestinationConfig {
            on_success: on_success.map(Destination::to),
            on_failure: on_failure.map(Destination::to),
        }
    }

    pub(crate) fn success_arn(&self) -> Option<&str> {
        arn_of(self.on_success.as_ref())
    }

    pub(crate) fn failure_arn(&self) -> Option<&str> {
        arn_of(self.on_failure.as_ref())
    }

    /// Both sides present, as responses show them.
    pub(crate) fn normalized(&self) -> DestinationConfig {
        let side = |d: Option<&str>| {
            Some(Destination {
                destination: d.map(str::to_owned),
            })
        };
        DestinationConfig {
            on_success: side(self.success_arn()),
            on_failure: side(self.failure_arn()),
        }
    }
}

fn arn_of(d: Option<&Destination>) -> Option<&str> {
    d.and_then(|d| d.destination.as_deref())
        .filter(|s| !s.is_empty())
}

/// The asynchronous-invocation settings of one qualifier as the registry keeps them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventInvokeConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) maximum_retry_attempts: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) maximum_event_age_in_seconds: Option<u32>,
    pub(crate) destinations: DestinationConfig,
    pub(crate) last_modified: Timestamp,
}

/// The service's defaults when a qualifier has no setting: 2 retries, 6 hours.
pub(crate) const DEFAULT_RETRIES: u8 = 2;
/// See [`DEFAULT_RETRIES`].
pub(crate) const DEFAULT_EVENT_AGE_SECONDS: u32 = 21_600;

/// One attempt of an asynchronous invocation, as the [`AsyncOutcome`] callback sees it.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct AsyncAttempt<'a> {
    /// The function.
    pub function: &'a FunctionName,
    /// The ARN the caller invoked.
    pub invoked_arn: &'a str,
    /// The version that runs.
    pub executed_version: Version,
    /// 1 for the first attempt, then 2, 3 (retries).
    pub attempt: u32,
    /// The event.
    pub payload: &'a serde_json::Value,
    /// The request id of the invocation.
    pub request_id: &'a str,
}

/// What one attempt of an asynchronous invocation did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvocationOutcome {
    /// The function returned `response` (any JSON).
    Success {
        /// The response payload.
        response: serde_json::Value,
    },
    /// The function failed (`functionError: Unhandled`) with this error payload.
    Failure {
        /// The error payload, e.g. `{"errorMessage": "…", "errorType": "…"}`.
        error: serde_json::Value,
    },
}

impl InvocationOutcome {
    /// A success with a `null` response.
    pub fn success() -> InvocationOutcome {
        InvocationOutcome::Success {
            response: serde_json::Value::Null,
        }
    }

    /// A failure with `{"errorMessage": message, "errorType": "Error"}`.
    pub fn failure(message: &str) -> InvocationOutcome {
        InvocationOutcome::Failure {
            error: serde_json::json!({"errorMessage": message, "errorType": "Error"}),
        }
    }
}

/// Decides the outcome of each attempt of an asynchronous invocation (the platform runs
/// the code; this crate only routes). Any `Fn(&AsyncAttempt) -> InvocationOutcome`.
pub trait AsyncOutcome: Send + Sync {
    /// The outcome of `attempt`.
    fn outcome(&self, attempt: &AsyncAttempt<'_>) -> InvocationOutcome;
}

impl<F: Fn(&AsyncAttempt<'_>) -> InvocationOutcome + Send + Sync> AsyncOutcome for F {
    fn outcome(&self, attempt: &AsyncAttempt<'_>) -> InvocationOutcome {
        self(attempt)
    }
}

/// The default outcome: every attempt succeeds with a `null` response.
pub(crate) fn always_succeeds(_: &AsyncAttempt<'_>) -> InvocationOutcome {
    InvocationOutcome::success()
}

/// How an asynchronous invocation ended (`requestContext.condition`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Condition {
    /// The function succeeded.
    Success,
    /// Every attempt failed (`MaximumRetryAttempts` retries).
    RetriesExhausted,
    /// The event was older than `MaximumEventAgeInSeconds` before an attempt.
    EventAgeExceeded,
    /// The function's reserved concurrency is 0: no attempt ran (R119).
    ZeroReservedConcurrency,
}

/// `requestContext` of a [`DestinationRecord`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestContext {
    /// The invocation's request id.
    pub request_id: String,
    /// The ARN the caller invoked (`{arn}:$LATEST` for an unqualified call, Q41).
    pub function_arn: String,
    /// How it ended.
    pub condition: Condition,
    /// How many attempts ran.
    pub approximate_invoke_count: u32,
}

/// `responseContext` of a [`DestinationRecord`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResponseContext {
    /// 200: the function ran (a function error is still a 200 of the invoke).
    pub status_code: u16,
    /// The version that ran.
    pub executed_version: String,
    /// `Unhandled` when the function failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_error: Option<String>,
}

/// A record as a destination receives it (the documented invocation record), plus the
/// destination ARN it went to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DestinationRecord {
    /// Where the record went (not part of the record itself).
    #[serde(skip)]
    pub destination: String,
    /// `1.0`.
    pub version: String,
    /// When the record was made, `2019-11-14T18:16:05.568Z`.
    pub timestamp: String,
    /// The request context.
    pub request_context: RequestContext,
    /// The event.
    pub request_payload: serde_json::Value,
    /// The response context.
    pub response_context: ResponseContext,
    /// The function's response or error payload.
    pub response_payload: serde_json::Value,
}

impl DestinationRecord {
    /// The record's JSON, as the destination receives it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// The in-memory stand-in for every destination: records in arrival order, at most
/// `capacity` of them (the oldest are dropped and counted). Cheap to clone; clones share
/// the log.
#[derive(Clone)]
pub struct DestinationLog {
    inner: Arc<Mutex<LogInner>>,
}

struct LogInner {
    records: VecDeque<DestinationRecord>,
    capacity: usize,
    dropped: u64,
}

impl fmt::Debug for DestinationLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DestinationLog")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl Default for DestinationLog {
    fn default() -> Self {
        DestinationLog::with_capacity(10_000)
    }
}

impl DestinationLog {
    /// A log that keeps the newest `capacity` records.
    pub fn with_capacity(capacity: usize) -> DestinationLog {
        DestinationLog {
            inner: Arc::new(Mutex::new(LogInner {
                records: VecDeque::new(),
                capacity,
                dropped: 0,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn push(&self, record: DestinationRecord) {
        let mut inner = self.lock();
        if inner.capacity == 0 {
            inner.dropped += 1;
            return;
        }
        if inner.records.len() == inner.capacity {
            inner.records.pop_front();
            inner.dropped += 1;
        }
        inner.records.push_back(record);
    }

    /// The records held, oldest first.
    pub fn records(&self) -> Vec<DestinationRecord> {
        self.lock().records.iter().cloned().collect()
    }

    /// The records sent to `destination`, oldest first.
    pub fn records_for(&self, destination: &str) -> Vec<DestinationRecord> {
        self.lock()
            .records
            .iter()
            .filter(|r| r.destination == destination)
            .cloned()
            .collect()
    }

    /// Takes every record out of the log.
    pub fn drain(&self) -> Vec<DestinationRecord> {
        self.lock().records.drain(..).collect()
    }

    /// How many records the log holds.
    pub fn len(&self) -> usize {
        self.lock().records.len()
    }

    /// Whether the log holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many records were dropped because the log was full.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }
}

/// A record timestamp: `2019-11-14T18:16:05.568Z`.
pub(crate) fn record_time(t: Timestamp) -> String {
    let text = t.to_string();
    match text.strip_suffix("+0000") {
        Some(base) => format!("{base}Z"),
        None => text,
    }
}

/// `LastModified` of an invoke config: epoch seconds with a fraction (R145).
pub(crate) fn epoch_seconds(t: Timestamp) -> f64 {
    // Milliseconds fit an f64 exactly far beyond any real date.
    #[allow(clippy::cast_precision_loss)]
    let ms = t.unix_millis() as f64;
    ms / 1000.0
}
