//! The main demonstration: progressive delivery on an alias, on a simulated clock.
//!
//! 1. Publishes versions 1 and 2 of `checkout`, points alias `live` at version 1, and
//!    runs `Linear10PercentEvery1Minute`. After each step it resolves 100 000
//!    invocations through the lock-free resolver and prints the configured weight beside
//!    the observed split.
//! 2. Publishes a faulty version 3 and rolls it out the same way; a health check on the
//!    observed error rate fails mid-way and the alias rolls back to version 2.
//!
//! Run with `cargo run --example canary`. Finishes in well under a second in release
//! mode, a few seconds in debug.

use lambda_versioning::registry::{
    CreateAliasRequest, CreateFunctionRequest, GetAliasRequest, PublishVersionRequest,
    UpdateFunctionCodeRequest,
};
use lambda_versioning::rollout::{Health, Phase, Preset, Rollout, RolloutPlan};
use lambda_versioning::{
    Clock as _, Code, Error, FunctionConfig, ManualClock, Registry, Timestamp, Version,
    VersionNumber,
};

const INVOCATIONS: u32 = 100_000;
const BAR: usize = 40;

/// Resolves `INVOCATIONS` calls of `checkout:live` and returns how many ran `version`.
fn observe(registry: &Registry, version: VersionNumber, seed: u64) -> Result<u32, Error> {
    let resolver = registry.resolver();
    let mut handle = resolver
        .handle("checkout", "live")
        .map_err(|e| e.into_error(&resolver, "checkout", Some("live")))?
        .with_local_rng(seed);
    let mut on_version = 0;
    for _ in 0..INVOCATIONS {
        let r = handle
            .resolve()
            .map_err(|e| e.into_error(&resolver, "checkout", Some("live")))?;
        if r.executed_version() == Version::Published(version) {
            on_version += 1;
        }
    }
    Ok(on_version)
}

fn bar(share: f64) -> String {
    let filled = ((share * BAR as f64).round() as usize).min(BAR);
    format!("{}{}", "█".repeat(filled), "░".repeat(BAR - filled))
}

/// Runs `rollout` to the end, printing one line per step. `errors_per_call` is the
/// simulated error rate of the new version; the health check fails above 5% overall.
fn drive(
    registry: &mut Registry,
    clock: &ManualClock,
    rollout: &mut Rollout,
    errors_per_call: f64,
) -> Result<(), Error> {
    let start = clock.now();
    let target = rollout.plan().target;
    let mut health = Health::Healthy;
    println!(
        "  {:>6}  {:>10}  {:>9}  version {target} share",
        "time", "configured", "observed"
    );
    while let Some(due) = rollout.next_due() {
        clock.set(due);
        rollout.tick(registry, due, &health);
        if rollout.phase().is_finished() && *rollout.phase() != Phase::Succeeded {
            break;
        }
        let configured = rollout.applied_weight().unwrap_or(0.0);
        let seed = due.unix_millis() as u64;
        let on_new = observe(registry, target, seed)?;
        let share = f64::from(on_new) / f64::from(INVOCATIONS);
        let error_rate = share * errors_per_call;
        let minutes = (due.unix_millis() - start.unix_millis()) / 60_000;
        println!(
            "  {:>6}  {:>9.1}%  {:>8.2}%  {}{}",
            format!("+{minutes}min"),
            configured * 100.0,
            share * 100.0,
            bar(share),
            if errors_per_call > 0.0 {
                format!("  errors {:.2}%", error_rate * 100.0)
            } else {
                String::new()
            }
        );
        health = if error_rate > 0.05 {
            Health::Unhealthy(format!("error rate {:.2}% is above 5%", error_rate * 100.0))
        } else {
            Health::Healthy
        };
        if rollout.phase().is_finished() {
            break;
        }
    }
    Ok(())
}

fn publish(registry: &mut Registry, code: &[u8]) -> Result<VersionNumber, Error> {
    registry.update_function_code(UpdateFunctionCodeRequest::new(
        "checkout",
        Code::from_zip_bytes(code),
    ))?;
    let v = registry.publish_version(PublishVersionRequest::new("checkout"))?;
    v.version
        .number()
        .ok_or_else(|| Error::new(lambda_versioning::ErrorKind::Service, "published $LATEST?"))
}

fn main() -> Result<(), Error> {
    let clock = ManualClock::new(Timestamp::from_unix_millis(1_764_288_000_000));
    let mut registry = Registry::builder().clock(clock.clone()).seed(7).build();
    let role = "arn:aws:iam::123456789012:role/checkout-exec";
    let config = FunctionConfig::new(role, Code::from_zip_bytes(b"release 1"))
        .with_runtime("python3.12")
        .with_handler("app.handler");
    registry.create_function(CreateFunctionRequest::new("checkout", config))?;
    registry.publish_version(PublishVersionRequest::new("checkout"))?;
    let v2 = publish(&mut registry, b"release 2")?;
    registry.create_alias(CreateAliasRequest::new("checkout", "live", "1"))?;
    println!("checkout: versions 1 and {v2}; alias live -> 1\n");

    let schedule = Preset::Linear10PercentEvery1Minute.schedule();
    println!("Dry run:\n{}", schedule.timeline());

    println!(
        "Rollout 1: live 1 -> {v2} with {} (healthy)",
        schedule.name()
    );
    let plan = RolloutPlan::new("checkout", "live", v2, schedule.clone());
    let mut rollout = Rollout::start(&registry, plan, clock.now())?;
    drive(&mut registry, &clock, &mut rollout, 0.0)?;
    let live = registry.get_alias(GetAliasRequest::new("checkout", "live"))?;
    println!(
        "  result: {}; live -> version {}, routing {:?}\n",
        rollout.phase(),
        live.function_version,
        live.routing_config.map(|r| r.weight().get())
    );

    let v3 = publish(&mut registry, b"release 3 (with a bug)")?;
    println!(
        "Rollout 2: live {v2} -> {v3} with {}; version {v3} fails 20% of its calls",
        schedule.name()
    );
    let plan = RolloutPlan::new("checkout", "live", v3, schedule);
    let mut rollout = Rollout::start(&registry, plan, clock.now())?;
    drive(&mut registry, &clock, &mut rollout, 0.20)?;
    let live = registry.get_alias(GetAliasRequest::new("checkout", "live"))?;
    println!(
        "  result: {}\n  live -> version {}, routing {:?}",
        rollout.phase(),
        live.function_version,
        live.routing_config.map(|r| r.weight().get())
    );
    let share_v3 = observe(&registry, v3, 99)?;
    println!("  after rollback: {share_v3} of {INVOCATIONS} invocations run version {v3}");

    println!("\nEvents of rollout 2:");
    for event in rollout.events() {
        println!("  {}  {}", event.at, event.what);
    }
    Ok(())
}
