//! Opaque `Marker` / `NextMarker` tokens (R32, R91) and page sizes.
//!
//! A marker names the key of the first item of the next page (a version number, an alias
//! name), so a page boundary stays put when items before it are deleted. It is the key
//! prefixed with a tag and Base64url-encoded; callers must treat it as opaque.

use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::Error;
use crate::validate::Violations;

/// The most items one page holds, whatever `MaxItems` says (R32; for aliases Q16).
pub(crate) const PAGE_LIMIT: usize = 50;

/// What a marker points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MarkerKind {
    Version,
    Alias,
    /// A position in a function's URL list.
    Url,
    /// A position in a function's asynchronous-invocation configs.
    InvokeConfig,
    /// The UUID of the next event source mapping.
    Mapping,
    /// A position in a function's provisioned-concurrency configs.
    Provisioned,
    /// A function and version in `ListFunctions`.
    Function,
}

impl MarkerKind {
    fn tag(self) -> &'static str {
        match self {
            MarkerKind::Version => "v1:version:",
            MarkerKind::Alias => "v1:alias:",
            MarkerKind::Url => "v1:url:",
            MarkerKind::InvokeConfig => "v1:invoke-config:",
            MarkerKind::Mapping => "v1:mapping:",
            MarkerKind::Provisioned => "v1:provisioned:",
            MarkerKind::Function => "v1:function:",
        }
    }
}

pub(crate) fn encode(kind: MarkerKind, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}{key}", kind.tag()))
}

/// The key inside `marker`, parsed, or the refusal for a marker this crate did not issue.
pub(crate) fn decode<K: FromStr>(kind: MarkerKind, marker: &str) -> Result<K, Error> {
    URL_SAFE_NO_PAD
        .decode(marker)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(kind.tag())?.parse().ok())
        .ok_or_else(|| Error::invalid_parameter(format!("Invalid marker: {marker}")))
}

/// Records a `MaxItems` violation (1–10000, R91).
pub(crate) fn check_max_items(v: &mut Violations, max_items: Option<i64>) {
    if let Some(n) = max_items {
        v.check_range(n, "maxItems", 1, 10_000);
    }
}

/// How many items one page holds for a validated `MaxItems`.
pub(crate) fn page_size(max_items: Option<i64>) -> usize {
    max_items
        .and_then(|n| usize::try_from(n).ok())
        .map_or(PAGE_LIMIT, |n| n.min(PAGE_LIMIT))
}

/// One page of `items` by position (a function's URLs, invoke configs or provisioned
/// configs: a handful each), from the position a `marker` of `kind` names, at most
/// `max_items` (validated, at most 50): the page and the `NextMarker`.
pub(crate) fn positional_page<T>(
    items: impl ExactSizeIterator<Item = T>,
    kind: MarkerKind,
    marker: Option<&str>,
    max_items: Option<i64>,
) -> Result<(Vec<T>, Option<String>), Error> {
    let start = marker
        .map(|m| decode::<usize>(kind, m))
        .transpose()?
        .unwrap_or(0);
    let size = page_size(max_items);
    let total = items.len();
    let page = items.skip(start).take(size).collect();
    let next = start.saturating_add(size);
    Ok((
        page,
        (next < total).then(|| encode(kind, &next.to_string())),
    ))
}
