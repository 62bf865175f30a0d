//! Alias answers written by hand from the registry's view or its stored alias: the bytes
//! serde writes for [`AliasConfiguration`](super::responses::AliasConfiguration), without
//! copying the members into strings first.

use super::json_text::{push_f64, push_string, push_string_with};
use crate::names::decimal_digits;
use crate::registry;
use crate::{AliasRouting, FunctionArn, RevisionId, Version};

/// An alias's answer, written from borrowed parts: the registry's view after a change,
/// or the stored alias itself for `GetAlias`.
pub(super) struct AliasConfigurationJson<'a> {
    /// The alias ARN, or the function's ARN to which `arn_suffix` is appended.
    arn: ArnText<'a>,
    /// Appended to `arn` for `AliasArn` (`None`: the ARN carries it).
    arn_suffix: Option<&'a str>,
    name: &'a str,
    function_version: Version,
    description: &'a str,
    routing: Option<&'a AliasRouting>,
    revision_id: RevisionId,
}

/// An ARN to write: one still in parts, or the text a stored function keeps.
#[derive(Clone, Copy)]
enum ArnText<'a> {
    Parts(&'a FunctionArn),
    Written(&'a str),
}

impl<'a> AliasConfigurationJson<'a> {
    /// The answer of the registry's view of an alias.
    pub(super) fn of_view(view: &'a registry::AliasConfiguration) -> Self {
        AliasConfigurationJson {
            arn: ArnText::Parts(&view.alias_arn),
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
            arn: ArnText::Written(&stored.function.arn_text),
            arn_suffix: Some(stored.name.as_str()),
            name: stored.name.as_str(),
            function_version: stored.alias.primary,
            description: &stored.alias.description,
            routing: stored.alias.routing.as_ref(),
            revision_id: stored.alias.revision_id,
        }
    }

    /// The answer's body: the bytes serde writes for
    /// [`AliasConfiguration`](super::responses::AliasConfiguration) with these members,
    /// routing keys in string order (`"10"` before `"2"`).
    pub(super) fn to_body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.capacity());
        out.extend_from_slice(br#"{"AliasArn":"#);
        push_string_with(&mut out, |out| {
            match self.arn {
                ArnText::Parts(arn) => arn.push_to(out),
                ArnText::Written(text) => out.extend_from_slice(text.as_bytes()),
            }
            if let Some(suffix) = self.arn_suffix {
                out.push(b':');
                out.extend_from_slice(suffix.as_bytes());
            }
        });
        out.extend_from_slice(br#","Name":"#);
        push_string(&mut out, self.name);
        out.extend_from_slice(br#","FunctionVersion":""#);
        self.function_version
            .with_text(|text| out.extend_from_slice(text.as_bytes()));
        out.extend_from_slice(br#"","Description":"#);
        push_string(&mut out, self.description);
        if let Some(routing) = self.routing {
            out.extend_from_slice(br#","RoutingConfig":{"AdditionalVersionWeights":{"#);
            let mut entries = [(0u64, 0f64); crate::routing::MAX_ADDITIONAL_VERSIONS];
            let mut count = 0;
            for ((n, w), slot) in routing.entries().zip(entries.iter_mut()) {
                *slot = (n.get(), w.get());
                count += 1;
            }
            let entries = &mut entries[..count];
            entries.sort_unstable_by(|a, b| decimal_order(a.0, b.0));
            for (i, (n, w)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.push(b'"');
                out.extend_from_slice(decimal_digits(*n, &mut [0; 20]).as_bytes());
                out.extend_from_slice(b"\":");
                push_f64(&mut out, *w);
            }
            out.extend_from_slice(b"}}");
        }
        out.extend_from_slice(br#","RevisionId":""#);
        self.revision_id
            .with_text(|text| out.extend_from_slice(text.as_bytes()));
        out.extend_from_slice(br#""}"#);
        out
    }

    /// About the body's length: member names, quotes, the version and revision id
    /// (192 bytes with room for a routing entry), the ARN's fixed parts (96), the name
    /// twice (in the ARN and as `Name`) and the description. An escaped description or a
    /// longer routing grows the buffer once.
    fn capacity(&self) -> usize {
        192 + 96 + 2 * self.name.len() + self.description.len()
    }
}

/// How the decimal spellings of `a` and `b` order as strings.
fn decimal_order(a: u64, b: u64) -> std::cmp::Ordering {
    let (mut x, mut y) = ([0; 20], [0; 20]);
    decimal_digits(a, &mut x).cmp(decimal_digits(b, &mut y))
}
