//! Asynchronous invocation (R150): `Invoke` with `InvocationType: Event`, through the
//! invoked qualifier's config, the platform's outcome callback and the destination log.

use super::InvokeRequest;
use super::control::Registry;
use crate::arn::FunctionArn;
use crate::error::Error;
use crate::invoke_config::{
    AsyncAttempt, Condition, DEFAULT_EVENT_AGE_SECONDS, DEFAULT_RETRIES, DestinationConfig,
    DestinationRecord, InvocationOutcome, RequestContext, ResponseContext, record_time,
};
use crate::names::{Qualifier, RevisionId, Version};
use crate::validate::Violations;

/// What an asynchronous invocation did ([`Registry::invoke_async`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AsyncInvocation {
    /// The invocation's request id.
    pub request_id: String,
    /// The ARN the caller invoked.
    pub invoked_arn: FunctionArn,
    /// The version that ran.
    pub executed_version: Version,
    /// How it ended.
    pub condition: Condition,
    /// How many attempts ran.
    pub attempts: u32,
    /// The destination the record went to, if one was configured for this ending.
    pub destination: Option<String>,
}

impl Registry {
    /// `Invoke` with `InvocationType: Event` (R150): the version that runs is chosen as
    /// for any invocation; the settings are those of the qualifier as invoked (the alias's
    /// own for an alias, the function's for an unqualified or `$LATEST` call; no fallback,
    /// Q41), else the service's defaults (2 retries, 6 hours). Each attempt's outcome
    /// comes from the registry's [`AsyncOutcome`](crate::AsyncOutcome); a failed attempt
    /// is retried up to `MaximumRetryAttempts` times unless the event has grown older
    /// than `MaximumEventAgeInSeconds`. The record of how it ended goes to the
    /// `OnSuccess` or `OnFailure` destination, in the [`DestinationLog`](crate::DestinationLog).
    ///
    /// # Errors
    ///
    /// As [`Registry::invoke_target`].
    pub fn invoke_async<R: rand::Rng + ?Sized>(
        &self,
        req: InvokeRequest,
        payload: &serde_json::Value,
        rng: &mut R,
    ) -> Result<AsyncInvocation, Error> {
        let (fref, qualifier) = self.qualified_target(
            Violations::new(),
            &req.function_name,
            req.qualifier.as_deref(),
        )?;
        let target = self.invoke_target(req, rng)?;
        let f = self
            .lookup(&fref)
            .ok_or_else(|| self.qualified_not_found(&fref, "$LATEST"))?;
        let config =
            Self::config_target(f, qualifier.as_deref()).and_then(|t| f.invoke_configs.get(&t));
        let retries = config
            .and_then(|c| c.maximum_retry_attempts)
            .unwrap_or(DEFAULT_RETRIES);
        let max_age_ms = i64::from(
            config
                .and_then(|c| c.maximum_event_age_in_seconds)
                .unwrap_or(DEFAULT_EVENT_AGE_SECONDS),
        ) * 1000;
        let mut id = [0u8; 16];
        rng.fill_bytes(&mut id);
        let request_id = RevisionId::from_random_bytes(id).to_string();
        let invoked_arn = match qualifier {
            None => target.invoked_arn.with_qualifier(Qualifier::Latest),
            Some(_) => target.invoked_arn.clone(),
        };
        let invoked_text = invoked_arn.to_string();
        let enqueued = self.now();
        let mut attempts = 0;
        let mut last = InvocationOutcome::success();
        let mut condition = Condition::RetriesExhausted;
        // R119: reserved concurrency 0 fails the event at once, without retries.
        let zero_reserved = f.reserved_concurrency == Some(0);
        if zero_reserved {
            condition = Condition::ZeroReservedConcurrency;
        }
        for attempt in (1..=u32::from(retries) + 1).filter(|_| !zero_reserved) {
            if self
                .now()
                .unix_millis()
                .saturating_sub(enqueued.unix_millis())
                > max_age_ms
            {
                condition = Condition::EventAgeExceeded;
                break;
            }
            attempts = attempt;
            last = self.async_outcome.outcome(&AsyncAttempt {
                function: &f.name,
                invoked_arn: &invoked_text,
                executed_version: target.executed_version,
                attempt,
                payload,
                request_id: &request_id,
            });
            if matches!(last, InvocationOutcome::Success { .. }) {
                condition = Condition::Success;
                break;
            }
        }
        let destinations = config.map(|c| &c.destinations);
        let destination = match condition {
            Condition::Success => destinations.and_then(DestinationConfig::success_arn),
            _ => destinations.and_then(DestinationConfig::failure_arn),
        }
        .map(str::to_owned);
        if let Some(dest) = &destination {
            let (response_payload, function_error) = match &last {
                InvocationOutcome::Success { response } => (response.clone(), None),
                InvocationOutcome::Failure { error } => {
                    (error.clone(), Some("Unhandled".to_owned()))
                }
            };
            self.destinations.push(DestinationRecord {
                destination: dest.clone(),
                version: "1.0".into(),
                timestamp: record_time(self.now()),
                request_context: RequestContext {
                    request_id: request_id.clone(),
                    function_arn: invoked_text.clone(),
                    condition,
                    approximate_invoke_count: attempts,
                },
                request_payload: payload.clone(),
                response_context: ResponseContext {
                    status_code: 200,
                    executed_version: target.executed_version.to_string(),
                    function_error,
                },
                response_payload,
            });
        }
        Ok(AsyncInvocation {
            request_id,
            invoked_arn,
            executed_version: target.executed_version,
            condition,
            attempts,
            destination,
        })
    }
}
