//! Alias answers on the wire (R37, R53): `CreateAlias`, `GetAlias` and `UpdateAlias`
//! bodies are written straight from the registry's view; they must be byte for byte what
//! serde writes for `wire::AliasConfiguration` with the same members, for every routing
//! shape (none, two-way, N-way with versions whose decimal and numeric orders differ)
//! and descriptions that need escaping.

mod common;
mod wire_common;

use http::Method;
use lambda_versioning::registry::{
    CreateFunctionRequest, PublishVersionRequest, UndoAliasRequest, UpdateFunctionCodeRequest,
};
use lambda_versioning::wire::Service;
use lambda_versioning::wire::json::AliasConfiguration;
use lambda_versioning::{Code, FunctionConfig, Registry, RoutingMode};
use wire_common::*;

/// `f` with versions 1..=12, in N-way routing mode.
fn service() -> Service {
    let mut r = Registry::builder()
        .clock(common::clock())
        .seed(3)
        .routing_mode(RoutingMode::MultiVersion)
        .build();
    let config = FunctionConfig::new(common::ROLE, Code::from_zip_bytes(b"v1"));
    r.create_function(CreateFunctionRequest::new("f", config))
        .unwrap();
    for n in 1..=12u32 {
        if n > 1 {
            r.update_function_code(UpdateFunctionCodeRequest::new(
                "f",
                Code::from_zip_bytes(format!("v{n}").as_bytes()),
            ))
            .unwrap();
        }
        r.publish_version(PublishVersionRequest::new("f")).unwrap();
    }
    Service::builder(r).settle_immediately().build()
}

/// The body is exactly serde's rendering of the members it carries.
#[track_caller]
fn assert_serde_bytes(body: &str) -> AliasConfiguration {
    let parsed: AliasConfiguration = serde_json::from_str(body).expect("alias JSON");
    assert_eq!(serde_json::to_string(&parsed).unwrap(), body);
    parsed
}

#[test]
fn r37_r53_alias_bodies_are_serdes_bytes_for_every_routing_shape() {
    let s = service();
    let cases = [
        (r#"{"Name":"plain","FunctionVersion":"3"}"#, None),
        (
            r#"{"Name":"two","FunctionVersion":"1","Description":"say \"hi\" \\ é ☃ \u0001","RoutingConfig":{"AdditionalVersionWeights":{"2":0.1}}}"#,
            Some(vec![("2", 0.1)]),
        ),
        (
            r#"{"Name":"three","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":0.25,"10":0.125,"9":0.5}}}"#,
            Some(vec![("10", 0.125), ("2", 0.25), ("9", 0.5)]),
        ),
    ];
    for (create, weights) in cases {
        let created = send(&s, Method::POST, "/2015-03-31/functions/f/aliases", create);
        assert_eq!(created.status, 201, "{}", created.body);
        let alias = assert_serde_bytes(&created.body);
        let expected = weights.map(|w| {
            w.into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<std::collections::BTreeMap<_, _>>()
        });
        assert_eq!(
            alias
                .routing_config
                .as_ref()
                .and_then(|r| r.additional_version_weights.clone()),
            expected
        );
        if let Some(weights) = &expected {
            // Keys in string order: "10" before "2" before "9".
            let keys: Vec<&str> = weights.keys().map(String::as_str).collect();
            let at = |k: &str| created.body.find(&format!("\"{k}\":")).unwrap();
            for pair in keys.windows(2) {
                assert!(at(pair[0]) < at(pair[1]), "{}", created.body);
            }
        }
        let path = format!("/2015-03-31/functions/f/aliases/{}", alias.name);
        let got = send(&s, Method::GET, &path, "");
        assert_eq!(got.status, 200);
        assert_eq!(got.body, created.body);
        let updated = send(
            &s,
            Method::PUT,
            &path,
            r#"{"RoutingConfig":{"AdditionalVersionWeights":{"11":0.3,"4":0.2}},"Description":"next"}"#,
        );
        assert_eq!(updated.status, 200, "{}", updated.body);
        let after = assert_serde_bytes(&updated.body);
        assert_eq!(after.description, "next");
        assert!(
            updated
                .body
                .contains(r#""AdditionalVersionWeights":{"11":0.3,"4":0.2}"#)
        );
        assert_eq!(
            after.alias_arn,
            format!(
                "arn:aws:lambda:us-east-1:123456789012:function:f:{}",
                alias.name
            )
        );
    }
}

/// R38: a stored alias's answer is written with the function ARN text the function keeps
/// from its creation; a registry rebuilt from a snapshot writes the same bytes (the text
/// is rebuilt on import, not carried in the snapshot).
#[test]
fn r38_get_alias_bytes_survive_a_snapshot_round_trip() {
    let s = service();
    let create = r#"{"Name":"live","FunctionVersion":"3","Description":"a \"quoted\" one","RoutingConfig":{"AdditionalVersionWeights":{"10":0.25,"2":0.5}}}"#;
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions/f/aliases", create).status,
        201
    );
    let before = send(&s, Method::GET, "/2015-03-31/functions/f/aliases/live", "");
    assert_eq!(before.status, 200);
    let config = assert_serde_bytes(&before.body);
    assert_eq!(
        config.alias_arn,
        "arn:aws:lambda:us-east-1:123456789012:function:f:live"
    );

    let snapshot = s.read(Registry::export);
    let restored = Registry::builder()
        .clock(common::clock())
        .seed(4)
        .routing_mode(RoutingMode::MultiVersion)
        .build_from_snapshot(snapshot)
        .expect("import");
    let restored = Service::builder(restored).settle_immediately().build();
    let after = send(
        &restored,
        Method::GET,
        "/2015-03-31/functions/f/aliases/live",
        "",
    );
    assert_eq!(after.status, 200);
    assert_eq!(after.body, before.body);
}

/// R38–R41: GetAlias answers from the alias's body as rendered for its current state, and
/// every change of the alias (an update of any member, an undo, a delete and re-create
/// under the same name) is answered afresh: each GetAlias equals the answer of the change
/// before it, byte for byte, and repeated reads agree.
#[test]
fn r38_r41_get_alias_after_every_change_answers_the_new_state() {
    let s = service();
    let path = "/2015-03-31/functions/f/aliases/live";
    let created = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/aliases",
        r#"{"Name":"live","FunctionVersion":"1"}"#,
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let mut expected = created.body;
    let changes = [
        r#"{"Description":"first"}"#,
        r#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.25}}}"#,
        r#"{"FunctionVersion":"3","RoutingConfig":{}}"#,
        r#"{}"#,
        r#"{"FunctionVersion":"4","Description":"","RoutingConfig":{"AdditionalVersionWeights":{"10":0.5,"2":0.25}}}"#,
    ];
    for change in changes {
        for _ in 0..2 {
            let got = send(&s, Method::GET, path, "");
            assert_eq!(got.status, 200);
            assert_eq!(got.body, expected, "before {change}");
        }
        let updated = send(&s, Method::PUT, path, change);
        assert_eq!(updated.status, 200, "{change}: {}", updated.body);
        assert_ne!(updated.body, expected, "{change} gives a new revision id");
        expected = updated.body;
    }
    assert_eq!(send(&s, Method::GET, path, "").body, expected);

    // An undo changes the alias outside the wire's own update path.
    let undone = s
        .write(|r| r.undo_alias(UndoAliasRequest::new("f", "live")))
        .unwrap();
    let got = send(&s, Method::GET, path, "");
    let config = assert_serde_bytes(&got.body);
    assert_eq!(config.function_version, "3");
    assert_eq!(config.revision_id, undone.revision_id.to_string());
    assert_ne!(got.body, expected);

    // Deleted and created again under the same name, on another version.
    assert_eq!(send(&s, Method::DELETE, path, "").status, 204);
    assert_eq!(send(&s, Method::GET, path, "").status, 404);
    let again = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/aliases",
        r#"{"Name":"live","FunctionVersion":"7","Description":"again"}"#,
    );
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(send(&s, Method::GET, path, "").body, again.body);
}
