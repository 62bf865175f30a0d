//! Refused requests change nothing: a fixed list of refusals, and a property over
//! arbitrary methods, paths and bodies.

mod common;
mod wire_common;

use http::Method;
use proptest::prelude::*;
use wire_common::*;

#[test]
fn refused_requests_change_nothing() {
    let s = populated();
    let before = snapshot(&s);
    let refusals: [(Method, &str, &str); 8] = [
        (
            Method::POST,
            "/2015-03-31/functions/f/aliases",
            r#"{"Name":"live","FunctionVersion":"2"}"#,
        ),
        (
            Method::POST,
            "/2015-03-31/functions/f/aliases",
            r#"{"Name":"x","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":2.0}}}"#,
        ),
        (
            Method::PUT,
            "/2015-03-31/functions/f/aliases/live",
            r#"{"FunctionVersion":"2","RevisionId":"stale"}"#,
        ),
        (
            Method::PUT,
            "/2015-03-31/functions/f/configuration",
            r#"{"Timeout":"long"}"#,
        ),
        (
            Method::PUT,
            "/2015-03-31/functions/f/code",
            r#"{"ZipFile":"aGVsbG8="}"#,
        ),
        (Method::DELETE, "/2015-03-31/functions/f?Qualifier=1", ""),
        (
            Method::POST,
            "/2015-03-31/functions/f/versions",
            r#"{"CodeSha256":"nope"}"#,
        ),
        (Method::POST, "/2015-03-31/functions", &create_body("f")),
    ];
    for (method, path, body) in refusals {
        let answer = send(&s, method.clone(), path, body);
        assert!(
            answer.status >= 400,
            "{method} {path} {body}: {}",
            answer.body
        );
        assert_eq!(
            snapshot(&s),
            before,
            "{method} {path} {body} changed the registry"
        );
    }
}

fn method_strategy() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::GET),
        Just(Method::POST),
        Just(Method::PUT),
        Just(Method::DELETE),
        Just(Method::PATCH),
    ]
}

fn path_strategy() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("f".to_owned()),
        Just("f%3Alive".to_owned()),
        Just("versions".to_owned()),
        Just("aliases".to_owned()),
        Just("policy".to_owned()),
        Just("invocations".to_owned()),
        Just("live".to_owned()),
        "[a-zA-Z0-9%:$._-]{0,12}",
    ];
    (
        proptest::collection::vec(segment, 0..4),
        "(\\?[A-Za-z]{1,10}=[a-z0-9%$]{0,6})?",
    )
        .prop_map(|(segments, query)| {
            let mut path = "/2015-03-31/functions".to_owned();
            for s in segments {
                path.push('/');
                path.push_str(&s);
            }
            path + &query
        })
}

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        Just(br#"{"Name":"x","FunctionVersion":"1"}"#.to_vec()),
        Just(br#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.5}}}"#.to_vec()),
        Just(br#"{"StatementId":"s","Action":"lambda:*","Principal":"*"}"#.to_vec()),
        Just(br#"{"Description":null,"Timeout":1e99}"#.to_vec()),
        "\\{\"[A-Za-z]{1,12}\":(null|true|1|\"[a-z0-9$]{0,5}\"|\\[\\]|\\{\\})\\}"
            .prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)
    ))]

    /// Any request gets an answer with a JSON error body or a success; a refusal changes
    /// nothing.
    #[test]
    fn any_request_is_answered_and_refusals_change_nothing(
        method in method_strategy(),
        path in path_strategy(),
        body in body_strategy(),
    ) {
        let s = populated();
        let before = snapshot(&s);
        let answer = send_bytes(&s, method, &path, &body, &[]);
        if answer.status >= 400 {
            prop_assert!(answer.error_type.is_some());
            let json: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
            prop_assert!(json.get("message").or(json.get("Message")).is_some_and(|m| m.is_string()));
            prop_assert_eq!(snapshot(&s), before);
        }
    }
}
