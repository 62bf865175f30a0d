//! Resource-based policies per qualifier (R13, R63, R73–R85, R88–R90).

mod common;

use common::*;
use lambda_versioning::registry::{
    AddPermissionRequest, CreateAliasRequest, DeleteAliasRequest, DeleteFunctionRequest,
    GetPolicyRequest, RemovePermissionRequest, UpdateAliasRequest,
};
use lambda_versioning::{
    Caller, ErrorKind, FunctionArn, FunctionUrlAuthType, POLICY_SIZE_LIMIT, Registry,
};

const INVOKE: &str = "lambda:InvokeFunction";

/// `f` with versions 1 and 2 and alias `live` on 1.
fn setup() -> Registry {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r
}

fn grant(sid: &str) -> AddPermissionRequest {
    AddPermissionRequest::new("f", sid, INVOKE, "s3.amazonaws.com")
}

fn policy_text(r: &Registry, qualifier: Option<&str>) -> String {
    let mut req = GetPolicyRequest::new("f");
    req.qualifier = qualifier.map(str::to_owned);
    r.get_policy(req).unwrap().policy
}

#[test]
fn r73_latest_can_carry_no_policy() {
    let mut r = setup();
    let msg = "We currently do not support adding policies for $LATEST.";
    assert_err(
        r.add_permission(grant("a").with_qualifier("$LATEST")),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    let mut req = grant("a");
    req.function_name = "f:$LATEST".to_owned();
    assert_err(r.add_permission(req), ErrorKind::InvalidParameterValue, msg);
    // Q9: reading or removing a $LATEST policy finds none.
    assert_err(
        r.get_policy(GetPolicyRequest::new("f").with_qualifier("$LATEST")),
        ErrorKind::ResourceNotFound,
        "The resource you requested does not exist.",
    );
    assert_err(
        r.remove_permission(RemovePermissionRequest::new("f", "a").with_qualifier("$LATEST")),
        ErrorKind::ResourceNotFound,
        "No policy is associated with the given resource.",
    );
}

#[test]
fn r73_r75_one_policy_per_target_with_its_own_resource() {
    let mut r = setup();
    r.add_permission(grant("same")).unwrap();
    r.add_permission(grant("same").with_qualifier("1")).unwrap();
    r.add_permission(grant("same").with_qualifier("live"))
        .unwrap();
    let resource = |q: Option<&str>| {
        let p = r.get_policy({
            let mut g = GetPolicyRequest::new("f");
            g.qualifier = q.map(str::to_owned);
            g
        });
        p.unwrap().statements[0].resource.clone()
    };
    assert_eq!(resource(None), format!("{ARN}:f"));
    assert_eq!(resource(Some("1")), format!("{ARN}:f:1"));
    assert_eq!(resource(Some("live")), format!("{ARN}:f:live"));
    assert_err(
        r.get_policy(GetPolicyRequest::new("f").with_qualifier("2")),
        ErrorKind::ResourceNotFound,
        "The resource you requested does not exist.",
    );
}

#[test]
fn r74_r75_r83_statement_and_document_shapes() {
    let mut r = setup();
    let added = r
        .add_permission(
            grant("s3")
                .with_qualifier("live")
                .with_source_arn("arn:aws:s3:::bucket"),
        )
        .unwrap();
    assert_eq!(
        added.statement,
        format!(
            r#"{{"Sid":"s3","Effect":"Allow","Principal":{{"Service":"s3.amazonaws.com"}},"Action":"lambda:InvokeFunction","Resource":"{ARN}:f:live","Condition":{{"ArnLike":{{"AWS:SourceArn":"arn:aws:s3:::bucket"}}}}}}"#
        )
    );
    r.add_permission(
        AddPermissionRequest::new("f", "xacct", "lambda:GetFunction", "210987654321")
            .with_qualifier("live"),
    )
    .unwrap();
    assert_eq!(
        policy_text(&r, Some("live")),
        format!(
            r#"{{"Version":"2012-10-17","Id":"default","Statement":[{},{{"Sid":"xacct","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::210987654321:root"}},"Action":"lambda:GetFunction","Resource":"{ARN}:f:live"}}]}}"#,
            added.statement
        )
    );
    // The text is valid JSON.
    let parsed: serde_json::Value = serde_json::from_str(&policy_text(&r, Some("live"))).unwrap();
    assert_eq!(parsed["Statement"].as_array().unwrap().len(), 2);
}

#[test]
fn r76_principal_normalisation_and_refusal() {
    let mut r = setup();
    let cases = [
        ("s3.amazonaws.com", r#"{"Service":"s3.amazonaws.com"}"#),
        (
            "123456789012",
            r#"{"AWS":"arn:aws:iam::123456789012:root"}"#,
        ),
        (
            "arn:aws:iam::210987654321:role/deployer",
            r#"{"AWS":"arn:aws:iam::210987654321:role/deployer"}"#,
        ),
        ("*", r#""*""#),
    ];
    for (i, (principal, json)) in cases.into_iter().enumerate() {
        let added = r
            .add_permission(AddPermissionRequest::new(
                "f",
                format!("p{i}"),
                INVOKE,
                principal,
            ))
            .unwrap();
        assert!(
            added.statement.contains(&format!(r#""Principal":{json},"#)),
            "{}",
            added.statement
        );
    }
    assert_err(
        r.add_permission(AddPermissionRequest::new(
            "f",
            "bad",
            INVOKE,
            "invalid.nonaws.com",
        )),
        ErrorKind::InvalidParameterValue,
        "The provided principal was invalid. Please check the principal and try again.",
    );
}

#[test]
fn r77_conditions_share_operator_objects() {
    let mut r = setup();
    let added = r
        .add_permission(
            AddPermissionRequest::new("f", "url", "lambda:InvokeFunctionUrl", "*")
                .with_source_account("123456789012")
                .with_function_url_auth_type(FunctionUrlAuthType::None)
                .with_principal_org_id("o-1234567890")
                .with_source_arn("arn:aws:s3:::b"),
        )
        .unwrap();
    assert!(added.statement.ends_with(
        r#""Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012","lambda:FunctionUrlAuthType":"NONE","aws:PrincipalOrgID":"o-1234567890"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}"#
    ), "{}", added.statement);
    let added = r
        .add_permission(
            grant("alexa")
                .with_event_source_token("amzn1.ask.skill.x")
                .with_invoked_via_function_url(true),
        )
        .unwrap();
    assert!(added.statement.ends_with(
        r#""Condition":{"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.x"},"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}"#
    ), "{}", added.statement);
    // No condition, no key.
    let plain = r.add_permission(grant("plain")).unwrap();
    assert!(!plain.statement.contains("Condition"));
}

#[test]
fn r78_fields_must_fit_the_action() {
    let mut r = setup();
    assert_err(
        r.add_permission(grant("u").with_function_url_auth_type(FunctionUrlAuthType::AwsIam)),
        ErrorKind::InvalidParameterValue,
        "FunctionUrlAuthType is only supported for lambda:InvokeFunctionUrl action",
    );
    assert_err(
        r.add_permission(
            AddPermissionRequest::new("f", "v", "lambda:GetFunction", "s3.amazonaws.com")
                .with_invoked_via_function_url(true),
        ),
        ErrorKind::InvalidParameterValue,
        "InvokedViaFunctionUrl is only supported for lambda:InvokeFunction action",
    );
}

#[test]
fn r79_statement_ids() {
    let mut r = setup();
    assert_err(
        r.add_permission(grant("example.com")),
        ErrorKind::Validation,
        "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
    );
    r.add_permission(grant("s3")).unwrap();
    assert_err(
        r.add_permission(grant("s3")),
        ErrorKind::ResourceConflict,
        "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.",
    );
    // Independent on the version and the alias.
    r.add_permission(grant("s3").with_qualifier("1")).unwrap();
    r.add_permission(grant("s3").with_qualifier("live"))
        .unwrap();
}

#[test]
fn r80_action_syntax() {
    let mut r = setup();
    for (i, action) in [
        "lambda:InvokeFunction",
        "lambda:InvokeFunctionUrl",
        "lambda:GetFunction",
        "lambda:*",
        "*",
    ]
    .into_iter()
    .enumerate()
    {
        r.add_permission(AddPermissionRequest::new(
            "f",
            format!("a{i}"),
            action,
            "s3.amazonaws.com",
        ))
        .unwrap();
    }
    assert_err(
        r.add_permission(AddPermissionRequest::new(
            "f",
            "bad",
            "s3:GetObject",
            "s3.amazonaws.com",
        )),
        ErrorKind::Validation,
        &validation(
            "s3:GetObject",
            "action",
            "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])",
        ),
    );
}

#[test]
fn r81_add_permission_target_must_exist() {
    let mut r = setup();
    assert_err(
        r.add_permission(AddPermissionRequest::new(
            "doesnotexist",
            "s",
            INVOKE,
            "s3.amazonaws.com",
        )),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:doesnotexist"),
    );
    assert_err(
        r.add_permission(grant("s").with_qualifier("42")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:42"),
    );
    assert_err(
        r.add_permission(grant("s").with_qualifier("alias-doesnotexist")),
        ErrorKind::ResourceNotFound,
        &format!("Cannot find alias arn: {ARN}:f:alias-doesnotexist"),
    );
    assert_err(
        r.add_permission(grant("s").with_qualifier("valid-with-$-but-doesnotexist")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:valid-with-$-but-doesnotexist"),
    );
    assert_err(
        r.add_permission(grant("s").with_qualifier("invalid-qualifier-with-?-char")),
        ErrorKind::Validation,
        &validation(
            "invalid-qualifier-with-?-char",
            "qualifier",
            QUALIFIER_PATTERN,
        ),
    );
    // R6 before lookups.
    let mut req = grant("s").with_qualifier("2");
    req.function_name = "missing:1".to_owned();
    assert_err(
        r.add_permission(req),
        ErrorKind::InvalidParameterValue,
        "The derived qualifier from the function name does not match the specified qualifier.",
    );
}

#[test]
fn r82_policy_size_limit_counts_compact_json() {
    let mut r = setup();
    let arn = format!("arn:aws:s3:::{}", "b".repeat(900));
    let mut added = 0;
    loop {
        let req = grant(&format!("sid-{added:04}")).with_source_arn(arn.clone());
        match r.add_permission(req) {
            Ok(_) => added += 1,
            Err(e) => {
                // What the document would have been: the current one plus the statement.
                let current = policy_text(&r, None);
                let probe = grant(&format!("sid-{added:04}")).with_source_arn(arn.clone());
                let statement = {
                    let mut scratch = setup();
                    scratch.add_permission(probe).unwrap().statement
                };
                let would_be = current.len() + 1 + statement.len();
                assert!(would_be > POLICY_SIZE_LIMIT);
                assert_eq!(e.kind(), ErrorKind::PolicyLengthExceeded);
                assert_eq!(e.http_status(), 400);
                assert_eq!(
                    e.message(),
                    format!("The final policy size ({would_be}) is bigger than the limit (20480).")
                );
                break;
            }
        }
    }
    assert!(added > 5);
    assert!(policy_text(&r, None).len() <= POLICY_SIZE_LIMIT);
}

#[test]
fn r83_get_policy_not_found_cases_and_order() {
    let mut r = setup();
    let msg = "The resource you requested does not exist.";
    assert_err(
        r.get_policy(GetPolicyRequest::new("f")),
        ErrorKind::ResourceNotFound,
        msg,
    );
    assert_err(
        r.get_policy(GetPolicyRequest::new("nope")),
        ErrorKind::ResourceNotFound,
        msg,
    );
    assert_err(
        r.get_policy(GetPolicyRequest::new("f").with_qualifier("9")),
        ErrorKind::ResourceNotFound,
        msg,
    );
    for sid in ["c", "a", "b"] {
        r.add_permission(grant(sid)).unwrap();
    }
    let sids: Vec<String> = r
        .get_policy(GetPolicyRequest::new("f"))
        .unwrap()
        .statements
        .iter()
        .map(|s| s.sid.to_string())
        .collect();
    assert_eq!(sids, ["c", "a", "b"]);
}

#[test]
fn r84_remove_permission() {
    let mut r = setup();
    assert_err(
        r.remove_permission(RemovePermissionRequest::new("doesnotexist", "s")),
        ErrorKind::ResourceNotFound,
        &format!("No policy found for: {ARN}:doesnotexist"),
    );
    assert_err(
        r.remove_permission(RemovePermissionRequest::new("f", "s")),
        ErrorKind::ResourceNotFound,
        "No policy is associated with the given resource.",
    );
    assert_err(
        r.remove_permission(
            RemovePermissionRequest::new("f", "s").with_qualifier("alias-doesnotexist"),
        ),
        ErrorKind::ResourceNotFound,
        &format!("Cannot find alias arn: {ARN}:f:alias-doesnotexist"),
    );
    r.add_permission(grant("one")).unwrap();
    r.add_permission(grant("two")).unwrap();
    assert_err(
        r.remove_permission(RemovePermissionRequest::new("f", "non-existent")),
        ErrorKind::ResourceNotFound,
        "Statement non-existent is not found in resource policy.",
    );
    r.remove_permission(RemovePermissionRequest::new("f", "one"))
        .unwrap();
    assert_eq!(
        r.get_policy(GetPolicyRequest::new("f"))
            .unwrap()
            .statements
            .len(),
        1
    );
    r.remove_permission(RemovePermissionRequest::new("f", "two"))
        .unwrap();
    assert_err(
        r.get_policy(GetPolicyRequest::new("f")),
        ErrorKind::ResourceNotFound,
        "The resource you requested does not exist.",
    );
    // The remove path admits '.' in the Sid; a bad one is a ValidationException.
    assert_err(
        r.remove_permission(RemovePermissionRequest::new("f", "a b")),
        ErrorKind::Validation,
        &validation(
            "a b",
            "statementId",
            "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)",
        ),
    );
}

#[test]
fn r85_policy_revisions_and_preconditions() {
    let mut r = setup();
    let msg = "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id";
    // Q10: the first grant on an alias accepts the alias's own RevisionId.
    let alias_rev = r
        .get_alias(lambda_versioning::registry::GetAliasRequest::new(
            "f", "live",
        ))
        .unwrap()
        .revision_id;
    r.add_permission(
        grant("a")
            .with_qualifier("live")
            .with_revision_id(alias_rev.to_string()),
    )
    .unwrap();
    let rev1 = r
        .get_policy(GetPolicyRequest::new("f").with_qualifier("live"))
        .unwrap()
        .revision_id;
    assert_err(
        r.add_permission(
            grant("b")
                .with_qualifier("live")
                .with_revision_id(alias_rev.to_string()),
        ),
        ErrorKind::PreconditionFailed,
        msg,
    );
    r.add_permission(
        grant("b")
            .with_qualifier("live")
            .with_revision_id(rev1.to_string()),
    )
    .unwrap();
    let rev2 = r
        .get_policy(GetPolicyRequest::new("f").with_qualifier("live"))
        .unwrap()
        .revision_id;
    assert_ne!(rev1, rev2);
    assert_err(
        r.remove_permission(
            RemovePermissionRequest::new("f", "a")
                .with_qualifier("live")
                .with_revision_id(rev1.to_string()),
        ),
        ErrorKind::PreconditionFailed,
        msg,
    );
    r.remove_permission(
        RemovePermissionRequest::new("f", "a")
            .with_qualifier("live")
            .with_revision_id(rev2.to_string()),
    )
    .unwrap();
    assert_ne!(
        r.get_policy(GetPolicyRequest::new("f").with_qualifier("live"))
            .unwrap()
            .revision_id,
        rev2
    );
    // Q11: policy changes leave the alias's RevisionId alone.
    assert_eq!(
        r.get_alias(lambda_versioning::registry::GetAliasRequest::new(
            "f", "live"
        ))
        .unwrap()
        .revision_id,
        alias_rev
    );
    // Publishing does not change the function-level policy's revision.
    r.add_permission(grant("fn")).unwrap();
    let before = r
        .get_policy(GetPolicyRequest::new("f"))
        .unwrap()
        .revision_id;
    update_code(&mut r, "f", b"three");
    publish(&mut r, "f");
    assert_eq!(
        r.get_policy(GetPolicyRequest::new("f"))
            .unwrap()
            .revision_id,
        before
    );
}

#[test]
fn r13_publishing_copies_no_policy() {
    let mut r = setup();
    r.add_permission(grant("fn")).unwrap();
    update_code(&mut r, "f", b"three");
    publish(&mut r, "f");
    assert_err(
        r.get_policy(GetPolicyRequest::new("f").with_qualifier("3")),
        ErrorKind::ResourceNotFound,
        "The resource you requested does not exist.",
    );
}

#[test]
fn r63_deleting_a_version_or_alias_discards_its_policy() {
    let mut r = setup();
    r.add_permission(grant("v").with_qualifier("2")).unwrap();
    r.add_permission(grant("a").with_qualifier("live")).unwrap();
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("2"))
        .unwrap();
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_err(
        r.get_policy(GetPolicyRequest::new("f").with_qualifier("live")),
        ErrorKind::ResourceNotFound,
        "The resource you requested does not exist.",
    );
    // Re-created function: no policy either (R57).
    r.add_permission(grant("fn")).unwrap();
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    create(&mut r, "f");
    assert_err(
        r.get_policy(GetPolicyRequest::new("f")),
        ErrorKind::ResourceNotFound,
        "The resource you requested does not exist.",
    );
}

#[test]
fn r88_lambda_star_grant_covers_control_plane_actions_on_the_function() {
    let mut r = setup();
    r.add_permission(AddPermissionRequest::new(
        "f",
        "xacct",
        "lambda:*",
        "210987654321",
    ))
    .unwrap();
    let caller = Caller::iam("arn:aws:iam::210987654321:role/deployer");
    let unqualified: FunctionArn = format!("{ARN}:f").parse().unwrap();
    for action in [
        "lambda:CreateAlias",
        "lambda:PublishVersion",
        "lambda:UpdateAlias",
        "lambda:InvokeFunction",
    ] {
        assert!(
            r.authorize(&caller, action, &unqualified).is_allowed(),
            "{action}"
        );
    }
    let other = Caller::iam("arn:aws:iam::999999999999:role/deployer");
    assert!(
        !r.authorize(&other, "lambda:CreateAlias", &unqualified)
            .is_allowed()
    );
}

#[test]
fn r90_block_public_access() {
    let mut r = Registry::builder()
        .clock(clock())
        .seed(1)
        .block_public_access(true)
        .build();
    with_versions(&mut r, "f", 1);
    assert_err(
        r.add_permission(AddPermissionRequest::new("f", "pub", INVOKE, "*")),
        ErrorKind::PublicPolicy,
        "The resource-based policy would make the function public, and block public access is enabled for this account.",
    );
    // A condition that narrows the grant is not public.
    r.add_permission(
        AddPermissionRequest::new("f", "narrow", INVOKE, "*").with_source_account("123456789012"),
    )
    .unwrap();
    // Off by default.
    let mut open = setup();
    open.add_permission(AddPermissionRequest::new("f", "pub", INVOKE, "*"))
        .unwrap();
}

#[test]
fn alias_updates_keep_the_alias_policy() {
    let mut r = setup();
    r.add_permission(grant("a").with_qualifier("live")).unwrap();
    let before = policy_text(&r, Some("live"));
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("2"))
        .unwrap();
    assert_eq!(policy_text(&r, Some("live")), before);
}
