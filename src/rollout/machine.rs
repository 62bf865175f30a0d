//! [`Rollout`]: one alias moving to one version along a [`Schedule`], gated by hooks and
//! a health signal, applied through the [`Registry`] with the alias's `RevisionId` as
//! precondition.

use std::fmt;
use std::time::Duration;

use super::schedule::{Schedule, offset_text};
use crate::Registry;
use crate::clock::Timestamp;
use crate::error::{Error, ErrorKind};
use crate::names::{RevisionId, Version, VersionNumber};
use crate::registry::{
    AliasConfiguration, GetAliasRequest, UpdateAliasRequest, latest_not_routable,
};

/// What a rollout does: move alias `alias` of `function` to version `target` along
/// `schedule`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RolloutPlan {
    /// The function (a bare name).
    pub function: String,
    /// The alias to move.
    pub alias: String,
    /// The version to move it to.
    pub target: VersionNumber,
    /// When each weight applies.
    pub schedule: Schedule,
    /// Wait for a pre-traffic hook result (`BeforeAllowTraffic`) before shifting.
    pub pre_traffic_hook: bool,
    /// Wait for a post-traffic hook result (`AfterAllowTraffic`) after shifting.
    pub post_traffic_hook: bool,
    /// How long a hook may take before it counts as failed (CodeDeploy: one hour).
    pub hook_timeout: Duration,
}

impl RolloutPlan {
    /// A plan without hooks.
    pub fn new(
        function: impl Into<String>,
        alias: impl Into<String>,
        target: VersionNumber,
        schedule: Schedule,
    ) -> RolloutPlan {
        RolloutPlan {
            function: function.into(),
            alias: alias.into(),
            target,
            schedule,
            pre_traffic_hook: false,
            post_traffic_hook: false,
            hook_timeout: Duration::from_secs(3600),
        }
    }

    /// Waits for a pre-traffic hook result before any traffic moves.
    pub fn with_pre_traffic_hook(mut self) -> Self {
        self.pre_traffic_hook = true;
        self
    }

    /// Waits for a post-traffic hook result before the rollout succeeds.
    pub fn with_post_traffic_hook(mut self) -> Self {
        self.post_traffic_hook = true;
        self
    }

    /// Sets the hook timeout.
    pub fn with_hook_timeout(mut self, timeout: Duration) -> Self {
        self.hook_timeout = timeout;
        self
    }
}

/// The health signal the caller supplies on each tick (an alarm state, an error rate).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Health {
    /// Keep going.
    Healthy,
    /// Roll back; the text says why.
    Unhealthy(String),
}

/// The result of a lifecycle hook.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HookOutcome {
    /// The hook passed.
    Succeeded,
    /// The hook failed; the text says why.
    Failed(String),
}

/// Which hook a rollout waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HookPoint {
    /// `BeforeAllowTraffic` (SAM `PreTraffic`): the new version exists, no traffic yet.
    BeforeAllowTraffic,
    /// `AfterAllowTraffic` (SAM `PostTraffic`): all traffic is on the new version.
    AfterAllowTraffic,
}

/// Why a rollout rolled back.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RollbackReason {
    /// The health signal said so.
    Unhealthy(String),
    /// A hook failed.
    HookFailed(HookPoint, String),
    /// A hook did not answer within the timeout.
    HookTimedOut(HookPoint),
    /// The caller stopped the rollout ([`Rollout::stop`]).
    Stopped,
}

impl fmt::Display for HookPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HookPoint::BeforeAllowTraffic => "BeforeAllowTraffic",
            HookPoint::AfterAllowTraffic => "AfterAllowTraffic",
        })
    }
}

impl fmt::Display for RollbackReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RollbackReason::Unhealthy(why) => write!(f, "unhealthy: {why}"),
            RollbackReason::HookFailed(point, why) => write!(f, "{point} hook failed: {why}"),
            RollbackReason::HookTimedOut(point) => write!(f, "{point} hook timed out"),
            RollbackReason::Stopped => f.write_str("stopped"),
        }
    }
}

/// Why a rollout was aborted without touching the alias again.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AbortReason {
    /// Someone else changed the alias (its `RevisionId` moved): the change is kept, not
    /// overwritten.
    ConcurrentChange,
    /// The alias or its function was deleted.
    AliasGone(Error),
}

/// Where a rollout is.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Phase {
    /// Waiting for the pre-traffic hook; no traffic has moved.
    BeforeAllowTraffic,
    /// Traffic is moving along the schedule.
    Shifting,
    /// All traffic is on the new version; waiting for the post-traffic hook.
    AfterAllowTraffic,
    /// Done: the alias points at the target with no routing (R41).
    Succeeded,
    /// The alias was put back on its original version with no routing.
    RolledBack(RollbackReason),
    /// Stopped without touching the alias again (see [`AbortReason`]).
    Aborted(AbortReason),
    /// The registry refused an update (for example R52: the versions have different
    /// execution roles); the alias is as it was before that update.
    Failed(Error),
}

impl fmt::Display for AbortReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbortReason::ConcurrentChange => {
                f.write_str("the alias was changed by someone else (its RevisionId moved)")
            }
            AbortReason::AliasGone(e) => write!(f, "the alias is gone: {}", e.message()),
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Phase::BeforeAllowTraffic => f.write_str("waiting for the BeforeAllowTraffic hook"),
            Phase::Shifting => f.write_str("shifting"),
            Phase::AfterAllowTraffic => f.write_str("waiting for the AfterAllowTraffic hook"),
            Phase::Succeeded => f.write_str("succeeded"),
            Phase::RolledBack(reason) => write!(f, "rolled back ({reason})"),
            Phase::Aborted(reason) => write!(f, "aborted ({reason})"),
            Phase::Failed(e) => write!(f, "failed ({e})"),
        }
    }
}

impl Phase {
    /// Whether the rollout is over.
    pub fn is_finished(&self) -> bool {
        !matches!(
            self,
            Phase::BeforeAllowTraffic | Phase::Shifting | Phase::AfterAllowTraffic
        )
    }
}

/// One thing that happened, for logs and tests.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RolloutEvent {
    /// When.
    pub at: Timestamp,
    /// What, in words (`weight 30% applied`, `rolled back: error rate 5%`).
    pub what: String,
}

/// A rollout of one alias to one version.
///
/// Drive it with [`Rollout::tick`] (and [`Rollout::hook_result`] when hooks are
/// configured), passing the current time and the health signal. Every alias change goes
/// through [`Registry::update_alias`] with the `RevisionId` the rollout last saw, so a
/// concurrent change aborts the rollout instead of being overwritten; traffic follows
/// through the registry's resolver like any alias update. A tick applies the weight due
/// at that moment: steps missed between two ticks are skipped, not replayed.
///
/// ```
/// use lambda_versioning::rollout::{Health, Phase, Preset, Rollout, RolloutPlan};
/// use lambda_versioning::registry::{CreateAliasRequest, CreateFunctionRequest, PublishVersionRequest, UpdateFunctionCodeRequest};
/// use lambda_versioning::{Code, FunctionConfig, ManualClock, Registry, Timestamp, VersionNumber};
///
/// let clock = ManualClock::new(Timestamp::from_unix_millis(0));
/// let mut registry = Registry::builder().clock(clock.clone()).build();
/// let role = "arn:aws:iam::123456789012:role/exec";
/// registry.create_function(CreateFunctionRequest::new("f", FunctionConfig::new(role, Code::from_zip_bytes(b"1"))))?;
/// registry.publish_version(PublishVersionRequest::new("f"))?;
/// registry.update_function_code(UpdateFunctionCodeRequest::new("f", Code::from_zip_bytes(b"2")))?;
/// registry.publish_version(PublishVersionRequest::new("f"))?;
/// registry.create_alias(CreateAliasRequest::new("f", "live", "1"))?;
///
/// let v2 = VersionNumber::new(2).unwrap();
/// let plan = RolloutPlan::new("f", "live", v2, Preset::Canary10Percent5Minutes.schedule());
/// let mut rollout = Rollout::start(&registry, plan, clock.now())?;
/// rollout.tick(&mut registry, clock.now(), &Health::Healthy);
/// assert_eq!(rollout.applied_weight(), Some(0.1));
/// clock.advance_millis(5 * 60 * 1000);
/// rollout.tick(&mut registry, clock.now(), &Health::Healthy);
/// assert_eq!(*rollout.phase(), Phase::Succeeded);
/// # use lambda_versioning::Clock as _;
/// # Ok::<(), lambda_versioning::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Rollout {
    plan: RolloutPlan,
    original: Version,
    phase: Phase,
    /// When traffic started (or will start) to shift.
    shift_started: Option<Timestamp>,
    /// When the current hook wait began.
    hook_started: Option<Timestamp>,
    applied: Option<f64>,
    revision: RevisionId,
    events: Vec<RolloutEvent>,
}

/// The refusal text when the alias already routes to a second version.
pub const ALREADY_SHIFTING: &str = "The alias already routes traffic to an additional version; a rollout starts from an alias that points at one version";
/// The refusal text when the target is the alias's version already.
pub const ALREADY_ON_TARGET: &str = "The alias already points at the target version";

impl Rollout {
    /// Starts a rollout at `now`: reads the alias (its version is the one to roll back
    /// to) and checks the target exists. Nothing changes until the first
    /// [`tick`](Rollout::tick).
    ///
    /// # Errors
    ///
    /// The registry's errors for a missing function, alias or target version;
    /// `InvalidParameterValueException` when the alias points at `$LATEST` (R47), already
    /// routes to an additional version ([`ALREADY_SHIFTING`]), or already points at the
    /// target ([`ALREADY_ON_TARGET`]).
    pub fn start(registry: &Registry, plan: RolloutPlan, now: Timestamp) -> Result<Rollout, Error> {
        let alias = registry.get_alias(GetAliasRequest::new(
            plan.function.clone(),
            plan.alias.clone(),
        ))?;
        registry.get_function_configuration(
            crate::registry::GetFunctionConfigurationRequest::new(plan.function.clone())
                .with_qualifier(plan.target.to_string()),
        )?;
        if alias.function_version == Version::Latest {
            // The registry's own wording of R47, as the first update would answer.
            return Err(latest_not_routable());
        }
        if alias.routing_config.is_some() {
            return Err(Error::new(
                ErrorKind::InvalidParameterValue,
                ALREADY_SHIFTING,
            ));
        }
        if alias.function_version == Version::Published(plan.target) {
            return Err(Error::new(
                ErrorKind::InvalidParameterValue,
                ALREADY_ON_TARGET,
            ));
        }
        let (phase, shift_started, hook_started) = if plan.pre_traffic_hook {
            (Phase::BeforeAllowTraffic, None, Some(now))
        } else {
            (Phase::Shifting, Some(now), None)
        };
        let mut rollout = Rollout {
            original: alias.function_version,
            phase,
            shift_started,
            hook_started,
            applied: None,
            revision: alias.revision_id,
            events: Vec::new(),
            plan,
        };
        rollout.log(
            now,
            format!(
                "started {}: {} from version {} to {}",
                rollout.plan.schedule.name(),
                rollout.plan.alias,
                rollout.original,
                rollout.plan.target
            ),
        );
        Ok(rollout)
    }

    /// The plan.
    pub fn plan(&self) -> &RolloutPlan {
        &self.plan
    }

    /// Where the rollout is.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The version the alias pointed at when the rollout started.
    pub fn original(&self) -> Version {
        self.original
    }

    /// The weight of the new version last applied (`None` before the first).
    pub fn applied_weight(&self) -> Option<f64> {
        self.applied
    }

    /// What happened so far.
    pub fn events(&self) -> &[RolloutEvent] {
        &self.events
    }

    /// When the next tick can change something: the next step, the completion, or a hook
    /// deadline. `None` once finished.
    pub fn next_due(&self) -> Option<Timestamp> {
        let plus = |t: Timestamp, d: Duration| {
            Timestamp::from_unix_millis(
                t.unix_millis()
                    .saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            )
        };
        match self.phase {
            Phase::BeforeAllowTraffic | Phase::AfterAllowTraffic => {
                self.hook_started.map(|t| plus(t, self.plan.hook_timeout))
            }
            Phase::Shifting => {
                let start = self.shift_started?;
                let schedule = &self.plan.schedule;
                if self.applied.is_none() {
                    return Some(start);
                }
                let applied = self.applied.unwrap_or(0.0);
                let next = schedule
                    .steps()
                    .iter()
                    .find(|s| s.weight > applied)
                    .map(|s| s.after)
                    .unwrap_or(schedule.completes_after());
                Some(plus(start, next))
            }
            _ => None,
        }
    }

    fn elapsed(&self, start: Timestamp, now: Timestamp) -> Duration {
        let ms = now.unix_millis().saturating_sub(start.unix_millis()).max(0);
        Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }

    fn log(&mut self, at: Timestamp, what: String) {
        self.events.push(RolloutEvent { at, what });
    }

    /// Reports the result of the hook the rollout waits for. A success moves on (to
    /// shifting, or to success after the post-traffic hook); a failure rolls back.
    /// Outside a hook phase this does nothing.
    pub fn hook_result(
        &mut self,
        registry: &mut Registry,
        now: Timestamp,
        outcome: HookOutcome,
    ) -> &Phase {
        let point = match self.phase {
            Phase::BeforeAllowTraffic => HookPoint::BeforeAllowTraffic,
            Phase::AfterAllowTraffic => HookPoint::AfterAllowTraffic,
            _ => return &self.phase,
        };
        match outcome {
            HookOutcome::Succeeded => {
                self.log(now, format!("{point} hook succeeded"));
                self.hook_started = None;
                if point == HookPoint::BeforeAllowTraffic {
                    self.phase = Phase::Shifting;
                    self.shift_started = Some(now);
                } else {
                    self.succeed(now);
                }
            }
            HookOutcome::Failed(why) => {
                self.roll_back(registry, now, RollbackReason::HookFailed(point, why));
            }
        }
        &self.phase
    }

    /// Stops the rollout and puts the alias back on its original version.
    pub fn stop(&mut self, registry: &mut Registry, now: Timestamp) -> &Phase {
        if !self.phase.is_finished() {
            self.roll_back(registry, now, RollbackReason::Stopped);
        }
        &self.phase
    }

    /// Advances the rollout to `now` with the caller's health signal: rolls back when
    /// unhealthy (while traffic is on the new version or a hook is pending), times out
    /// hooks, applies the weight due now, and completes the shift when the schedule says
    /// so. Returns the phase after the tick.
    pub fn tick(&mut self, registry: &mut Registry, now: Timestamp, health: &Health) -> &Phase {
        if self.phase.is_finished() {
            return &self.phase;
        }
        if let Health::Unhealthy(why) = health
            && self.phase != Phase::BeforeAllowTraffic
        {
            self.roll_back(registry, now, RollbackReason::Unhealthy(why.clone()));
            return &self.phase;
        }
        match self.phase {
            Phase::BeforeAllowTraffic | Phase::AfterAllowTraffic => {
                let point = if self.phase == Phase::BeforeAllowTraffic {
                    HookPoint::BeforeAllowTraffic
                } else {
                    HookPoint::AfterAllowTraffic
                };
                let started = self.hook_started.unwrap_or(now);
                if self.elapsed(started, now) >= self.plan.hook_timeout {
                    self.roll_back(registry, now, RollbackReason::HookTimedOut(point));
                }
            }
            Phase::Shifting => self.shift(registry, now),
            _ => {}
        }
        &self.phase
    }

    fn shift(&mut self, registry: &mut Registry, now: Timestamp) {
        let start = self.shift_started.unwrap_or(now);
        let elapsed = self.elapsed(start, now);
        let due = self.plan.schedule.weight_at(elapsed);
        if self.applied.is_none_or(|applied| due > applied) {
            let update =
                UpdateAliasRequest::new(self.plan.function.clone(), self.plan.alias.clone());
            let at = offset_text(elapsed);
            let target = self.plan.target;
            let (request, what) = if due >= 1.0 {
                (
                    update
                        .with_function_version(target.to_string())
                        .without_routing(),
                    format!(
                        "+{at}: version {target} gets 100% (alias now points at it, no routing)"
                    ),
                )
            } else {
                (
                    update.with_routing(target.to_string(), due),
                    format!("+{at}: version {target} gets {}%", due * 100.0),
                )
            };
            if !self.update(registry, now, request) {
                return;
            }
            self.applied = Some(due);
            self.log(now, what);
        }
        if elapsed >= self.plan.schedule.completes_after() && self.applied == Some(1.0) {
            if self.plan.post_traffic_hook {
                self.phase = Phase::AfterAllowTraffic;
                self.hook_started = Some(now);
                self.log(
                    now,
                    "shift complete; waiting for the AfterAllowTraffic hook".to_owned(),
                );
            } else {
                self.succeed(now);
            }
        }
    }

    fn succeed(&mut self, now: Timestamp) {
        self.phase = Phase::Succeeded;
        self.log(
            now,
            format!(
                "succeeded: {} is on version {}",
                self.plan.alias, self.plan.target
            ),
        );
    }

    fn roll_back(&mut self, registry: &mut Registry, now: Timestamp, reason: RollbackReason) {
        if self.applied.is_some() {
            let request =
                UpdateAliasRequest::new(self.plan.function.clone(), self.plan.alias.clone())
                    .with_function_version(self.original.to_string())
                    .without_routing();
            if !self.update(registry, now, request) {
                return;
            }
        }
        self.log(
            now,
            format!("rolled back to version {}: {reason}", self.original),
        );
        self.phase = Phase::RolledBack(reason);
    }

    /// Applies one alias update with the last seen `RevisionId`; on refusal moves to
    /// `Aborted` / `Failed` and returns `false`.
    fn update(
        &mut self,
        registry: &mut Registry,
        now: Timestamp,
        request: UpdateAliasRequest,
    ) -> bool {
        let request = request.with_revision_id(self.revision.to_string());
        match registry.update_alias(request) {
            Ok(AliasConfiguration { revision_id, .. }) => {
                self.revision = revision_id;
                true
            }
            Err(e) => {
                let phase = match e.kind() {
                    ErrorKind::PreconditionFailed => Phase::Aborted(AbortReason::ConcurrentChange),
                    ErrorKind::ResourceNotFound => Phase::Aborted(AbortReason::AliasGone(e)),
                    _ => Phase::Failed(e),
                };
                self.log(now, format!("stopped: {phase}"));
                self.phase = phase;
                false
            }
        }
    }
}
