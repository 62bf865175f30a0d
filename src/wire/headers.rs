//! The headers the service reads and sets, named once (no parsing per request).

use http::HeaderName;

/// `x-amzn-RequestId`, on every answer.
pub(super) const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
/// `X-Amzn-ErrorType`, on every error answer (R96).
pub(super) const ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");
/// `X-Amz-Executed-Version`, on a synchronous invoke (R66).
pub(super) const EXECUTED_VERSION: HeaderName = HeaderName::from_static("x-amz-executed-version");
/// `X-Amz-Log-Result`, on a synchronous invoke that asked for the log tail.
pub(super) const LOG_RESULT: HeaderName = HeaderName::from_static("x-amz-log-result");
/// `X-Amz-Invocation-Type`, read by `Invoke`.
pub(super) const INVOCATION_TYPE: HeaderName = HeaderName::from_static("x-amz-invocation-type");
/// `X-Amz-Log-Type`, read by `Invoke`.
pub(super) const LOG_TYPE: HeaderName = HeaderName::from_static("x-amz-log-type");

/// The versions whose `X-Amz-Executed-Version` text is kept in [`VERSION_TEXT`].
const STATIC_VERSIONS: u64 = 999;

/// `123456789101112…999`: the decimal text of versions 1 to [`STATIC_VERSIONS`], one
/// after the other.
static VERSION_TEXT: [u8; 9 + 90 * 2 + 900 * 3] = version_text();

const fn version_text() -> [u8; 9 + 90 * 2 + 900 * 3] {
    let mut out = [0u8; 9 + 90 * 2 + 900 * 3];
    let mut n = 1;
    let mut at = 0;
    while n <= STATIC_VERSIONS {
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

/// The value of `X-Amz-Executed-Version` for `version`: static text for `$LATEST` and
/// versions up to [`STATIC_VERSIONS`] (nothing allocated), formatted above that.
pub(super) fn executed_version_value(version: crate::Version) -> Option<http::HeaderValue> {
    let number = match version {
        crate::Version::Latest => {
            return Some(http::HeaderValue::from_static(crate::Version::LATEST_STR));
        }
        crate::Version::Published(n) => n.get(),
    };
    let (start, len) = match number {
        1..=9 => (number - 1, 1),
        10..=99 => (9 + (number - 10) * 2, 2),
        100..=STATIC_VERSIONS => (189 + (number - 100) * 3, 3),
        _ => return version.with_text(|text| http::HeaderValue::from_str(text).ok()),
    };
    let text = usize::try_from(start)
        .ok()
        .and_then(|start| VERSION_TEXT.get(start..start + len))
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        // Only digits, which `from_static` always accepts.
        .filter(|text| text.bytes().all(|b| b.is_ascii_digit()))?;
    Some(http::HeaderValue::from_static(text))
}

#[cfg(test)]
mod tests {
    use super::executed_version_value;
    use crate::{Version, VersionNumber};

    /// R66: the header's value is the version as it prints, inside the static table,
    /// at its edges and past it.
    #[test]
    fn r66_executed_version_value_is_the_versions_text() {
        assert_eq!(executed_version_value(Version::Latest).unwrap(), "$LATEST");
        for n in (1..=1_200u64).chain([9_999, 10_000, u64::from(u32::MAX)]) {
            let Some(number) = VersionNumber::new(n) else {
                continue;
            };
            let version = Version::Published(number);
            assert_eq!(
                executed_version_value(version).unwrap(),
                version.to_string().as_str(),
                "{n}"
            );
        }
    }
}
