//! Where a function lives: partitions, regions and account ids.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use super::check_len;
use crate::error::{Component, ParseError};
use crate::validate::is_region;

/// An AWS partition: `aws`, `aws-cn`, `aws-us-gov`, … (pattern `aws[a-zA-Z-]*`, R9).
///
/// ```
/// use lambda_versioning::Partition;
/// assert_eq!(Partition::AWS.as_str(), "aws");
/// assert_eq!("aws-cn".parse::<Partition>().unwrap().as_str(), "aws-cn");
/// assert!("gcp".parse::<Partition>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Partition(Cow<'static, str>);

impl Partition {
    /// The commercial partition, `aws`.
    pub const AWS: Partition = Partition(Cow::Borrowed("aws"));
    /// The China partition, `aws-cn`.
    pub const AWS_CN: Partition = Partition(Cow::Borrowed("aws-cn"));
    /// The GovCloud partition, `aws-us-gov`.
    pub const AWS_US_GOV: Partition = Partition(Cow::Borrowed("aws-us-gov"));

    /// The partition as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Partition {
    fn default() -> Self {
        Partition::AWS
    }
}

impl FromStr for Partition {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        check_len(Component::Partition, s, 64)?;
        match s.strip_prefix("aws") {
            Some(rest) if rest.chars().all(|c| c.is_ascii_alphabetic() || c == '-') => {
                Ok(Partition(Cow::Owned(s.to_owned())))
            }
            _ => Err(ParseError::syntax(
                Component::Partition,
                s,
                "a partition starts with 'aws' followed by letters and '-'",
            )),
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_conversions!(Partition);

/// An AWS region code such as `us-east-1`, `us-gov-west-1` or `eusc-de-east-1`
/// (pattern `(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d`, R9).
///
/// ```
/// use lambda_versioning::Region;
/// assert_eq!(Region::US_EAST_1.as_str(), "us-east-1");
/// assert!("us-gov-west-1".parse::<Region>().is_ok());
/// assert!("invalid-region".parse::<Region>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Region(Cow<'static, str>);

impl Region {
    /// `us-east-1`.
    pub const US_EAST_1: Region = Region(Cow::Borrowed("us-east-1"));

    /// The region as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Region {
    fn default() -> Self {
        Region::US_EAST_1
    }
}

impl FromStr for Region {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        check_len(Component::Region, s, 64)?;
        if is_region(s) {
            Ok(Region(Cow::Owned(s.to_owned())))
        } else {
            Err(ParseError::syntax(
                Component::Region,
                s,
                "expected a region code such as 'us-east-1'",
            ))
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_conversions!(Region);

/// A 12-digit AWS account id.
///
/// ```
/// use lambda_versioning::AccountId;
/// let account: AccountId = "123456789012".parse().unwrap();
/// assert_eq!(account.as_str(), "123456789012");
/// assert!("12345".parse::<AccountId>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId([u8; 12]);

impl AccountId {
    /// The account id used in AWS documentation examples and by this crate's defaults.
    pub const EXAMPLE: AccountId = AccountId(*b"123456789012");

    /// The account id as a string slice.
    pub fn as_str(&self) -> &str {
        // The bytes are ASCII digits by construction.
        std::str::from_utf8(&self.0).unwrap_or("000000000000")
    }
}

impl Default for AccountId {
    fn default() -> Self {
        AccountId::EXAMPLE
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AccountId").field(&self.as_str()).finish()
    }
}

impl FromStr for AccountId {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let bytes: [u8; 12] = s
            .as_bytes()
            .try_into()
            .ok()
            .filter(|b: &[u8; 12]| b.iter().all(u8::is_ascii_digit))
            .ok_or_else(|| {
                ParseError::syntax(
                    Component::AccountId,
                    s,
                    "an account id is exactly 12 digits",
                )
            })?;
        Ok(AccountId(bytes))
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

string_conversions!(AccountId);
