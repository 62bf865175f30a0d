//! An event source mapping bound to an alias, while the alias moves (R154).
//!
//! A queue-style mapping is created once, on `checkout:live`. Every simulated second the
//! platform's poller delivers 10 batches through [`MappingPoller`], which resolves the
//! alias at delivery time with no lock. Meanwhile `Linear10PercentEvery1Minute` moves
//! `live` from version 1 to 2, then a faulty version 3 is rolled out and rolled back on
//! its failure rate. Each step prints how many batches each version received; at the end
//! the mapping is shown unchanged — it was never updated.
//!
//! Run with `cargo run --example event_source` (a few seconds in debug).

use std::collections::BTreeMap;

use lambda_versioning::registry::{
    CreateAliasRequest, CreateEventSourceMappingRequest, CreateFunctionRequest, GetAliasRequest,
    PublishVersionRequest, UpdateFunctionCodeRequest,
};
use lambda_versioning::rollout::Preset;
use lambda_versioning::rollout::{Health, Phase, Rollout, RolloutPlan};
use lambda_versioning::{
    Clock as _, Code, Error, ErrorKind, FunctionConfig, ManualClock, MappingPoller, Registry,
    Timestamp, Version, VersionNumber,
};

const BATCHES_PER_SECOND: u32 = 10;
const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:checkout-orders";

fn publish(registry: &mut Registry, code: &[u8]) -> Result<VersionNumber, Error> {
    registry.update_function_code(UpdateFunctionCodeRequest::new(
        "checkout",
        Code::from_zip_bytes(code),
    ))?;
    let v = registry.publish_version(PublishVersionRequest::new("checkout"))?;
    v.version
        .number()
        .ok_or_else(|| Error::new(ErrorKind::Service, "published $LATEST?"))
}

/// Delivers batches for every simulated second from `from` up to `to`; returns batches
/// per version and how many of them failed (version `faulty` fails one batch in five).
fn poll(
    poller: &mut MappingPoller,
    from: Timestamp,
    to: Timestamp,
    faulty: Option<VersionNumber>,
) -> Result<(BTreeMap<String, u32>, u32), Error> {
    let mut per_version = BTreeMap::new();
    let mut failed = 0;
    let seconds = (to.unix_millis() - from.unix_millis()) / 1000;
    for _ in 0..seconds {
        for _ in 0..BATCHES_PER_SECOND {
            let delivery = poller
                .deliver(10)
                .map_err(|e| Error::new(ErrorKind::Service, e.to_string()))?;
            let count = per_version
                .entry(delivery.executed_version.to_string())
                .or_insert(0u32);
            *count += 1;
            if faulty.is_some_and(|f| delivery.executed_version == Version::Published(f))
                && *count % 5 == 0
            {
                failed += 1;
            }
        }
    }
    Ok((per_version, failed))
}

fn drive(
    registry: &mut Registry,
    clock: &ManualClock,
    rollout: &mut Rollout,
    poller: &mut MappingPoller,
    faulty: Option<VersionNumber>,
) -> Result<(), Error> {
    let start = clock.now();
    let mut health = Health::Healthy;
    println!(
        "  {:>6}  {:>7}  batches by version (the minute before)",
        "time", "weight"
    );
    while let Some(due) = rollout.next_due() {
        let (per_version, failed) = poll(poller, clock.now(), due, faulty)?;
        clock.set(due);
        let total: u32 = per_version.values().sum();
        let minutes = (due.unix_millis() - start.unix_millis()) / 60_000;
        let counts: Vec<String> = per_version
            .iter()
            .map(|(v, n)| format!("v{v}: {n:>3}"))
            .collect();
        if total > 0 {
            println!(
                "  {:>6}  {:>6.1}%  {}",
                format!("+{minutes}min"),
                rollout.applied_weight().unwrap_or(0.0) * 100.0,
                counts.join("  ")
            );
        }
        let failure_rate = if total == 0 {
            0.0
        } else {
            f64::from(failed) / f64::from(total)
        };
        health = if failure_rate > 0.02 {
            Health::Unhealthy(format!("{:.1}% of batches failed", failure_rate * 100.0))
        } else {
            health
        };
        rollout.tick(registry, due, &health);
        if rollout.phase().is_finished() {
            break;
        }
    }
    let live = registry.get_alias(GetAliasRequest::new("checkout", "live"))?;
    println!(
        "  result: {}; live -> version {}",
        rollout.phase(),
        live.function_version
    );
    if *rollout.phase() != Phase::Succeeded {
        for event in rollout.events().iter().rev().take(2).rev() {
            println!("  event: {}", event.what);
        }
    }
    Ok(())
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

    let mapping = registry.create_event_source_mapping(CreateEventSourceMappingRequest::new(
        QUEUE,
        "checkout:live",
    ))?;
    println!(
        "mapping {} : {} -> {} ({})",
        mapping.uuid, QUEUE, mapping.function_arn, mapping.state
    );
    let before = registry.get_event_source_mapping(&mapping.uuid)?;
    let mut poller = registry.event_source_poller(&mapping.uuid)?;

    let schedule = Preset::Linear10PercentEvery1Minute.schedule();
    println!(
        "\nRollout 1: live 1 -> {v2} with {} ({BATCHES_PER_SECOND} batches/s)",
        schedule.name()
    );
    let plan = RolloutPlan::new("checkout", "live", v2, schedule.clone());
    let mut rollout = Rollout::start(&registry, plan, clock.now())?;
    drive(&mut registry, &clock, &mut rollout, &mut poller, None)?;

    let v3 = publish(&mut registry, b"release 3 (with a bug)")?;
    println!("\nRollout 2: live {v2} -> {v3}; version {v3} fails one batch in five");
    let plan = RolloutPlan::new("checkout", "live", v3, schedule);
    let mut rollout = Rollout::start(&registry, plan, clock.now())?;
    drive(&mut registry, &clock, &mut rollout, &mut poller, Some(v3))?;

    let next = Timestamp::from_unix_millis(clock.now().unix_millis() + 60_000);
    let (after, _) = poll(&mut poller, clock.now(), next, Some(v3))?;
    println!("  the minute after the rollback: {after:?}");

    let now = registry.get_event_source_mapping(&mapping.uuid)?;
    println!(
        "\nmapping {}: FunctionArn {}, LastModified {}, LastProcessingResult {:?}",
        now.uuid, now.function_arn, now.last_modified, now.last_processing_result
    );
    if now.function_arn != before.function_arn || now.last_modified != before.last_modified {
        return Err(Error::new(ErrorKind::Service, "the mapping changed"));
    }
    println!("the mapping was never updated: same FunctionArn, same LastModified");
    Ok(())
}
