//! Handles: resolution through one alias's route slot, with no lookup at all.

use std::sync::Arc;

use rand::SeedableRng as _;
use rand::rngs::SmallRng;

use arc_swap::{ArcSwap, Cache};

use super::{
    AdmitError, Admitted, AliasSlot, FunctionAdmission, Gates, ResolveError, sticky_point,
};
use crate::arn::FunctionArn;
use crate::error::Error;
use crate::names::Version;
use crate::routing::RouteReason;

/// A handle on one alias: resolves with no map lookup (one read of the alias's route
/// slot and one draw). `Send + Sync`, cheap to clone.
#[derive(Clone, Debug)]
pub struct AliasHandle {
    slot: Arc<AliasSlot>,
    arn: FunctionArn,
    admission: Arc<FunctionAdmission>,
}

impl AliasHandle {
    pub(super) fn new(
        slot: Arc<AliasSlot>,
        arn: FunctionArn,
        admission: Arc<FunctionAdmission>,
    ) -> AliasHandle {
        AliasHandle {
            slot,
            arn,
            admission,
        }
    }

    /// Resolves one invocation and admits it (docs/rules-concurrency.md, R110, R119,
    /// R121): the provisioned capacity of the version that runs, then the function's
    /// reserved or the account's unreserved capacity. Hold the permit while the
    /// invocation runs.
    ///
    /// # Errors
    ///
    /// [`AdmitError::Throttled`] when no capacity is free (the service's
    /// `TooManyRequestsException`), [`AdmitError::Resolve`] once the alias is gone.
    #[inline]
    pub fn admit<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> Result<Admitted<'_>, AdmitError> {
        let resolution = self.resolve(rng).map_err(AdmitError::Resolve)?;
        let permit = self
            .admission
            .admit(resolution.executed_version())
            .ok_or(AdmitError::Throttled)?;
        Ok(Admitted::new(
            resolution.executed_version(),
            resolution.reason(),
            permit,
        ))
    }

    /// Which version runs for one invocation through the alias.
    ///
    /// # Errors
    ///
    /// [`ResolveError::AliasGone`] once the alias's deletion is visible.
    #[inline(always)]
    pub fn resolve<R: rand::Rng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<HandleResolution, ResolveError> {
        match self.slot.pick(|| rng.next_u64() >> 1) {
            Some((v, additional)) => Ok(HandleResolution::new(v, additional)),
            None => Err(ResolveError::AliasGone),
        }
    }

    /// Sticky resolution by `key` (see [`Resolver::resolve_sticky`](super::Resolver::resolve_sticky)).
    ///
    /// # Errors
    ///
    /// [`ResolveError::AliasGone`] once the alias's deletion is visible.
    pub fn resolve_sticky(&self, key: &[u8]) -> Result<HandleResolution, ResolveError> {
        let point = sticky_point(self.slot.salt(), key);
        match self.slot.pick(|| point >> 1) {
            Some((v, additional)) => Ok(HandleResolution::new(v, additional)),
            None => Err(ResolveError::AliasGone),
        }
    }

    /// The alias ARN: the invoked ARN of every call through this handle.
    pub fn invoked_arn(&self) -> &FunctionArn {
        &self.arn
    }

    /// The service's error for a call through a deleted alias:
    /// `Function not found: {alias arn}` (R65).
    pub fn gone_error(&self) -> Error {
        Error::not_found(format!("Function not found: {}", self.arn))
    }

    /// Whether the alias has been deleted.
    pub fn is_gone(&self) -> bool {
        self.slot.is_gone()
    }

    /// This handle with its own fast generator, for one thread's hottest loop.
    pub fn with_local_rng(self, seed: u64) -> LocalAliasHandle {
        LocalAliasHandle {
            gates: Cache::new(Arc::clone(&self.admission.gates)),
            handle: self,
            rng: SmallRng::seed_from_u64(seed),
        }
    }
}

/// The result of resolving through a handle: `Copy`, no borrow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandleResolution {
    executed_version: Version,
    reason: RouteReason,
}

impl HandleResolution {
    fn new(executed_version: Version, additional: bool) -> Self {
        HandleResolution {
            executed_version,
            reason: if additional {
                RouteReason::AliasAdditional
            } else {
                RouteReason::AliasPrimary
            },
        }
    }

    /// `ExecutedVersion`.
    pub fn executed_version(&self) -> Version {
        self.executed_version
    }

    /// [`RouteReason::AliasPrimary`] or [`RouteReason::AliasAdditional`].
    pub fn reason(&self) -> RouteReason {
        self.reason
    }
}

/// An [`AliasHandle`] with an owned `SmallRng` (and a cache of its function's admission
/// gates): the fastest path, for one thread's loop.
pub struct LocalAliasHandle {
    handle: AliasHandle,
    rng: SmallRng,
    gates: Cache<Arc<ArcSwap<Gates>>, Arc<Gates>>,
}

impl std::fmt::Debug for LocalAliasHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalAliasHandle")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl LocalAliasHandle {
    /// Which version runs for one invocation through the alias.
    ///
    /// # Errors
    ///
    /// [`ResolveError::AliasGone`] once the alias's deletion is visible.
    #[inline]
    pub fn resolve(&mut self) -> Result<HandleResolution, ResolveError> {
        self.handle.resolve(&mut self.rng)
    }

    /// As [`AliasHandle::admit`], with this handle's generator.
    ///
    /// # Errors
    ///
    /// As [`AliasHandle::admit`].
    #[inline]
    pub fn admit(&mut self) -> Result<Admitted<'_>, AdmitError> {
        let resolution = self
            .handle
            .resolve(&mut self.rng)
            .map_err(AdmitError::Resolve)?;
        let version = resolution.executed_version();
        let gates = self.gates.load();
        let permit = self
            .handle
            .admission
            .admit_with(gates, version)
            .ok_or(AdmitError::Throttled)?;
        Ok(Admitted::new(version, resolution.reason(), permit))
    }

    /// The underlying shared handle.
    pub fn handle(&self) -> &AliasHandle {
        &self.handle
    }
}
