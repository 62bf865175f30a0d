//! The headers the service reads and sets, named once (no parsing per request), and the
//! header maps answers start from.

use std::sync::LazyLock;

use http::{HeaderMap, HeaderName, HeaderValue};

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

/// Which headers an answer starts with (see [`answer_headers`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum AnswerKind {
    /// No body: `x-amzn-RequestId`.
    Plain,
    /// A JSON body: `Content-Type`, then `x-amzn-RequestId`.
    Json,
    /// A synchronous invoke's answer: `Content-Type`, `X-Amz-Executed-Version` (this
    /// value, [`executed_version_value`]), then `x-amzn-RequestId`.
    Invoke(HeaderValue),
}

/// One prepared header map per kind of answer, with empty values where each answer sets
/// its own.
struct Prepared {
    plain: HeaderMap,
    json: HeaderMap,
    invoke: HeaderMap,
}

/// The headers a prepared map (and so each copy of it) has room for without growing its
/// hash table: its own three at most, `X-Amz-Log-Result` or `X-Amzn-ErrorType`, and a
/// couple that a server adds (`Connection: close`, say).
const PREPARED_ROOM: usize = 6;

static PREPARED: LazyLock<Prepared> = LazyLock::new(|| {
    let empty = HeaderValue::from_static("");
    let json_type = HeaderValue::from_static("application/json");
    let map = |headers: &[(&HeaderName, &HeaderValue)]| {
        let mut map = HeaderMap::with_capacity(PREPARED_ROOM);
        for (name, value) in headers {
            map.insert((*name).clone(), (*value).clone());
        }
        map
    };
    Prepared {
        plain: map(&[(&REQUEST_ID, &empty)]),
        json: map(&[
            (&http::header::CONTENT_TYPE, &json_type),
            (&REQUEST_ID, &empty),
        ]),
        invoke: map(&[
            (&http::header::CONTENT_TYPE, &json_type),
            (&EXECUTED_VERSION, &empty),
            (&REQUEST_ID, &empty),
        ]),
    }
});

/// The headers an answer of `kind` starts with, in the order they are sent, with a
/// fresh request id. A copy of a map built once: copying its two small tables costs less
/// than hashing each name into a new map, and the values are set by their place in it,
/// without a lookup.
pub(super) fn answer_headers(kind: AnswerKind) -> HeaderMap {
    let prepared = &*PREPARED;
    let (mut headers, executed_version) = match kind {
        AnswerKind::Plain => (prepared.plain.clone(), None),
        AnswerKind::Json => (prepared.json.clone(), None),
        AnswerKind::Invoke(value) => (prepared.invoke.clone(), Some(value)),
    };
    let mut values = headers.values_mut();
    if let Some(executed_version) = executed_version {
        // After `Content-Type`.
        if let Some(slot) = values.nth(1) {
            *slot = executed_version;
        }
    }
    // Each prepared map holds the request id last.
    if let Some(slot) = values.last() {
        *slot = super::request_id::next_request_id();
    }
    headers
}

/// The value of `X-Amz-Executed-Version` for `version`: static text for `$LATEST` and
/// the versions [`Version::static_text`](crate::Version) spells (nothing allocated), the
/// number written by `http` above those.
pub(super) fn executed_version_value(version: crate::Version) -> HeaderValue {
    match (version, version.static_text()) {
        (_, Some(text)) => HeaderValue::from_static(text),
        (crate::Version::Published(n), None) => HeaderValue::from(n.get()),
        // `$LATEST` always has its static text.
        (crate::Version::Latest, None) => HeaderValue::from_static(crate::Version::LATEST_STR),
    }
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue};

    use super::{
        AnswerKind, EXECUTED_VERSION, LOG_RESULT, REQUEST_ID, answer_headers,
        executed_version_value,
    };
    use crate::{Version, VersionNumber};

    /// The names an answer's headers hold, in order.
    fn names(headers: &HeaderMap) -> Vec<&str> {
        headers.keys().map(|n| n.as_str()).collect()
    }

    /// Each prepared map holds its headers in the order they were inserted one by one
    /// before (so answers are sent as they were), with the executed version of an
    /// Invoke answer in its place and a fresh request id last.
    #[test]
    fn prepared_answer_headers_hold_their_names_in_sending_order() {
        let invoke = answer_headers(AnswerKind::Invoke(HeaderValue::from_static("7")));
        assert_eq!(
            names(&invoke),
            ["content-type", "x-amz-executed-version", "x-amzn-requestid"]
        );
        assert_eq!(invoke[http::header::CONTENT_TYPE], "application/json");
        assert_eq!(invoke[&EXECUTED_VERSION], "7");
        let json = answer_headers(AnswerKind::Json);
        assert_eq!(names(&json), ["content-type", "x-amzn-requestid"]);
        assert_eq!(json[http::header::CONTENT_TYPE], "application/json");
        let mut plain = answer_headers(AnswerKind::Plain);
        assert_eq!(names(&plain), ["x-amzn-requestid"]);
        // Each copy carries a fresh request id of its own.
        let ids: Vec<String> = [&invoke, &json, &plain]
            .iter()
            .map(|h| h[&REQUEST_ID].to_str().expect("ascii").to_owned())
            .collect();
        for id in &ids {
            let parsed = uuid::Uuid::parse_str(id).expect("uuid");
            assert_eq!(parsed.get_version_num(), 4, "{id}");
        }
        assert!(
            ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
            "{ids:?}"
        );
        // A header the map does not hold is inserted after its own.
        plain.insert(LOG_RESULT, HeaderValue::from_static("bG9n"));
        assert_eq!(names(&plain), ["x-amzn-requestid", "x-amz-log-result"]);
        // Every copy has room for a few more headers without growing its table.
        let kinds = [
            AnswerKind::Plain,
            AnswerKind::Json,
            AnswerKind::Invoke(HeaderValue::from_static("1")),
        ];
        for kind in kinds {
            let label = format!("{kind:?}");
            assert_eq!(
                answer_headers(kind).capacity(),
                super::PREPARED_ROOM,
                "{label}"
            );
        }
    }

    /// R66: the header's value is the version as it prints, inside the static table,
    /// at its edges and past it.
    #[test]
    fn r66_executed_version_value_is_the_versions_text() {
        assert_eq!(executed_version_value(Version::Latest), "$LATEST");
        for n in (1..=1_200u64).chain([9_999, 10_000, u64::from(u32::MAX), u64::MAX]) {
            let Some(number) = VersionNumber::new(n) else {
                continue;
            };
            let version = Version::Published(number);
            assert_eq!(
                executed_version_value(version),
                version.to_string().as_str(),
                "{n}"
            );
        }
    }
}
