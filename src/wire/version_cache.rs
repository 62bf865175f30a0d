//! The JSON of published versions in list answers, rendered once.
//!
//! A published version never changes (R26), so the `FunctionConfiguration` entry a
//! `ListVersionsByFunction` page shows for it is the same bytes every time. The cache keeps
//! those bytes per function and version number, together with what they were rendered
//! from; a page hands them out only when the registry's version is still that one (its
//! settings by identity — the registry shares them, never copies — and its ARN,
//! timestamp, revision and label by value), so a deleted and re-created function, or
//! anything else that changed, is rendered afresh. The page is read straight from the
//! registry ([`registry::VersionPage`]), so a version served from the cache costs no
//! view at all. The answer is byte for byte what rendering would give. Memory is
//! bounded: past [`MAX_BYTES`] of rendered JSON the cache starts over.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use super::responses::FunctionConfiguration;
use crate::arn::FunctionArn;
use crate::clock::Timestamp;
use crate::config::FunctionConfig;
use crate::error::{Error, ErrorKind};
use crate::function::{Function, PublishedVersion};
use crate::names::{FunctionName, Qualifier, RevisionId, VersionNumber};
use crate::registry;

/// The most rendered bytes kept.
const MAX_BYTES: usize = 32 << 20;

/// One rendered version and what it was rendered from.
struct Entry {
    /// The function's (unqualified) ARN.
    function_arn: FunctionArn,
    config: Arc<FunctionConfig>,
    last_modified: Timestamp,
    revision_id: RevisionId,
    label: Option<semver::Version>,
    json: Arc<[u8]>,
}

impl Entry {
    /// Whether this entry was rendered from version `v` of `f`.
    fn renders(&self, f: &Function, v: &PublishedVersion) -> bool {
        Arc::ptr_eq(&self.config, &v.config)
            && self.last_modified == v.last_modified
            && self.revision_id == v.revision_id
            && self.label == v.label
            && self.function_arn == f.arn
    }
}

/// Rendered list entries of published versions.
#[derive(Default)]
pub(super) struct VersionJsonCache {
    functions: RwLock<HashMap<FunctionName, HashMap<VersionNumber, Entry>>>,
    bytes: AtomicUsize,
}

fn render(view: &registry::FunctionConfiguration) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(&FunctionConfiguration::from(view))
        .map_err(|e| Error::new(ErrorKind::Service, format!("internal error: {e}")))
}

/// The error for a listed version missing from its function (never expected: the page
/// and the function are read under one lock).
fn vanished(n: VersionNumber) -> Error {
    Error::new(
        ErrorKind::Service,
        format!("internal error: version {n} left the page"),
    )
}

/// A version rendered during a page, to keep.
struct Rendered<'a> {
    function: &'a Function,
    number: VersionNumber,
    version: &'a PublishedVersion,
    json: Arc<[u8]>,
}

impl VersionJsonCache {
    /// `ListVersionsByFunctionResponse` as JSON: the bytes serde would write for
    /// [`super::responses::ListVersionsByFunctionResponse`]. The cache is read under one
    /// lock for the whole page (request threads share it), and the entries it did not
    /// hold are stored afterwards under one write lock.
    pub(super) fn list_versions(&self, page: &registry::VersionPage<'_>) -> Result<Vec<u8>, Error> {
        let f = page.function;
        let mut out = Vec::with_capacity(64 + (page.numbers.len() + 1) * 768);
        out.extend_from_slice(b"{\"Versions\":[");
        if page.with_latest {
            let latest = registry::FunctionConfiguration::of_latest(
                f,
                f.arn.with_qualifier(Qualifier::Latest),
                false,
            );
            out.extend_from_slice(&render(&latest)?);
        }
        let mut rendered = Vec::new();
        {
            let functions = self
                .functions
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            let kept = functions.get(&f.name);
            let mut first = !page.with_latest;
            for &n in &page.numbers {
                // The page was read under the same registry lock: every number is there.
                let version = f.versions.get(&n).ok_or_else(|| vanished(n))?;
                if !std::mem::take(&mut first) {
                    out.push(b',');
                }
                match kept
                    .and_then(|versions| versions.get(&n))
                    .filter(|entry| entry.renders(f, version))
                {
                    Some(entry) => out.extend_from_slice(&entry.json),
                    None => {
                        let view = registry::FunctionConfiguration::of_version(
                            f,
                            n,
                            f.arn.with_qualifier(n),
                            false,
                        )
                        .ok_or_else(|| vanished(n))?;
                        let json: Arc<[u8]> = render(&view)?.into();
                        out.extend_from_slice(&json);
                        rendered.push(Rendered {
                            function: f,
                            number: n,
                            version,
                            json,
                        });
                    }
                }
            }
        }
        self.keep(rendered);
        out.push(b']');
        if let Some(marker) = &page.next_marker {
            out.extend_from_slice(b",\"NextMarker\":");
            serde_json::to_writer(&mut out, marker)
                .map_err(|e| Error::new(ErrorKind::Service, format!("internal error: {e}")))?;
        }
        out.push(b'}');
        Ok(out)
    }

    /// Stores freshly rendered entries, starting over past [`MAX_BYTES`].
    fn keep(&self, rendered: Vec<Rendered<'_>>) {
        if rendered.is_empty() {
            return;
        }
        let mut functions = self
            .functions
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        for r in rendered {
            if self.bytes.load(Ordering::Relaxed) + r.json.len() > MAX_BYTES {
                functions.clear();
                self.bytes.store(0, Ordering::Relaxed);
            }
            self.bytes.fetch_add(r.json.len(), Ordering::Relaxed);
            functions
                .entry(r.function.name.clone())
                .or_default()
                .insert(
                    r.number,
                    Entry {
                        function_arn: r.function.arn.clone(),
                        config: Arc::clone(&r.version.config),
                        last_modified: r.version.last_modified,
                        revision_id: r.version.revision_id,
                        label: r.version.label.clone(),
                        json: r.json,
                    },
                );
        }
    }
}
