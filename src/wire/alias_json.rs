//! Alias answers written straight from the registry's view: the bytes serde writes for
//! [`AliasConfiguration`](super::responses::AliasConfiguration), without copying the
//! view's members into strings first.

use serde::Serialize;

use crate::names::decimal_digits;
use crate::registry;
use crate::{AliasRouting, FunctionArn, RevisionId, Version};

/// An alias's answer, written from borrowed parts: the registry's view after a change,
/// or the stored alias itself for `GetAlias`.
pub(super) struct AliasConfigurationJson<'a> {
    function_arn: &'a FunctionArn,
    /// Appended to `function_arn` for `AliasArn` (`None`: the ARN carries it).
    arn_suffix: Option<&'a str>,
    name: &'a str,
    function_version: Version,
    description: &'a str,
    routing: Option<&'a AliasRouting>,
    revision_id: RevisionId,
}

impl<'a> AliasConfigurationJson<'a> {
    /// The answer of the registry's view of an alias.
    pub(super) fn of_view(view: &'a registry::AliasConfiguration) -> Self {
        AliasConfigurationJson {
            function_arn: &view.alias_arn,
            arn_suffix: None,
            name: view.name.as_str(),
            function_version: view.function_version,
            description: &view.description,
            routing: view.routing_config.as_ref(),
            revision_id: view.revision_id,
        }
    }

    /// The answer of a stored alias.
    pub(super) fn of_stored(stored: registry::AliasRef<'a>) -> Self {
        AliasConfigurationJson {
            function_arn: &stored.function.arn,
            arn_suffix: Some(stored.name.as_str()),
            name: stored.name.as_str(),
            function_version: stored.alias.primary,
            description: &stored.alias.description,
            routing: stored.alias.routing.as_ref(),
            revision_id: stored.alias.revision_id,
        }
    }
}

impl Serialize for AliasConfigurationJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut out = serializer.serialize_struct("AliasConfiguration", 6)?;
        match self.arn_suffix {
            None => out.serialize_field("AliasArn", &Shown(self.function_arn))?,
            Some(suffix) => out.serialize_field(
                "AliasArn",
                &Shown(&format_args!("{}:{suffix}", self.function_arn)),
            )?,
        }
        out.serialize_field("Name", self.name)?;
        out.serialize_field("FunctionVersion", &Shown(&self.function_version))?;
        out.serialize_field("Description", self.description)?;
        match self.routing {
            Some(routing) => out.serialize_field("RoutingConfig", &RoutingJson(routing))?,
            None => out.skip_field("RoutingConfig")?,
        }
        out.serialize_field("RevisionId", &Shown(&self.revision_id))?;
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
