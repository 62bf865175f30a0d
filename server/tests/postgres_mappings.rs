//! Event source mappings through two server processes sharing one PostgreSQL database
//! (`--store`, R150, R155): a mapping created on one server is read, changed and tagged
//! on the other, outlives its function, and once deleted on one server is gone on both.
//!
//! Needs `.ci/with-postgres` (it sets `LV_POSTGRES_URL`).

mod common;

use common::{Server, agent, call, create_body, scratch_dir};

/// A scope of its own, so that other store tests' functions and mappings are not in the
/// way.
const ACCOUNT: &str = "109876543210";

fn start(url: &str, dir: &std::path::Path, name: &str) -> Server {
    Server::start(
        &["--store", url, "--account", ACCOUNT, "--log", "warn"],
        &dir.join(name),
    )
}

#[test]
fn r150_r155_mappings_are_shared_between_server_processes() {
    let url = std::env::var("LV_POSTGRES_URL")
        .expect("LV_POSTGRES_URL is not set: run through .ci/with-postgres");
    let dir = scratch_dir("postgres_mappings");
    let (a, b) = (start(&url, &dir, "a.log"), start(&url, &dir, "b.log"));
    let http = agent();
    let function = format!("mapped-{}", std::process::id());
    let created = call(
        &http,
        "POST",
        &format!("{}/2015-03-31/functions", a.base),
        Some(&create_body(&function)),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let source = format!(
        "arn:aws:sqs:us-east-1:{ACCOUNT}:orders-{}",
        std::process::id()
    );
    let mapping = call(
        &http,
        "POST",
        &format!("{}/2015-03-31/event-source-mappings", a.base),
        Some(&format!(
            r#"{{"EventSourceArn":"{source}","FunctionName":"{function}","BatchSize":5}}"#
        )),
    );
    assert_eq!(mapping.status, 202, "{}", mapping.body);
    let mapping = mapping.json();
    let uuid = mapping["UUID"].as_str().expect("UUID").to_owned();
    let on = |server: &Server| format!("{}/2015-03-31/event-source-mappings/{uuid}", server.base);

    // Read on the other server: the same mapping, its creation finished.
    let seen = call(&http, "GET", &on(&b), None);
    assert_eq!(seen.status, 200, "{}", seen.body);
    let seen = seen.json();
    for member in [
        "UUID",
        "EventSourceArn",
        "FunctionArn",
        "BatchSize",
        "LastModified",
    ] {
        assert_eq!(seen[member], mapping[member], "{member}");
    }
    assert_eq!(mapping["State"], "Creating");
    assert_eq!(seen["State"], "Enabled");

    // Changed on the second server, seen on the first.
    let updated = call(&http, "PUT", &on(&b), Some(r#"{"BatchSize":9}"#));
    assert_eq!(updated.status, 202, "{}", updated.body);
    assert_eq!(call(&http, "GET", &on(&a), None).json()["BatchSize"], 9);

    // Tagged through its ARN on one server, listed on the other.
    let arn = mapping["EventSourceMappingArn"]
        .as_str()
        .expect("ARN")
        .to_owned();
    let tagged = call(
        &http,
        "POST",
        &format!("{}/2017-03-31/tags/{arn}", b.base),
        Some(r#"{"Tags":{"team":"orders"}}"#),
    );
    assert_eq!(tagged.status, 204, "{}", tagged.body);
    let tags = call(
        &http,
        "GET",
        &format!("{}/2017-03-31/tags/{arn}", a.base),
        None,
    );
    assert_eq!(tags.status, 200, "{}", tags.body);
    assert_eq!(tags.json()["Tags"]["team"], "orders");

    // R155: the mapping outlives its function.
    let deleted = call(
        &http,
        "DELETE",
        &format!("{}/2015-03-31/functions/{function}", a.base),
        None,
    );
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    let listed = call(
        &http,
        "GET",
        &format!(
            "{}/2015-03-31/event-source-mappings?EventSourceArn={source}",
            b.base
        ),
        None,
    );
    assert_eq!(listed.status, 200, "{}", listed.body);
    let uuids: Vec<String> = listed.json()["EventSourceMappings"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["UUID"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(uuids, std::slice::from_ref(&uuid));

    // Deleted on one server, gone on both, with the answer one registry gives.
    let removed = call(&http, "DELETE", &on(&a), None);
    assert_eq!(removed.status, 202, "{}", removed.body);
    let alone = lambda_versioning::wire::Service::new(lambda_versioning::Registry::default())
        .handle(
            http::Request::get(format!("/2015-03-31/event-source-mappings/{uuid}"))
                .body(Vec::new())
                .expect("request"),
        );
    assert_eq!(alone.status(), 404);
    let expected = String::from_utf8(alone.into_body()).expect("UTF-8");
    for server in [&a, &b] {
        let gone = call(&http, "GET", &on(server), None);
        assert_eq!((gone.status, gone.body.as_str()), (404, expected.as_str()));
    }
}
