//! Deployment schedules: when each weight of the new version applies, and when the
//! deployment completes. The nine CodeDeploy presets for Lambda, custom canary and
//! linear configurations, and explicit step lists.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// One step of a schedule: from `after` (counted from the moment traffic starts to
/// shift) the new version receives `weight` of the invocations.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Step {
    /// Offset from the start of traffic shifting.
    pub after: Duration,
    /// The new version's share, `0.0..=1.0`.
    pub weight: f64,
}

/// Why a schedule was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// No steps.
    #[error("a schedule needs at least one step")]
    Empty,
    /// The last step leaves the new version below 100%: the deployment could never
    /// complete.
    #[error("the schedule never reaches 100%: its last step gives the new version {}%", percent(*.last_weight))]
    NeverReachesFull {
        /// The weight of the last step.
        last_weight: f64,
    },
    /// A step's weight is not a number in `0.0..=1.0`.
    #[error("step {index} has weight {weight}, outside 0.0..=1.0")]
    WeightOutOfRange {
        /// The step's position.
        index: usize,
        /// Its weight.
        weight: f64,
    },
    /// A step lowers the weight of the step before it.
    #[error("step {index} lowers the weight from {previous} to {weight}")]
    WeightDecreases {
        /// The step's position.
        index: usize,
        /// The weight before.
        previous: f64,
        /// The lower weight.
        weight: f64,
    },
    /// A step does not come strictly after the step before it.
    #[error("step {index} does not come after step {}", .index - 1)]
    TimeNotIncreasing {
        /// The step's position.
        index: usize,
    },
    /// A canary or linear percentage outside its range (canary 1–99, linear 1–100).
    #[error("{kind} percentage {percent} is outside {min}..={max}")]
    PercentOutOfRange {
        /// `canary` or `linear`.
        kind: &'static str,
        /// The percentage given.
        percent: u32,
        /// The smallest accepted.
        min: u32,
        /// The largest accepted.
        max: u32,
    },
    /// A canary or linear interval of zero.
    #[error("the interval must be longer than zero")]
    ZeroInterval,
    /// A linear schedule whose length (the interval times the number of increments)
    /// does not fit in a `Duration`.
    #[error("{increments} intervals of {interval:?} do not fit in a duration")]
    TooLong {
        /// How many increments the schedule has.
        increments: u32,
        /// The interval given.
        interval: Duration,
    },
    /// Not the name of a preset.
    #[error("unknown deployment preset {0:?}")]
    UnknownPreset(String),
}

fn percent(weight: f64) -> String {
    let p = weight * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}", p.round())
    } else {
        format!("{p}")
    }
}

/// What kind of schedule this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScheduleKind {
    /// Two increments: a share at the start, the rest after one interval.
    Canary,
    /// Equal increments, one per interval.
    Linear,
    /// Everything at once.
    AllAtOnce,
    /// An explicit list of steps.
    Custom,
}

/// When each weight of the new version applies, and when the deployment completes.
///
/// * **Canary** `p%` every `I`: `p%` at `+0`, 100% at `+I`; completes at `+I`.
/// * **Linear** `p%` every `I`: `p%` at `+0`, `2p%` at `+I`, … — the `k`-th increment
///   (`k = 1..=n`, `n = ceil(100 / p)`) applies `min(k·p, 100)%` at `+(k-1)·I`. 100% is
///   reached at `+(n-1)·I`, and the deployment **completes at `+n·I`**: the final
///   increment is held for one interval like every other. This reconciles the two
///   descriptions of the service (CloudFormation: the percentage shifts "at the start
///   of each increment"; SAM: `Linear10PercentEvery10Minutes` takes 100 minutes).
/// * **All at once**: 100% at `+0`; completes at `+0`.
/// * **Custom steps**: as listed; completes at the last step, which must be 100%.
///
/// Offsets count from the moment traffic starts to shift (after a pre-traffic hook, if
/// any).
///
/// ```
/// use std::time::Duration;
/// use lambda_versioning::rollout::{Preset, Schedule};
///
/// let linear = Preset::Linear10PercentEvery10Minutes.schedule();
/// assert_eq!(linear.steps().len(), 10);
/// assert_eq!(linear.full_weight_after(), Duration::from_secs(90 * 60));
/// assert_eq!(linear.completes_after(), Duration::from_secs(100 * 60));
/// assert_eq!(linear.weight_at(Duration::from_secs(25 * 60)), 0.3);
///
/// assert!(Schedule::from_steps(vec![(Duration::ZERO, 0.5)]).is_err()); // never 100%
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    kind: ScheduleKind,
    name: String,
    steps: Vec<Step>,
    completes_after: Duration,
}

impl Schedule {
    /// A canary: `percent`% at the start, the rest after `interval`.
    ///
    /// # Errors
    ///
    /// [`ScheduleError::PercentOutOfRange`] outside 1–99, [`ScheduleError::ZeroInterval`].
    pub fn canary(percent: u32, interval: Duration) -> Result<Schedule, ScheduleError> {
        check_percent("canary", percent, 99)?;
        if interval.is_zero() {
            return Err(ScheduleError::ZeroInterval);
        }
        Ok(Schedule {
            kind: ScheduleKind::Canary,
            name: format!("Canary{percent}Percent{}", interval_name(interval, false)),
            steps: vec![
                Step {
                    after: Duration::ZERO,
                    weight: f64::from(percent) / 100.0,
                },
                Step {
                    after: interval,
                    weight: 1.0,
                },
            ],
            completes_after: interval,
        })
    }

    /// A linear shift: `percent` more points every `interval` until 100%.
    ///
    /// # Errors
    ///
    /// [`ScheduleError::PercentOutOfRange`] outside 1–100, [`ScheduleError::ZeroInterval`],
    /// [`ScheduleError::TooLong`] when the schedule's length overflows a `Duration`.
    pub fn linear(percent: u32, interval: Duration) -> Result<Schedule, ScheduleError> {
        check_percent("linear", percent, 100)?;
        if interval.is_zero() {
            return Err(ScheduleError::ZeroInterval);
        }
        let increments = 100u32.div_ceil(percent);
        // The last step is the longest offset: once it fits, every earlier one does.
        let completes_after = interval
            .checked_mul(increments)
            .ok_or(ScheduleError::TooLong {
                increments,
                interval,
            })?;
        let steps = (1..=increments)
            .map(|k| Step {
                after: interval.saturating_mul(k - 1),
                weight: f64::from((k * percent).min(100)) / 100.0,
            })
            .collect();
        Ok(Schedule {
            kind: ScheduleKind::Linear,
            name: format!(
                "Linear{percent}PercentEvery{}",
                interval_name(interval, true)
            ),
            steps,
            completes_after,
        })
    }

    /// Everything at once.
    pub fn all_at_once() -> Schedule {
        Schedule {
            kind: ScheduleKind::AllAtOnce,
            name: "AllAtOnce".to_owned(),
            steps: vec![Step {
                after: Duration::ZERO,
                weight: 1.0,
            }],
            completes_after: Duration::ZERO,
        }
    }

    /// An explicit list of `(offset, weight)` steps; the deployment completes at the last
    /// step.
    ///
    /// # Errors
    ///
    /// [`ScheduleError::Empty`], [`ScheduleError::WeightOutOfRange`],
    /// [`ScheduleError::TimeNotIncreasing`], [`ScheduleError::WeightDecreases`], or
    /// [`ScheduleError::NeverReachesFull`] when the last weight is below 1.0.
    pub fn from_steps(steps: Vec<(Duration, f64)>) -> Result<Schedule, ScheduleError> {
        let Some(&(last_after, last_weight)) = steps.last() else {
            return Err(ScheduleError::Empty);
        };
        for (index, &(after, weight)) in steps.iter().enumerate() {
            if !crate::routing::Weight::in_range(weight) {
                return Err(ScheduleError::WeightOutOfRange { index, weight });
            }
            if let Some(&(previous_after, previous)) = index.checked_sub(1).map(|i| &steps[i]) {
                if after <= previous_after {
                    return Err(ScheduleError::TimeNotIncreasing { index });
                }
                if weight < previous {
                    return Err(ScheduleError::WeightDecreases {
                        index,
                        previous,
                        weight,
                    });
                }
            }
        }
        if last_weight < 1.0 {
            return Err(ScheduleError::NeverReachesFull { last_weight });
        }
        Ok(Schedule {
            kind: ScheduleKind::Custom,
            name: "Custom".to_owned(),
            steps: steps
                .into_iter()
                .map(|(after, weight)| Step { after, weight })
                .collect(),
            completes_after: last_after,
        })
    }

    /// The kind of schedule.
    pub fn kind(&self) -> ScheduleKind {
        self.kind
    }

    /// A name in the presets' style (`Canary10Percent5Minutes`, `Custom`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The steps, in time order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// When the new version reaches 100%.
    pub fn full_weight_after(&self) -> Duration {
        self.steps
            .iter()
            .find(|s| s.weight >= 1.0)
            .map_or(self.completes_after, |s| s.after)
    }

    /// When the deployment completes (traffic shifting is over).
    pub fn completes_after(&self) -> Duration {
        self.completes_after
    }

    /// The new version's weight at `elapsed` after traffic started to shift: the weight
    /// of the last step at or before `elapsed`.
    pub fn weight_at(&self, elapsed: Duration) -> f64 {
        self.steps
            .iter()
            .take_while(|s| s.after <= elapsed)
            .last()
            .map_or(0.0, |s| s.weight)
    }

    /// The step that applies after `elapsed`, if any: the next moment a tick matters.
    pub fn next_step_after(&self, elapsed: Duration) -> Option<&Step> {
        self.steps.iter().find(|s| s.after > elapsed)
    }

    /// A dry run: the timeline as text, one line per step and one for completion.
    ///
    /// ```
    /// use lambda_versioning::rollout::Preset;
    /// assert_eq!(
    ///     Preset::Canary10Percent5Minutes.schedule().timeline().to_string(),
    ///     "Canary10Percent5Minutes: 100% after 5m, complete after 5m\n\
    ///      \x20 +0s  new version 10%\n\
    ///      \x20 +5m  new version 100%\n\
    ///      \x20 +5m  complete\n"
    /// );
    /// ```
    pub fn timeline(&self) -> Timeline<'_> {
        Timeline(self)
    }
}

fn check_percent(kind: &'static str, percent: u32, max: u32) -> Result<(), ScheduleError> {
    if (1..=max).contains(&percent) {
        Ok(())
    } else {
        Err(ScheduleError::PercentOutOfRange {
            kind,
            percent,
            min: 1,
            max,
        })
    }
}

/// `5Minutes`, `1Minute` (linear presets say `Every1Minute`), or seconds when the
/// interval is not a whole number of minutes.
fn interval_name(interval: Duration, singular_one: bool) -> String {
    let secs = interval.as_secs();
    if interval.subsec_nanos() == 0 && secs.is_multiple_of(60) {
        let minutes = secs / 60;
        if minutes == 1 && singular_one {
            "1Minute".to_owned()
        } else {
            format!("{minutes}Minutes")
        }
    } else {
        format!("{}Milliseconds", interval.as_millis())
    }
}

/// A short human spelling of an offset: `+0s`, `+90s`, `+5m`, `+1h30m`, `+1.5s`.
pub(crate) fn offset_text(d: Duration) -> String {
    let ms = d.as_millis();
    if !ms.is_multiple_of(1000) {
        return format!("{}s", d.as_secs_f64());
    }
    let secs = d.as_secs();
    if secs == 0 {
        return "0s".to_owned();
    }
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// The dry-run timeline of a [`Schedule`] (its `Display`).
#[derive(Clone, Copy, Debug)]
pub struct Timeline<'a>(&'a Schedule);

impl fmt::Display for Timeline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        writeln!(
            f,
            "{}: 100% after {}, complete after {}",
            s.name,
            offset_text(s.full_weight_after()),
            offset_text(s.completes_after)
        )?;
        let width = s
            .steps
            .iter()
            .map(|st| offset_text(st.after).len())
            .chain([offset_text(s.completes_after).len()])
            .max()
            .unwrap_or(2)
            + 1;
        for step in &s.steps {
            let at = format!("+{}", offset_text(step.after));
            writeln!(f, "  {at:<width$}  new version {}%", percent(step.weight))?;
        }
        let at = format!("+{}", offset_text(s.completes_after));
        writeln!(f, "  {at:<width$}  complete")
    }
}

/// The nine CodeDeploy predefined deployment configurations for Lambda.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Preset {
    /// 10% at the start, the rest after 5 minutes.
    Canary10Percent5Minutes,
    /// 10% at the start, the rest after 10 minutes.
    Canary10Percent10Minutes,
    /// 10% at the start, the rest after 15 minutes.
    Canary10Percent15Minutes,
    /// 10% at the start, the rest after 30 minutes.
    Canary10Percent30Minutes,
    /// 10 more points every minute.
    Linear10PercentEvery1Minute,
    /// 10 more points every 2 minutes.
    Linear10PercentEvery2Minutes,
    /// 10 more points every 3 minutes.
    Linear10PercentEvery3Minutes,
    /// 10 more points every 10 minutes.
    Linear10PercentEvery10Minutes,
    /// Everything at once.
    AllAtOnce,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 9] = [
        Preset::Canary10Percent5Minutes,
        Preset::Canary10Percent10Minutes,
        Preset::Canary10Percent15Minutes,
        Preset::Canary10Percent30Minutes,
        Preset::Linear10PercentEvery1Minute,
        Preset::Linear10PercentEvery2Minutes,
        Preset::Linear10PercentEvery3Minutes,
        Preset::Linear10PercentEvery10Minutes,
        Preset::AllAtOnce,
    ];

    /// The SAM `DeploymentPreference.Type` name, e.g. `Canary10Percent5Minutes`.
    pub const fn name(self) -> &'static str {
        match self {
            Preset::Canary10Percent5Minutes => "Canary10Percent5Minutes",
            Preset::Canary10Percent10Minutes => "Canary10Percent10Minutes",
            Preset::Canary10Percent15Minutes => "Canary10Percent15Minutes",
            Preset::Canary10Percent30Minutes => "Canary10Percent30Minutes",
            Preset::Linear10PercentEvery1Minute => "Linear10PercentEvery1Minute",
            Preset::Linear10PercentEvery2Minutes => "Linear10PercentEvery2Minutes",
            Preset::Linear10PercentEvery3Minutes => "Linear10PercentEvery3Minutes",
            Preset::Linear10PercentEvery10Minutes => "Linear10PercentEvery10Minutes",
            Preset::AllAtOnce => "AllAtOnce",
        }
    }

    /// The CodeDeploy name, e.g. `CodeDeployDefault.LambdaCanary10Percent5Minutes`.
    pub fn codedeploy_name(self) -> String {
        format!("CodeDeployDefault.Lambda{}", self.name())
    }

    /// The schedule.
    pub fn schedule(self) -> Schedule {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        let built = match self {
            Preset::Canary10Percent5Minutes => Schedule::canary(10, minutes(5)),
            Preset::Canary10Percent10Minutes => Schedule::canary(10, minutes(10)),
            Preset::Canary10Percent15Minutes => Schedule::canary(10, minutes(15)),
            Preset::Canary10Percent30Minutes => Schedule::canary(10, minutes(30)),
            Preset::Linear10PercentEvery1Minute => Schedule::linear(10, minutes(1)),
            Preset::Linear10PercentEvery2Minutes => Schedule::linear(10, minutes(2)),
            Preset::Linear10PercentEvery3Minutes => Schedule::linear(10, minutes(3)),
            Preset::Linear10PercentEvery10Minutes => Schedule::linear(10, minutes(10)),
            Preset::AllAtOnce => Ok(Schedule::all_at_once()),
        };
        // The presets' parameters are in range; all-at-once is the (unreachable) fallback.
        built.unwrap_or_else(|_| Schedule::all_at_once())
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = ScheduleError;

    /// Accepts the SAM name (`Linear10PercentEvery1Minute`) and the CodeDeploy name
    /// (`CodeDeployDefault.LambdaLinear10PercentEvery1Minute`).
    fn from_str(s: &str) -> Result<Preset, ScheduleError> {
        let bare = s.strip_prefix("CodeDeployDefault.Lambda").unwrap_or(s);
        Preset::ALL
            .into_iter()
            .find(|p| p.name() == bare)
            .ok_or_else(|| ScheduleError::UnknownPreset(s.to_owned()))
    }
}
