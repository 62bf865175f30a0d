//! `ListVersionsByFunction` on the wire renders each published version once and reuses
//! the bytes (R26: a published version never changes); the answer must stay byte for byte
//! what rendering the registry's page gives (R31, R87), on every page, on repeated
//! requests, and after the function is deleted and re-created under the same name.

mod common;

use lambda_versioning::Code;
use lambda_versioning::Registry;
use lambda_versioning::registry::{
    DeleteFunctionRequest, ListVersionsByFunctionRequest, UpdateFunctionCodeRequest,
};
use lambda_versioning::wire::Service;
use lambda_versioning::wire::json::ListVersionsByFunctionResponse;

fn listed(service: &Service, query: &str) -> String {
    let request = http::Request::get(format!("/2015-03-31/functions/cached/versions{query}"))
        .body(Vec::new())
        .unwrap();
    let response = service.handle(request);
    assert_eq!(
        response.status(),
        200,
        "{}",
        String::from_utf8_lossy(response.body())
    );
    String::from_utf8(response.into_body()).unwrap()
}

fn rendered(service: &Service, marker: Option<&str>, max_items: Option<i64>) -> String {
    service.read(|r: &Registry| {
        let mut request = ListVersionsByFunctionRequest::new("cached");
        if let Some(marker) = marker {
            request = request.with_marker(marker);
        }
        if let Some(max_items) = max_items {
            request = request.with_max_items(max_items);
        }
        let page = r.list_versions_by_function(request).unwrap();
        serde_json::to_string(&ListVersionsByFunctionResponse::from(&page)).unwrap()
    })
}

fn marker_of(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["NextMarker"].as_str().map(str::to_owned)
}

#[test]
fn r26_r31_cached_version_entries_are_byte_identical_to_rendering() {
    let mut registry = common::registry();
    common::with_versions(&mut registry, "cached", 7);
    let service = Service::builder(registry).settle_immediately().build();

    // Twice: the first fills the cache, the second answers from it.
    for _ in 0..2 {
        assert_eq!(listed(&service, ""), rendered(&service, None, None));
        let first = listed(&service, "?MaxItems=3");
        assert_eq!(first, rendered(&service, None, Some(3)));
        let marker = marker_of(&first).expect("a second page");
        let second = listed(&service, &format!("?MaxItems=3&Marker={marker}"));
        assert_eq!(second, rendered(&service, Some(&marker), Some(3)));
    }

    // Deleted and re-created with other code: version 1 is another version now.
    let before = listed(&service, "");
    service.write(|r| {
        r.delete_function(DeleteFunctionRequest::new("cached"))
            .unwrap();
        common::create(r, "cached");
        r.update_function_code(
            UpdateFunctionCodeRequest::new("cached", Code::from_zip_bytes(b"other code"))
                .with_publish(true),
        )
        .unwrap();
    });
    let after = listed(&service, "");
    assert_eq!(after, rendered(&service, None, None));
    assert_ne!(after, before);
    let versions: serde_json::Value = serde_json::from_str(&after).unwrap();
    let listed_versions: Vec<&str> = versions["Versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["Version"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed_versions,
        ["$LATEST", "8"],
        "numbers are not reused (Q1)"
    );

    // A registry swapped in whole (as a follower or a restore does): version 1 of
    // "cached" is another version with the same number.
    let mut other = common::registry();
    common::create(&mut other, "cached");
    common::update_code(&mut other, "cached", b"swapped in");
    common::publish(&mut other, "cached");
    service.write(|r| *r = other);
    let swapped = listed(&service, "");
    assert_eq!(swapped, rendered(&service, None, None));
    let first_seen: serde_json::Value = serde_json::from_str(&before).unwrap();
    let now: serde_json::Value = serde_json::from_str(&swapped).unwrap();
    assert_eq!(now["Versions"][1]["Version"], "1");
    assert_ne!(
        now["Versions"][1]["CodeSha256"], first_seen["Versions"][1]["CodeSha256"],
        "the cached entry of the old version 1 was not reused"
    );
}
