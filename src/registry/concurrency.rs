//! PutProvisionedConcurrencyConfig, GetProvisionedConcurrencyConfig,
//! DeleteProvisionedConcurrencyConfig, ListProvisionedConcurrencyConfigs (R98–R114) and
//! PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency
//! (R115–R122), with the account's limits; and keeping the resolver's admission gates in
//! step with them.

use serde::{Deserialize, Serialize};

use super::checks::validated;
use super::control::{Lifecycle, Registry};
use super::pagination::{self, MarkerKind};
use crate::concurrency::{ProvisionedConfig, ProvisionedStatus, provisioned_time};
use crate::error::{Error, ErrorKind};
use crate::function::Function;
use crate::names::{AliasName, FunctionName, Version};
use crate::policy::PolicyTarget;
use crate::validate::{NamePattern, Violations, is_name_char};

/// The `Qualifier` pattern of the provisioned-concurrency operations (R98).
const PC_QUALIFIER_PATTERN: &str = "(|[a-zA-Z0-9$_-]+)";
/// R116 (the text of R14).
pub(super) const FUNCTIONS_ONLY: &str = "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.";

/// `PutProvisionedConcurrencyConfig` (R98); the body deserializes into it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct PutProvisionedConcurrencyConfigRequest {
    /// `FunctionName` (from the path).
    #[serde(skip)]
    pub function_name: String,
    /// `Qualifier` (from the query, required): a version number or an alias.
    #[serde(skip)]
    pub qualifier: Option<String>,
    /// `ProvisionedConcurrentExecutions` (≥ 1, required).
    pub provisioned_concurrent_executions: Option<i64>,
}

impl PutProvisionedConcurrencyConfigRequest {
    /// `n` provisioned executions for `qualifier` of `function_name`.
    pub fn new(function_name: impl Into<String>, qualifier: impl Into<String>, n: i64) -> Self {
        PutProvisionedConcurrencyConfigRequest {
            function_name: function_name.into(),
            qualifier: Some(qualifier.into()),
            provisioned_concurrent_executions: Some(n),
        }
    }
}

/// A provisioned-concurrency config as the operations answer it (R104, R112); serializes
/// to the service's JSON. `FunctionArn` only in list items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ProvisionedConcurrencyConfig {
    /// `FunctionArn`: the alias or version ARN (list items only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_arn: Option<String>,
    /// `RequestedProvisionedConcurrentExecutions`.
    pub requested_provisioned_concurrent_executions: u32,
    /// `AvailableProvisionedConcurrentExecutions`.
    pub available_provisioned_concurrent_executions: u32,
    /// `AllocatedProvisionedConcurrentExecutions`.
    pub allocated_provisioned_concurrent_executions: u32,
    /// `Status`.
    pub status: ProvisionedStatus,
    /// `StatusReason` (when `FAILED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// `LastModified`: `2019-11-21T19:32:12+0000`.
    pub last_modified: String,
}

/// `ListProvisionedConcurrencyConfigs` (R112).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListProvisionedConcurrencyConfigsRequest {
    /// `FunctionName`.
    pub function_name: String,
    /// `Marker`.
    pub marker: Option<String>,
    /// `MaxItems` (1–50).
    pub max_items: Option<i64>,
}

impl ListProvisionedConcurrencyConfigsRequest {
    /// Lists the configs of `function_name`.
    pub fn new(function_name: impl Into<String>) -> Self {
        ListProvisionedConcurrencyConfigsRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
    }
}

/// The answer of `ListProvisionedConcurrencyConfigs`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ListProvisionedConcurrencyConfigsResponse {
    /// `ProvisionedConcurrencyConfigs`: versions by number, then aliases by name.
    pub provisioned_concurrency_configs: Vec<ProvisionedConcurrencyConfig>,
    /// `NextMarker`, while more remain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

/// Which operation, for the `$LATEST` text of R100.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PcOp {
    Put,
    Read,
}

fn view(c: &ProvisionedConfig, arn: Option<String>) -> ProvisionedConcurrencyConfig {
    ProvisionedConcurrencyConfig {
        function_arn: arn,
        requested_provisioned_concurrent_executions: c.requested,
        available_provisioned_concurrent_executions: c.allocated,
        allocated_provisioned_concurrent_executions: c.allocated,
        status: c.status,
        status_reason: c.status_reason.clone(),
        last_modified: provisioned_time(c.last_modified),
    }
}

fn matches_pc_qualifier(q: &str) -> bool {
    q.chars().all(|c| is_name_char(c) || c == '$')
}

impl Registry {
    /// Steps 1–4 for one provisioned-concurrency target: validation (with `v`), region,
    /// suffix agreement, the `$LATEST` refusal of R100, the not-found texts of R101.
    fn pc_target(
        &self,
        mut v: Violations,
        function_name: &str,
        qualifier: Option<&str>,
        op: PcOp,
    ) -> Result<(FunctionName, PolicyTarget), Error> {
        let fref = Self::check_function_name(&mut v, function_name, NamePattern::Classic);
        match qualifier {
            None => v.push_null("qualifier"),
            Some(q) => {
                v.check_string(
                    q,
                    "qualifier",
                    1,
                    128,
                    Some((PC_QUALIFIER_PATTERN, matches_pc_qualifier(q))),
                );
            }
        }
        v.finish()?;
        let fref = validated(fref)?;
        self.check_region(&fref)?;
        let q = validated(Self::effective_qualifier(&fref, qualifier)?)?;
        if q == "$LATEST" {
            return Err(Error::invalid_parameter(match op {
                PcOp::Put => {
                    "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
                }
                PcOp::Read => {
                    "The function resource provided must be an alias or a published version."
                }
            }));
        }
        let f = self.lookup(&fref);
        if q.bytes().all(|b| b.is_ascii_digit()) {
            let n = q
                .parse()
                .ok()
                .filter(|n| f.is_some_and(|f| f.versions.contains_key(n)));
            match (f, n) {
                (Some(f), Some(n)) => Ok((f.name.clone(), PolicyTarget::Version(n))),
                _ => Err(self.qualified_not_found(&fref, q)),
            }
        } else {
            let alias = q.parse::<AliasName>().ok();
            match (f, alias) {
                (Some(f), Some(a)) if f.aliases.contains_key(&a) => {
                    Ok((f.name.clone(), PolicyTarget::Alias(a)))
                }
                _ => Err(Error::not_found(format!(
                    "Cannot find alias arn: {}:{q}",
                    self.arn_text(&fref)
                ))),
            }
        }
    }

    /// The version a provisioned target runs on: the version itself, or the alias's
    /// primary.
    pub(super) fn served_version(f: &Function, target: &PolicyTarget) -> Option<u64> {
        match target {
            PolicyTarget::Version(n) => Some(n.get()),
            PolicyTarget::Alias(a) => f
                .aliases
                .get(a)
                .and_then(|a| a.primary.number())
                .map(|n| n.get()),
            PolicyTarget::Function => None,
        }
    }

    /// The sum of provisioned concurrency over every function without a reservation.
    pub(super) fn unreserved_provisioned(
        &self,
        skip: Option<(&FunctionName, &PolicyTarget)>,
    ) -> u64 {
        self.functions
            .values()
            .filter(|f| f.reserved_concurrency.is_none())
            .flat_map(|f| f.provisioned.iter().map(move |(t, c)| (&f.name, t, c)))
            .filter(|(name, t, _)| skip != Some((name, t)))
            .map(|(_, _, c)| u64::from(c.requested))
            .sum()
    }

    pub(super) fn total_reserved(&self, skip: Option<&FunctionName>) -> u64 {
        self.functions
            .values()
            .filter(|f| Some(&f.name) != skip)
            .filter_map(|f| f.reserved_concurrency)
            .map(u64::from)
            .sum()
    }

    /// `PutProvisionedConcurrencyConfig` (202, R98–R114): `IN_PROGRESS`, then `READY` when
    /// the allocation settles.
    ///
    /// # Errors
    ///
    /// `ValidationException` for a missing qualifier or a value below 1 (R103);
    /// `InvalidParameterValueException` for `$LATEST` (R100), a weighted alias (R108), more
    /// than the reservation allows (R114) or than the account's pool allows (R113);
    /// `ResourceNotFoundException` as R101; `ResourceConflictException` when an alias and
    /// the version it points to would both hold a config (R107).
    pub fn put_provisioned_concurrency_config(
        &mut self,
        req: PutProvisionedConcurrencyConfigRequest,
    ) -> Result<ProvisionedConcurrencyConfig, Error> {
        let mut v = Violations::new();
        v.check_required_range(
            req.provisioned_concurrent_executions,
            "provisionedConcurrentExecutions",
            1,
            i64::from(i32::MAX),
        );
        let (key, target) =
            self.pc_target(v, &req.function_name, req.qualifier.as_deref(), PcOp::Put)?;
        let n = validated(
            req.provisioned_concurrent_executions
                .and_then(|n| u32::try_from(n).ok()),
        )?;
        let f = self
            .functions
            .get(&key)
            .ok_or_else(|| Error::not_found("function vanished"))?;
        if let PolicyTarget::Alias(a) = &target
            && let Some(alias) = f.aliases.get(a)
        {
            if alias.routing.is_some() {
                return Err(Error::invalid_parameter(
                    "Alias with weights can not be used with Provisioned Concurrency",
                ));
            }
            if alias.primary == Version::Latest {
                return Err(Error::invalid_parameter(
                    "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
                ));
            }
        }
        self.check_one_config_per_version(f, &target, Self::served_version(f, &target))?;
        if let Some(reserved) = f.reserved_concurrency {
            let others: u64 = f
                .provisioned
                .iter()
                .filter(|(t, _)| **t != target)
                .map(|(_, c)| u64::from(c.requested))
                .sum();
            if u64::from(n) + others > u64::from(reserved) {
                return Err(Error::invalid_parameter(
                    "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function",
                ));
            }
        } else {
            let used =
                self.total_reserved(None) + self.unreserved_provisioned(Some((&key, &target)));
            let unreserved = u64::from(self.concurrency.limit).saturating_sub(used);
            if u64::from(n) > unreserved {
                return Err(Error::invalid_parameter(format!(
                    "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [{unreserved}]."
                ))
                .without_fault_type());
            }
            if unreserved - u64::from(n) < u64::from(self.concurrency.minimum_unreserved) {
                return Err(Error::invalid_parameter(format!(
                    "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{}].",
                    self.concurrency.minimum_unreserved
                ))
                .without_fault_type());
            }
        }
        let now = self.now();
        let f = self
            .functions
            .get_mut(&key)
            .ok_or_else(|| Error::not_found("function vanished"))?;
        let config = f
            .provisioned
            .entry(target.clone())
            .and_modify(|c| {
                c.requested = n;
                c.allocated = 0;
                c.status = ProvisionedStatus::InProgress;
                c.status_reason = None;
                c.last_modified = now;
            })
            .or_insert_with(|| ProvisionedConfig::new(n, now));
        let answer = view(config, None);
        self.refresh_admission(&key);
        if self.lifecycle == Lifecycle::Immediate {
            self.settle_provisioned(&key, &target, Ok(()));
        }
        Ok(answer)
    }

    /// Before an alias store: whether the alias holds a provisioned config that moves to a
    /// new primary (R109), refusing a move onto `$LATEST` (R100) or onto a version that
    /// already has one (Q33).
    pub(super) fn check_provisioned_alias_move(
        &self,
        f: &Function,
        alias: &AliasName,
        primary: Version,
    ) -> Result<bool, Error> {
        // The common case, a function without provisioned configs, allocates nothing.
        if f.provisioned.is_empty() {
            return Ok(false);
        }
        let target = PolicyTarget::Alias(alias.clone());
        if !f.provisioned.contains_key(&target) {
            return Ok(false);
        }
        let current = f.aliases.get(alias).map(|a| a.primary);
        if current == Some(primary) {
            return Ok(false);
        }
        let Some(n) = primary.number() else {
            return Err(Error::invalid_parameter(
                "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
            ));
        };
        self.check_one_config_per_version(f, &target, Some(n.get()))?;
        Ok(true)
    }

    /// After an alias with a provisioned config moved: the config re-allocates on the new
    /// version (`IN_PROGRESS`, the old allocation still counted) (R109).
    pub(super) fn provisioned_alias_moved(&mut self, key: &FunctionName, target: &PolicyTarget) {
        if let Some(c) = self
            .functions
            .get_mut(key)
            .and_then(|f| f.provisioned.get_mut(target))
        {
            c.status = ProvisionedStatus::InProgress;
            c.status_reason = None;
        }
        self.refresh_admission(key);
        if self.lifecycle == Lifecycle::Immediate {
            self.settle_provisioned(key, target, Ok(()));
        }
    }

    /// R107 (and Q33): one provisioned config per version, whether it is the version's own
    /// or an alias's that points to it.
    pub(super) fn check_one_config_per_version(
        &self,
        f: &Function,
        target: &PolicyTarget,
        served: Option<u64>,
    ) -> Result<(), Error> {
        let Some(served) = served else { return Ok(()) };
        for (other, _) in f.provisioned.iter().filter(|(t, _)| *t != target) {
            if Self::served_version(f, other) != Some(served) {
                continue;
            }
            return Err(Error::conflict(match (target, other) {
                (PolicyTarget::Version(_), PolicyTarget::Alias(_)) => {
                    "Version is pointed by a Provisioned Concurrency alias"
                }
                _ => {
                    "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version"
                }
            }));
        }
        Ok(())
    }

    /// Finishes the allocation of a provisioned config ([`Lifecycle::Manual`]): `Ok` makes
    /// it `READY` with everything allocated, `Err(reason)` makes it `FAILED` with
    /// `StatusReason` (e.g. `FUNCTION_ERROR_INIT_FAILURE`). Returns whether a config in
    /// progress was found.
    ///
    /// # Errors
    ///
    /// The errors of [`Registry::get_provisioned_concurrency_config`] for the target.
    pub fn finish_provisioned_concurrency(
        &mut self,
        function_name: &str,
        qualifier: &str,
        outcome: Result<(), String>,
    ) -> Result<bool, Error> {
        let (key, target) = self.pc_target(
            Violations::new(),
            function_name,
            Some(qualifier),
            PcOp::Read,
        )?;
        Ok(self.settle_provisioned(&key, &target, outcome))
    }

    pub(super) fn settle_provisioned(
        &mut self,
        key: &FunctionName,
        target: &PolicyTarget,
        outcome: Result<(), String>,
    ) -> bool {
        let Some(c) = self
            .functions
            .get_mut(key)
            .and_then(|f| f.provisioned.get_mut(target))
        else {
            return false;
        };
        if c.status != ProvisionedStatus::InProgress {
            return false;
        }
        match outcome {
            Ok(()) => {
                c.status = ProvisionedStatus::Ready;
                c.allocated = c.requested;
            }
            Err(reason) => {
                c.status = ProvisionedStatus::Failed;
                c.allocated = 0;
                c.status_reason = Some(reason);
            }
        }
        self.refresh_admission(key);
        true
    }

    /// The provisioned configs still `IN_PROGRESS`, as (function, qualifier).
    pub fn unsettled_provisioned_concurrency(&self) -> Vec<(FunctionName, String)> {
        let mut out: Vec<(FunctionName, String)> = self
            .functions
            .values()
            .flat_map(|f| unsettled_of(f).map(|q| (f.name.clone(), q)))
            .collect();
        out.sort();
        out
    }

    #[cfg(feature = "wire")]
    /// The qualifiers of `function`'s provisioned configs still `IN_PROGRESS`, sorted
    /// (what an alias move or a put on that function can have started).
    pub(crate) fn unsettled_provisioned_concurrency_of(
        &self,
        function: &FunctionName,
    ) -> Vec<String> {
        let mut out: Vec<String> = self
            .functions
            .get(function)
            .map(|f| unsettled_of(f).collect())
            .unwrap_or_default();
        out.sort();
        out
    }

    /// `GetProvisionedConcurrencyConfig` (R100–R102, R105).
    ///
    /// # Errors
    ///
    /// As [`Registry::put_provisioned_concurrency_config`] for the target, and
    /// `ProvisionedConcurrencyConfigNotFoundException` when it has no config.
    pub fn get_provisioned_concurrency_config(
        &self,
        function_name: &str,
        qualifier: &str,
    ) -> Result<ProvisionedConcurrencyConfig, Error> {
        self.get_provisioned_concurrency_config_param(function_name, Some(qualifier))
    }

    /// As [`Registry::get_provisioned_concurrency_config`], with `Qualifier` as the wire
    /// gives it (absent is a validation error).
    pub(crate) fn get_provisioned_concurrency_config_param(
        &self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<ProvisionedConcurrencyConfig, Error> {
        let (key, target) =
            self.pc_target(Violations::new(), function_name, qualifier, PcOp::Read)?;
        self.functions
            .get(&key)
            .and_then(|f| f.provisioned.get(&target))
            .map(|c| view(c, None))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::ProvisionedConcurrencyConfigNotFound,
                    "No Provisioned Concurrency Config found for this function",
                )
            })
    }

    /// `DeleteProvisionedConcurrencyConfig` (204; idempotent on a target without a
    /// config, R102).
    ///
    /// # Errors
    ///
    /// As [`Registry::get_provisioned_concurrency_config`], except a missing config.
    pub fn delete_provisioned_concurrency_config(
        &mut self,
        function_name: &str,
        qualifier: &str,
    ) -> Result<(), Error> {
        self.delete_provisioned_concurrency_config_param(function_name, Some(qualifier))
    }

    /// As [`Registry::delete_provisioned_concurrency_config`], with `Qualifier` as the
    /// wire gives it.
    pub(crate) fn delete_provisioned_concurrency_config_param(
        &mut self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<(), Error> {
        let (key, target) =
            self.pc_target(Violations::new(), function_name, qualifier, PcOp::Read)?;
        let removed = self
            .functions
            .get_mut(&key)
            .and_then(|f| f.provisioned.remove(&target))
            .is_some();
        if removed {
            self.refresh_admission(&key);
        }
        Ok(())
    }

    /// `ListProvisionedConcurrencyConfigs` (R112): versions by number, then aliases by name.
    ///
    /// # Errors
    ///
    /// `ValidationException` for a bad name or `MaxItems`; `ResourceNotFoundException`
    /// `Function not found: {arn}`; `InvalidParameterValueException` for a foreign marker.
    pub fn list_provisioned_concurrency_configs(
        &self,
        req: ListProvisionedConcurrencyConfigsRequest,
    ) -> Result<ListProvisionedConcurrencyConfigsResponse, Error> {
        let f = self.bound_list_target(
            &req.function_name,
            NamePattern::Classic,
            req.max_items,
            |r, fref| r.function_not_found(fref),
        )?;
        let (provisioned_concurrency_configs, next_marker) = pagination::positional_page(
            f.provisioned
                .iter()
                .map(|(t, c)| view(c, Some(t.resource(&f.arn).to_string()))),
            MarkerKind::Provisioned,
            req.marker.as_deref(),
            req.max_items,
        )?;
        Ok(ListProvisionedConcurrencyConfigsResponse {
            provisioned_concurrency_configs,
            next_marker,
        })
    }
}

/// The qualifiers of `f`'s provisioned configs still `IN_PROGRESS`.
fn unsettled_of(f: &crate::function::Function) -> impl Iterator<Item = String> + '_ {
    f.provisioned.iter().filter_map(|(t, c)| {
        if c.status != ProvisionedStatus::InProgress {
            return None;
        }
        match t {
            PolicyTarget::Version(n) => Some(n.to_string()),
            PolicyTarget::Alias(a) => Some(a.to_string()),
            PolicyTarget::Function => None,
        }
    })
}
