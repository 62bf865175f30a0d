//! Alias answers written by hand from the stored alias: the bytes serde writes for
//! [`AliasConfiguration`](super::responses::AliasConfiguration), without copying the
//! members into strings first.

use super::json_text::{push_f64, push_plain_string_with, push_string};
use crate::names::{Version, VersionNumber, decimal_digits};
use crate::registry;

/// An alias's answer, written from the stored alias itself: after `CreateAlias` and
/// `UpdateAlias` as for `GetAlias`.
pub(super) struct AliasConfigurationJson<'a>(pub(super) registry::AliasRef<'a>);

impl AliasConfigurationJson<'_> {
    /// The answer's body: the bytes serde writes for
    /// [`AliasConfiguration`](super::responses::AliasConfiguration) with these members,
    /// routing keys in string order (`"10"` before `"2"`).
    pub(super) fn to_body(&self) -> Vec<u8> {
        let registry::AliasRef {
            function,
            name,
            alias,
        } = self.0;
        let mut out = Vec::with_capacity(self.capacity());
        out.extend_from_slice(br#"{"AliasArn":"#);
        // The ARN and the name are validated text; the description is the caller's.
        push_plain_string_with(&mut out, |out| {
            out.extend_from_slice(function.arn_text.as_bytes());
            out.push(b':');
            out.extend_from_slice(name.as_str().as_bytes());
        });
        out.extend_from_slice(br#","Name":"#);
        push_plain_string_with(&mut out, |out| {
            out.extend_from_slice(name.as_str().as_bytes())
        });
        out.extend_from_slice(br#","FunctionVersion":""#);
        alias
            .primary
            .with_text(|text| out.extend_from_slice(text.as_bytes()));
        out.extend_from_slice(br#"","Description":"#);
        push_string(&mut out, &alias.description);
        if let Some(routing) = &alias.routing {
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
                out.extend_from_slice(version_text(*n, &mut [0; 20]).as_bytes());
                out.extend_from_slice(b"\":");
                push_f64(&mut out, *w);
            }
            out.extend_from_slice(b"}}");
        }
        out.extend_from_slice(br#","RevisionId":""#);
        alias.revision_id.push_text(&mut out);
        out.extend_from_slice(br#""}"#);
        out
    }

    /// [`AliasConfigurationJson::to_body`], written once per state of the alias and
    /// copied after that (`GetAlias`: an alias is read far more often than it changes).
    pub(super) fn cached_body(&self) -> Vec<u8> {
        self.0
            .alias
            .rendered
            .get_or_render(|| self.to_body())
            .to_vec()
    }

    /// About the body's length: member names, quotes, the version and revision id
    /// (192 bytes with room for a routing entry), the function's ARN, the name twice (in
    /// the alias ARN and as `Name`) and the description. An escaped description or a
    /// longer routing grows the buffer once.
    fn capacity(&self) -> usize {
        let registry::AliasRef {
            function,
            name,
            alias,
        } = self.0;
        192 + function.arn_text.len() + 2 * name.as_str().len() + alias.description.len()
    }
}

/// How the decimal spellings of `a` and `b` order as strings.
fn decimal_order(a: u64, b: u64) -> std::cmp::Ordering {
    let (mut x, mut y) = ([0; 20], [0; 20]);
    version_text(a, &mut x).cmp(version_text(b, &mut y))
}

/// The decimal text of version number `n`: static for the numbers most functions have,
/// written into `buf` past those.
fn version_text(n: u64, buf: &mut [u8; 20]) -> &str {
    match VersionNumber::new(n) {
        Some(number) => Version::Published(number).text_in(buf),
        None => decimal_digits(n, buf),
    }
}

#[cfg(test)]
mod tests {
    use super::{decimal_order, version_text};

    /// Routing keys are spelt as `to_string` spells them, from the static text or past
    /// it, and ordered as strings (`"10"` before `"2"`, `"1000"` before `"999"`).
    #[test]
    fn r53_routing_keys_spelt_and_ordered_as_strings() {
        let numbers = [0, 1, 2, 9, 10, 99, 100, 999, 1000, 1001, 12_345, u64::MAX];
        for n in numbers {
            assert_eq!(version_text(n, &mut [0; 20]), n.to_string());
            for m in numbers {
                assert_eq!(
                    decimal_order(n, m),
                    n.to_string().cmp(&m.to_string()),
                    "{n} {m}"
                );
            }
        }
    }
}
