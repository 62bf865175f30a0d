//! The main demonstration: publish two versions, split an alias 90/10, resolve invocations,
//! promote the new version, and show a few of the service's refusals word for word.
//!
//! Run with `cargo run --example quickstart`.

use lambda_versioning::registry::{
    CreateAliasRequest, CreateFunctionRequest, DeleteFunctionRequest, InvokeRequest,
    ListVersionsByFunctionRequest, PublishVersionRequest, UpdateAliasRequest,
    UpdateFunctionCodeRequest,
};
use lambda_versioning::{Code, Error, FunctionConfig, ManualClock, Registry, Timestamp, Version};
use rand::SeedableRng as _;

fn main() -> Result<(), Error> {
    // A registry for us-east-1 / 123456789012 with a fixed clock and seeded revision ids,
    // so every run prints the same thing.
    let mut registry = Registry::builder()
        .clock(ManualClock::new(Timestamp::from_unix_millis(
            1_764_288_000_000,
        )))
        .seed(2026)
        .build();

    let role = "arn:aws:iam::123456789012:role/checkout-exec";
    let config = FunctionConfig::new(role, Code::from_zip_bytes(b"release 1"))
        .with_runtime("python3.12")
        .with_handler("app.handler");
    let created = registry.create_function(CreateFunctionRequest::new("checkout", config))?;
    println!(
        "CreateFunction  -> {} State={}",
        created.function_arn,
        created.status.as_ref().map_or("-", |s| s.state.as_str())
    );

    let v1 = registry.publish_version(
        PublishVersionRequest::new("checkout").with_description("first release"),
    )?;
    println!(
        "PublishVersion  -> version {} ({}) CodeSha256={}",
        v1.version,
        v1.function_arn,
        v1.config.code.sha256()
    );

    let again = registry.publish_version(PublishVersionRequest::new("checkout"))?;
    println!(
        "PublishVersion  -> version {} again: nothing changed, nothing published (R18)",
        again.version
    );

    registry.update_function_code(UpdateFunctionCodeRequest::new(
        "checkout",
        Code::from_zip_bytes(b"release 2"),
    ))?;
    let v2 = registry.publish_version(PublishVersionRequest::new("checkout"))?;
    println!(
        "PublishVersion  -> version {} CodeSha256={}",
        v2.version,
        v2.config.code.sha256()
    );

    let live = registry
        .create_alias(CreateAliasRequest::new("checkout", "live", "1").with_routing("2", 0.1))?;
    println!(
        "CreateAlias     -> {} primary={} routing={{{}: {}}}",
        live.alias_arn,
        live.function_version,
        v2.version,
        live.routing_config.map_or(0.0, |r| r.weight().get())
    );

    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut counts = [0u32; 2];
    for _ in 0..100_000 {
        let target = registry.invoke_target(InvokeRequest::new("checkout:live"), &mut rng)?;
        counts[usize::from(target.executed_version == v2.version)] += 1;
    }
    println!(
        "Invoke x100000  -> version 1: {} ({:.2}%), version 2: {} ({:.2}%)",
        counts[0],
        f64::from(counts[0]) / 1000.0,
        counts[1],
        f64::from(counts[1]) / 1000.0
    );

    // The data plane: the same answers without locks, kept current by the registry.
    let resolver = registry.resolver();
    let handle = resolver
        .handle("checkout", "live")
        .map_err(|e| e.into_error(&resolver, "checkout", Some("live")))?;
    let mut local = handle.clone().with_local_rng(7);
    let mut on_v2 = 0u32;
    for _ in 0..1_000_000 {
        if local.resolve().map(|r| r.executed_version()) == Ok(v2.version) {
            on_v2 += 1;
        }
    }
    println!(
        "Resolver x1M    -> version 2 got {:.2}% through a handle on {}",
        f64::from(on_v2) / 10_000.0,
        handle.invoked_arn()
    );
    let sticky = |user: &str| {
        handle
            .resolve_sticky(user.as_bytes())
            .map(|r| r.executed_version())
            .map_err(|_| handle.gone_error())
    };
    let mut sticky_v2 = 0;
    for i in 0..1000 {
        let user = format!("user-{i}");
        let first = sticky(&user)?;
        assert_eq!(first, sticky(&user)?, "sticky routing is stable");
        if first == v2.version {
            sticky_v2 += 1;
        }
    }
    println!("sticky          -> {sticky_v2} of 1000 users run version 2, each on every call");

    // Refusals, exactly as the service words them.
    let refusals = [
        registry
            .create_alias(CreateAliasRequest::new("checkout", "2024", "1"))
            .err(),
        registry
            .create_alias(
                CreateAliasRequest::new("checkout", "canary", "$LATEST").with_routing("2", 0.5),
            )
            .err(),
        registry
            .delete_function(DeleteFunctionRequest::new("checkout").with_qualifier("2"))
            .err(),
        registry
            .publish_version(PublishVersionRequest::new("checkout").with_revision_id("stale"))
            .err(),
    ];
    for err in refusals.into_iter().flatten() {
        println!(
            "refused         -> {} {}: {}",
            err.http_status(),
            err.kind(),
            err.message()
        );
    }

    // Promote version 2: new primary, routing cleared in the same call (R41).
    let promoted = registry.update_alias(
        UpdateAliasRequest::new("checkout", "live")
            .with_function_version("2")
            .without_routing(),
    )?;
    println!(
        "UpdateAlias     -> primary={} routing={:?}",
        promoted.function_version, promoted.routing_config
    );
    let target = registry.invoke_target(InvokeRequest::new("checkout:live"), &mut rng)?;
    assert_eq!(target.executed_version, v2.version);
    println!(
        "Invoke          -> ExecutedVersion={} via {}",
        target.executed_version, target.invoked_arn
    );
    let resolved = resolver
        .resolve("checkout", Some("live"), &mut rng)
        .map_err(|e| e.into_error(&resolver, "checkout", Some("live")))?;
    println!(
        "Resolver        -> ExecutedVersion={} via {} ({:?})",
        resolved.executed_version(),
        resolved.invoked_arn(),
        resolved.reason()
    );

    // Version 1 is free now; delete it and list what is left.
    registry.delete_function(DeleteFunctionRequest::new("checkout").with_qualifier("1"))?;
    let listed =
        registry.list_versions_by_function(ListVersionsByFunctionRequest::new("checkout"))?;
    let versions: Vec<String> = listed
        .versions
        .iter()
        .map(|v| v.version.to_string())
        .collect();
    println!("ListVersions    -> {versions:?}");
    assert_eq!(versions, [Version::Latest.to_string(), "2".to_owned()]);
    Ok(())
}
