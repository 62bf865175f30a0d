//! The data plane: which version runs for an invocation, answered without locks.
//!
//! A [`Resolver`] is a cheap, `Send + Sync` view that the [`Registry`](crate::Registry)
//! keeps current: every mutation that changes routing is visible to every resolve that
//! starts after the mutation returns.
//!
//! The type-level documentation of [`Resolver`] describes the structure, handles,
//! per-thread caches and randomness.

mod admission;
mod handle;
mod index;
mod memo;
mod route;
mod sticky;
mod write;

use std::fmt;
use std::sync::Arc;

pub use admission::{AdmissionPermit, AdmitError, Admitted, CapacityKind};
pub(crate) use admission::{FunctionAdmission, Gate, Gates};
pub use handle::{AliasHandle, HandleResolution, LocalAliasHandle};
use index::{AliasSlot, ArnBase, FAST_RNG, Index, LOCAL_SHARDS, Shard, Shared, shard_of};
pub(crate) use route::Route;
pub use sticky::{alias_salt, sticky_point};

use crate::arn::FunctionArn;
use crate::error::Error;
use crate::names::{AliasName, FunctionName, Qualifier, Version, VersionNumber};
use crate::routing::RouteReason;

/// Why a resolution failed. Small and `Copy`: the failure path allocates nothing; the
/// service's message is built on demand by [`ResolveError::into_error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResolveError {
    /// No such function.
    FunctionNotFound,
    /// The function exists but the qualifier names no version or alias.
    QualifierNotFound,
    /// The handle's alias was deleted.
    AliasGone,
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResolveError::FunctionNotFound => "function not found",
            ResolveError::QualifierNotFound => "qualifier not found",
            ResolveError::AliasGone => "alias deleted",
        })
    }
}

impl std::error::Error for ResolveError {}

impl ResolveError {
    /// The service's error for this failure of `resolver.resolve(function, qualifier, …)`
    /// (R65): `ResourceNotFoundException` `Function not found: {arn}:{qualifier}`, with
    /// `$LATEST` for an unqualified call. Built on demand; the hot path never formats.
    pub fn into_error(self, resolver: &Resolver, function: &str, qualifier: Option<&str>) -> Error {
        let base = &resolver.shared.base;
        Error::not_found(format!(
            "Function not found: arn:{}:lambda:{}:{}:function:{function}:{}",
            base.partition,
            base.region,
            base.account,
            qualifier.unwrap_or(Version::LATEST_STR)
        ))
    }
}

/// Which version runs for one invocation, why, and the ARN the caller used (R64–R68).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolution<'a> {
    executed_version: Version,
    reason: RouteReason,
    function: &'a str,
    qualifier: Option<&'a str>,
    base: &'a ArnBase,
}

impl Resolution<'_> {
    /// `ExecutedVersion`.
    pub fn executed_version(&self) -> Version {
        self.executed_version
    }

    /// Why this version was chosen.
    pub fn reason(&self) -> RouteReason {
        self.reason
    }

    /// The invoked ARN: the unqualified function ARN for an unqualified call, otherwise
    /// the ARN qualified the way the caller qualified it (R67). Built on demand.
    pub fn invoked_arn(&self) -> FunctionArn {
        let name = FunctionName::new_unchecked(self.function);
        let arn = FunctionArn::new(
            self.base.partition.clone(),
            self.base.region.clone(),
            self.base.account,
            name,
        );
        match self.qualifier.and_then(|q| q.parse::<Qualifier>().ok()) {
            Some(q) => arn.with_qualifier(q),
            None => arn,
        }
    }

    /// `self.invoked_arn().to_string()`, written into one buffer sized up front.
    #[cfg(all(test, feature = "wire"))]
    pub(crate) fn invoked_arn_string(&self) -> String {
        let mut out = Vec::with_capacity(self.invoked_arn_capacity());
        self.push_invoked_arn(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// At least the length of the invoked ARN's text.
    #[cfg(feature = "wire")]
    pub(crate) fn invoked_arn_capacity(&self) -> usize {
        self.base.function_prefix.len()
            + self.function.len()
            + 1
            + self
                .qualifier
                .map_or(0, str::len)
                .max(Version::LATEST_STR.len())
    }

    /// Appends the text of [`Resolution::invoked_arn`] to `out`, building no values on
    /// the way. The qualifier is spelled by how the resolution went: an alias as the
    /// caller named it (the index holds valid alias names only), a version number as the
    /// number prints, `$LATEST` as itself.
    #[cfg(feature = "wire")]
    pub(crate) fn push_invoked_arn(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.base.function_prefix.as_bytes());
        out.extend_from_slice(self.function.as_bytes());
        let qualifier = match (self.reason, self.qualifier) {
            (RouteReason::Unqualified, _) | (_, None) => return,
            (RouteReason::Latest, Some(_)) => Version::LATEST_STR,
            (RouteReason::DirectVersion, Some(_)) => {
                out.push(b':');
                self.executed_version
                    .with_text(|text| out.extend_from_slice(text.as_bytes()));
                return;
            }
            (RouteReason::AliasPrimary | RouteReason::AliasAdditional, Some(q)) => q,
        };
        out.push(b':');
        out.extend_from_slice(qualifier.as_bytes());
    }
}

/// Answers "which version runs?" for one (partition, region, account), kept current by
/// the [`Registry`](crate::Registry) that created it. Cheap to clone; `Send + Sync`.
///
/// ```
/// use lambda_versioning::registry::{CreateAliasRequest, CreateFunctionRequest, PublishVersionRequest};
/// use lambda_versioning::{Code, FunctionConfig, Registry, Version};
/// use rand::SeedableRng as _;
///
/// let mut registry = Registry::builder().build();
/// let config = FunctionConfig::new("arn:aws:iam::123456789012:role/r", Code::from_zip_bytes(b"x"));
/// registry.create_function(CreateFunctionRequest::new("f", config))?;
/// registry.publish_version(PublishVersionRequest::new("f"))?;
/// registry.create_alias(CreateAliasRequest::new("f", "live", "1"))?;
///
/// let resolver = registry.resolver();
/// let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
/// let r = resolver.resolve("f", Some("live"), &mut rng).unwrap();
/// assert_eq!(r.executed_version().to_string(), "1");
/// assert_eq!(r.invoked_arn().to_string(), "arn:aws:lambda:us-east-1:123456789012:function:f:live");
/// assert_eq!(resolver.resolve("f", None, &mut rng).unwrap().executed_version(), Version::Latest);
/// # Ok::<(), lambda_versioning::Error>(())
/// ```
///
/// # Structure
///
/// * Functions live in 256 shards, each an immutable map behind an `ArcSwap`. Creating or
///   deleting a function, or creating or deleting an alias, copies one shard (about
///   1/256 of the functions, cloning reference-counted pointers only); nothing copies
///   the whole table.
/// * Each alias has a *route slot*: its primary version, additional version(s) and
///   integer thresholds behind a sequence counter. An alias update writes the slot in place — O(1)
///   in the number of functions and aliases — and readers read it with plain loads,
///   retrying only if a write overlapped their read. Readers take no lock and write no
///   shared memory.
/// * Resolving an alias by name first asks the thread's memo of recently resolved
///   aliases (a 64-entry direct-mapped table from the names to the slot: one multiply,
///   one comparison of the names, the slot). Otherwise it reads the shard through a
///   per-thread `arc_swap::Cache`, which costs a pointer comparison when nothing
///   changed, probes the shard's hash table, reads the slot and memoizes it. A memoized
///   slot needs no check against the index: a slot serves one alias for its whole life
///   and is marked gone when the alias or its function is deleted, which sends the
///   resolution back to the index. An [`AliasHandle`] holds the slot itself and skips
///   all of this.
///
/// # Handles and deletion
///
/// A handle keeps answering for its alias while the alias exists. Once the deletion of
/// the alias (or of its function) is visible, it answers [`ResolveError::AliasGone`] and
/// never a version from before the deletion; an alias created again under the same name
/// is a new alias, reached through a new handle.
///
/// # Per-thread caches
///
/// The first resolve by name on a thread creates that thread's caches for this resolver;
/// they keep the shard versions they last read alive until the thread reads those shards
/// again, exits, or calls [`Resolver::clear_thread_cache`]. Likewise the thread's memo
/// keeps the slots of up to 64 recently resolved aliases (of any resolver) alive until
/// their entries are reused. A thread that resolved once and then only idles can hold
/// on to an old copy of the index; call `clear_thread_cache` there if that matters.
///
/// # What the resolver does not check
///
/// Names are looked up, not validated (anything malformed is simply not found), the
/// function is named by its bare name, and lifecycle states are not consulted: the
/// resolver answers which version runs, not whether it is ready.
///
/// # Randomness
///
/// Every resolve takes any [`rand::Rng`]; with a seeded generator a sequence of
/// resolutions is reproducible. The `*_fast` methods use a thread-local `SmallRng`.
/// Sticky resolution hashes a caller-supplied key instead (see [`sticky_point`]).
#[derive(Clone)]
pub struct Resolver {
    shared: Arc<Shared>,
}

impl fmt::Debug for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("partition", &self.shared.base.partition)
            .field("region", &self.shared.base.region)
            .field("account", &self.shared.base.account)
            .finish_non_exhaustive()
    }
}

impl Resolver {
    /// Which version an invocation of `function` (a bare name) with `qualifier` runs:
    /// unqualified means `$LATEST` (R15); a version number runs itself; an alias runs its
    /// primary or, with the weight's probability, its additional version (R55), drawn
    /// from `rng`.
    ///
    /// Inputs are not validated: anything that names nothing is not found.
    ///
    /// # Errors
    ///
    /// [`ResolveError::FunctionNotFound`] or [`ResolveError::QualifierNotFound`].
    #[inline]
    pub fn resolve<'a, R: rand::Rng + ?Sized>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        rng: &mut R,
    ) -> Result<Resolution<'a>, ResolveError> {
        self.resolve_with(function, qualifier, |slot: &AliasSlot| {
            slot.pick(|| rng.next_u64() >> 1)
        })
    }

    /// As [`Resolver::resolve`], with this thread's fast generator.
    ///
    /// # Errors
    ///
    /// As [`Resolver::resolve`].
    #[inline]
    pub fn resolve_fast<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
    ) -> Result<Resolution<'a>, ResolveError> {
        FAST_RNG.with_borrow_mut(|rng| self.resolve(function, qualifier, rng))
    }

    /// Sticky resolution: the same `key` gets the same version while the weights are
    /// unchanged, and raising the additional version's weight only moves keys from the
    /// primary to the additional version (see [`sticky_point`]).
    ///
    /// # Errors
    ///
    /// As [`Resolver::resolve`].
    pub fn resolve_sticky<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        key: &[u8],
    ) -> Result<Resolution<'a>, ResolveError> {
        self.resolve_with(function, qualifier, |slot: &AliasSlot| {
            let salt = slot.salt;
            slot.pick(|| sticky_point(salt, key) >> 1)
        })
    }

    #[inline]
    fn resolve_with<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        pick: impl FnMut(&AliasSlot) -> Option<(Version, bool)>,
    ) -> Result<Resolution<'a>, ResolveError> {
        let (version, reason) = self.resolve_slot(function, qualifier, pick)?;
        self.resolution(function, qualifier, version, reason)
    }

    fn resolution<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        executed_version: Version,
        reason: RouteReason,
    ) -> Result<Resolution<'a>, ResolveError> {
        Ok(Resolution {
            executed_version,
            reason,
            function,
            qualifier,
            base: &self.shared.base,
        })
    }

    /// Looks the qualifier up: a direct version, or an alias's route picked by `pick`.
    #[inline]
    fn resolve_slot(
        &self,
        function: &str,
        qualifier: Option<&str>,
        mut pick: impl FnMut(&AliasSlot) -> Option<(Version, bool)>,
    ) -> Result<(Version, RouteReason), ResolveError> {
        let direct = |found: bool, v: Version, reason| {
            if found {
                Ok((v, reason))
            } else {
                Err(ResolveError::FunctionNotFound)
            }
        };
        let Some(q) = qualifier else {
            return direct(
                self.function_exists(function),
                Version::Latest,
                RouteReason::Unqualified,
            );
        };
        if q == Version::LATEST_STR {
            return direct(
                self.function_exists(function),
                Version::Latest,
                RouteReason::Latest,
            );
        }
        if q.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            let bits = self
                .function_versions(function)
                .ok_or(ResolveError::FunctionNotFound)?;
            return match q.parse::<VersionNumber>() {
                Ok(n) if bits.load().contains(n.get()) => {
                    Ok((Version::Published(n), RouteReason::DirectVersion))
                }
                _ => Err(ResolveError::QualifierNotFound),
            };
        }
        let id = self.shared.id;
        let picked = match memo::pick(id, function, q, &mut pick) {
            Some(picked) => Some(Some(picked)),
            None => {
                let hash = self.alias_hash(function, q);
                self.with_shard(shard_of(hash), Index::Aliases, |shard| match shard {
                    Shard::Aliases(s) => s.find(hash, |e| e.is(function, q)).map(|e| {
                        memo::remember(id, &e.slot);
                        pick(&e.slot)
                    }),
                    Shard::Functions(_) => None,
                })
            }
        };
        match picked {
            Some(Some((v, true))) => Ok((v, RouteReason::AliasAdditional)),
            Some(Some((v, false))) => Ok((v, RouteReason::AliasPrimary)),
            // Not in the index (or deleted while read): tell a missing function apart.
            _ if self.function_exists(function) => Err(ResolveError::QualifierNotFound),
            _ => Err(ResolveError::FunctionNotFound),
        }
    }

    /// Drops this thread's caches and memo entries for this resolver (they are rebuilt
    /// on the next resolve by name on this thread).
    pub fn clear_thread_cache(&self) {
        let id = self.shared.id;
        memo::forget(id);
        let _ = LOCAL_SHARDS.try_with(|cell| {
            if let Ok(mut locals) = cell.try_borrow_mut() {
                locals.retain(|l| l.id != id && l.owner.strong_count() > 0);
            }
        });
    }

    /// A handle on alias `alias` of `function` that resolves without any map lookup.
    ///
    /// # Errors
    ///
    /// [`ResolveError::FunctionNotFound`] or [`ResolveError::QualifierNotFound`].
    pub fn handle(&self, function: &str, alias: &str) -> Result<AliasHandle, ResolveError> {
        let hash = self.alias_hash(function, alias);
        let slot = self.shared.aliases[shard_of(hash)]
            .load()
            .find(hash, |e| e.is(function, alias))
            .map(|e| Arc::clone(&e.slot));
        let slot = match slot {
            Some(slot) => slot,
            None if self.function_exists(function) => return Err(ResolveError::QualifierNotFound),
            None => return Err(ResolveError::FunctionNotFound),
        };
        let admission = self
            .function_admission(function)
            .ok_or(ResolveError::FunctionNotFound)?;
        let function = FunctionName::new_unchecked(function);
        let alias = AliasName::new_unchecked(alias);
        let base = &self.shared.base;
        let arn = FunctionArn::new(
            base.partition.clone(),
            base.region.clone(),
            base.account,
            function,
        )
        .with_qualifier(alias);
        Ok(AliasHandle::new(slot, arn, admission))
    }
}

#[cfg(all(test, feature = "wire"))]
mod tests {
    use super::index::ArnBase;
    use super::{Resolution, RouteReason};
    use crate::names::{AccountId, Partition, Region, Version, VersionNumber};

    /// R67: the invoked ARN written in one buffer is the ARN's own rendering, for every
    /// way a call can be qualified.
    #[test]
    fn r67_invoked_arn_string_is_the_invoked_arns_rendering() {
        let base = ArnBase::new(
            Partition::AWS,
            "eu-central-2".parse::<Region>().expect("region"),
            "123456789012".parse::<AccountId>().expect("account"),
        );
        let seven = Version::Published(VersionNumber::new(7).expect("7"));
        let cases = [
            (None, Version::Latest, RouteReason::Unqualified),
            (Some("$LATEST"), Version::Latest, RouteReason::Latest),
            (Some("7"), seven, RouteReason::DirectVersion),
            (Some("live"), seven, RouteReason::AliasPrimary),
            (
                Some("blue-2"),
                Version::Latest,
                RouteReason::AliasAdditional,
            ),
        ];
        for (qualifier, executed_version, reason) in cases {
            let resolution = Resolution {
                executed_version,
                reason,
                function: "orders-api",
                qualifier,
                base: &base,
            };
            assert_eq!(
                resolution.invoked_arn_string(),
                resolution.invoked_arn().to_string(),
                "{qualifier:?}"
            );
            assert!(
                resolution.invoked_arn_capacity() >= resolution.invoked_arn_string().len(),
                "{qualifier:?}"
            );
        }
        let live = Resolution {
            executed_version: seven,
            reason: RouteReason::AliasPrimary,
            function: "orders-api",
            qualifier: Some("live"),
            base: &base,
        };
        assert_eq!(
            live.invoked_arn_string(),
            "arn:aws:lambda:eu-central-2:123456789012:function:orders-api:live"
        );
    }
}
