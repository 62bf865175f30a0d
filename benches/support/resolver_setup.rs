//! Shared setup for the resolver benchmarks (`resolve`, `resolver_memory`), included by
//! path; it lives under `benches/support/` so that Cargo does not build it as a benchmark
//! of its own.

use lambda_versioning::registry::{
    CreateAliasRequest, CreateFunctionRequest, PublishVersionRequest, UpdateFunctionCodeRequest,
};
use lambda_versioning::{Code, FunctionConfig, ManualClock, Registry, Timestamp};

/// The name of function `i`.
pub fn function_name(i: usize) -> String {
    format!("fn-{i:06}")
}

/// A registry with `n` functions, each with versions 1 and 2 and two aliases: `live`
/// (1, with 10% to 2) and `stable` (2).
pub fn registry_with_functions(n: usize) -> Registry {
    let mut r = Registry::builder()
        .clock(ManualClock::new(Timestamp::from_unix_millis(0)))
        .seed(1)
        .build();
    for i in 0..n {
        let name = function_name(i);
        let config = FunctionConfig::new(
            "arn:aws:iam::123456789012:role/exec",
            Code::from_digest("c2hhMjU2LXYx", 1),
        );
        r.create_function(CreateFunctionRequest::new(name.clone(), config).with_publish(true))
            .expect("create");
        r.update_function_code(UpdateFunctionCodeRequest::new(
            name.clone(),
            Code::from_digest("c2hhMjU2LXYy", 1),
        ))
        .expect("update");
        r.publish_version(PublishVersionRequest::new(name.clone()))
            .expect("publish");
        r.create_alias(CreateAliasRequest::new(name.clone(), "live", "1").with_routing("2", 0.1))
            .expect("alias live");
        r.create_alias(CreateAliasRequest::new(name, "stable", "2"))
            .expect("alias stable");
    }
    r
}

/// Whether this run measures (`cargo bench` passes `--bench`) rather than smoke-tests the
/// benchmark under `cargo test --all-targets`, where large setups are shrunk to keep the
/// test run short.
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// A `RoutingMode::MultiVersion` registry with function `split`: versions 1–4 and alias
/// `live` on 1 with 10% each to 2, 3 and 4.
#[allow(dead_code)]
pub fn registry_with_four_way_alias() -> Registry {
    let mut r = Registry::builder()
        .clock(ManualClock::new(Timestamp::from_unix_millis(0)))
        .seed(1)
        .routing_mode(lambda_versioning::RoutingMode::MultiVersion)
        .build();
    let config = FunctionConfig::new(
        "arn:aws:iam::123456789012:role/exec",
        Code::from_digest("c2hhMjU2LXYx", 1),
    );
    r.create_function(CreateFunctionRequest::new("split", config).with_publish(true))
        .expect("create");
    for v in 2..=4 {
        r.update_function_code(UpdateFunctionCodeRequest::new(
            "split",
            Code::from_digest(format!("c2hhMjU2LXY{v}"), 1),
        ))
        .expect("update");
        r.publish_version(PublishVersionRequest::new("split"))
            .expect("publish");
    }
    let weights = [("2", 0.1), ("3", 0.1), ("4", 0.1)]
        .into_iter()
        .map(|(k, w)| (k.to_owned(), w))
        .collect();
    r.create_alias(CreateAliasRequest::new("split", "live", "1").with_routing_config(weights))
        .expect("alias");
    r
}
