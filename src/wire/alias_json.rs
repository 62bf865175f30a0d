//! Alias answers written straight from the registry's view: the bytes serde writes for
//! [`AliasConfiguration`](super::responses::AliasConfiguration), without copying the
//! view's members into strings first.

use serde::Serialize;

use crate::names::decimal_digits;
use crate::registry;

/// An alias's answer written from the registry's view.
pub(super) struct AliasConfigurationJson<'a>(pub(super) &'a registry::AliasConfiguration);

impl Serialize for AliasConfigurationJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let a = self.0;
        let mut out = serializer.serialize_struct("AliasConfiguration", 6)?;
        out.serialize_field("AliasArn", &Shown(&a.alias_arn))?;
        out.serialize_field("Name", a.name.as_str())?;
        out.serialize_field("FunctionVersion", &Shown(&a.function_version))?;
        out.serialize_field("Description", &a.description)?;
        match &a.routing_config {
            Some(routing) => out.serialize_field("RoutingConfig", &RoutingJson(routing))?,
            None => out.skip_field("RoutingConfig")?,
        }
        out.serialize_field("RevisionId", &Shown(&a.revision_id))?;
        out.end()
    }
}

/// A value serialized as the string it displays as, with no intermediate `String`.
struct Shown<'a, T: std::fmt::Display>(&'a T);

impl<T: std::fmt::Display> Serialize for Shown<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

/// `{"AdditionalVersionWeights":{…}}` of an alias's routing, keys in the order of
/// [`AliasRouting::weights`](crate::AliasRouting::weights) (as strings: `"10"` before
/// `"2"`).
struct RoutingJson<'a>(&'a crate::AliasRouting);

impl Serialize for RoutingJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap as _, SerializeStruct as _};
        struct Weights<'a>(&'a crate::AliasRouting);
        impl Serialize for Weights<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut entries = [(0u64, 0f64); crate::routing::MAX_ADDITIONAL_VERSIONS];
                let mut count = 0;
                for ((n, w), slot) in self.0.entries().zip(entries.iter_mut()) {
                    *slot = (n.get(), w.get());
                    count += 1;
                }
                let entries = &mut entries[..count];
                entries.sort_unstable_by(|a, b| decimal_order(a.0, b.0));
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (n, w) in entries.iter() {
                    map.serialize_entry(&Shown(n), w)?;
                }
                map.end()
            }
        }
        let mut out = serializer.serialize_struct("AliasRoutingConfiguration", 1)?;
        out.serialize_field("AdditionalVersionWeights", &Weights(self.0))?;
        out.end()
    }
}

/// How the decimal spellings of `a` and `b` order as strings.
fn decimal_order(a: u64, b: u64) -> std::cmp::Ordering {
    let (mut x, mut y) = ([0; 20], [0; 20]);
    decimal_digits(a, &mut x).cmp(decimal_digits(b, &mut y))
}
