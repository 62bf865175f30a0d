//! JSON objects read as maps, refusing duplicate keys: serde's maps keep the last of two
//! equal keys silently, which would let `{"2":0.1,"2":0.9}` mean whatever the parser
//! kept. The service's behaviour is unrecorded; this crate refuses (docs/decisions.md).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};

/// Deserializes a map, failing on the first key that appears twice
/// (`duplicate key "<key>"`). For `#[serde(deserialize_with = "...")]`.
pub(crate) fn unique_keys<'de, D, K, V>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + fmt::Display,
    V: Deserialize<'de>,
{
    struct UniqueKeys<K, V>(PhantomData<(K, V)>);

    impl<'de, K, V> Visitor<'de> for UniqueKeys<K, V>
    where
        K: Deserialize<'de> + Ord + fmt::Display,
        V: Deserialize<'de>,
    {
        type Value = BTreeMap<K, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object without duplicate keys")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            let mut map = BTreeMap::new();
            while let Some((key, value)) = access.next_entry::<K, V>()? {
                if map.contains_key(&key) {
                    return Err(A::Error::custom(format!("duplicate key \"{key}\"")));
                }
                map.insert(key, value);
            }
            Ok(map)
        }
    }

    deserializer.deserialize_map(UniqueKeys(PhantomData))
}

/// [`unique_keys`] for an optional map (`null` or absent is `None`).
pub(crate) fn optional_unique_keys<'de, D, K, V>(
    deserializer: D,
) -> Result<Option<BTreeMap<K, V>>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + fmt::Display,
    V: Deserialize<'de>,
{
    #[derive(serde::Deserialize)]
    #[serde(bound = "K: Deserialize<'de> + Ord + fmt::Display, V: Deserialize<'de>")]
    struct Wrapper<K, V>(#[serde(deserialize_with = "unique_keys")] BTreeMap<K, V>);

    Ok(Option::<Wrapper<K, V>>::deserialize(deserializer)?.map(|w| w.0))
}
