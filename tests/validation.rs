//! Framework validation, the order of checks, statuses, determinism and atomicity
//! (R93–R95).

mod common;

use common::*;
use lambda_versioning::registry::{
    AddPermissionRequest, CreateAliasRequest, DeleteFunctionRequest, GetFunctionRequest,
    InvokeRequest, ListAliasesRequest, ListVersionsByFunctionRequest, PublishVersionRequest,
    RemovePermissionRequest, UpdateAliasRequest,
};
use lambda_versioning::{Error, ErrorKind, Registry, RevisionIdSource, SeededRevisionIds};
use proptest::prelude::*;

#[test]
fn r93_several_violations_are_reported_together() {
    let mut r = registry();
    assert_err(
        r.create_alias(CreateAliasRequest::new("f!", "2024", "live").with_routing("x", 3.0)),
        ErrorKind::Validation,
        &format!(
            "5 validation errors detected: \
Value 'f!' at 'functionName' failed to satisfy constraint: {CLASSIC_PATTERN}; \
Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+); \
Value 'live' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\$LATEST(\\.PUBLISHED)?|[0-9]+); \
Value '{{x=3.0}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]; \
Value '{{x=3.0}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]"
        ),
    );
    assert_err(
        r.get_function(GetFunctionRequest::new("bad name").with_qualifier("bad!")),
        ErrorKind::Validation,
        &format!(
            "2 validation errors detected: Value 'bad name' at 'functionName' failed to satisfy constraint: {NAMESPACED_PATTERN}; Value 'bad!' at 'qualifier' failed to satisfy constraint: {QUALIFIER_PATTERN}"
        ),
    );
    let empty_qualifier = r.get_function(GetFunctionRequest::new("f").with_qualifier(""));
    assert_err(
        empty_qualifier,
        ErrorKind::Validation,
        &validation(
            "",
            "qualifier",
            "Member must have length greater than or equal to 1",
        ),
    );
}

#[test]
fn r94_validation_precedes_region_precedes_agreement_precedes_syntax_refusals() {
    let mut r = registry();
    let other_region = "arn:aws:lambda:eu-west-1:123456789012:function:f";
    // (1) validation before (2) region.
    assert_err(
        r.get_function(GetFunctionRequest::new(other_region).with_qualifier("bad!")),
        ErrorKind::Validation,
        &validation("bad!", "qualifier", QUALIFIER_PATTERN),
    );
    // (2) region before (3) agreement.
    assert_err(
        r.delete_function(
            DeleteFunctionRequest::new(format!("{other_region}:1")).with_qualifier("2"),
        ),
        ErrorKind::ResourceNotFound,
        "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
    );
    // (3) agreement before (4) syntactic refusal.
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("f:$LATEST").with_qualifier("live")),
        ErrorKind::InvalidParameterValue,
        "The derived qualifier from the function name does not match the specified qualifier.",
    );
    // (4) syntactic refusals before (5) lookups, on a missing function.
    assert_err(
        r.create_alias(
            CreateAliasRequest::new("missing", "live", "$LATEST").with_routing("1", 0.5),
        ),
        ErrorKind::InvalidParameterValue,
        "$LATEST is not supported for an alias pointing to more than 1 version",
    );
    // (5) existence before (6) conflicts.
    with_versions(&mut r, "f", 1);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "live", "7")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:7"),
    );
    // (6) conflicts before (7) preconditions.
    update_code(&mut r, "f", b"x");
    publish(&mut r, "f");
    set_role(&mut r, "f", OTHER_ROLE);
    publish(&mut r, "f");
    assert_err(
        r.update_alias(
            UpdateAliasRequest::new("f", "live")
                .with_routing("3", 0.5)
                .with_revision_id("stale"),
        ),
        ErrorKind::InvalidParameterValue,
        "Specified versions must be associated with the same execution role",
    );
}

#[test]
fn r95_error_statuses_and_names() {
    let expected = [
        (ErrorKind::Validation, "ValidationException", 400),
        (
            ErrorKind::InvalidParameterValue,
            "InvalidParameterValueException",
            400,
        ),
        (
            ErrorKind::ResourceNotFound,
            "ResourceNotFoundException",
            404,
        ),
        (
            ErrorKind::ResourceConflict,
            "ResourceConflictException",
            409,
        ),
        (
            ErrorKind::PreconditionFailed,
            "PreconditionFailedException",
            412,
        ),
        (
            ErrorKind::PolicyLengthExceeded,
            "PolicyLengthExceededException",
            400,
        ),
        (
            ErrorKind::CodeStorageExceeded,
            "CodeStorageExceededException",
            400,
        ),
        (
            ErrorKind::AliasLimitExceeded,
            "AliasLimitExceededException",
            400,
        ),
        (ErrorKind::TooManyRequests, "TooManyRequestsException", 429),
        (ErrorKind::AccessDenied, "AccessDeniedException", 403),
        (ErrorKind::Service, "ServiceException", 500),
    ];
    for (kind, name, status) in expected {
        assert_eq!((kind.exception_name(), kind.http_status()), (name, status));
        let e = Error::new(kind, "m");
        assert_eq!(e.to_string(), format!("{name}: m"));
        assert_eq!(e.http_status(), status);
    }
}

/// Everything a caller can observe about function `f`.
fn observe(r: &Registry) -> String {
    let mut out = String::new();
    for name in r.function_names() {
        let name = name.as_str();
        out += &format!("{:?}\n", r.get_function(GetFunctionRequest::new(name)));
        out += &format!(
            "{:?}\n",
            r.list_versions_by_function(
                ListVersionsByFunctionRequest::new(name).with_max_items(50)
            )
        );
        out += &format!("{:?}\n", r.list_aliases(ListAliasesRequest::new(name)));
        for v in 1..=4 {
            out += &format!(
                "{:?}\n",
                r.get_function(GetFunctionRequest::new(format!("{name}:{v}")))
            );
        }
    }
    out
}

#[derive(Debug, Clone)]
enum BadCall {
    Alias(String, String, String, Option<(String, f64)>),
    Update(
        String,
        Option<String>,
        Option<(String, f64)>,
        Option<String>,
    ),
    Delete(String, Option<String>),
    Publish(String, Option<String>, Option<String>),
    Grant(String, Option<String>, String, String),
    Revoke(String, Option<String>, String, Option<String>),
}

fn bad_call() -> impl Strategy<Value = BadCall> {
    let name = prop_oneof![
        Just("f".to_owned()),
        Just("g".to_owned()),
        Just("f:1".to_owned()),
        Just("f!".to_owned())
    ];
    let alias = prop_oneof![
        Just("live".to_owned()),
        Just("new".to_owned()),
        Just("2024".to_owned())
    ];
    let version = prop_oneof![
        Just("1".to_owned()),
        Just("2".to_owned()),
        Just("9".to_owned()),
        Just("$LATEST".to_owned()),
        Just("x".to_owned())
    ];
    let route = proptest::option::of((
        version.clone(),
        prop_oneof![Just(0.5), Just(2.0), Just(-0.1)],
    ));
    prop_oneof![
        (name.clone(), alias.clone(), version.clone(), route.clone())
            .prop_map(|(a, b, c, d)| BadCall::Alias(a, b, c, d)),
        (
            name.clone(),
            proptest::option::of(version.clone()),
            route,
            proptest::option::of(Just("stale".to_owned()))
        )
            .prop_map(|(a, b, c, d)| BadCall::Update(a, b, c, d)),
        (name.clone(), proptest::option::of(version)).prop_map(|(a, b)| BadCall::Delete(a, b)),
        (
            name.clone(),
            proptest::option::of(Just("wrong".to_owned())),
            proptest::option::of(Just("stale".to_owned()))
        )
            .prop_map(|(a, b, c)| BadCall::Publish(a, b, c)),
        (
            name.clone(),
            proptest::option::of(prop_oneof![
                Just("1".to_owned()),
                Just("live".to_owned()),
                Just("$LATEST".to_owned()),
                Just("9".to_owned())
            ]),
            prop_oneof![Just("s1".to_owned()), Just("bad.sid".to_owned())],
            prop_oneof![
                Just("s3.amazonaws.com".to_owned()),
                Just("nonsense".to_owned()),
                Just("*".to_owned())
            ],
        )
            .prop_map(|(a, b, c, d)| BadCall::Grant(a, b, c, d)),
        (
            name,
            proptest::option::of(prop_oneof![Just("1".to_owned()), Just("live".to_owned())]),
            prop_oneof![Just("s1".to_owned()), Just("s0".to_owned())],
            proptest::option::of(Just("stale".to_owned())),
        )
            .prop_map(|(a, b, c, d)| BadCall::Revoke(a, b, c, d)),
    ]
}

fn apply(r: &mut Registry, call: BadCall) -> Result<(), Error> {
    match call {
        BadCall::Alias(f, a, v, route) => {
            let mut req = CreateAliasRequest::new(f, a, v);
            if let Some((k, w)) = route {
                req = req.with_routing(k, w);
            }
            r.create_alias(req).map(drop)
        }
        BadCall::Update(f, v, route, rev) => {
            let mut req = UpdateAliasRequest::new(f, "live");
            req.function_version = v;
            req.revision_id = rev;
            if let Some((k, w)) = route {
                req = req.with_routing(k, w);
            }
            r.update_alias(req).map(drop)
        }
        BadCall::Delete(f, q) => {
            let mut req = DeleteFunctionRequest::new(f);
            req.qualifier = q;
            r.delete_function(req)
        }
        BadCall::Grant(f, q, sid, principal) => {
            let mut req = AddPermissionRequest::new(f, sid, "lambda:InvokeFunction", principal);
            req.qualifier = q;
            r.add_permission(req).map(drop)
        }
        BadCall::Revoke(f, q, sid, rev) => {
            let mut req = RemovePermissionRequest::new(f, sid);
            req.qualifier = q;
            req.revision_id = rev;
            r.remove_permission(req)
        }
        BadCall::Publish(f, sha, rev) => {
            let mut req = PublishVersionRequest::new(f);
            req.code_sha256 = sha;
            req.revision_id = rev;
            r.publish_version(req).map(drop)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A refused request changes nothing that a caller can observe.
    #[test]
    fn refused_requests_change_nothing(calls in proptest::collection::vec(bad_call(), 1..8)) {
        let mut r = registry();
        with_versions(&mut r, "f", 2);
        set_role(&mut r, "f", OTHER_ROLE);
        r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.1)).unwrap();
        r.add_permission(AddPermissionRequest::new("f", "s0", "lambda:InvokeFunction", "s3.amazonaws.com").with_qualifier("live")).unwrap();
        for call in calls {
            let before = observe(&r);
            if apply(&mut r, call).is_err() {
                prop_assert_eq!(observe(&r), before);
            }
        }
    }
}

#[test]
fn a_seeded_registry_replays_identically() {
    let run = || {
        let mut r = Registry::builder().clock(clock()).seed(77).build();
        with_versions(&mut r, "f", 3);
        r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.25))
            .unwrap();
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(5);
        let picks: Vec<String> = (0..50)
            .map(|_| {
                r.invoke_target(InvokeRequest::new("f:live"), &mut rng)
                    .unwrap()
                    .executed_version
                    .to_string()
            })
            .collect();
        (observe(&r), picks)
    };
    assert_eq!(run(), run());
    let mut a = SeededRevisionIds::new(1);
    let mut b = SeededRevisionIds::new(2);
    assert_ne!(a.next_revision_id(), b.next_revision_id());
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Registry>();
    check::<Error>();
    check::<lambda_versioning::FunctionArn>();
    check::<lambda_versioning::FunctionRef>();
    check::<lambda_versioning::registry::FunctionConfiguration>();
    check::<lambda_versioning::registry::AliasConfiguration>();
}
