//! Lifecycle states as the service reports them (R23, R25, R26, R69): `State`,
//! `LastUpdateStatus` and their reasons.

use std::fmt;

/// `State` of a function version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// Being created; it cannot be invoked, updated or published yet.
    Pending,
    /// Ready.
    Active,
    /// Reclaimed after a long idle period.
    Inactive,
    /// Creation failed.
    Failed,
}

impl State {
    /// The service's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Pending => "Pending",
            State::Active => "Active",
            State::Inactive => "Inactive",
            State::Failed => "Failed",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `LastUpdateStatus` of a function version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LastUpdateStatus {
    /// The last update completed.
    Successful,
    /// The last update failed.
    Failed,
    /// An update is being applied; publishing and further updates are refused (R23).
    InProgress,
}

impl LastUpdateStatus {
    /// The service's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            LastUpdateStatus::Successful => "Successful",
            LastUpdateStatus::Failed => "Failed",
            LastUpdateStatus::InProgress => "InProgress",
        }
    }
}

impl fmt::Display for LastUpdateStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The reason text and code the service attaches to a `Pending` state or an `InProgress`
/// update: `The function is being created.` / `Creating`.
pub const CREATING_REASON: &str = "The function is being created.";
/// See [`CREATING_REASON`].
pub const CREATING_REASON_CODE: &str = "Creating";

/// The state fields of one version, as `GetFunction` reports them. List operations omit
/// them (R31).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct VersionStatus {
    /// `State`.
    pub state: State,
    /// `StateReason`, when the state has one.
    pub state_reason: Option<&'static str>,
    /// `StateReasonCode`, when the state has one.
    pub state_reason_code: Option<&'static str>,
    /// `LastUpdateStatus`; absent while a version is still being created.
    pub last_update_status: Option<LastUpdateStatus>,
    /// `LastUpdateStatusReason`, when the update status has one.
    pub last_update_status_reason: Option<&'static str>,
    /// `LastUpdateStatusReasonCode`, when the update status has one.
    pub last_update_status_reason_code: Option<&'static str>,
}

impl VersionStatus {
    /// Being created: `Pending` / `Creating`, no update status.
    pub(crate) const fn creating() -> Self {
        VersionStatus {
            state: State::Pending,
            state_reason: Some(CREATING_REASON),
            state_reason_code: Some(CREATING_REASON_CODE),
            last_update_status: None,
            last_update_status_reason: None,
            last_update_status_reason_code: None,
        }
    }

    /// Ready: `Active`, last update `Successful`.
    pub(crate) const fn active() -> Self {
        VersionStatus {
            state: State::Active,
            state_reason: None,
            state_reason_code: None,
            last_update_status: Some(LastUpdateStatus::Successful),
            last_update_status_reason: None,
            last_update_status_reason_code: None,
        }
    }

    /// `Active` with an update being applied.
    pub(crate) const fn updating() -> Self {
        VersionStatus {
            state: State::Active,
            state_reason: None,
            state_reason_code: None,
            last_update_status: Some(LastUpdateStatus::InProgress),
            last_update_status_reason: Some(CREATING_REASON),
            last_update_status_reason_code: Some(CREATING_REASON_CODE),
        }
    }

    /// Whether publishing or updating must wait (R23).
    pub fn is_busy(&self) -> bool {
        self.state == State::Pending
            || self.last_update_status == Some(LastUpdateStatus::InProgress)
    }
}
