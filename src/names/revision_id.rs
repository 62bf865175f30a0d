//! Revision ids (UUIDs).

use std::fmt;
use std::str::FromStr;

use crate::error::{Component, ParseError};

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

#[cfg(feature = "wire")]
impl RevisionId {
    /// Appends the id's text (its `Display`) to `out`.
    pub(crate) fn push_text(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.resize(start + crate::uuid_text::UUID_TEXT_LEN, 0);
        crate::uuid_text::write_hyphenated(self.0.as_bytes(), &mut out[start..]);
    }
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

string_conversions!(RevisionId);

#[cfg(all(test, feature = "wire"))]
mod tests {
    use super::RevisionId;

    proptest::proptest! {
        /// The text an answer carries is the id's `Display`.
        #[test]
        fn pushed_text_is_the_display(bytes in proptest::prelude::any::<[u8; 16]>()) {
            let id = RevisionId::from_random_bytes(bytes);
            let mut out = b"x".to_vec();
            id.push_text(&mut out);
            let display = id.to_string();
            proptest::prop_assert_eq!(&out[1..], display.as_bytes());
        }
    }
}
