//! Progressive delivery on aliases: CodeDeploy-compatible canary, linear and
//! all-at-once schedules, and a [`Rollout`] state machine that moves an alias along a
//! schedule, gated by lifecycle hooks and a health signal, driven by the caller's clock.
//!
//! On AWS, shifting an alias gradually needs a second service (CodeDeploy); here it is a
//! value you tick. Every change goes through [`Registry::update_alias`] with the alias's
//! `RevisionId` as precondition, so the resolver sees the traffic move exactly as it would
//! after a manual update, and a concurrent manual change aborts the rollout instead of
//! being overwritten.
//!
//! ```text
//! start ─▶ [BeforeAllowTraffic] ─hook ok─▶ Shifting ─100% + schedule done─▶ [AfterAllowTraffic] ─hook ok─▶ Succeeded
//!                │ hook failed/timeout        │ unhealthy / stop                  │ hook failed / unhealthy
//!                ▼                            ▼                                   ▼
//!           RolledBack                   RolledBack                          RolledBack
//! (any alias update refused: RevisionId moved → Aborted; other refusal → Failed)
//! ```
//!
//! Bracketed phases exist only when the plan asks for that hook. Rolling back puts the
//! alias on the version it pointed at when the rollout started, with no routing.
//!
//! [`Registry::update_alias`]: crate::Registry::update_alias

mod machine;
mod schedule;

pub use machine::{
    ALREADY_ON_TARGET, ALREADY_SHIFTING, AbortReason, Health, HookOutcome, HookPoint, Phase,
    RollbackReason, Rollout, RolloutEvent, RolloutPlan,
};
pub use schedule::{Preset, Schedule, ScheduleError, ScheduleKind, Step, Timeline};
