//! Request members read without copying: text borrowed from the body (an escaped string
//! is unescaped into its own), and `AdditionalVersionWeights` with its entries inline up
//! to the most any routing mode accepts.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};

use crate::registry::WeightEntries;

/// How many keys a map may hold before duplicates are looked for in a hash set rather
/// than by comparing each new key with those before it (a hostile body of many keys
/// costs linear time, not quadratic).
const SCANNED_KEYS: usize = 16;

/// The version keys of `AdditionalVersionWeights` with their weights, in key order
/// (byte order, as a `BTreeMap<String, _>` keeps them), no key twice: a key named twice
/// is refused with `duplicate key "<key>"`, at the place the second one ends, as
/// [`json_map`](crate::json_map) refuses it for other maps.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct WeightsBody<'a>(WeightEntries<'a>);

impl<'a> WeightsBody<'a> {
    /// The entries, in key order.
    pub(crate) fn entries(&self) -> &[(Cow<'a, str>, f64)] {
        &self.0
    }
}

/// A JSON string, borrowed from the body unless it had to be unescaped. Refuses what a
/// `String` member refuses, in the same words. (serde borrows into a `Cow<str>` only for
/// a bare field marked `borrow`; inside an `Option` or as a map key it always copies,
/// hence this type.)
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(TextVisitor)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for WeightsBody<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WeightsVisitor<'a>(PhantomData<&'a ()>);

        impl<'de: 'a, 'a> Visitor<'de> for WeightsVisitor<'a> {
            type Value = WeightsBody<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object without duplicate keys")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = WeightEntries::<'a>::new();
                // Past SCANNED_KEYS entries: every key so far.
                let mut seen: Option<HashSet<Cow<'a, str>>> = None;
                // The value is read before the key is judged, so that a refusal names
                // the place where the second entry ends.
                while let Some((Text(key), weight)) = access.next_entry::<Text<'a>, f64>()? {
                    let twice = match &mut seen {
                        Some(seen) => !seen.insert(key.clone()),
                        None => entries.iter().any(|(k, _)| *k == key),
                    };
                    if twice {
                        return Err(A::Error::custom(format!("duplicate key \"{key}\"")));
                    }
                    entries.push((key, weight));
                    if seen.is_none() && entries.len() > SCANNED_KEYS {
                        seen = Some(entries.iter().map(|(k, _)| k.clone()).collect());
                    }
                }
                entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                Ok(WeightsBody(entries))
            }
        }

        deserializer.deserialize_map(WeightsVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::WeightsBody;
    use crate::registry::AdditionalVersionWeights;

    /// What the map reader of the other bodies (`json_map`) makes of the same text.
    #[derive(serde::Deserialize)]
    struct MapReader(
        #[serde(deserialize_with = "crate::json_map::unique_keys")] AdditionalVersionWeights,
    );

    /// The entries as the registry's map.
    fn into_map(weights: WeightsBody<'_>) -> AdditionalVersionWeights {
        weights
            .0
            .into_iter()
            .map(|(k, w)| (k.into_owned(), w))
            .collect()
    }

    fn both(
        text: &str,
    ) -> (
        Result<WeightsBody<'_>, String>,
        Result<BTreeMap<String, f64>, String>,
    ) {
        (
            serde_json::from_str::<WeightsBody<'_>>(text).map_err(|e| e.to_string()),
            serde_json::from_str::<MapReader>(text)
                .map(|m| m.0)
                .map_err(|e| e.to_string()),
        )
    }

    /// Entries in key order, escaped keys unescaped, and refusals worded and placed as
    /// the map reader places them (R48, R53; duplicate keys: docs/decisions.md).
    #[test]
    fn r48_r53_weights_read_as_the_map_reader_reads_them() {
        let many_unique: String = (0..40).map(|n| format!("\"{n}\":0.0,")).collect::<String>();
        let many_unique = format!("{{{}\"x\":1.0}}", many_unique);
        let many_twice = many_unique.replace("\"x\":1.0", "\"x\":1.0,\"33\":0.5");
        let cases = [
            r#"{}"#.to_owned(),
            r#"{"2":0.2}"#.to_owned(),
            r#"{"9":0.5,"10":0.125,"2":0.25}"#.to_owned(),
            r#"{"\u0032":0.2,"1\"":0.1}"#.to_owned(),
            r#"{"2":0.1,"2":0.9}"#.to_owned(),
            r#"{"2":0.1,"\u0032":0.9}"#.to_owned(),
            r#"{"2":"x"}"#.to_owned(),
            r#"{"2":1}"#.to_owned(),
            r#"[1]"#.to_owned(),
            many_unique,
            many_twice,
        ];
        for text in &cases {
            let (weights, map) = both(text);
            match (weights, map) {
                (Ok(weights), Ok(map)) => {
                    let entries: Vec<(String, f64)> = weights
                        .entries()
                        .iter()
                        .map(|(k, w)| (k.clone().into_owned(), *w))
                        .collect();
                    let expected: Vec<(String, f64)> = map.clone().into_iter().collect();
                    assert_eq!(entries, expected, "{text}");
                    assert_eq!(into_map(weights), map, "{text}");
                }
                (weights, map) => assert_eq!(weights.map(|_| ()), map.map(|_| ()), "{text}"),
            }
        }
        let (refused, _) = both(r#"{"2":0.1,"2":0.9}"#);
        assert_eq!(
            refused.unwrap_err(),
            "duplicate key \"2\" at line 1 column 17"
        );
    }

    proptest! {
        /// Any object of version-like keys reads as the map reader reads it, duplicates
        /// (found by scanning or, past 16 keys, by the hash set) included.
        #[test]
        fn weights_agree_with_the_map_reader(
            keys in proptest::collection::vec("[0-9]{1,3}", 0..40),
            weight in 0.0f64..=1.0,
        ) {
            let text = format!(
                "{{{}}}",
                keys.iter().map(|k| format!("\"{k}\":{weight}")).collect::<Vec<_>>().join(",")
            );
            let (weights, map) = both(&text);
            match (weights, map) {
                (Ok(weights), Ok(map)) => prop_assert_eq!(into_map(weights), map),
                (weights, map) => prop_assert_eq!(weights.map(|_| ()), map.map(|_| ())),
            }
        }
    }
}
