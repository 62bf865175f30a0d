//! Admission: whether an invocation may start, against the capacity the service would
//! give it (docs/rules-bound.md is silent here; see docs/rules-concurrency.md, R110, R119,
//! R121) — the provisioned concurrency of the version that runs, then the function's
//! reserved concurrency or the account's unreserved pool. Lock-free counters; a permit
//! releases its unit when dropped.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use arc_swap::ArcSwap;

use crate::names::Version;

/// A counted capacity: `in_use` never exceeds `capacity` through [`Gate::try_acquire`].
#[derive(Debug, Default)]
pub(crate) struct Gate {
    capacity: AtomicU32,
    in_use: AtomicU32,
}

impl Gate {
    pub(crate) fn new(capacity: u32) -> Gate {
        Gate {
            capacity: AtomicU32::new(capacity),
            in_use: AtomicU32::new(0),
        }
    }

    /// Sets the capacity; permits already out stay out.
    pub(crate) fn set_capacity(&self, capacity: u32) {
        self.capacity.store(capacity, Ordering::Relaxed);
    }

    pub(crate) fn capacity(&self) -> u32 {
        self.capacity.load(Ordering::Relaxed)
    }

    pub(crate) fn in_use(&self) -> u32 {
        self.in_use.load(Ordering::Relaxed)
    }

    /// Takes one unit if one is free.
    #[inline]
    fn try_acquire(&self) -> bool {
        let capacity = self.capacity.load(Ordering::Relaxed);
        let mut current = self.in_use.load(Ordering::Relaxed);
        loop {
            if current >= capacity {
                return false;
            }
            match self.in_use.compare_exchange_weak(
                current,
                current + 1,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => current = now,
            }
        }
    }

    #[inline]
    fn release(&self) {
        self.in_use.fetch_sub(1, Ordering::Release);
    }
}

/// The provisioned capacity of one function, by the version that runs, and whether the
/// function has reserved concurrency (then on-demand runs come out of its own pool).
#[derive(Debug, Default)]
pub(crate) struct Gates {
    pub(crate) reserved: bool,
    /// (version number, the provisioned gate serving it).
    pub(crate) provisioned: Box<[(u64, Arc<Gate>)]>,
}

/// One function's admission state, shared by the resolver's index and every handle.
#[derive(Debug)]
pub(crate) struct FunctionAdmission {
    pub(crate) gates: Arc<ArcSwap<Gates>>,
    /// Whether `gates` hold neither a reservation nor a provisioned config (set after
    /// each store of `gates`): the common case, decided without loading them.
    unreserved_only: AtomicBool,
    /// The function's reserved pool left for on-demand runs (reserved minus provisioned).
    pub(crate) on_demand: Gate,
    /// The account's unreserved pool.
    pub(crate) account: Arc<Gate>,
}

impl FunctionAdmission {
    pub(crate) fn new(account: Arc<Gate>) -> FunctionAdmission {
        FunctionAdmission {
            gates: Arc::new(ArcSwap::from_pointee(Gates::default())),
            unreserved_only: AtomicBool::new(true),
            on_demand: Gate::new(0),
            account,
        }
    }

    /// Admits one run of `version`: its provisioned capacity first, then the on-demand
    /// pool (reserved, or the account's unreserved). The permit borrows this state.
    #[inline]
    pub(crate) fn admit(&self, version: Version) -> Option<AdmissionPermit<'_>> {
        let gates = self.gates.load();
        self.admit_with(&gates, version)
    }

    /// As [`FunctionAdmission::admit`], with the gates already loaded.
    #[inline]
    pub(crate) fn admit_with(
        &self,
        gates: &Gates,
        version: Version,
    ) -> Option<AdmissionPermit<'_>> {
        if let Some(permit) = provisioned(gates, version) {
            return Some(permit);
        }
        let (gate, kind) = if gates.reserved {
            (&self.on_demand, CapacityKind::Reserved)
        } else {
            (&*self.account, CapacityKind::Unreserved)
        };
        // `then`, not `then_some`: a permit built for a refused unit would give back a
        // unit it never took when dropped.
        gate.try_acquire().then(|| AdmissionPermit {
            held: Held::Borrowed(gate, kind),
        })
    }

    /// As [`FunctionAdmission::admit`], for a caller that does not keep this state alive:
    /// the permit holds it.
    pub(crate) fn admit_owned(
        self: &Arc<Self>,
        version: Version,
    ) -> Option<AdmissionPermit<'static>> {
        let gates = self.gates.load();
        if let Some(permit) = provisioned(&gates, version) {
            return Some(permit);
        }
        if gates.reserved {
            self.on_demand.try_acquire().then(|| AdmissionPermit {
                held: Held::Reserved(Arc::clone(self)),
            })
        } else {
            self.account.try_acquire().then(|| AdmissionPermit {
                held: Held::Unreserved(Arc::clone(&self.account)),
            })
        }
    }
}

/// A unit of the provisioned capacity serving `version`, if it has any free.
#[inline]
fn provisioned(gates: &Gates, version: Version) -> Option<AdmissionPermit<'static>> {
    let Version::Published(n) = version else {
        return None;
    };
    let (_, gate) = gates.provisioned.iter().find(|(v, _)| *v == n.get())?;
    gate.try_acquire().then(|| AdmissionPermit {
        held: Held::Provisioned(Arc::clone(gate)),
    })
}

/// Which capacity an admitted invocation runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CapacityKind {
    /// A provisioned-concurrency environment of the version that runs
    /// (`AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency`).
    Provisioned,
    /// The function's reserved concurrency (on-demand).
    Reserved,
    /// The account's unreserved concurrency (on-demand).
    Unreserved,
}

enum Held<'a> {
    Provisioned(Arc<Gate>),
    Reserved(Arc<FunctionAdmission>),
    Unreserved(Arc<Gate>),
    /// A unit of a gate the handle keeps alive (no reference count touched).
    Borrowed(&'a Gate, CapacityKind),
}

/// One admitted invocation: holds one unit of capacity until dropped. Hold it for as long
/// as the invocation runs. A permit from a handle borrows the handle (`'a`); one from
/// [`Resolver::admit`](super::Resolver::admit) is `'static`.
pub struct AdmissionPermit<'a> {
    held: Held<'a>,
}

impl AdmissionPermit<'_> {
    /// Which capacity the invocation runs on.
    pub fn kind(&self) -> CapacityKind {
        match self.held {
            Held::Provisioned(_) => CapacityKind::Provisioned,
            Held::Reserved(_) => CapacityKind::Reserved,
            Held::Unreserved(_) => CapacityKind::Unreserved,
            Held::Borrowed(_, kind) => kind,
        }
    }
}

impl fmt::Debug for AdmissionPermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdmissionPermit")
            .field("kind", &self.kind())
            .finish()
    }
}

impl Drop for AdmissionPermit<'_> {
    #[inline]
    fn drop(&mut self) {
        match &self.held {
            Held::Provisioned(g) | Held::Unreserved(g) => g.release(),
            Held::Reserved(f) => f.on_demand.release(),
            Held::Borrowed(g, _) => g.release(),
        }
    }
}

/// Why an invocation was not admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AdmitError {
    /// No capacity is free: the service's `TooManyRequestsException` (429, `Rate
    /// Exceeded.`, reason `ReservedFunctionConcurrentInvocationLimitExceeded`).
    Throttled,
    /// Nothing to run: the function, version or alias does not exist.
    Resolve(super::ResolveError),
}

impl fmt::Display for AdmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdmitError::Throttled => f.write_str("throttled: no concurrency is free"),
            AdmitError::Resolve(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for AdmitError {}

impl AdmitError {
    /// The service's error for this refusal (`function` a bare name).
    pub fn into_error(
        self,
        resolver: &super::Resolver,
        function: &str,
        qualifier: Option<&str>,
    ) -> crate::Error {
        match self {
            AdmitError::Throttled => crate::Error::throttled(),
            AdmitError::Resolve(e) => e.into_error(resolver, function, qualifier),
        }
    }
}

/// An admitted invocation: the version that runs, why, and the permit to hold while it
/// runs.
#[derive(Debug)]
pub struct Admitted<'a> {
    executed_version: Version,
    reason: crate::routing::RouteReason,
    permit: AdmissionPermit<'a>,
}

impl<'a> Admitted<'a> {
    pub(super) fn new(
        executed_version: Version,
        reason: crate::routing::RouteReason,
        permit: AdmissionPermit<'a>,
    ) -> Admitted<'a> {
        Admitted {
            executed_version,
            reason,
            permit,
        }
    }

    /// `ExecutedVersion`.
    pub fn executed_version(&self) -> Version {
        self.executed_version
    }

    /// Why this version.
    pub fn reason(&self) -> crate::routing::RouteReason {
        self.reason
    }

    /// The capacity held.
    pub fn permit(&self) -> &AdmissionPermit<'a> {
        &self.permit
    }

    /// The permit alone (drop it when the invocation ends).
    pub fn into_permit(self) -> AdmissionPermit<'a> {
        self.permit
    }
}

impl super::Resolver {
    /// Resolves one invocation of `function` (a bare name) with `qualifier` and admits it
    /// (see [`AliasHandle::admit`](super::AliasHandle::admit)).
    ///
    /// # Errors
    ///
    /// [`AdmitError::Resolve`] when nothing is found, [`AdmitError::Throttled`] when no
    /// capacity is free.
    pub fn admit<R: rand::Rng + ?Sized>(
        &self,
        function: &str,
        qualifier: Option<&str>,
        rng: &mut R,
    ) -> Result<Admitted<'static>, AdmitError> {
        let resolution = self
            .resolve(function, qualifier, rng)
            .map_err(AdmitError::Resolve)?;
        let (version, reason) = (resolution.executed_version(), resolution.reason());
        let permit = self.admit_version(function, version)?;
        Ok(Admitted::new(version, reason, permit))
    }

    /// Admits one run of `version` of `function`, for a caller that chose the version
    /// itself.
    ///
    /// # Errors
    ///
    /// [`AdmitError::Resolve`] for a missing function, [`AdmitError::Throttled`] when no
    /// capacity is free.
    pub fn admit_version(
        &self,
        function: &str,
        version: Version,
    ) -> Result<AdmissionPermit<'static>, AdmitError> {
        let admission = self
            .function_admission(function)
            .ok_or(AdmitError::Resolve(super::ResolveError::FunctionNotFound))?;
        admission.admit_owned(version).ok_or(AdmitError::Throttled)
    }

    #[cfg(feature = "wire")]
    /// As [`Resolver::admit_version`], for a caller that is done with the permit while it
    /// still borrows this resolver (a server answering one request): an invocation on
    /// the account's unreserved capacity — the common case — clones no reference-counted
    /// pointer, so request threads share no counter but the pool's own.
    pub(crate) fn admit_version_borrowed(
        &self,
        function: &str,
        version: Version,
    ) -> Result<AdmissionPermit<'_>, AdmitError> {
        /// Which capacity the function's gates send this run to.
        enum Capacity {
            Provisioned(AdmissionPermit<'static>),
            Reserved,
            Unreserved,
        }
        let capacity = self.with_function_admission(function, |admission| {
            if admission.unreserved_only.load(Ordering::Acquire) {
                return Capacity::Unreserved;
            }
            let gates = admission.gates.load();
            match provisioned(&gates, version) {
                Some(permit) => Capacity::Provisioned(permit),
                None if gates.reserved => Capacity::Reserved,
                None => Capacity::Unreserved,
            }
        });
        match capacity {
            None => Err(AdmitError::Resolve(super::ResolveError::FunctionNotFound)),
            Some(Capacity::Provisioned(permit)) => Ok(permit),
            // The function's own gate lives in its entry: take the owned path.
            Some(Capacity::Reserved) => self.admit_version(function, version),
            Some(Capacity::Unreserved) => {
                let account = &*self.shared.account;
                account
                    .try_acquire()
                    .then(|| AdmissionPermit {
                        held: Held::Borrowed(account, CapacityKind::Unreserved),
                    })
                    .ok_or(AdmitError::Throttled)
            }
        }
    }

    /// How many invocations hold a unit of the account's unreserved pool now.
    pub fn unreserved_in_use(&self) -> u32 {
        self.shared.account.in_use()
    }

    /// The account's unreserved pool: its limit minus every reservation and every
    /// provisioned config of functions without one.
    pub fn unreserved_capacity(&self) -> u32 {
        self.shared.account.capacity()
    }

    pub(crate) fn set_account_capacity(&self, capacity: u32) {
        self.shared.account.set_capacity(capacity);
    }

    pub(crate) fn set_admission(
        &self,
        function: &crate::names::FunctionName,
        gates: Gates,
        on_demand: u32,
    ) {
        if let Some(admission) = self.function_admission(function.as_str()) {
            admission.on_demand.set_capacity(on_demand);
            let unreserved_only = !gates.reserved && gates.provisioned.is_empty();
            admission.gates.store(Arc::new(gates));
            // After the gates: a reader that sees the flag change sees them too. Stores
            // for one function do not race: only the registry's changes (under its
            // `&mut`) call this.
            admission
                .unreserved_only
                .store(unreserved_only, Ordering::Release);
        }
    }
}

/// The borrowed admission path is the wire layer's, so these tests need the feature.
#[cfg(all(test, feature = "wire"))]
mod tests {
    use std::sync::Arc;

    use super::{AdmitError, CapacityKind, Gate, Gates};
    use crate::names::{AccountId, FunctionName, Partition, Region, Version, VersionNumber};
    use crate::resolver::Resolver;

    /// A resolver with function `open` (one provisioned unit on version 1, the
    /// account's pool otherwise) and `reserved` (one reserved unit), and 10 units in the
    /// account's unreserved pool.
    fn resolver() -> Resolver {
        let account: AccountId = "123456789012".parse().expect("account");
        let resolver = Resolver::new(Partition::AWS, Region::US_EAST_1, account);
        resolver.set_account_capacity(10);
        for name in ["open", "reserved"] {
            let name: FunctionName = name.parse().expect("name");
            resolver.function_created(&name, &[VersionNumber::ONE]);
        }
        let provisioned = Gates {
            reserved: false,
            provisioned: Box::new([(1, Arc::new(Gate::new(1)))]),
        };
        resolver.set_admission(&"open".parse().expect("name"), provisioned, 0);
        let reserved = Gates {
            reserved: true,
            provisioned: Box::new([]),
        };
        resolver.set_admission(&"reserved".parse().expect("name"), reserved, 1);
        resolver
    }

    /// R119, R121: the borrowed path admits exactly as the owned one — provisioned
    /// capacity of the version first, then reserved or unreserved — and gives each unit
    /// back when the permit drops.
    #[test]
    fn r119_r121_borrowed_admission_matches_owned_admission() {
        let resolver = resolver();
        let one = Version::Published(VersionNumber::ONE);
        let unreserved = resolver.unreserved_capacity();
        assert_eq!(unreserved, 10);

        let provisioned = resolver
            .admit_version_borrowed("open", one)
            .expect("provisioned");
        assert_eq!(provisioned.kind(), CapacityKind::Provisioned);
        let mut held = Vec::new();
        for _ in 0..unreserved {
            let permit = resolver
                .admit_version_borrowed("open", Version::Latest)
                .expect("unreserved");
            assert_eq!(permit.kind(), CapacityKind::Unreserved);
            held.push(permit);
        }
        assert_eq!(resolver.unreserved_in_use(), unreserved);
        assert!(matches!(
            resolver.admit_version_borrowed("open", one),
            Err(AdmitError::Throttled)
        ));
        assert_eq!(resolver.unreserved_in_use(), unreserved);
        assert!(matches!(
            resolver.admit_version("open", one),
            Err(AdmitError::Throttled)
        ));
        held.pop();
        assert_eq!(resolver.unreserved_in_use(), unreserved - 1);
        let again = resolver
            .admit_version_borrowed("open", Version::Latest)
            .expect("freed");
        assert_eq!(again.kind(), CapacityKind::Unreserved);
        drop((again, held, provisioned));
        assert_eq!(resolver.unreserved_in_use(), 0);

        let reserved = resolver
            .admit_version_borrowed("reserved", Version::Latest)
            .expect("reserved");
        assert_eq!(reserved.kind(), CapacityKind::Reserved);
        assert!(matches!(
            resolver.admit_version_borrowed("reserved", Version::Latest),
            Err(AdmitError::Throttled)
        ));
        drop(reserved);
        assert!(resolver.admit_version_borrowed("reserved", one).is_ok());
        assert!(matches!(
            resolver.admit_version_borrowed("missing", one),
            Err(AdmitError::Resolve(
                crate::resolver::ResolveError::FunctionNotFound
            ))
        ));
        assert_eq!(resolver.unreserved_in_use(), 0);
    }

    /// R119, R121: a function's gates changing back and forth are followed by the
    /// borrowed path: reserved units while it has a reservation, the account's pool
    /// before and after, provisioned units while it has a config.
    #[test]
    fn r119_r121_borrowed_admission_follows_changed_gates() {
        let resolver = resolver();
        let name: FunctionName = "plain".parse().expect("name");
        resolver.function_created(&name, &[VersionNumber::ONE]);
        let one = Version::Published(VersionNumber::ONE);
        let kind = |version| {
            resolver
                .admit_version_borrowed("plain", version)
                .map(|permit| permit.kind())
        };
        assert_eq!(kind(one), Ok(CapacityKind::Unreserved));
        let reserved = Gates {
            reserved: true,
            provisioned: Box::new([]),
        };
        resolver.set_admission(&name, reserved, 0);
        assert!(matches!(kind(one), Err(AdmitError::Throttled)));
        resolver.set_admission(&name, Gates::default(), 0);
        assert_eq!(kind(one), Ok(CapacityKind::Unreserved));
        let provisioned = Gates {
            reserved: false,
            provisioned: Box::new([(1, Arc::new(Gate::new(1)))]),
        };
        resolver.set_admission(&name, provisioned, 0);
        assert_eq!(kind(one), Ok(CapacityKind::Provisioned));
        assert_eq!(kind(Version::Latest), Ok(CapacityKind::Unreserved));
        resolver.set_admission(&name, Gates::default(), 0);
        assert_eq!(kind(one), Ok(CapacityKind::Unreserved));
        assert_eq!(resolver.unreserved_in_use(), 0);
    }
}
