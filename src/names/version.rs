//! Version numbers, versions (`$LATEST` or a number) and qualifiers.

use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;

use super::function::AliasName;
use crate::error::{Component, ParseError, ParseErrorReason};
use crate::validate::is_digits;

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

/// The decimal digits of `n`, written at the end of `buf` (no allocation).
pub(crate) fn decimal_digits(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&buf[at..]).unwrap_or_default()
}

/// The versions [`Version::static_text`] spells from [`SMALL_VERSIONS_TEXT`].
const SMALL_VERSIONS: u64 = 999;

/// `123456789101112…999`: the decimal text of versions 1 to [`SMALL_VERSIONS`], one after
/// the other, so that the versions most functions have are spelled without formatting.
static SMALL_VERSIONS_TEXT: &str = match std::str::from_utf8(&SMALL_VERSIONS_BYTES) {
    Ok(text) => text,
    Err(_) => "",
};

/// The bytes of [`SMALL_VERSIONS_TEXT`], computed when the crate is compiled.
static SMALL_VERSIONS_BYTES: [u8; 9 + 90 * 2 + 900 * 3] = small_versions_bytes();

const fn small_versions_bytes() -> [u8; 9 + 90 * 2 + 900 * 3] {
    let mut out = [0u8; 9 + 90 * 2 + 900 * 3];
    let mut n = 1;
    let mut at = 0;
    while n <= SMALL_VERSIONS {
        if n >= 100 {
            out[at] = b'0' + (n / 100) as u8;
            at += 1;
        }
        if n >= 10 {
            out[at] = b'0' + (n / 10 % 10) as u8;
            at += 1;
        }
        out[at] = b'0' + (n % 10) as u8;
        at += 1;
        n += 1;
    }
    out
}

impl Version {
    /// The version as it prints, when that text is static: `$LATEST`, or a number up to
    /// 999 (a slice of [`SMALL_VERSIONS_TEXT`]).
    pub(crate) fn static_text(self) -> Option<&'static str> {
        let number = match self {
            Version::Latest => return Some(Version::LATEST_STR),
            Version::Published(n) => n.get(),
        };
        let (start, len) = match number {
            1..=9 => (number - 1, 1),
            10..=99 => (9 + (number - 10) * 2, 2),
            100..=SMALL_VERSIONS => (189 + (number - 100) * 3, 3),
            _ => return None,
        };
        let start = usize::try_from(start).ok()?;
        SMALL_VERSIONS_TEXT.get(start..start + len)
    }

    /// The version as it prints (`$LATEST` or the number); a number past the static
    /// ones is written into `buf`.
    pub(crate) fn text_in(self, buf: &mut [u8; 20]) -> &str {
        match (self, self.static_text()) {
            (_, Some(text)) => text,
            (Version::Published(n), None) => decimal_digits(n.get(), buf),
            // `$LATEST` always has its static text.
            (Version::Latest, None) => Version::LATEST_STR,
        }
    }

    /// Calls `f` with the version as it prints (`$LATEST` or the number), formatted on
    /// the stack.
    #[cfg(feature = "wire")]
    pub(crate) fn with_text<R>(self, f: impl FnOnce(&str) -> R) -> R {
        f(self.text_in(&mut [0; 20]))
    }
}

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

#[cfg(test)]
mod tests {
    use super::{Version, VersionNumber};

    /// A version's text from the static table or written into the buffer is its
    /// `Display`, inside the table, at its edges and past it.
    #[test]
    fn version_text_is_the_display() {
        assert_eq!(Version::Latest.static_text(), Some("$LATEST"));
        assert_eq!(Version::Latest.text_in(&mut [0; 20]), "$LATEST");
        for n in (1..=1_200u64).chain([9_999, 10_000, u64::from(u32::MAX), u64::MAX]) {
            let Some(number) = VersionNumber::new(n) else {
                continue;
            };
            let version = Version::Published(number);
            let display = version.to_string();
            assert_eq!(version.text_in(&mut [0; 20]), display, "{n}");
            let expected_static = (n <= 999).then_some(display.as_str());
            assert_eq!(version.static_text(), expected_static, "{n}");
        }
    }
}
