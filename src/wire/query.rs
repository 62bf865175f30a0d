//! A request's query string, read in place: parameters decoded as
//! `application/x-www-form-urlencoded` says, only when they are looked up.

use std::borrow::Cow;

use super::route::split_at_byte;

/// The query parameters of a request, decoded when they are looked up (a value without
/// escapes is borrowed, not copied). The first occurrence of a name wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Query<'a>(&'a str);

impl<'a> Query<'a> {
    /// The parameters of `query` (the part after `?`, without it).
    ///
    /// ```
    /// use lambda_versioning::wire::Query;
    /// let q = Query::parse("Qualifier=live&MaxItems=5&Marker=a%2Bb&tagKeys=x&tagKeys=y");
    /// assert_eq!(q.get("Qualifier").as_deref(), Some("live"));
    /// assert_eq!(q.get("Marker").as_deref(), Some("a+b"));
    /// assert_eq!(q.get("RevisionId"), None);
    /// assert_eq!(q.get_all("tagKeys"), ["x", "y"]);
    /// ```
    pub fn parse(query: &'a str) -> Query<'a> {
        Query(query)
    }

    /// Every value of parameter `name`, in order (`tagKeys=a&tagKeys=b`).
    pub fn get_all(&self, name: &str) -> Vec<Cow<'a, str>> {
        self.pairs()
            .filter(|(key, _)| decode_form(key) == name)
            .map(|(_, value)| decode_form(value))
            .collect()
    }

    /// The value of parameter `name`.
    pub fn get(&self, name: &str) -> Option<Cow<'a, str>> {
        if is_plain_name(name)
            && let Some(value) = self.leading(name)
        {
            return Some(value);
        }
        self.find(name)
    }

    /// The value of parameter `name`, one of the service's own ([`ParamName`]).
    pub(super) fn param(&self, name: ParamName) -> Option<Cow<'a, str>> {
        self.leading(name.0).or_else(|| self.find(name.0))
    }

    /// The value of parameter `name`, pair by pair.
    fn find(&self, name: &str) -> Option<Cow<'a, str>> {
        if !has_form_escapes(self.0) {
            // Nothing in the query is decoded: names compare as written.
            return self
                .pairs()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| Cow::Borrowed(value));
        }
        self.pairs()
            .find(|(key, _)| decode_form(key) == name)
            .map(|(_, value)| decode_form(value))
    }

    /// The value of the query's first pair when its name is `name` as written, for a
    /// plain `name` ([`is_plain_name`]): the usual query, `Qualifier=live`, found without
    /// splitting the rest. `None` says only that this shortcut does not apply.
    fn leading(&self, name: &str) -> Option<Cow<'a, str>> {
        let after = self.0.strip_prefix(name)?;
        let value = match after.as_bytes().first() {
            None | Some(b'&') => "",
            Some(b'=') => {
                let value = &after[1..];
                split_at_byte(value, b'&').next().unwrap_or(value)
            }
            Some(_) => return None,
        };
        Some(decode_form(value))
    }

    /// The `name=value` pairs, still encoded, as `application/x-www-form-urlencoded`
    /// splits them: on `&`, empty pieces skipped, then at the first `=` (none: an empty
    /// value).
    fn pairs(&self) -> impl Iterator<Item = (&'a str, &'a str)> + use<'a> {
        split_at_byte(self.0, b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.bytes().position(|b| b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, ""),
            })
    }
}

/// Whether `name` is plain: not empty, ASCII letters and digits only, so form decoding
/// leaves it as written and it holds neither separator (`&`, `=`).
const fn is_plain_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            return false;
        }
        i += 1;
    }
    !bytes.is_empty()
}

/// The name of a query parameter the service reads: plain ([`is_plain_name`]), which is
/// checked when the constant is built, so a lookup need not check it again.
#[derive(Clone, Copy, Debug)]
pub(super) struct ParamName(&'static str);

impl ParamName {
    const fn new(name: &'static str) -> ParamName {
        assert!(
            is_plain_name(name),
            "parameter names are ASCII letters and digits"
        );
        ParamName(name)
    }
}

/// `Qualifier`.
pub(super) const QUALIFIER: ParamName = ParamName::new("Qualifier");
/// `Marker`.
pub(super) const MARKER: ParamName = ParamName::new("Marker");
/// `MaxItems`.
pub(super) const MAX_ITEMS: ParamName = ParamName::new("MaxItems");
/// `FunctionVersion`.
pub(super) const FUNCTION_VERSION: ParamName = ParamName::new("FunctionVersion");
/// `RevisionId`.
pub(super) const REVISION_ID: ParamName = ParamName::new("RevisionId");
/// `EventSourceArn`.
pub(super) const EVENT_SOURCE_ARN: ParamName = ParamName::new("EventSourceArn");
/// `FunctionName`.
pub(super) const FUNCTION_NAME: ParamName = ParamName::new("FunctionName");
/// `List`.
pub(super) const LIST: ParamName = ParamName::new("List");
/// `MasterRegion`.
pub(super) const MASTER_REGION: ParamName = ParamName::new("MasterRegion");

/// Whether form decoding changes `text`: it holds a `%` escape or a `+`.
fn has_form_escapes(text: &str) -> bool {
    text.bytes().any(|b| b == b'%' || b == b'+')
}

/// One form-encoded name or value decoded as `application/x-www-form-urlencoded` says
/// (`+` is a space, then percent-decoding, invalid UTF-8 replaced by U+FFFD), borrowed
/// when there is nothing to decode.
fn decode_form(encoded: &str) -> Cow<'_, str> {
    if !has_form_escapes(encoded) {
        return Cow::Borrowed(encoded);
    }
    let spaced = encoded.replace('+', " ");
    Cow::Owned(
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{LIST, QUALIFIER, Query};

    /// Characters that exercise the separators, escapes and plus signs.
    fn query_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("&"),
                Just("="),
                Just("+"),
                Just("%"),
                Just("%2B"),
                Just("%3D"),
                Just("%26"),
                Just("%FF"),
                Just("%e2%9c%93"),
                Just("%4"),
                Just("Qualifier"),
                Just("live"),
                Just("List"),
                Just("a"),
                Just("é"),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        /// `Query` answers what `form_urlencoded` (the `url` crate's parser) decodes: the
        /// first value of a name, and all of them in order.
        #[test]
        fn query_lookup_agrees_with_form_urlencoded(query in query_text(), name in query_text()) {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let q = Query::parse(&query);
            let expected_first = pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str());
            prop_assert_eq!(q.get(&name).map(|v| v.into_owned()), expected_first.map(str::to_owned));
            let expected_all: Vec<&str> =
                pairs.iter().filter(|(k, _)| *k == name).map(|(_, v)| v.as_str()).collect();
            let all = q.get_all(&name);
            let all: Vec<&str> = all.iter().map(|v| v.as_ref()).collect();
            prop_assert_eq!(all, expected_all);
            // The service's own names take the same answers by their own path.
            for param in [QUALIFIER, LIST] {
                let first = pairs.iter().find(|(k, _)| k == param.0).map(|(_, v)| v.as_str());
                prop_assert_eq!(q.param(param).map(|v| v.into_owned()), first.map(str::to_owned));
            }
            for (k, v) in &pairs {
                let first = pairs.iter().find(|(k2, _)| k2 == k).map(|(_, v2)| v2.as_str());
                prop_assert_eq!(q.get(k).map(|v| v.into_owned()), first.map(str::to_owned), "{} {}", k, v);
            }
        }
    }
}
