//! Which version an invocation runs, as the control plane answers it (R64–R68): the
//! qualifier resolved inside the function with full validation. The lock-free answer for
//! the hot path is the resolver's.

#[cfg(feature = "wire")]
use std::borrow::Cow;

use super::control::Registry;
use super::{InvokeRequest, InvokeTarget};
use crate::arn::{FunctionArn, FunctionRef};
use crate::error::Error;
use crate::function::Function;
use crate::names::{Qualifier, Version};
use crate::routing::{AliasRouting, RouteReason, pick_cumulative};
use crate::status::State;
use crate::validate::Violations;

/// The refusal of an invocation whose version is not ready: the service's documented
/// answer for a function in `Pending` state (docs/decisions.md), used for every state
/// but `Active`. For the control plane's own resolution and for a caller that asked the
/// resolver which version runs.
pub(crate) fn check_invocable(f: &Function, version: Version) -> Result<(), Error> {
    let state = match version {
        Version::Latest => Some(f.latest.status.state),
        Version::Published(n) => f.versions.get(&n).map(|v| v.status.state),
    };
    match state {
        Some(state) if state != State::Active => Err(Error::conflict(format!(
            "The operation cannot be performed at this time. The function is currently in the following state: {state}"
        ))),
        _ => Ok(()),
    }
}

/// What a qualifier resolved to inside one function.
pub(super) struct Resolved {
    pub(super) primary: Version,
    pub(super) routing: Option<AliasRouting>,
    pub(super) arn: FunctionArn,
    pub(super) reason: RouteReason,
}

impl Registry {
    /// Which version an `Invoke` runs and under which ARN (R64–R68), drawing the weighted
    /// choice of an alias from `rng` (R55). Unqualified means `$LATEST` (R15).
    ///
    /// This is the control plane's answer, with full validation; the lock-free fast path
    /// for the invoke hot path is the resolver.
    ///
    /// # Errors
    ///
    /// As [`Registry::get_function_configuration`], except that a missing function called
    /// without a qualifier is reported as `Function not found: {arn}:$LATEST` (R65).
    pub fn invoke_target<R: rand::Rng + ?Sized>(
        &self,
        req: InvokeRequest,
        rng: &mut R,
    ) -> Result<InvokeTarget, Error> {
        let (fref, qualifier) = self.qualified_target(
            Violations::new(),
            &req.function_name,
            req.qualifier.as_deref(),
        )?;
        let qualifier = qualifier.as_deref();
        let Some(f) = self.lookup(&fref) else {
            return Err(self.qualified_not_found(&fref, qualifier.unwrap_or("$LATEST")));
        };
        let resolved = self.resolve_in(f, &fref, qualifier)?;
        let picked = resolved
            .routing
            .and_then(|r| pick_cumulative(&r.cumulative(), || rng.next_u64() >> 1));
        let (executed_version, reason) = match picked {
            Some(n) => (Version::Published(n), RouteReason::AliasAdditional),
            None => (resolved.primary, resolved.reason),
        };
        check_invocable(f, executed_version)?;
        Ok(InvokeTarget {
            executed_version,
            invoked_arn: resolved.arn,
            reason,
        })
    }

    /// The checks of `Invoke` up to the function's existence (R93, R7, R6, lookup): the
    /// function's name and the effective qualifier, for a caller that then asks the
    /// resolver which version runs. Anything else is the registry's error.
    #[cfg(feature = "wire")]
    pub(crate) fn invoke_route<'q>(
        &self,
        function_name: &str,
        qualifier: Option<&'q str>,
    ) -> Result<(&Function, Option<Cow<'q, str>>), Error> {
        if let Some(f) = self.stored_function(function_name, |_, v| {
            Self::check_qualifier_param(v, qualifier)
        }) {
            return Ok((f, qualifier.map(Cow::Borrowed)));
        }
        let (fref, qualifier) =
            self.qualified_target_borrowed(Violations::new(), function_name, qualifier)?;
        match self.lookup(&fref) {
            Some(f) => Ok((f, qualifier)),
            None => Err(self.qualified_not_found(&fref, qualifier.as_deref().unwrap_or("$LATEST"))),
        }
    }

    /// Resolves `qualifier` inside `f`: the version it names (an alias's primary), its
    /// routing, and the ARN the caller used.
    pub(super) fn resolve_in(
        &self,
        f: &Function,
        fref: &FunctionRef,
        qualifier: Option<&str>,
    ) -> Result<Resolved, Error> {
        let Some(q) = qualifier else {
            return Ok(Resolved {
                primary: Version::Latest,
                routing: None,
                arn: f.arn.clone(),
                reason: RouteReason::Unqualified,
            });
        };
        let not_found = || self.qualified_not_found(fref, q);
        match q.parse::<Qualifier>().map_err(|_| not_found())? {
            Qualifier::Latest => Ok(Resolved {
                primary: Version::Latest,
                routing: None,
                arn: f.arn.with_qualifier(Qualifier::Latest),
                reason: RouteReason::Latest,
            }),
            Qualifier::Version(n) if f.versions.contains_key(&n) => Ok(Resolved {
                primary: Version::Published(n),
                routing: None,
                arn: f.arn.with_qualifier(n),
                reason: RouteReason::DirectVersion,
            }),
            Qualifier::Version(_) => Err(not_found()),
            Qualifier::Alias(name) => {
                let alias = f.aliases.get(&name).ok_or_else(not_found)?;
                Ok(Resolved {
                    primary: alias.primary,
                    routing: alias.routing,
                    arn: f.arn.with_qualifier(name),
                    reason: RouteReason::AliasPrimary,
                })
            }
        }
    }
}
