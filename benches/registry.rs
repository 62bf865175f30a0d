//! Control-plane costs that must not grow with the number of versions (docs/performance.md, P5):
//! publishing with 10 000 existing versions vs 10, and reading one list page with
//! 10 000 versions vs 10. Compare the ratios within one run.

use criterion::{Criterion, criterion_group, criterion_main};
use lambda_versioning::registry::{
    CreateFunctionRequest, DeleteFunctionRequest, ListVersionsByFunctionRequest,
    PublishVersionRequest, UpdateFunctionConfigurationRequest,
};
use lambda_versioning::{Code, FunctionConfig, ManualClock, Registry, Timestamp};
use std::hint::black_box;

fn registry_with_versions(n: u32) -> Registry {
    let mut r = Registry::builder()
        .clock(ManualClock::new(Timestamp::from_unix_millis(0)))
        .seed(1)
        .build();
    let config = FunctionConfig::new(
        "arn:aws:iam::123456789012:role/exec",
        Code::from_zip_bytes(b"x"),
    );
    r.create_function(CreateFunctionRequest::new("f", config))
        .expect("create");
    for i in 0..n {
        r.update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f").with_description(format!("release {i}")),
        )
        .expect("update");
        r.publish_version(PublishVersionRequest::new("f"))
            .expect("publish");
    }
    r
}

fn publish(c: &mut Criterion) {
    // One iteration: change $LATEST, publish it, delete the new version again, so the
    // function keeps `n` versions however many iterations criterion runs. All three steps
    // are measured; the ratio between the two sizes is what P5 is about.
    let mut group = c.benchmark_group("publish_cycle");
    for n in [10u32, 10_000] {
        let mut r = registry_with_versions(n);
        group.bench_function(format!("versions_{n}"), |b| {
            b.iter(|| {
                r.update_function_configuration(
                    UpdateFunctionConfigurationRequest::new("f").with_description("next"),
                )
                .expect("update");
                let v = r
                    .publish_version(PublishVersionRequest::new("f"))
                    .expect("publish");
                r.delete_function(
                    DeleteFunctionRequest::new("f").with_qualifier(v.version.to_string()),
                )
                .expect("delete");
                black_box(v)
            });
        });
    }
    group.finish();
}

fn list_page(c: &mut Criterion) {
    let mut group = c.benchmark_group("list_versions_page");
    for n in [10u32, 10_000] {
        let r = registry_with_versions(n);
        // A five-item page from the middle of the list (the first page always holds
        // $LATEST), full in both sizes.
        let mid = r
            .list_versions_by_function(
                ListVersionsByFunctionRequest::new("f").with_max_items(n.div_ceil(2).into()),
            )
            .expect("list")
            .next_marker;
        group.bench_function(format!("versions_{n}"), |b| {
            b.iter(|| {
                let mut req = ListVersionsByFunctionRequest::new("f").with_max_items(5);
                req.marker = mid.clone();
                black_box(r.list_versions_by_function(req).expect("list"))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, publish, list_page);
criterion_main!(benches);
