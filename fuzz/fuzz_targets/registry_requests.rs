//! Arbitrary strings through every control-plane operation: no panic, and every refusal is
//! one of the service's exceptions. The input is split on NUL bytes into fields.
#![no_main]

use lambda_versioning::registry::{
    AddPermissionRequest, CreateAliasRequest, CreateFunctionRequest, DeleteFunctionRequest,
    GetFunctionRequest, GetPolicyRequest, InvokeRequest, ListAliasesRequest,
    ListVersionsByFunctionRequest, PublishVersionRequest, RemovePermissionRequest,
    UpdateAliasRequest,
};
use lambda_versioning::{Code, FunctionConfig, ManualClock, Registry, Timestamp};
use libfuzzer_sys::fuzz_target;
use rand::SeedableRng as _;
use rand::rngs::SmallRng;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let fields: Vec<&str> = text.split('\0').collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or("");
    let mut r = Registry::builder()
        .clock(ManualClock::new(Timestamp::from_unix_millis(0)))
        .seed(0)
        .build();
    let config = FunctionConfig::new(
        "arn:aws:iam::123456789012:role/r",
        Code::from_zip_bytes(b"x"),
    );
    let _ = r.create_function(CreateFunctionRequest::new("f", config.clone()));
    let _ = r.publish_version(PublishVersionRequest::new("f"));
    let _ = r.create_alias(CreateAliasRequest::new("f", "live", "1"));
    let mut rng = SmallRng::seed_from_u64(0);
    let weight = f64::from(data.first().copied().unwrap_or(0)) / 128.0;
    for chunk in 0..fields.len().div_ceil(3).max(1) {
        let (a, b, c) = (field(chunk * 3), field(chunk * 3 + 1), field(chunk * 3 + 2));
        let _ = r.create_function(CreateFunctionRequest::new(a, config.clone()));
        let _ = r.get_function(GetFunctionRequest::new(a).with_qualifier(b));
        let _ = r.publish_version(
            PublishVersionRequest::new(a)
                .with_code_sha256(b)
                .with_revision_id(c),
        );
        let _ = r.create_alias(CreateAliasRequest::new(a, b, c).with_routing(c, weight));
        let _ = r.update_alias(
            UpdateAliasRequest::new(a, b)
                .with_function_version(c)
                .with_routing(b, weight),
        );
        let _ = r.list_versions_by_function(ListVersionsByFunctionRequest::new(a).with_marker(b));
        let _ = r.list_aliases(
            ListAliasesRequest::new(a)
                .with_function_version(b)
                .with_marker(c),
        );
        let _ = r.add_permission(
            AddPermissionRequest::new(a, b, c, b)
                .with_qualifier(c)
                .with_source_arn(b),
        );
        let _ = r.remove_permission(RemovePermissionRequest::new(a, b).with_qualifier(c));
        let _ = r.get_policy(GetPolicyRequest::new(a));
        let _ = r.invoke_target(InvokeRequest::new(a).with_qualifier(b), &mut rng);
        let resolver = r.resolver();
        let _ = resolver.resolve_sticky(a, Some(b), c.as_bytes());
        let _ = r.delete_function(DeleteFunctionRequest::new(a).with_qualifier(c));
    }
    // The state is still a valid snapshot.
    let snapshot = r.export();
    Registry::builder()
        .build_from_snapshot(snapshot)
        .expect("a live registry exports a valid snapshot");
});
