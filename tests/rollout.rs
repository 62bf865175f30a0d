//! Progressive delivery: every preset's timeline, custom schedules, the rollout state
//! machine (hooks, health-gated rollback, abort on concurrent change, refused updates),
//! and traffic following the schedule through the resolver.

mod common;

use std::time::Duration;

use common::{assert_err, clock, registry, set_role, with_versions};
use lambda_versioning::registry::{
    AliasConfiguration, CreateAliasRequest, DeleteAliasRequest, GetAliasRequest, UpdateAliasRequest,
};
use lambda_versioning::rollout::{
    ALREADY_ON_TARGET, ALREADY_SHIFTING, AbortReason, Health, HookOutcome, HookPoint, Phase,
    Preset, RollbackReason, Rollout, RolloutPlan, Schedule, ScheduleError, ScheduleKind,
};
use lambda_versioning::{
    Clock as _, ErrorKind, ManualClock, Registry, Timestamp, Version, VersionNumber,
};
use rand::SeedableRng as _;

fn min(m: u64) -> Duration {
    Duration::from_secs(60 * m)
}

fn v(n: u64) -> VersionNumber {
    VersionNumber::new(n).unwrap()
}

/// `f` with versions 1..=3 and alias `live` on version 1.
fn setup() -> (Registry, ManualClock) {
    let clock = clock();
    let mut r = Registry::builder().clock(clock.clone()).seed(5).build();
    with_versions(&mut r, "f", 3);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    (r, clock)
}

fn alias(r: &Registry) -> AliasConfiguration {
    r.get_alias(GetAliasRequest::new("f", "live")).unwrap()
}

/// (primary, (additional version, weight)) of `f:live`.
fn state(r: &Registry) -> (String, Option<(u64, f64)>) {
    common::alias_state(r, "f", "live")
}

/// A plan moving `f:live` to version `target` along `preset`.
fn plan_to(target: u64, preset: Preset) -> RolloutPlan {
    RolloutPlan::new("f", "live", v(target), preset.schedule())
}

/// Starts `plan` now.
fn begin(r: &Registry, clock: &ManualClock, plan: RolloutPlan) -> Rollout {
    Rollout::start(r, plan, clock.now()).unwrap()
}

fn steps(s: &Schedule) -> Vec<(u64, f64)> {
    s.steps()
        .iter()
        .map(|st| (st.after.as_secs(), st.weight))
        .collect()
}

#[test]
fn every_preset_has_the_codedeploy_timeline() {
    for (preset, minutes) in [
        (Preset::Canary10Percent5Minutes, 5),
        (Preset::Canary10Percent10Minutes, 10),
        (Preset::Canary10Percent15Minutes, 15),
        (Preset::Canary10Percent30Minutes, 30),
    ] {
        let s = preset.schedule();
        assert_eq!(s.kind(), ScheduleKind::Canary);
        assert_eq!(s.name(), preset.name());
        assert_eq!(steps(&s), [(0, 0.1), (minutes * 60, 1.0)], "{preset}");
        assert_eq!(
            (s.full_weight_after(), s.completes_after()),
            (min(minutes), min(minutes))
        );
    }
    for (preset, minutes) in [
        (Preset::Linear10PercentEvery1Minute, 1),
        (Preset::Linear10PercentEvery2Minutes, 2),
        (Preset::Linear10PercentEvery3Minutes, 3),
        (Preset::Linear10PercentEvery10Minutes, 10),
    ] {
        let s = preset.schedule();
        assert_eq!(s.kind(), ScheduleKind::Linear);
        assert_eq!(s.name(), preset.name());
        let expected: Vec<(u64, f64)> = (1..=10u32)
            .map(|k| (u64::from(k - 1) * minutes * 60, f64::from(k * 10) / 100.0))
            .collect();
        assert_eq!(steps(&s), expected, "{preset}");
        assert_eq!(s.full_weight_after(), min(9 * minutes));
        assert_eq!(
            s.completes_after(),
            min(10 * minutes),
            "SAM: completes after 10 intervals"
        );
    }
    let all = Preset::AllAtOnce.schedule();
    assert_eq!(
        (all.kind(), steps(&all), all.completes_after()),
        (ScheduleKind::AllAtOnce, vec![(0, 1.0)], Duration::ZERO)
    );

    assert_eq!(Preset::ALL.len(), 9);
    for preset in Preset::ALL {
        assert_eq!(preset.name().parse::<Preset>(), Ok(preset));
        assert_eq!(
            preset.codedeploy_name(),
            format!("CodeDeployDefault.Lambda{}", preset.name())
        );
        assert_eq!(preset.codedeploy_name().parse::<Preset>(), Ok(preset));
    }
    assert_eq!(
        "Canary10Percent7Minutes".parse::<Preset>(),
        Err(ScheduleError::UnknownPreset(
            "Canary10Percent7Minutes".into()
        ))
    );
}

#[test]
fn dry_run_prints_the_timeline() {
    assert_eq!(
        Preset::Linear10PercentEvery3Minutes
            .schedule()
            .timeline()
            .to_string(),
        "Linear10PercentEvery3Minutes: 100% after 27m, complete after 30m\n\
         \x20 +0s   new version 10%\n  +3m   new version 20%\n  +6m   new version 30%\n\
         \x20 +9m   new version 40%\n  +12m  new version 50%\n  +15m  new version 60%\n\
         \x20 +18m  new version 70%\n  +21m  new version 80%\n  +24m  new version 90%\n\
         \x20 +27m  new version 100%\n  +30m  complete\n"
    );
    assert_eq!(
        Preset::AllAtOnce.schedule().timeline().to_string(),
        "AllAtOnce: 100% after 0s, complete after 0s\n  +0s  new version 100%\n  +0s  complete\n"
    );
}

#[test]
fn custom_schedules_and_refusals() {
    let c = Schedule::canary(25, min(45)).unwrap();
    assert_eq!(
        (c.name(), steps(&c)),
        ("Canary25Percent45Minutes", vec![(0, 0.25), (2700, 1.0)])
    );
    let l = Schedule::linear(30, min(1)).unwrap();
    assert_eq!(steps(&l), [(0, 0.3), (60, 0.6), (120, 0.9), (180, 1.0)]);
    assert_eq!(
        (l.full_weight_after(), l.completes_after()),
        (min(3), min(4))
    );
    assert_eq!(steps(&Schedule::linear(100, min(2)).unwrap()), [(0, 1.0)]);
    let custom =
        Schedule::from_steps(vec![(Duration::ZERO, 0.01), (min(1), 0.5), (min(2), 1.0)]).unwrap();
    assert_eq!(
        (custom.kind(), custom.completes_after()),
        (ScheduleKind::Custom, min(2))
    );
    assert_eq!(custom.weight_at(Duration::from_secs(59)), 0.01);
    assert_eq!(custom.weight_at(min(1)), 0.5);

    assert_eq!(Schedule::from_steps(vec![]), Err(ScheduleError::Empty));
    let never = Schedule::from_steps(vec![(Duration::ZERO, 0.1), (min(1), 0.9)]).unwrap_err();
    assert_eq!(never, ScheduleError::NeverReachesFull { last_weight: 0.9 });
    assert_eq!(
        never.to_string(),
        "the schedule never reaches 100%: its last step gives the new version 90%"
    );
    assert_eq!(
        Schedule::from_steps(vec![(min(1), 0.5), (min(1), 1.0)]),
        Err(ScheduleError::TimeNotIncreasing { index: 1 })
    );
    assert_eq!(
        Schedule::from_steps(vec![(Duration::ZERO, 0.5), (min(1), 0.2), (min(2), 1.0)])
            .unwrap_err()
            .to_string(),
        "step 1 lowers the weight from 0.5 to 0.2"
    );
    assert_eq!(
        Schedule::from_steps(vec![(Duration::ZERO, 2.0)]),
        Err(ScheduleError::WeightOutOfRange {
            index: 0,
            weight: 2.0
        })
    );
    assert!(matches!(
        Schedule::from_steps(vec![(Duration::ZERO, f64::NAN)]),
        Err(ScheduleError::WeightOutOfRange { index: 0, .. })
    ));
    assert_eq!(
        Schedule::canary(0, min(1)).unwrap_err().to_string(),
        "canary percentage 0 is outside 1..=99"
    );
    assert_eq!(
        Schedule::canary(100, min(1)).unwrap_err().to_string(),
        "canary percentage 100 is outside 1..=99"
    );
    assert_eq!(
        Schedule::linear(101, min(1)).unwrap_err().to_string(),
        "linear percentage 101 is outside 1..=100"
    );
    assert_eq!(
        Schedule::linear(10, Duration::ZERO),
        Err(ScheduleError::ZeroInterval)
    );
}

#[test]
fn linear_rollout_follows_the_schedule_through_the_resolver() {
    let (mut r, clock) = setup();
    let plan = plan_to(2, Preset::Linear10PercentEvery1Minute);
    let mut rollout = begin(&r, &clock, plan);
    assert_eq!(*rollout.phase(), Phase::Shifting);
    assert_eq!(
        state(&r),
        ("1".into(), None),
        "nothing changes before the first tick"
    );
    let resolver = r.resolver();
    let mut rng = rand::rngs::SmallRng::seed_from_u64(11);
    for k in 1..=10u32 {
        assert_eq!(rollout.next_due(), Some(clock.now()));
        rollout.tick(&mut r, clock.now(), &Health::Healthy);
        let weight = f64::from(k * 10) / 100.0;
        if k < 10 {
            assert_eq!(state(&r), ("1".into(), Some((2, weight))), "step {k}");
            // Traffic follows: 20 000 resolutions within 4 sigma of the weight.
            let n = 20_000.0;
            let on_v2 = (0..20_000)
                .filter(|_| {
                    resolver
                        .resolve("f", Some("live"), &mut rng)
                        .unwrap()
                        .executed_version()
                        == Version::Published(v(2))
                })
                .count() as f64;
            let sigma = (n * weight * (1.0 - weight)).sqrt();
            assert!(
                (on_v2 - n * weight).abs() < 4.0 * sigma,
                "step {k}: {on_v2} of {n}"
            );
        } else {
            assert_eq!(state(&r), ("2".into(), None), "R41: 100% leaves no routing");
        }
        assert_eq!(rollout.applied_weight(), Some(weight));
        assert_eq!(
            *rollout.phase(),
            Phase::Shifting,
            "completes one interval after 100%"
        );
        clock.advance_millis(60_000);
    }
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(*rollout.phase(), Phase::Succeeded);
    assert_eq!(rollout.next_due(), None);
    assert_eq!(rollout.events().len(), 12, "{:#?}", rollout.events());
    assert_eq!(rollout.events()[1].what, "+0s: version 2 gets 10%");
    assert_eq!(
        rollout.events()[10].what,
        "+9m: version 2 gets 100% (alias now points at it, no routing)"
    );
    assert_eq!(rollout.events()[11].what, "succeeded: live is on version 2");
}

#[test]
fn a_late_tick_applies_the_weight_due_now() {
    let (mut r, clock) = setup();
    let plan = plan_to(3, Preset::Linear10PercentEvery1Minute);
    let mut rollout = begin(&r, &clock, plan);
    clock.advance_millis(5 * 60_000 + 30_000);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(state(&r), ("1".into(), Some((3, 0.6))));
    assert_eq!(
        rollout.next_due(),
        Some(Timestamp::from_unix_millis(common::T0 + 6 * 60_000))
    );
    // A tick with nothing due changes nothing (no new RevisionId).
    let before = alias(&r).revision_id;
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(alias(&r).revision_id, before);
}

#[test]
fn canary_and_all_at_once_complete() {
    let (mut r, clock) = setup();
    let plan = plan_to(2, Preset::Canary10Percent5Minutes);
    let mut rollout = begin(&r, &clock, plan);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(state(&r), ("1".into(), Some((2, 0.1))));
    clock.advance_millis(4 * 60_000);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(state(&r), ("1".into(), Some((2, 0.1))));
    clock.advance_millis(60_000);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(
        (state(&r), rollout.phase().clone()),
        (("2".into(), None), Phase::Succeeded)
    );

    let plan = plan_to(3, Preset::AllAtOnce);
    let mut rollout = begin(&r, &clock, plan);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(
        (state(&r), rollout.phase().clone()),
        (("3".into(), None), Phase::Succeeded)
    );
}

#[test]
fn unhealthy_signal_rolls_back_to_the_original_version() {
    let (mut r, clock) = setup();
    let plan = plan_to(2, Preset::Linear10PercentEvery1Minute);
    let mut rollout = begin(&r, &clock, plan);
    for _ in 0..4 {
        rollout.tick(&mut r, clock.now(), &Health::Healthy);
        clock.advance_millis(60_000);
    }
    assert_eq!(state(&r), ("1".into(), Some((2, 0.4))));
    let phase = rollout
        .tick(
            &mut r,
            clock.now(),
            &Health::Unhealthy("p99 latency".into()),
        )
        .clone();
    assert_eq!(
        phase,
        Phase::RolledBack(RollbackReason::Unhealthy("p99 latency".into()))
    );
    assert_eq!(phase.to_string(), "rolled back (unhealthy: p99 latency)");
    assert_eq!(state(&r), ("1".into(), None));
    // Finished: further ticks change nothing.
    let before = alias(&r).revision_id;
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(alias(&r).revision_id, before);
    assert_eq!(
        rollout.events().last().unwrap().what,
        "rolled back to version 1: unhealthy: p99 latency"
    );
}

#[test]
fn a_concurrent_change_aborts_the_rollout_and_is_kept() {
    let (mut r, clock) = setup();
    let plan = plan_to(2, Preset::Linear10PercentEvery1Minute);
    let mut rollout = begin(&r, &clock, plan);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    // An operator moves the alias by hand.
    r.update_alias(UpdateAliasRequest::new("f", "live").with_routing("3", 0.5))
        .unwrap();
    clock.advance_millis(60_000);
    let phase = rollout.tick(&mut r, clock.now(), &Health::Healthy).clone();
    assert_eq!(phase, Phase::Aborted(AbortReason::ConcurrentChange));
    assert_eq!(
        state(&r),
        ("1".into(), Some((3, 0.5))),
        "the manual change is not overwritten"
    );
    // Unhealthy after an abort: nothing happens either.
    rollout.tick(&mut r, clock.now(), &Health::Unhealthy("x".into()));
    assert_eq!(state(&r), ("1".into(), Some((3, 0.5))));

    // Deleting the alias mid-rollout aborts with the registry's error.
    let (mut r, clock) = setup();
    let plan = plan_to(2, Preset::Canary10Percent5Minutes);
    let mut rollout = begin(&r, &clock, plan);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    clock.advance_millis(5 * 60_000);
    match rollout.tick(&mut r, clock.now(), &Health::Healthy) {
        Phase::Aborted(AbortReason::AliasGone(e)) => {
            assert_eq!(
                e.message(),
                format!("Alias not found: {}:f:live", common::ARN)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn hooks_gate_the_shift() {
    // Pre-traffic hook passes, post-traffic hook passes.
    let (mut r, clock) = setup();
    let plan = plan_to(2, Preset::Canary10Percent5Minutes)
        .with_pre_traffic_hook()
        .with_post_traffic_hook();
    let mut rollout = begin(&r, &clock, plan);
    assert_eq!(*rollout.phase(), Phase::BeforeAllowTraffic);
    clock.advance_millis(10 * 60_000);
    rollout.tick(
        &mut r,
        clock.now(),
        &Health::Unhealthy("ignored before traffic".into()),
    );
    assert_eq!(
        (rollout.phase().clone(), state(&r)),
        (Phase::BeforeAllowTraffic, ("1".into(), None))
    );
    rollout.hook_result(&mut r, clock.now(), HookOutcome::Succeeded);
    assert_eq!(*rollout.phase(), Phase::Shifting);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(
        state(&r),
        ("1".into(), Some((2, 0.1))),
        "the schedule counts from the hook"
    );
    clock.advance_millis(5 * 60_000);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(
        (rollout.phase().clone(), state(&r)),
        (Phase::AfterAllowTraffic, ("2".into(), None))
    );
    rollout.hook_result(&mut r, clock.now(), HookOutcome::Succeeded);
    assert_eq!(*rollout.phase(), Phase::Succeeded);

    // A failing pre-traffic hook rolls back without ever touching the alias.
    let (mut r, clock) = setup();
    let before = alias(&r).revision_id;
    let plan = plan_to(2, Preset::AllAtOnce).with_pre_traffic_hook();
    let mut rollout = begin(&r, &clock, plan);
    rollout.hook_result(
        &mut r,
        clock.now(),
        HookOutcome::Failed("smoke test".into()),
    );
    assert_eq!(
        *rollout.phase(),
        Phase::RolledBack(RollbackReason::HookFailed(
            HookPoint::BeforeAllowTraffic,
            "smoke test".into()
        ))
    );
    assert_eq!(alias(&r).revision_id, before);

    // A failing post-traffic hook puts the alias back.
    let (mut r, clock) = setup();
    let plan = plan_to(2, Preset::AllAtOnce).with_post_traffic_hook();
    let mut rollout = begin(&r, &clock, plan);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(
        (rollout.phase().clone(), state(&r)),
        (Phase::AfterAllowTraffic, ("2".into(), None))
    );
    rollout.hook_result(
        &mut r,
        clock.now(),
        HookOutcome::Failed("integration".into()),
    );
    assert_eq!(state(&r), ("1".into(), None));

    // A hook that never answers times out.
    let (mut r, clock) = setup();
    let plan = plan_to(2, Preset::AllAtOnce)
        .with_post_traffic_hook()
        .with_hook_timeout(min(60));
    let mut rollout = begin(&r, &clock, plan);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(
        rollout.next_due(),
        Some(Timestamp::from_unix_millis(common::T0 + 3_600_000))
    );
    clock.advance_millis(3_600_000 - 1);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(*rollout.phase(), Phase::AfterAllowTraffic);
    clock.advance_millis(1);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(
        *rollout.phase(),
        Phase::RolledBack(RollbackReason::HookTimedOut(HookPoint::AfterAllowTraffic))
    );
    assert_eq!(state(&r), ("1".into(), None));
}

#[test]
fn stop_rolls_back() {
    let (mut r, clock) = setup();
    let plan = plan_to(3, Preset::Canary10Percent30Minutes);
    let mut rollout = begin(&r, &clock, plan);
    rollout.tick(&mut r, clock.now(), &Health::Healthy);
    assert_eq!(
        *rollout.stop(&mut r, clock.now()),
        Phase::RolledBack(RollbackReason::Stopped)
    );
    assert_eq!(state(&r), ("1".into(), None));
}

#[test]
fn start_refuses_what_cannot_roll_out() {
    let (mut r, clock) = setup();
    let now = clock.now();
    let plan = |alias: &str, target: u64| {
        RolloutPlan::new("f", alias, v(target), Preset::AllAtOnce.schedule())
    };
    assert_err(
        Rollout::start(&r, plan("live", 9), now),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {}:f:9", common::ARN),
    );
    assert_err(
        Rollout::start(&r, plan("nope", 2), now),
        ErrorKind::ResourceNotFound,
        &format!("Cannot find alias arn: {}:f:nope", common::ARN),
    );
    assert_err(
        Rollout::start(&r, plan("live", 1), now),
        ErrorKind::InvalidParameterValue,
        ALREADY_ON_TARGET,
    );
    r.create_alias(CreateAliasRequest::new("f", "dev", "$LATEST"))
        .unwrap();
    assert_err(
        Rollout::start(&r, plan("dev", 2), now),
        ErrorKind::InvalidParameterValue,
        "$LATEST is not supported for an alias pointing to more than 1 version",
    );
    r.update_alias(UpdateAliasRequest::new("f", "live").with_routing("2", 0.1))
        .unwrap();
    assert_err(
        Rollout::start(&r, plan("live", 3), now),
        ErrorKind::InvalidParameterValue,
        ALREADY_SHIFTING,
    );
}

#[test]
fn a_refused_update_fails_the_rollout_and_leaves_the_alias() {
    // R52: the versions of a weighted alias must share the execution role.
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    set_role(&mut r, "f", common::OTHER_ROLE);
    common::publish(&mut r, "f");
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    let before = r.get_alias(GetAliasRequest::new("f", "live")).unwrap();
    let plan = plan_to(2, Preset::Linear10PercentEvery1Minute);
    let mut rollout = Rollout::start(&r, plan, Timestamp::from_unix_millis(common::T0)).unwrap();
    match rollout.tick(
        &mut r,
        Timestamp::from_unix_millis(common::T0),
        &Health::Healthy,
    ) {
        Phase::Failed(e) => assert_eq!(
            e.message(),
            "Specified versions must be associated with the same execution role"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        r.get_alias(GetAliasRequest::new("f", "live")).unwrap(),
        before
    );
}
