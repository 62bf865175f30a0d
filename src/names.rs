//! Validated vocabulary: function and alias names, version numbers, qualifiers, partitions,
//! regions, account ids and revision ids.
//!
//! Every type here is a newtype with a private field. The only ways in are `FromStr`,
//! `TryFrom<&str>` and `TryFrom<String>` (and serde, which goes through the same checks);
//! `Display` writes the canonical form and round-trips exactly.

use std::borrow::Cow;
use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;

use crate::error::{Component, ParseError, ParseErrorReason};
use crate::validate::{alias_pattern_problem, is_digits, is_name_char, is_region};

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

/// The number of a published version: `1`, `2`, … (never 0), written in decimal without
/// leading zeros (R29).
///
/// ```
/// use lambda_versioning::VersionNumber;
/// let v: VersionNumber = "7".parse().unwrap();
/// assert_eq!(v.get(), 7);
/// assert_eq!(v.to_string(), "7");
/// assert!("0".parse::<VersionNumber>().is_err());
/// assert!("07".parse::<VersionNumber>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VersionNumber(NonZeroU64);

impl VersionNumber {
    /// Version `1`.
    pub const ONE: VersionNumber = VersionNumber(NonZeroU64::MIN);

    /// The highest number a registry publishes or imports: 4 294 967 295. No function
    /// gets near it (every version counts against the code-storage quota), and a bound
    /// keeps hostile snapshots and counters from sizing anything. A qualifier may still
    /// name a larger number; it simply names no version.
    pub const MAX_PUBLISHED: u64 = u32::MAX as u64;

    /// The version with number `n`, or `None` for 0.
    pub const fn new(n: u64) -> Option<VersionNumber> {
        match NonZeroU64::new(n) {
            Some(n) => Some(VersionNumber(n)),
            None => None,
        }
    }

    /// The number.
    pub const fn get(self) -> u64 {
        self.0.get()
    }

    /// The next number, or `None` at `u64::MAX`.
    pub fn next(self) -> Option<VersionNumber> {
        self.0.checked_add(1).map(VersionNumber)
    }
}

impl FromStr for VersionNumber {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        if s.is_empty() {
            return Err(ParseError::new(
                Component::Version,
                s,
                ParseErrorReason::Empty,
            ));
        }
        if !is_digits(s) {
            return Err(ParseError::syntax(
                Component::Version,
                s,
                "a version number is made of decimal digits",
            ));
        }
        if s.starts_with('0') {
            return Err(ParseError::syntax(
                Component::Version,
                s,
                "a version number has no leading zero and is never 0",
            ));
        }
        s.parse::<u64>()
            .ok()
            .and_then(VersionNumber::new)
            .ok_or_else(|| ParseError::syntax(Component::Version, s, "version number out of range"))
    }
}

impl fmt::Display for VersionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<VersionNumber> for u64 {
    fn from(v: VersionNumber) -> u64 {
        v.get()
    }
}

string_conversions!(VersionNumber);

/// A version of a function: the mutable `$LATEST` or a published, numbered one.
///
/// ```
/// use lambda_versioning::{Version, VersionNumber};
/// assert_eq!("$LATEST".parse::<Version>().unwrap(), Version::Latest);
/// assert_eq!("3".parse::<Version>().unwrap(), Version::Published(VersionNumber::new(3).unwrap()));
/// assert!("$latest".parse::<Version>().is_err()); // case-sensitive (R4)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// `$LATEST`, the single unpublished, mutable version.
    Latest,
    /// A published, immutable version.
    Published(VersionNumber),
}

impl Version {
    /// The literal `$LATEST`.
    pub const LATEST_STR: &'static str = "$LATEST";

    /// The version number, if this is a published version.
    pub const fn number(self) -> Option<VersionNumber> {
        match self {
            Version::Latest => None,
            Version::Published(n) => Some(n),
        }
    }
}

impl From<VersionNumber> for Version {
    fn from(n: VersionNumber) -> Version {
        Version::Published(n)
    }
}

impl FromStr for Version {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        if s == Version::LATEST_STR {
            Ok(Version::Latest)
        } else {
            s.parse().map(Version::Published)
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Latest => f.write_str(Version::LATEST_STR),
            Version::Published(n) => fmt::Display::fmt(n, f),
        }
    }
}

string_conversions!(Version);

/// What follows the function name to select something inside a function: `$LATEST`, a
/// version number or an alias name. Parsing is unambiguous because alias names are never
/// all digits.
///
/// ```
/// use lambda_versioning::Qualifier;
/// assert_eq!("$LATEST".parse::<Qualifier>().unwrap(), Qualifier::Latest);
/// assert!(matches!("12".parse::<Qualifier>().unwrap(), Qualifier::Version(_)));
/// assert!(matches!("live".parse::<Qualifier>().unwrap(), Qualifier::Alias(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Qualifier {
    /// `$LATEST`.
    Latest,
    /// A published version.
    Version(VersionNumber),
    /// An alias.
    Alias(AliasName),
}

impl Qualifier {
    /// The version this qualifier names directly, or `None` for an alias.
    pub fn as_version(&self) -> Option<Version> {
        match self {
            Qualifier::Latest => Some(Version::Latest),
            Qualifier::Version(n) => Some(Version::Published(*n)),
            Qualifier::Alias(_) => None,
        }
    }
}

impl From<Version> for Qualifier {
    fn from(v: Version) -> Qualifier {
        match v {
            Version::Latest => Qualifier::Latest,
            Version::Published(n) => Qualifier::Version(n),
        }
    }
}

impl From<VersionNumber> for Qualifier {
    fn from(n: VersionNumber) -> Qualifier {
        Qualifier::Version(n)
    }
}

impl From<AliasName> for Qualifier {
    fn from(a: AliasName) -> Qualifier {
        Qualifier::Alias(a)
    }
}

impl FromStr for Qualifier {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        if s == Version::LATEST_STR {
            return Ok(Qualifier::Latest);
        }
        if is_digits(s) {
            return s.parse().map(Qualifier::Version).map_err(|e: ParseError| {
                ParseError::new(Component::Qualifier, s, e.reason().clone())
            });
        }
        s.parse()
            .map(Qualifier::Alias)
            .map_err(|e: ParseError| ParseError::new(Component::Qualifier, s, e.reason().clone()))
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Qualifier::Latest => f.write_str(Version::LATEST_STR),
            Qualifier::Version(n) => fmt::Display::fmt(n, f),
            Qualifier::Alias(a) => fmt::Display::fmt(a, f),
        }
    }
}

string_conversions!(Qualifier);

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

/// The opaque revision identifier of `$LATEST`, a published version or an alias: a UUID
/// in its lower-case hyphenated form.
///
/// ```
/// use lambda_versioning::RevisionId;
/// let id: RevisionId = "5b7d1c0e-0000-4000-8000-000000000000".parse().unwrap();
/// assert_eq!(id.to_string(), "5b7d1c0e-0000-4000-8000-000000000000");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RevisionId(uuid::Uuid);

impl RevisionId {
    /// A version-4 (random) UUID made from 16 random bytes.
    pub fn from_random_bytes(bytes: [u8; 16]) -> RevisionId {
        RevisionId(uuid::Builder::from_random_bytes(bytes).into_uuid())
    }

    /// Whether `candidate` is this revision id written the way `Display` writes it.
    pub fn matches(&self, candidate: &str) -> bool {
        let mut buf = uuid::Uuid::encode_buffer();
        self.0.hyphenated().encode_lower(&mut buf) == candidate
    }
}

impl FromStr for RevisionId {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let uuid = uuid::Uuid::try_parse(s).map_err(|_| {
            ParseError::syntax(Component::RevisionId, s, "expected a hyphenated UUID")
        })?;
        let canonical = RevisionId(uuid);
        if canonical.matches(s) {
            Ok(canonical)
        } else {
            Err(ParseError::syntax(
                Component::RevisionId,
                s,
                "expected a lower-case hyphenated UUID",
            ))
        }
    }
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

string_conversions!(RevisionId);
