//! PutFunctionEventInvokeConfig, UpdateFunctionEventInvokeConfig,
//! GetFunctionEventInvokeConfig, DeleteFunctionEventInvokeConfig,
//! ListFunctionEventInvokeConfigs (R139–R149), and asynchronous invocation through them
//! (R150).

use serde::{Deserialize, Serialize};

use super::checks::validated;
use super::control::Registry;
use super::pagination::{self, MarkerKind};
use crate::arn::{FunctionArn, FunctionRef};
use crate::error::Error;
use crate::function::Function;
use crate::invoke_config::{DestinationConfig, EventInvokeConfig, epoch_seconds};
use crate::names::{FunctionName, Qualifier};
use crate::policy::PolicyTarget;
use crate::validate::{DESTINATION_PATTERN, NamePattern, Violations, matches_destination};

/// R143: Put, Update and List on a missing function, alias or version (Q42).
const FUNCTION_DOES_NOT_EXIST: &str = "The function doesn't exist.";
/// R142.
const NOTHING_TO_SET: &str =
    "You must specify at least one of error handling or destination setting.";

/// The members of `PutFunctionEventInvokeConfig` and `UpdateFunctionEventInvokeConfig`
/// (R139); a request body deserializes into it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct FunctionEventInvokeConfigRequest {
    /// `FunctionName` (from the path), possibly with a `:qualifier` suffix.
    #[serde(skip)]
    pub function_name: String,
    /// `Qualifier` (from the query).
    #[serde(skip)]
    pub qualifier: Option<String>,
    /// `MaximumRetryAttempts` (0–2).
    pub maximum_retry_attempts: Option<i64>,
    /// `MaximumEventAgeInSeconds` (60–21600).
    pub maximum_event_age_in_seconds: Option<i64>,
    /// `DestinationConfig`.
    pub destination_config: Option<DestinationConfig>,
}

impl FunctionEventInvokeConfigRequest {
    /// Settings for `function_name` (qualified by its suffix, if any).
    pub fn new(function_name: impl Into<String>) -> Self {
        FunctionEventInvokeConfigRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
    }

    /// Sets `Qualifier`.
    pub fn with_qualifier(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    /// Sets `MaximumRetryAttempts`.
    pub fn with_maximum_retry_attempts(mut self, n: i64) -> Self {
        self.maximum_retry_attempts = Some(n);
        self
    }

    /// Sets `MaximumEventAgeInSeconds`.
    pub fn with_maximum_event_age_in_seconds(mut self, n: i64) -> Self {
        self.maximum_event_age_in_seconds = Some(n);
        self
    }

    /// Sets `DestinationConfig`.
    pub fn with_destination_config(mut self, config: DestinationConfig) -> Self {
        self.destination_config = Some(config);
        self
    }
}

/// `FunctionEventInvokeConfig` as the operations answer it (R145); serializes to the
/// service's JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FunctionEventInvokeConfig {
    /// `LastModified`: epoch seconds.
    pub last_modified: f64,
    /// `FunctionArn`: always qualified (`…:$LATEST`, `…:N`, `…:alias`, R140).
    pub function_arn: String,
    /// `MaximumRetryAttempts`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_retry_attempts: Option<u8>,
    /// `MaximumEventAgeInSeconds`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_event_age_in_seconds: Option<u32>,
    /// `DestinationConfig`, both sides always present.
    pub destination_config: DestinationConfig,
}

/// `ListFunctionEventInvokeConfigs` (R149).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListFunctionEventInvokeConfigsRequest {
    /// `FunctionName`.
    pub function_name: String,
    /// `Marker`.
    pub marker: Option<String>,
    /// `MaxItems` (1–50).
    pub max_items: Option<i64>,
}

impl ListFunctionEventInvokeConfigsRequest {
    /// Lists the configs of `function_name`.
    pub fn new(function_name: impl Into<String>) -> Self {
        ListFunctionEventInvokeConfigsRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
    }
}

/// The answer of `ListFunctionEventInvokeConfigs`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ListFunctionEventInvokeConfigsResponse {
    /// `FunctionEventInvokeConfigs`: `$LATEST`, then versions, then aliases.
    pub function_event_invoke_configs: Vec<FunctionEventInvokeConfig>,
    /// `NextMarker`, while more remain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

/// The ARN of a config's target as responses show it: always qualified (R140).
fn config_arn(f: &Function, target: &PolicyTarget) -> String {
    match target {
        PolicyTarget::Function => f.arn.with_qualifier(Qualifier::Latest).to_string(),
        other => other.resource(&f.arn).to_string(),
    }
}

fn answer(f: &Function, target: &PolicyTarget, c: &EventInvokeConfig) -> FunctionEventInvokeConfig {
    FunctionEventInvokeConfig {
        last_modified: epoch_seconds(c.last_modified),
        function_arn: config_arn(f, target),
        maximum_retry_attempts: c.maximum_retry_attempts,
        maximum_event_age_in_seconds: c.maximum_event_age_in_seconds,
        destination_config: c.destinations.normalized(),
    }
}

/// The Java rendering the service quotes for a destination config it refuses (R146).
fn java_text(config: &DestinationConfig) -> String {
    let side = |name: &str, d: &Option<crate::invoke_config::Destination>| match d {
        None => "null".to_owned(),
        Some(d) => format!(
            "{name}(destination={})",
            d.destination.as_deref().unwrap_or("null")
        ),
    };
    format!(
        "DestinationConfig(onSuccess={}, onFailure={})",
        side("OnSuccess", &config.on_success),
        side("OnFailure", &config.on_failure)
    )
}

/// The service a destination ARN names (`sqs`, `sns`, …), if it is an ARN.
fn service_of(arn: &str) -> Option<&str> {
    let mut fields = arn.split(':');
    (fields.next() == Some("arn")).then_some(())?;
    fields.nth(1)
}

impl Registry {
    /// Steps 1–4 of R191 for one config: validation (with the members in `v`), the
    /// region, the suffix against `Qualifier` (R141). Returns the reference and the
    /// effective qualifier.
    fn config_request(
        &self,
        v: Violations,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<(FunctionRef, Option<String>), Error> {
        self.qualified_target(v, function_name, qualifier)
    }

    /// The target an effective qualifier names in `f`, if it exists.
    pub(super) fn config_target(f: &Function, qualifier: Option<&str>) -> Option<PolicyTarget> {
        match qualifier.map(str::parse::<Qualifier>) {
            None | Some(Ok(Qualifier::Latest)) => Some(PolicyTarget::Function),
            Some(Ok(Qualifier::Version(n))) => f
                .versions
                .contains_key(&n)
                .then_some(PolicyTarget::Version(n)),
            Some(Ok(Qualifier::Alias(a))) => {
                f.aliases.contains_key(&a).then_some(PolicyTarget::Alias(a))
            }
            Some(Err(_)) => None,
        }
    }

    /// R143: `The function {arn}:{q} doesn't have an EventInvokeConfig`.
    fn no_config(&self, fref: &FunctionRef, qualifier: Option<&str>) -> Error {
        Error::not_found(format!(
            "The function {}:{} doesn't have an EventInvokeConfig",
            self.arn_text(fref),
            qualifier.unwrap_or("$LATEST")
        ))
    }

    /// R146: the checks of a destination config that need the function.
    fn check_destinations(&self, f: &Function, config: &DestinationConfig) -> Result<(), Error> {
        let sides = [(config.success_arn(), false), (config.failure_arn(), true)];
        for (arn, on_failure) in sides {
            let Some(arn) = arn else { continue };
            let supported = match service_of(arn) {
                Some("sqs" | "sns" | "lambda" | "events") => true,
                Some("s3") => on_failure,
                _ => false,
            };
            if !supported {
                return Err(Error::invalid_parameter(format!(
                    "The provided destination config {} is invalid.",
                    java_text(config)
                )));
            }
        }
        for arn in [config.success_arn(), config.failure_arn()]
            .into_iter()
            .flatten()
        {
            if arn == f.arn.to_string() {
                return Err(Error::invalid_parameter(
                    "You can't specify the function as a destination for itself.",
                ));
            }
            if service_of(arn) == Some("lambda") && !self.lambda_destination_exists(arn) {
                return Err(Error::invalid_parameter(format!(
                    "The destination ARN {arn} is invalid."
                )));
            }
        }
        Ok(())
    }

    /// Whether a Lambda destination names something that exists; one outside this
    /// registry's partition, region or account cannot be checked and is accepted.
    fn lambda_destination_exists(&self, arn: &str) -> bool {
        let Ok(dest) = arn.parse::<FunctionArn>() else {
            return false;
        };
        if *dest.partition() != self.partition
            || *dest.region() != self.region
            || dest.account() != self.account
        {
            return true;
        }
        self.functions
            .get(dest.name())
            .is_some_and(|f| match dest.qualifier() {
                None | Some(Qualifier::Latest) => true,
                Some(Qualifier::Version(n)) => f.versions.contains_key(n),
                Some(Qualifier::Alias(a)) => f.aliases.contains_key(a),
            })
    }

    fn put_or_update(
        &mut self,
        req: FunctionEventInvokeConfigRequest,
        merge: bool,
    ) -> Result<FunctionEventInvokeConfig, Error> {
        let mut v = Violations::new();
        if let Some(n) = req.maximum_retry_attempts {
            v.check_range(n, "maximumRetryAttempts", 0, 2);
        }
        if let Some(n) = req.maximum_event_age_in_seconds {
            v.check_range(n, "maximumEventAgeInSeconds", 60, 21_600);
        }
        if let Some(d) = &req.destination_config {
            let sides = [
                (&d.on_success, "destinationConfig.onSuccess.destination"),
                (&d.on_failure, "destinationConfig.onFailure.destination"),
            ];
            for (side, member) in sides {
                if let Some(arn) = side.as_ref().and_then(|s| s.destination.as_deref()) {
                    v.check_string(
                        arn,
                        member,
                        0,
                        350,
                        Some((DESTINATION_PATTERN, matches_destination(arn))),
                    );
                }
            }
        }
        let fref = Self::check_function_name(&mut v, &req.function_name, NamePattern::Namespaced);
        Self::check_qualifier_param(&mut v, req.qualifier.as_deref());
        v.finish()?;
        // R142 (and, by this crate's choice, for Update too: Q43).
        if req.maximum_retry_attempts.is_none()
            && req.maximum_event_age_in_seconds.is_none()
            && req.destination_config.is_none()
        {
            return Err(Error::invalid_parameter(NOTHING_TO_SET));
        }
        let fref = validated(fref)?;
        self.check_region(&fref)?;
        let qualifier =
            Self::effective_qualifier(&fref, req.qualifier.as_deref())?.map(str::to_owned);
        let qualifier = qualifier.as_deref();
        let f = self
            .lookup(&fref)
            .ok_or_else(|| Error::not_found(FUNCTION_DOES_NOT_EXIST))?;
        let target = Self::config_target(f, qualifier)
            .ok_or_else(|| Error::not_found(FUNCTION_DOES_NOT_EXIST))?;
        let existing = f.invoke_configs.get(&target).cloned();
        if merge && existing.is_none() {
            return Err(self.no_config(&fref, qualifier));
        }
        if let Some(d) = &req.destination_config {
            self.check_destinations(f, d)?;
        }
        let now = self.now();
        let retries = req
            .maximum_retry_attempts
            .and_then(|n| u8::try_from(n).ok());
        let age = req
            .maximum_event_age_in_seconds
            .and_then(|n| u32::try_from(n).ok());
        let config = match existing.filter(|_| merge) {
            // R144: Update changes only the members it carries; a `DestinationConfig`
            // replaces the whole object (Q43).
            Some(old) => EventInvokeConfig {
                maximum_retry_attempts: retries.or(old.maximum_retry_attempts),
                maximum_event_age_in_seconds: age.or(old.maximum_event_age_in_seconds),
                destinations: req.destination_config.unwrap_or(old.destinations),
                last_modified: now,
            },
            // R144: Put replaces the whole config.
            None => EventInvokeConfig {
                maximum_retry_attempts: retries,
                maximum_event_age_in_seconds: age,
                destinations: req.destination_config.unwrap_or_default(),
                last_modified: now,
            },
        };
        let key = f.name.clone();
        let f = self
            .functions
            .get_mut(&key)
            .ok_or_else(|| Error::not_found(FUNCTION_DOES_NOT_EXIST))?;
        let response = answer(f, &target, &config);
        f.invoke_configs.insert(target, config);
        Ok(response)
    }

    /// `PutFunctionEventInvokeConfig` (R139–R146): replaces the qualifier's config.
    ///
    /// # Errors
    ///
    /// `ValidationException` for out-of-range members or a destination that fails the
    /// pattern; `InvalidParameterValueException` for no setting at all (R142), a
    /// disagreeing suffix (R141), an unsupported, self-referencing or missing Lambda
    /// destination (R146); `ResourceNotFoundException` `The function doesn't exist.`
    /// for a missing function, version or alias (R143).
    pub fn put_function_event_invoke_config(
        &mut self,
        req: FunctionEventInvokeConfigRequest,
    ) -> Result<FunctionEventInvokeConfig, Error> {
        self.put_or_update(req, false)
    }

    /// `UpdateFunctionEventInvokeConfig` (R144): changes only the members it carries.
    ///
    /// # Errors
    ///
    /// As [`Registry::put_function_event_invoke_config`], and
    /// `The function {arn}:{q} doesn't have an EventInvokeConfig` when there is none.
    pub fn update_function_event_invoke_config(
        &mut self,
        req: FunctionEventInvokeConfigRequest,
    ) -> Result<FunctionEventInvokeConfig, Error> {
        self.put_or_update(req, true)
    }

    /// The function and target of a Get or Delete, or R143's text.
    fn existing_config(
        &self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<(FunctionName, PolicyTarget), Error> {
        let (fref, q) = self.config_request(Violations::new(), function_name, qualifier)?;
        let q = q.as_deref();
        let f = self.lookup(&fref).ok_or_else(|| self.no_config(&fref, q))?;
        let target = Self::config_target(f, q).ok_or_else(|| self.no_config(&fref, q))?;
        if !f.invoke_configs.contains_key(&target) {
            return Err(self.no_config(&fref, q));
        }
        Ok((f.name.clone(), target))
    }

    /// `GetFunctionEventInvokeConfig` (R143, R145).
    ///
    /// # Errors
    ///
    /// `ValidationException` for a bad name or qualifier; `InvalidParameterValueException`
    /// for a disagreeing suffix; `ResourceNotFoundException`
    /// `The function {arn}:{q} doesn't have an EventInvokeConfig` when the function, the
    /// target or the config is missing.
    pub fn get_function_event_invoke_config(
        &self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<FunctionEventInvokeConfig, Error> {
        let (key, target) = self.existing_config(function_name, qualifier)?;
        let f = self
            .functions
            .get(&key)
            .ok_or_else(|| Error::not_found(FUNCTION_DOES_NOT_EXIST))?;
        let c = f
            .invoke_configs
            .get(&target)
            .ok_or_else(|| Error::not_found(FUNCTION_DOES_NOT_EXIST))?;
        Ok(answer(f, &target, c))
    }

    /// `DeleteFunctionEventInvokeConfig` (204, R148).
    ///
    /// # Errors
    ///
    /// As [`Registry::get_function_event_invoke_config`].
    pub fn delete_function_event_invoke_config(
        &mut self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<(), Error> {
        let (key, target) = self.existing_config(function_name, qualifier)?;
        if let Some(f) = self.functions.get_mut(&key) {
            f.invoke_configs.remove(&target);
        }
        Ok(())
    }

    /// `ListFunctionEventInvokeConfigs` (R149): `$LATEST`, then versions, then aliases.
    ///
    /// # Errors
    ///
    /// `ValidationException` for a bad name or `MaxItems` (1–50);
    /// `ResourceNotFoundException` `The function doesn't exist.`;
    /// `InvalidParameterValueException` for a marker this registry did not issue.
    pub fn list_function_event_invoke_configs(
        &self,
        req: ListFunctionEventInvokeConfigsRequest,
    ) -> Result<ListFunctionEventInvokeConfigsResponse, Error> {
        let f = self.bound_list_target(
            &req.function_name,
            NamePattern::Namespaced,
            req.max_items,
            |_, _| Error::not_found(FUNCTION_DOES_NOT_EXIST),
        )?;
        let (function_event_invoke_configs, next_marker) = pagination::positional_page(
            f.invoke_configs.iter().map(|(t, c)| answer(f, t, c)),
            MarkerKind::InvokeConfig,
            req.marker.as_deref(),
            req.max_items,
        )?;
        Ok(ListFunctionEventInvokeConfigsResponse {
            function_event_invoke_configs,
            next_marker,
        })
    }
}
