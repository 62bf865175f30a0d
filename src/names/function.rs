//! Function and alias names (R1, R3).

use std::fmt;
use std::str::FromStr;

use super::check_len;
use crate::error::{Component, ParseError};
use crate::validate::{alias_pattern_problem, is_name_char};

/// A bare function name: 1–64 characters of `[A-Za-z0-9_-]` (R1).
///
/// ```
/// use lambda_versioning::FunctionName;
/// let name: FunctionName = "my-function".parse().unwrap();
/// assert_eq!(name.as_str(), "my-function");
/// assert!("my.function".parse::<FunctionName>().is_err());
/// assert!("a".repeat(65).parse::<FunctionName>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FunctionName(Box<str>);

impl FunctionName {
    /// The longest accepted name.
    pub const MAX_LEN: usize = 64;

    /// For names already known valid (found in a registry's index).
    pub(crate) fn new_unchecked(s: &str) -> FunctionName {
        debug_assert!(s.parse::<FunctionName>().is_ok(), "{s:?}");
        FunctionName(s.into())
    }

    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for FunctionName {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        check_len(Component::FunctionName, s, Self::MAX_LEN)?;
        if !s.chars().all(is_name_char) {
            return Err(ParseError::syntax(
                Component::FunctionName,
                s,
                "only letters, digits, '-' and '_' are allowed",
            ));
        }
        Ok(FunctionName(s.into()))
    }
}

impl fmt::Display for FunctionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for FunctionName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for FunctionName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

string_conversions!(FunctionName);

/// An alias name: 1–128 characters of `[A-Za-z0-9_-]`, not all digits (R4, R5, R33), so it
/// can never be mistaken for a version number. Names are case-sensitive.
///
/// ```
/// use lambda_versioning::AliasName;
/// assert!("live".parse::<AliasName>().is_ok());
/// assert!("2024-01-02".parse::<AliasName>().is_ok());
/// assert!("2024".parse::<AliasName>().is_err());
/// assert!("$LATEST".parse::<AliasName>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AliasName(Box<str>);

impl AliasName {
    /// The longest accepted name.
    pub const MAX_LEN: usize = 128;

    /// For names already known valid (found in a registry's index).
    pub(crate) fn new_unchecked(s: &str) -> AliasName {
        debug_assert!(s.parse::<AliasName>().is_ok(), "{s:?}");
        AliasName(s.into())
    }

    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for AliasName {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        check_len(Component::AliasName, s, Self::MAX_LEN)?;
        match alias_pattern_problem(s) {
            Some(problem) => Err(ParseError::syntax(Component::AliasName, s, problem)),
            None => Ok(AliasName(s.into())),
        }
    }
}

impl fmt::Display for AliasName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for AliasName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for AliasName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

string_conversions!(AliasName);
