//! Weighted alias routing (R46–R55): a validated weight with its precomputed integer
//! threshold, and an alias's routing configuration.

use std::fmt;
use std::hash::{Hash, Hasher};

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
        if !(0.0..=1.0).contains(&value) {
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

    /// The weight exactly as it was given.
    pub const fn get(self) -> f64 {
        self.value
    }

    /// The integer threshold on the `[0, 2^63]` scale.
    pub const fn threshold(self) -> u64 {
        self.threshold
    }

    /// Whether a uniformly random 64-bit draw selects the additional version.
    #[inline]
    pub const fn picks_additional(self, draw: u64) -> bool {
        (draw >> 1) < self.threshold
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

/// An alias's routing configuration: one additional published version and its weight.
/// The registry only builds it after checking R46–R52, so an alias's routing always names
/// an existing published version that differs from the primary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AliasRouting {
    additional: VersionNumber,
    weight: Weight,
}

impl AliasRouting {
    pub(crate) fn new(additional: VersionNumber, weight: Weight) -> Self {
        AliasRouting { additional, weight }
    }

    /// The additional version.
    pub fn additional_version(&self) -> VersionNumber {
        self.additional
    }

    /// The share of invocations that go to the additional version.
    pub fn weight(&self) -> Weight {
        self.weight
    }

    /// Which version a uniformly random 64-bit draw selects, given the alias's primary.
    #[inline]
    pub fn pick(&self, primary: Version, draw: u64) -> Version {
        if self.weight.picks_additional(draw) {
            Version::Published(self.additional)
        } else {
            primary
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r49_bounds_are_inclusive_and_thresholds_exact() {
        assert_eq!(Weight::new(0.0).unwrap().threshold(), 0);
        assert_eq!(Weight::new(1.0).unwrap().threshold(), 1 << 63);
        assert_eq!(Weight::new(0.5).unwrap().threshold(), 1 << 62);
        let one = Weight::new(1.0).unwrap();
        assert!(one.picks_additional(u64::MAX));
        assert!(!Weight::ZERO.picks_additional(0));
        assert!(Weight::new(1.0000001).is_err());
        assert!(Weight::new(-0.1).is_err());
        assert!(Weight::new(f64::INFINITY).is_err());
    }
}
