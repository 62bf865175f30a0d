//! Weighted alias routing (R46–R55): a validated weight with its precomputed integer
//! threshold, an alias's routing configuration, the one checker of the routing rules
//! ([`check_shape`], [`check_agreement`]) and the one weighted pick ([`pick_cumulative`]).
//!
//! The checker returns typed [`RoutingViolation`]s; the registry words them as the
//! service does (in its order of checks), snapshot import as path messages, and rollouts
//! reuse the registry's wording.

use std::fmt;
use std::hash::{Hash, Hasher};

use crate::config::FunctionConfig;
use crate::error::{Component, ParseError};
use crate::names::{Version, VersionNumber};

/// The scale of a [`Weight`]'s threshold: a weight `w` becomes `round(w * 2^63)`.
const SCALE: f64 = 9_223_372_036_854_775_808.0; // 2^63

/// The share of an alias's invocations that go to its additional version: a double in
/// `[0.0, 1.0]`, kept exactly as given (it is echoed back verbatim, R54) together with an
/// integer threshold used on the hot path.
///
/// A draw picks the additional version when `(u64 >> 1) < threshold`: one draw and one
/// compare, no floating point. `0.0` never picks it and `1.0` always does; in between the
/// bias is below 2^-63.
///
/// ```
/// use lambda_versioning::Weight;
/// let w = Weight::new(0.1).unwrap();
/// assert_eq!(w.get(), 0.1);
/// assert!(Weight::new(1.5).is_err());
/// assert!(Weight::new(f64::NAN).is_err());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Weight {
    value: f64,
    threshold: u64,
}

impl Weight {
    /// Weight `0.0`: the additional version gets no traffic.
    pub const ZERO: Weight = Weight {
        value: 0.0,
        threshold: 0,
    };

    /// Validates `value` (finite, `0.0 <= value <= 1.0`).
    ///
    /// # Errors
    ///
    /// A [`ParseError`] for NaN, infinities and values outside `[0.0, 1.0]`.
    pub fn new(value: f64) -> Result<Weight, ParseError> {
        if !Weight::in_range(value) {
            return Err(ParseError::syntax(
                Component::Weight,
                &value.to_string(),
                "a weight is a number from 0.0 to 1.0",
            ));
        }
        // -0.0 is accepted (it compares equal to 0.0) and echoed back as given.
        let threshold = (value * SCALE).round() as u64;
        Ok(Weight { value, threshold })
    }

    /// Whether `value` is a weight: a number from `0.0` to `1.0` (R49, Q4: both bounds
    /// included). The one place the range is decided.
    pub fn in_range(value: f64) -> bool {
        (0.0..=1.0).contains(&value)
    }

    /// The weight exactly as it was given.
    pub const fn get(self) -> f64 {
        self.value
    }

    /// The integer threshold on the `[0, 2^63]` scale.
    pub const fn threshold(self) -> u64 {
        self.threshold
    }
}

impl PartialEq for Weight {
    fn eq(&self, other: &Self) -> bool {
        self.value.to_bits() == other.value.to_bits()
    }
}

impl Eq for Weight {}

impl Hash for Weight {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.to_bits().hash(state);
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, f)
    }
}

impl TryFrom<f64> for Weight {
    type Error = ParseError;
    fn try_from(value: f64) -> Result<Self, ParseError> {
        Weight::new(value)
    }
}

impl From<Weight> for f64 {
    fn from(w: Weight) -> f64 {
        w.value
    }
}

impl serde::Serialize for Weight {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.value)
    }
}

impl<'de> serde::Deserialize<'de> for Weight {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Weight::new(value).map_err(serde::de::Error::custom)
    }
}

/// The most additional versions one alias can route to: 1 in the service's mode, up to
/// this many with [`RoutingMode::MultiVersion`](crate::RoutingMode::MultiVersion).
pub const MAX_ADDITIONAL_VERSIONS: usize = 3;

/// An alias's routing configuration: the additional published versions and their
/// weights. In the service's mode there is exactly one (R46); with
/// [`RoutingMode::MultiVersion`](crate::RoutingMode::MultiVersion) up to
/// [`MAX_ADDITIONAL_VERSIONS`], with weights summing to at most 1.0. The registry only
/// builds it after checking R46–R52, so every entry names an existing published version
/// that differs from the primary.
///
/// `Copy` and allocation-free: the entries live inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AliasRouting {
    entries: [Option<(VersionNumber, Weight)>; MAX_ADDITIONAL_VERSIONS],
}

impl AliasRouting {
    /// Routing to `entries` (1 to [`MAX_ADDITIONAL_VERSIONS`] of them), in the order
    /// given; `None` for an empty or too long list. The caller checks the rules.
    pub(crate) fn from_entries(entries: &[(VersionNumber, Weight)]) -> Option<Self> {
        if entries.is_empty() || entries.len() > MAX_ADDITIONAL_VERSIONS {
            return None;
        }
        let mut out = [None; MAX_ADDITIONAL_VERSIONS];
        for (slot, entry) in out.iter_mut().zip(entries) {
            *slot = Some(*entry);
        }
        Some(AliasRouting { entries: out })
    }

    /// The (first) additional version; in the service's mode, the only one.
    pub fn additional_version(&self) -> VersionNumber {
        self.first().0
    }

    /// The share of invocations that go to the (first) additional version.
    pub fn weight(&self) -> Weight {
        self.first().1
    }

    fn first(&self) -> (VersionNumber, Weight) {
        // `entries[0]` is always set: both constructors put an entry there.
        self.entries[0].unwrap_or((VersionNumber::ONE, Weight::ZERO))
    }

    /// Every additional version with its weight, in order.
    pub fn entries(&self) -> impl Iterator<Item = (VersionNumber, Weight)> + '_ {
        self.entries.iter().map_while(|e| *e)
    }

    /// `AdditionalVersionWeights` as a request or response spells it: version key to the
    /// weight as given.
    pub fn weights(&self) -> std::collections::BTreeMap<String, f64> {
        self.entries()
            .map(|(n, w)| (n.to_string(), w.get()))
            .collect()
    }

    /// How many additional versions there are.
    pub fn len(&self) -> usize {
        self.entries().count()
    }

    /// Always `false`: routing has at least one additional version.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether version `n` is one of the additional versions.
    pub fn routes_to(&self, n: VersionNumber) -> bool {
        self.entries().any(|(v, _)| v == n)
    }

    /// The sum of the weights.
    pub fn total_weight(&self) -> f64 {
        self.entries().map(|(_, w)| w.get()).sum()
    }

    /// The additional versions with cumulative thresholds on the `[0, 2^63]` scale, as
    /// [`pick_cumulative`] reads them (version 0 ends the list).
    pub(crate) fn cumulative(&self) -> [(u64, u64); MAX_ADDITIONAL_VERSIONS] {
        let mut out = [(0, 0); MAX_ADDITIONAL_VERSIONS];
        let mut bound = 0u64;
        for (slot, (v, w)) in out.iter_mut().zip(self.entries()) {
            bound = bound.saturating_add(w.threshold());
            *slot = (v.get(), bound);
        }
        out
    }

    /// Which version a uniformly random 64-bit draw selects, given the alias's primary:
    /// entry `i` takes the draws (shifted right by one) below the running sum of the
    /// thresholds up to `i`; the rest go to the primary.
    #[inline]
    pub fn pick(&self, primary: Version, draw: u64) -> Version {
        match pick_cumulative(&self.cumulative(), || draw >> 1) {
            Some(n) => Version::Published(n),
            None => primary,
        }
    }
}

/// The weighted pick, the only one in the crate: `pairs` are additional versions with
/// cumulative thresholds (version 0 ends the list); a point below the bound of entry `i`
/// (and not below an earlier bound) selects entry `i`; any other point selects the
/// primary (`None`). `point` (a uniform draw on `[0, 2^63)`) is asked for at most once,
/// and only when there is an additional version.
#[inline(always)]
pub(crate) fn pick_cumulative(
    pairs: &[(u64, u64)],
    point: impl FnOnce() -> u64,
) -> Option<VersionNumber> {
    let first = pairs
        .first()
        .copied()
        .and_then(|(v, t)| Some((VersionNumber::new(v)?, t)))?;
    let d = point();
    if d < first.1 {
        return Some(first.0);
    }
    for &(v, bound) in &pairs[1..] {
        let n = VersionNumber::new(v)?;
        if d < bound {
            return Some(n);
        }
    }
    None
}

/// Where an alias sends traffic: its primary version and routing. An entry of the alias
/// history ([`Registry::alias_history`](crate::Registry::alias_history)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AliasTarget {
    /// The primary version.
    pub function_version: Version,
    /// The routing, if any.
    pub routing: Option<AliasRouting>,
}

/// How an invocation was routed to the version that runs (R64–R68).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RouteReason {
    /// No qualifier: the call runs `$LATEST` (R15).
    Unqualified,
    /// The `$LATEST` qualifier.
    Latest,
    /// A version number qualifier.
    DirectVersion,
    /// An alias, which sent the call to its primary version.
    AliasPrimary,
    /// A weighted alias, which sent the call to its additional version.
    AliasAdditional,
}

/// A routing rule an alias's target breaks. The registry words each as the service does
/// (see `registry::checks::routing_error`); snapshot import and rollouts reuse them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RoutingViolation {
    /// R46: more additional versions than the mode allows.
    TooManyVersions {
        /// How many the routing names.
        count: usize,
        /// The mode's maximum.
        max: usize,
    },
    /// Multi-version mode: the weights add up to more than 1.0.
    WeightSumAboveOne,
    /// R47: routing with a `$LATEST` primary.
    LatestPrimary,
    /// R50: a routing key names the primary (as written).
    RoutesToPrimary(String),
    /// A weight outside `[0.0, 1.0]` (validation refuses it first on the API).
    WeightOutOfRange(f64),
    /// A routing key appears twice (possible only in a snapshot).
    Duplicate(String),
    /// R51: a routing key names no existing version (as written).
    MissingVersion(String),
    /// R52: the routed versions have different execution roles.
    RoleMismatch,
    /// R52, Q5: the routed versions have different dead-letter targets.
    DeadLetterMismatch,
}

/// The rules a routing breaks on its own, decided on the versions as written, before any
/// lookup: the count (R46), the weight sum (multi-version mode), a `$LATEST` primary
/// (R47), a key naming the primary (R50), a repeated key. `entries` are (key, weight);
/// an empty list is "no routing" (R53) and always passes. Without a `primary` (an update
/// that keeps it) only the count, sum and repetition are checked. Weights must already be
/// in range ([`Weight::in_range`]).
pub(crate) fn check_shape<K: AsRef<str>>(
    primary: Option<&str>,
    entries: &[(K, f64)],
    max: usize,
) -> Result<(), RoutingViolation> {
    if entries.len() > max {
        return Err(RoutingViolation::TooManyVersions {
            count: entries.len(),
            max,
        });
    }
    if entries.iter().map(|(_, w)| *w).sum::<f64>() > 1.0 {
        return Err(RoutingViolation::WeightSumAboveOne);
    }
    for (i, (key, _)) in entries.iter().enumerate() {
        let key = key.as_ref();
        if primary == Some(Version::LATEST_STR) {
            return Err(RoutingViolation::LatestPrimary);
        }
        if primary == Some(key) {
            return Err(RoutingViolation::RoutesToPrimary(key.to_owned()));
        }
        if entries[..i].iter().any(|(k, _)| k.as_ref() == key) {
            return Err(RoutingViolation::Duplicate(key.to_owned()));
        }
    }
    Ok(())
}

/// R52: a routed version agrees with the primary on execution role and dead-letter
/// target.
pub(crate) fn check_agreement(
    primary: &FunctionConfig,
    additional: &FunctionConfig,
) -> Result<(), RoutingViolation> {
    if primary.role != additional.role {
        return Err(RoutingViolation::RoleMismatch);
    }
    if primary.dead_letter_target != additional.dead_letter_target {
        return Err(RoutingViolation::DeadLetterMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r49_bounds_are_inclusive_and_thresholds_exact() {
        assert_eq!(Weight::new(0.0).unwrap().threshold(), 0);
        assert_eq!(Weight::new(1.0).unwrap().threshold(), 1 << 63);
        assert_eq!(Weight::new(0.5).unwrap().threshold(), 1 << 62);
        let one = AliasRouting::from_entries(&[(
            VersionNumber::new(2).unwrap(),
            Weight::new(1.0).unwrap(),
        )])
        .unwrap();
        let zero =
            AliasRouting::from_entries(&[(VersionNumber::new(2).unwrap(), Weight::ZERO)]).unwrap();
        let primary = Version::Published(VersionNumber::ONE);
        assert_eq!(
            one.pick(primary, u64::MAX),
            Version::Published(VersionNumber::new(2).unwrap())
        );
        assert_eq!(zero.pick(primary, 0), primary);
        assert!(Weight::new(1.0000001).is_err());
        assert!(Weight::new(-0.1).is_err());
        assert!(Weight::new(f64::INFINITY).is_err());
    }
}
