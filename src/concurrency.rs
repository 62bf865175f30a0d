//! Provisioned and reserved concurrency as the registry keeps them (R98–R123): the
//! per-qualifier provisioned configs and their status. Admission against them is the
//! resolver's ([`AdmissionPermit`](crate::AdmissionPermit)).

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::resolver::Gate;

/// `Status` of a provisioned-concurrency config (R105).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ProvisionedStatus {
    /// `IN_PROGRESS`: being allocated; invocations run on demand meanwhile.
    #[serde(rename = "IN_PROGRESS")]
    InProgress,
    /// `READY`: allocated and serving.
    #[serde(rename = "READY")]
    Ready,
    /// `FAILED`: the allocation failed (`StatusReason` says why).
    #[serde(rename = "FAILED")]
    Failed,
}

impl ProvisionedStatus {
    /// The service's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProvisionedStatus::InProgress => "IN_PROGRESS",
            ProvisionedStatus::Ready => "READY",
            ProvisionedStatus::Failed => "FAILED",
        }
    }
}

impl fmt::Display for ProvisionedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One provisioned-concurrency config (on a version or an alias).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProvisionedConfig {
    pub(crate) requested: u32,
    /// What is allocated now: 0 after a Put, `requested` once `READY`; kept while an
    /// alias's config moves to a new version (R109).
    pub(crate) allocated: u32,
    pub(crate) status: ProvisionedStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) status_reason: Option<String>,
    pub(crate) last_modified: Timestamp,
    /// The admission gate of this config (its capacity is `requested` once `READY`).
    #[serde(skip)]
    pub(crate) gate: Arc<Gate>,
}

impl PartialEq for ProvisionedConfig {
    fn eq(&self, other: &Self) -> bool {
        self.requested == other.requested
            && self.allocated == other.allocated
            && self.status == other.status
            && self.status_reason == other.status_reason
            && self.last_modified == other.last_modified
    }
}

impl ProvisionedConfig {
    pub(crate) fn new(requested: u32, now: Timestamp) -> ProvisionedConfig {
        ProvisionedConfig {
            requested,
            allocated: 0,
            status: ProvisionedStatus::InProgress,
            status_reason: None,
            last_modified: now,
            gate: Arc::new(Gate::new(0)),
        }
    }
}

/// `LastModified` of a provisioned config: `2019-11-21T19:32:12+0000`, no fraction
/// (R106).
pub(crate) fn provisioned_time(t: Timestamp) -> String {
    let text = t.to_string();
    match (text.rfind('.'), text.strip_suffix("+0000")) {
        (Some(dot), Some(_)) => format!("{}+0000", &text[..dot]),
        _ => text,
    }
}
