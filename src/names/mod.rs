//! Validated vocabulary: function and alias names, version numbers, qualifiers, partitions,
//! regions, account ids and revision ids.
//!
//! Every type here is a newtype with a private field. The only ways in are `FromStr`,
//! `TryFrom<&str>` and `TryFrom<String>` (and serde, which goes through the same checks);
//! `Display` writes the canonical form and round-trips exactly.

use crate::error::{Component, ParseError, ParseErrorReason};

/// Implements `TryFrom<&str>`, `TryFrom<String>`, `From<T> for String` and serde through
/// the string form for a type that has `FromStr<Err = ParseError>` and `Display`.
macro_rules! string_conversions {
    ($ty:ty) => {
        impl TryFrom<&str> for $ty {
            type Error = ParseError;
            fn try_from(s: &str) -> Result<Self, ParseError> {
                s.parse()
            }
        }

        impl TryFrom<String> for $ty {
            type Error = ParseError;
            fn try_from(s: String) -> Result<Self, ParseError> {
                s.parse()
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.to_string()
            }
        }

        impl From<&$ty> for String {
            fn from(value: &$ty) -> String {
                value.to_string()
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s =
                    <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_conversions;

pub(crate) fn check_len(component: Component, s: &str, max: usize) -> Result<(), ParseError> {
    if s.is_empty() {
        return Err(ParseError::new(component, s, ParseErrorReason::Empty));
    }
    if s.chars().count() > max {
        return Err(ParseError::new(
            component,
            s,
            ParseErrorReason::TooLong { max },
        ));
    }
    Ok(())
}

mod function;
mod location;
mod revision_id;
mod version;

pub use function::{AliasName, FunctionName};
pub use location::{AccountId, Partition, Region};
pub use revision_id::RevisionId;
#[cfg(feature = "wire")]
pub(crate) use version::decimal_digits;
pub use version::{Qualifier, Version, VersionNumber};
