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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum AnswerKind {
    /// No body: `x-amzn-RequestId`.
    Plain,
    /// A JSON body: `Content-Type`, then `x-amzn-RequestId`.
    Json,
    /// A synchronous invoke's answer: `Content-Type`, `X-Amz-Executed-Version`, then
    /// `x-amzn-RequestId`.
    Invoke,
}

/// One prepared header map per [`AnswerKind`], with empty values where each answer sets
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
/// fresh request id; an Invoke answer's `X-Amz-Executed-Version` is still empty
/// ([`set_executed_version`]). A copy of a map built once: copying its two small tables
/// costs less than hashing each name into a new map, and the values are set by their
/// place in it, without a lookup.
pub(super) fn answer_headers(kind: AnswerKind) -> HeaderMap {
    let prepared = &*PREPARED;
    let mut headers = match kind {
        AnswerKind::Plain => prepared.plain.clone(),
        AnswerKind::Json => prepared.json.clone(),
        AnswerKind::Invoke => prepared.invoke.clone(),
    };
    // Each prepared map holds the request id last.
    if let Some(slot) = headers.values_mut().last() {
        *slot = super::request_id::next_request_id();
    }
    headers
}

/// Sets `X-Amz-Executed-Version` in an Invoke answer's headers: in its prepared place
/// (the second), or by [`set_header`] in a map that has another name there.
pub(super) fn set_executed_version(headers: &mut HeaderMap, value: HeaderValue) {
    match headers.iter_mut().nth(1) {
        Some((name, slot)) if *name == EXECUTED_VERSION => *slot = value,
        _ => set_header(headers, &EXECUTED_VERSION, value),
    }
}

/// Sets `name` to `value`: in place when the map already holds `name` once (found by a
/// scan of its few entries, without hashing), inserted otherwise.
pub(super) fn set_header(headers: &mut HeaderMap, name: &HeaderName, value: HeaderValue) {
    if headers.len() == headers.keys_len()
        && let Some((_, slot)) = headers.iter_mut().find(|(held, _)| *held == name)
    {
        *slot = value;
        return;
    }
    headers.insert(name.clone(), value);
}

/// The value of `X-Amz-Executed-Version` for `version`: static text for `$LATEST` and
/// the versions [`Version::static_text`](crate::Version) spells (nothing allocated),
/// formatted above those.
pub(super) fn executed_version_value(version: crate::Version) -> Option<http::HeaderValue> {
    match version.static_text() {
        Some(text) => Some(http::HeaderValue::from_static(text)),
        None => version.with_text(|text| http::HeaderValue::from_str(text).ok()),
    }
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue};

    use super::{
        AnswerKind, EXECUTED_VERSION, LOG_RESULT, REQUEST_ID, answer_headers,
        executed_version_value, set_executed_version, set_header,
    };
    use crate::{Version, VersionNumber};

    fn listed(headers: &HeaderMap) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().expect("ascii").to_owned()))
            .collect()
    }

    /// The names an answer's headers hold, in order.
    fn names(headers: &HeaderMap) -> Vec<&str> {
        headers.keys().map(|n| n.as_str()).collect()
    }

    /// Each prepared map holds its headers in the order they were inserted one by one
    /// before (so answers are sent as they were), the request id last and already set;
    /// setting the executed version fills its slot without adding a second one.
    #[test]
    fn prepared_answer_headers_hold_their_names_in_sending_order() {
        let mut invoke = answer_headers(AnswerKind::Invoke);
        set_executed_version(&mut invoke, HeaderValue::from_static("7"));
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
        // Outside its prepared place the executed version is inserted like any header.
        set_executed_version(&mut plain, HeaderValue::from_static("3"));
        assert_eq!(
            names(&plain),
            ["x-amzn-requestid", "x-amz-executed-version"]
        );
        assert_eq!(plain[&EXECUTED_VERSION], "3");
        // A name the map does not hold is inserted.
        set_header(&mut plain, &LOG_RESULT, HeaderValue::from_static("bG9n"));
        assert_eq!(plain.get(&LOG_RESULT).expect("inserted"), "bG9n");
        assert_eq!(plain.len(), 3);
        // Every copy has room for a few more headers without growing its table.
        for kind in [AnswerKind::Plain, AnswerKind::Json, AnswerKind::Invoke] {
            assert_eq!(
                answer_headers(kind).capacity(),
                super::PREPARED_ROOM,
                "{kind:?}"
            );
        }
    }

    /// A name held twice (appended) is replaced whole, as `insert` does.
    #[test]
    fn set_header_replaces_every_value_of_a_repeated_name() {
        let mut headers = HeaderMap::new();
        headers.append(REQUEST_ID, HeaderValue::from_static("a"));
        headers.append(REQUEST_ID, HeaderValue::from_static("b"));
        set_header(&mut headers, &REQUEST_ID, HeaderValue::from_static("c"));
        assert_eq!(
            listed(&headers),
            [("x-amzn-requestid".to_owned(), "c".to_owned())]
        );
    }

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
