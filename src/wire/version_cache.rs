//! The JSON of published versions in list answers, rendered once.
//!
//! A published version never changes (R26), so the `FunctionConfiguration` entry a
//! `ListVersionsByFunction` page shows for it is the same bytes every time. The cache keeps
//! those bytes per function and version number, together with the registry's view they
//! were rendered from; a lookup hands them out only when the view it is given is the same
//! one (the version's settings by identity — the registry shares them, never copies —
//! and every other member by value), so a deleted and re-created function, or anything
//! else that changed, is rendered afresh. The answer is byte for byte what rendering would
//! give. Memory is bounded: past [`MAX_BYTES`] of rendered JSON the cache starts over.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use super::responses::FunctionConfiguration;
use crate::error::{Error, ErrorKind};
use crate::names::{FunctionName, VersionNumber};
use crate::registry;

/// The most rendered bytes kept.
const MAX_BYTES: usize = 32 << 20;

/// One rendered version and what it was rendered from.
struct Entry {
    view: registry::FunctionConfiguration,
    json: Arc<[u8]>,
}

/// Rendered list entries of published versions.
#[derive(Default)]
pub(super) struct VersionJsonCache {
    functions: RwLock<HashMap<FunctionName, HashMap<VersionNumber, Entry>>>,
    bytes: AtomicUsize,
}

/// Whether `a` and `b` render the same: the same settings value (by identity) and equal
/// members otherwise.
fn same_view(a: &registry::FunctionConfiguration, b: &registry::FunctionConfiguration) -> bool {
    Arc::ptr_eq(&a.config, &b.config)
        && a.function_name == b.function_name
        && a.function_arn == b.function_arn
        && a.version == b.version
        && a.last_modified == b.last_modified
        && a.revision_id == b.revision_id
        && a.status == b.status
        && a.label == b.label
}

fn render(view: &registry::FunctionConfiguration) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(&FunctionConfiguration::from(view))
        .map_err(|e| Error::new(ErrorKind::Service, format!("internal error: {e}")))
}

impl VersionJsonCache {
    /// `ListVersionsByFunctionResponse` as JSON: the bytes serde would write for
    /// [`super::responses::ListVersionsByFunctionResponse`]. The cache is read under one
    /// lock for the whole page (request threads share it), and the entries it did not
    /// hold are stored afterwards under one write lock.
    pub(super) fn list_versions(
        &self,
        page: &registry::ListVersionsByFunctionResponse,
    ) -> Result<Vec<u8>, Error> {
        let mut out = Vec::with_capacity(64 + page.versions.len() * 768);
        out.extend_from_slice(b"{\"Versions\":[");
        let mut rendered: Vec<(&registry::FunctionConfiguration, VersionNumber, Arc<[u8]>)> =
            Vec::new();
        {
            let functions = self
                .functions
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            for (i, view) in page.versions.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let crate::Version::Published(number) = view.version else {
                    out.extend_from_slice(&render(view)?);
                    continue;
                };
                match functions
                    .get(&view.function_name)
                    .and_then(|versions| versions.get(&number))
                    .filter(|entry| same_view(&entry.view, view))
                {
                    Some(entry) => out.extend_from_slice(&entry.json),
                    None => {
                        let json: Arc<[u8]> = render(view)?.into();
                        out.extend_from_slice(&json);
                        rendered.push((view, number, json));
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
    fn keep(&self, rendered: Vec<(&registry::FunctionConfiguration, VersionNumber, Arc<[u8]>)>) {
        if rendered.is_empty() {
            return;
        }
        let mut functions = self
            .functions
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        for (view, number, json) in rendered {
            if self.bytes.load(Ordering::Relaxed) + json.len() > MAX_BYTES {
                functions.clear();
                self.bytes.store(0, Ordering::Relaxed);
            }
            self.bytes.fetch_add(json.len(), Ordering::Relaxed);
            functions
                .entry(view.function_name.clone())
                .or_default()
                .insert(
                    number,
                    Entry {
                        view: view.clone(),
                        json,
                    },
                );
        }
    }
}
