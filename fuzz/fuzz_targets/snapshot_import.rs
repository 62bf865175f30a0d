//! Arbitrary bytes as a snapshot (what a disk or a network may hand the importer): no
//! panic; whatever is accepted round-trips and re-imports.
#![no_main]

use lambda_versioning::{Registry, Snapshot};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(snapshot) = serde_json::from_slice::<Snapshot>(data) else {
        return;
    };
    let Ok(registry) = Registry::builder().build_from_snapshot(snapshot) else {
        return;
    };
    let exported = registry.export();
    let again = Registry::builder()
        .build_from_snapshot(exported.clone())
        .expect("an exported snapshot imports");
    assert_eq!(again.export(), exported);
});
