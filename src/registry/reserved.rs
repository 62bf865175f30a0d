//! PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency
//! (R115–R122) with the account's limits, and keeping the resolver's admission gates in
//! step with reservations and provisioned configs.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::checks::validated;
use super::concurrency::FUNCTIONS_ONLY;
use super::control::Registry;
use crate::error::Error;
use crate::names::FunctionName;
use crate::resolver::Gates;
use crate::validate::{NamePattern, Violations};

/// `PutFunctionConcurrency` (R115); the body deserializes into it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct PutFunctionConcurrencyRequest {
    /// `FunctionName` (from the path): unqualified.
    #[serde(skip)]
    pub function_name: String,
    /// `ReservedConcurrentExecutions` (≥ 0, required).
    pub reserved_concurrent_executions: Option<i64>,
}

impl PutFunctionConcurrencyRequest {
    /// Reserves `n` executions for `function_name`.
    pub fn new(function_name: impl Into<String>, n: i64) -> Self {
        PutFunctionConcurrencyRequest {
            function_name: function_name.into(),
            reserved_concurrent_executions: Some(n),
        }
    }
}

/// `{"ReservedConcurrentExecutions": n}`, or `{}` when none is set (R115).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FunctionConcurrency {
    /// `ReservedConcurrentExecutions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved_concurrent_executions: Option<u32>,
}

impl Registry {
    /// The function of an unqualified reserved-concurrency request (R116, R117, Q36).
    fn reserved_target(
        &self,
        v: Violations,
        function_name: &str,
        missing_suffix: bool,
    ) -> Result<FunctionName, Error> {
        let mut v = v;
        let fref = Self::check_function_name(&mut v, function_name, NamePattern::Classic);
        v.finish()?;
        let fref = validated(fref)?;
        self.check_region(&fref)?;
        if fref.qualifier().is_some() {
            return Err(Error::invalid_parameter(FUNCTIONS_ONLY));
        }
        match self.lookup(&fref) {
            Some(f) => Ok(f.name.clone()),
            None if missing_suffix => Err(self.qualified_not_found(&fref, "$LATEST")),
            None => Err(self.function_not_found(&fref)),
        }
    }

    /// `PutFunctionConcurrency` (R115–R120): 0 is always accepted and throttles every
    /// invocation (R119).
    ///
    /// # Errors
    ///
    /// `ValidationException` for a missing or negative value; `InvalidParameterValueException`
    /// for a qualified name (R116), a value below the function's provisioned total (R120)
    /// or one that leaves the account below its unreserved minimum (R118);
    /// `ResourceNotFoundException` `Function not found: {arn}:$LATEST` (R117).
    pub fn put_function_concurrency(
        &mut self,
        req: PutFunctionConcurrencyRequest,
    ) -> Result<FunctionConcurrency, Error> {
        let mut v = Violations::new();
        v.check_required_range(
            req.reserved_concurrent_executions,
            "reservedConcurrentExecutions",
            0,
            i64::from(i32::MAX),
        );
        let key = self.reserved_target(v, &req.function_name, true)?;
        let n = validated(
            req.reserved_concurrent_executions
                .and_then(|n| u32::try_from(n).ok()),
        )?;
        let f = self
            .functions
            .get(&key)
            .ok_or_else(|| Error::not_found("function vanished"))?;
        let provisioned: u64 = f.provisioned.values().map(|c| u64::from(c.requested)).sum();
        // R120 holds for 0 too: provisioned capacity always fits in the reservation.
        if u64::from(n) < provisioned {
            return Err(Error::invalid_parameter(format!(
                " ReservedConcurrentExecutions  {n} should not be lower than function's total provisioned concurrency [{provisioned}]."
            ))
            .without_fault_type());
        }
        // R119: 0 is accepted whatever the account's limits.
        if n > 0 {
            let others = self.total_reserved(Some(&key)) + self.unreserved_provisioned(None)
                - if f.reserved_concurrency.is_none() {
                    provisioned
                } else {
                    0
                };
            let left = i128::from(self.concurrency.limit) - i128::from(others) - i128::from(n);
            if left < i128::from(self.concurrency.minimum_unreserved) {
                return Err(Error::invalid_parameter(format!(
                    "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{}].",
                    self.concurrency.minimum_unreserved
                ))
                .without_fault_type());
            }
        }
        if let Some(f) = self.functions.get_mut(&key) {
            f.reserved_concurrency = Some(n);
        }
        self.refresh_admission(&key);
        Ok(FunctionConcurrency {
            reserved_concurrent_executions: Some(n),
        })
    }

    /// `GetFunctionConcurrency` (R115): `{}` when no reservation is set.
    ///
    /// # Errors
    ///
    /// `InvalidParameterValueException` for a qualified name, `ResourceNotFoundException`
    /// `Function not found: {arn}` for a missing function (Q36).
    pub fn get_function_concurrency(
        &self,
        function_name: &str,
    ) -> Result<FunctionConcurrency, Error> {
        let key = self.reserved_target(Violations::new(), function_name, false)?;
        Ok(FunctionConcurrency {
            reserved_concurrent_executions: self
                .functions
                .get(&key)
                .and_then(|f| f.reserved_concurrency),
        })
    }

    /// `DeleteFunctionConcurrency` (204; also without a reservation, Q36).
    ///
    /// # Errors
    ///
    /// As [`Registry::get_function_concurrency`].
    pub fn delete_function_concurrency(&mut self, function_name: &str) -> Result<(), Error> {
        let key = self.reserved_target(Violations::new(), function_name, false)?;
        if let Some(f) = self.functions.get_mut(&key) {
            f.reserved_concurrency = None;
        }
        self.refresh_admission(&key);
        Ok(())
    }

    /// Brings the resolver's admission gates of function `key` (and the account's pool) in
    /// line with its reservation and provisioned configs. Called after every change that
    /// moves them: concurrency operations, alias re-points and deletes, version deletes.
    pub(crate) fn refresh_admission(&self, key: &FunctionName) {
        if let Some(f) = self.functions.get(key) {
            let mut provisioned: Vec<(u64, Arc<crate::resolver::Gate>)> = Vec::new();
            for (target, c) in &f.provisioned {
                c.gate.set_capacity(c.allocated);
                if let Some(v) = Self::served_version(f, target) {
                    provisioned.push((v, Arc::clone(&c.gate)));
                }
            }
            let total: u32 = f
                .provisioned
                .values()
                .map(|c| c.requested)
                .fold(0, u32::saturating_add);
            let gates = Gates {
                reserved: f.reserved_concurrency.is_some(),
                provisioned: provisioned.into_boxed_slice(),
            };
            let on_demand = f
                .reserved_concurrency
                .map_or(0, |r| r.saturating_sub(total));
            self.resolver.set_admission(key, gates, on_demand);
        }
        let used = self.total_reserved(None) + self.unreserved_provisioned(None);
        let pool = u64::from(self.concurrency.limit).saturating_sub(used);
        self.resolver
            .set_account_capacity(u32::try_from(pool).unwrap_or(u32::MAX));
    }
}
