//! Function URLs (docs/rules.md, R124–R138): the five operations with the recorded
//! texts, the URL's lifecycle with its alias and function, and requests arriving on a
//! URL.

mod common;

use common::*;
use lambda_versioning::registry::{
    AddPermissionRequest, CreateAliasRequest, DeleteAliasRequest, DeleteFunctionRequest,
    FunctionUrlConfigRequest, ListFunctionUrlConfigsRequest, UpdateAliasRequest, UrlRefusal,
};
use lambda_versioning::{
    Caller, Cors, ErrorKind, FunctionUrlAuthType, InvokeMode, Registry, Version, rand,
};

const URL_QUALIFIER: &str =
    r"Member must satisfy regular expression pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)";
const MISMATCH: &str =
    "The derived qualifier from the function name does not match the specified qualifier.";
const RESOURCE_MISSING: &str = "The resource you requested does not exist.";

fn setup() -> Registry {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r
}

fn create(name: &str) -> FunctionUrlConfigRequest {
    FunctionUrlConfigRequest::new(name).with_auth_type(FunctionUrlAuthType::None)
}

fn url_id(url: &str) -> String {
    url.strip_prefix("https://")
        .and_then(|u| u.split('.').next())
        .unwrap()
        .to_owned()
}

#[test]
fn r125_versions_and_latest_are_refused_before_any_lookup() {
    let mut r = setup();
    for q in ["1", "2", "$LATEST"] {
        assert_err(
            r.create_function_url_config(create("doesnotexist").with_qualifier(q)),
            ErrorKind::Validation,
            &validation(q, "qualifier", URL_QUALIFIER),
        );
        assert_err(
            r.get_function_url_config("f", Some(q)),
            ErrorKind::Validation,
            &validation(q, "qualifier", URL_QUALIFIER),
        );
        assert_err(
            r.delete_function_url_config("f", Some(q)),
            ErrorKind::Validation,
            &validation(q, "qualifier", URL_QUALIFIER),
        );
    }
    // A numeric suffix is refused the same way (docs/decisions.md).
    assert_err(
        r.create_function_url_config(create("f:1")),
        ErrorKind::Validation,
        &validation("1", "qualifier", URL_QUALIFIER),
    );
}

#[test]
fn r126_suffix_and_qualifier_must_agree() {
    let mut r = setup();
    assert_err(
        r.create_function_url_config(create("f:live").with_qualifier("other")),
        ErrorKind::InvalidParameterValue,
        MISMATCH,
    );
    assert_err(
        r.get_function_url_config("f:live", Some("other")),
        ErrorKind::InvalidParameterValue,
        MISMATCH,
    );
    // Q40: Delete answers the same IPVE (the service answered InternalFailure).
    assert_err(
        r.delete_function_url_config("f:live", Some("other")),
        ErrorKind::InvalidParameterValue,
        MISMATCH,
    );
    let ok = r
        .create_function_url_config(create("f:live").with_qualifier("live"))
        .unwrap();
    assert_eq!(ok.function_arn, format!("{ARN}:f:live"));
}

#[test]
fn r127_not_found_texts_differ_by_operation() {
    let mut r = setup();
    let update = FunctionUrlConfigRequest::new("nope").with_auth_type(FunctionUrlAuthType::None);
    assert_err(
        r.create_function_url_config(create("nope")),
        ErrorKind::ResourceNotFound,
        "Function does not exist",
    );
    assert_err(
        r.update_function_url_config(update),
        ErrorKind::ResourceNotFound,
        "Function does not exist",
    );
    assert_err(
        r.create_function_url_config(create("f").with_qualifier("ghost")),
        ErrorKind::ResourceNotFound,
        "Function does not exist",
    );
    assert_err(
        r.get_function_url_config("nope", None),
        ErrorKind::ResourceNotFound,
        RESOURCE_MISSING,
    );
    assert_err(
        r.get_function_url_config("f", Some("ghost")),
        ErrorKind::ResourceNotFound,
        RESOURCE_MISSING,
    );
    assert_err(
        r.delete_function_url_config(&format!("{ARN}:nope"), None),
        ErrorKind::ResourceNotFound,
        RESOURCE_MISSING,
    );
    assert_err(
        r.list_function_url_configs(ListFunctionUrlConfigsRequest::new("nope")),
        ErrorKind::ResourceNotFound,
        "Function does not exist",
    );
    // The target exists but has no URL.
    assert_err(
        r.get_function_url_config("f", None),
        ErrorKind::ResourceNotFound,
        RESOURCE_MISSING,
    );
    assert_err(
        r.update_function_url_config(FunctionUrlConfigRequest::new("f")),
        ErrorKind::ResourceNotFound,
        RESOURCE_MISSING,
    );
    assert_err(
        r.delete_function_url_config("f", None),
        ErrorKind::ResourceNotFound,
        RESOURCE_MISSING,
    );
    let empty = r
        .list_function_url_configs(ListFunctionUrlConfigsRequest::new("f"))
        .unwrap();
    assert!(empty.function_url_configs.is_empty());
    assert_eq!(
        serde_json::to_string(&empty).unwrap(),
        r#"{"FunctionUrlConfigs":[]}"#
    );
}

#[test]
fn r128_one_url_per_qualifier_with_the_recorded_text() {
    let mut r = setup();
    r.create_function_url_config(create("f")).unwrap();
    let before = r.export();
    assert_err(
        r.create_function_url_config(create("f")),
        ErrorKind::ResourceConflict,
        &format!(
            "Failed to create function url config for [functionArn = {ARN}:f]. Error message:  FunctionUrlConfig exists for this Lambda function"
        ),
    );
    assert_eq!(r.export(), before, "a refusal changes nothing");
    // The alias may have its own.
    r.create_function_url_config(create("f").with_qualifier("live"))
        .unwrap();
}

#[test]
fn r129_r130_r131_r132_members_by_operation() {
    let mut r = setup();
    let created = r.create_function_url_config(create("f")).unwrap();
    assert_eq!(created.function_arn, format!("{ARN}:f"));
    let id = url_id(&created.function_url);
    assert_eq!(id.len(), 32);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    assert_eq!(
        created.function_url,
        format!("https://{id}.lambda-url.us-east-1.on.aws/")
    );
    assert_eq!(created.creation_time, "2025-11-28T00:00:00.000000Z");
    let json = serde_json::to_value(&created).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "FunctionUrl": created.function_url,
            "FunctionArn": format!("{ARN}:f"),
            "AuthType": "NONE",
            "CreationTime": "2025-11-28T00:00:00.000000Z",
        }),
        "Create without InvokeMode echoes none and has no LastModifiedTime"
    );
    let read = serde_json::to_value(r.get_function_url_config("f", None).unwrap()).unwrap();
    assert_eq!(read["InvokeMode"], "BUFFERED");
    assert_eq!(read["LastModifiedTime"], "2025-11-28T00:00:00.000000Z");

    // An empty update is accepted; InvokeMode still absent from Update's answer.
    let updated = r
        .update_function_url_config(FunctionUrlConfigRequest::new("f"))
        .unwrap();
    assert_eq!(updated.invoke_mode, None);
    assert_eq!(updated.auth_type, FunctionUrlAuthType::None);
    let cors = Cors {
        allow_origins: Some(vec!["https://example.com".into()]),
        max_age: Some(60),
        ..Cors::default()
    };
    let updated = r
        .update_function_url_config(
            FunctionUrlConfigRequest::new("f")
                .with_auth_type(FunctionUrlAuthType::AwsIam)
                .with_invoke_mode(InvokeMode::ResponseStream)
                .with_cors(cors.clone()),
        )
        .unwrap();
    assert_eq!(updated.invoke_mode, Some(InvokeMode::ResponseStream));
    assert_eq!(updated.cors, Some(cors));
    assert_eq!(
        updated.function_url, created.function_url,
        "R131: the URL never changes"
    );
    // Omitting InvokeMode later keeps it (R130).
    let again = r
        .update_function_url_config(FunctionUrlConfigRequest::new("f"))
        .unwrap();
    assert_eq!(again.invoke_mode, Some(InvokeMode::ResponseStream));
    assert_eq!(again.auth_type, FunctionUrlAuthType::AwsIam);

    // R131: delete and re-create gives a different URL.
    r.delete_function_url_config("f", None).unwrap();
    let recreated = r.create_function_url_config(create("f")).unwrap();
    assert_ne!(recreated.function_url, created.function_url);
}

#[test]
fn r136_invoke_mode_and_auth_type_enumerations() {
    let mut r = setup();
    let mut bad = create("f");
    bad.invoke_mode = Some("UNKNOWN".into());
    assert_err(
        r.create_function_url_config(bad),
        ErrorKind::Validation,
        "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]",
    );
    assert_err(
        r.create_function_url_config(FunctionUrlConfigRequest::new("f")),
        ErrorKind::Validation,
        "1 validation error detected: Value null at 'authType' failed to satisfy constraint: Member must not be null",
    );
    let mut bad = FunctionUrlConfigRequest::new("f");
    bad.auth_type = Some("OPEN".into());
    assert_err(
        r.create_function_url_config(bad),
        ErrorKind::Validation,
        &validation(
            "OPEN",
            "authType",
            "Member must satisfy enum value set: [AWS_IAM, NONE]",
        ),
    );
    let too_old = Cors {
        max_age: Some(86_401),
        ..Cors::default()
    };
    assert_err(
        r.create_function_url_config(create("f").with_cors(too_old)),
        ErrorKind::Validation,
        &validation(
            "86401",
            "cors.maxAge",
            "Member must have value less than or equal to 86400",
        ),
    );
}

#[test]
fn r133_delete_without_qualifier_keeps_alias_urls() {
    let mut r = setup();
    r.create_function_url_config(create("f")).unwrap();
    r.create_function_url_config(create("f").with_qualifier("live"))
        .unwrap();
    r.delete_function_url_config("f", None).unwrap();
    assert!(r.get_function_url_config("f", Some("live")).is_ok());
    assert_err(
        r.get_function_url_config("f", None),
        ErrorKind::ResourceNotFound,
        RESOURCE_MISSING,
    );
}

#[test]
fn r138_list_pages_with_markers() {
    let mut r = setup();
    for alias in ["a", "b", "c"] {
        r.create_alias(CreateAliasRequest::new("f", alias, "1"))
            .unwrap();
        r.create_function_url_config(create("f").with_qualifier(alias))
            .unwrap();
    }
    r.create_function_url_config(create("f")).unwrap();
    let mut req = ListFunctionUrlConfigsRequest::new("f");
    req.max_items = Some(3);
    let first = r.list_function_url_configs(req.clone()).unwrap();
    let arns: Vec<&str> = first
        .function_url_configs
        .iter()
        .map(|c| c.function_arn.as_str())
        .collect();
    assert_eq!(
        arns,
        [
            format!("{ARN}:f"),
            format!("{ARN}:f:a"),
            format!("{ARN}:f:b")
        ]
    );
    req.marker = first.next_marker.clone();
    let second = r.list_function_url_configs(req.clone()).unwrap();
    assert_eq!(second.function_url_configs.len(), 1);
    assert_eq!(
        second.function_url_configs[0].function_arn,
        format!("{ARN}:f:c")
    );
    assert_eq!(second.next_marker, None);
    req.max_items = Some(51);
    req.marker = None;
    assert_err(
        r.list_function_url_configs(req),
        ErrorKind::Validation,
        &validation(
            "51",
            "maxItems",
            "Member must have value less than or equal to 50",
        ),
    );
}

fn grant_public(r: &mut Registry, qualifier: Option<&str>) {
    let mut req = AddPermissionRequest::new("f", "url", "lambda:InvokeFunctionUrl", "*")
        .with_function_url_auth_type(FunctionUrlAuthType::None);
    if let Some(q) = qualifier {
        req = req.with_qualifier(q);
    }
    r.add_permission(req).unwrap();
}

#[test]
fn r134_r135_requests_on_a_url_follow_the_alias_and_its_policy() {
    let mut r = setup();
    let url = r
        .create_function_url_config(create("f").with_qualifier("live"))
        .unwrap();
    let id = url_id(&url.function_url);
    let mut rng = rand::rng();
    // R135: no statement, so even a NONE URL is forbidden.
    assert_eq!(
        r.invoke_function_url(&id, &Caller::anonymous(), &mut rng)
            .err(),
        Some(UrlRefusal::Forbidden)
    );
    // A statement on the function does not cover the alias's URL.
    grant_public(&mut r, None);
    assert_eq!(
        r.invoke_function_url(&id, &Caller::anonymous(), &mut rng)
            .err(),
        Some(UrlRefusal::Forbidden)
    );
    grant_public(&mut r, Some("live"));
    let served = r
        .invoke_function_url(&id, &Caller::anonymous(), &mut rng)
        .unwrap();
    assert_eq!(served.executed_version.to_string(), "1");
    assert_eq!(served.function_arn.to_string(), format!("{ARN}:f:live"));

    // UpdateAlias keeps the URL; it serves the new target at once.
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("2"))
        .unwrap();
    let served = r
        .invoke_function_url(&id, &Caller::anonymous(), &mut rng)
        .unwrap();
    assert_eq!(served.executed_version.to_string(), "2");

    // DeleteAlias deletes its URL (at once, Q54); the id is then unknown.
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    assert_eq!(
        r.invoke_function_url(&id, &Caller::anonymous(), &mut rng)
            .err(),
        Some(UrlRefusal::UnknownUrl)
    );
    assert_eq!(UrlRefusal::UnknownUrl.body(), r#"{"Message":null}"#);
    assert_eq!(UrlRefusal::UnknownUrl.http_status(), 403);
    assert_eq!(
        UrlRefusal::Forbidden.body(),
        r#"{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}"#
    );
    assert_eq!(UrlRefusal::Forbidden.error_type(), "AccessDeniedException");
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_err(
        r.get_function_url_config("f", Some("live")),
        ErrorKind::ResourceNotFound,
        RESOURCE_MISSING,
    );
}

#[test]
fn r135_auth_type_condition_and_own_account_iam_callers() {
    let mut r = setup();
    let url = r
        .create_function_url_config(
            FunctionUrlConfigRequest::new("f").with_auth_type(FunctionUrlAuthType::AwsIam),
        )
        .unwrap();
    let id = url_id(&url.function_url);
    let mut rng = rand::rng();
    // The statement's condition names NONE; the URL's type is AWS_IAM.
    grant_public(&mut r, None);
    assert_eq!(
        r.invoke_function_url(&id, &Caller::anonymous(), &mut rng)
            .err(),
        Some(UrlRefusal::Forbidden)
    );
    assert_eq!(
        r.invoke_function_url(
            &id,
            &Caller::iam("arn:aws:iam::999999999999:role/x"),
            &mut rng
        )
        .err(),
        Some(UrlRefusal::Forbidden)
    );
    // An identity of the registry's own account is allowed by its identity policy.
    let own = Caller::iam("arn:aws:iam::123456789012:role/x");
    assert_eq!(
        r.invoke_function_url(&id, &own, &mut rng)
            .unwrap()
            .executed_version,
        Version::Latest
    );
}

#[test]
fn r134_delete_function_removes_its_urls() {
    let mut r = setup();
    let url = r.create_function_url_config(create("f")).unwrap();
    grant_public(&mut r, None);
    let id = url_id(&url.function_url);
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    assert_eq!(
        r.invoke_function_url(&id, &Caller::anonymous(), &mut rand::rng())
            .err(),
        Some(UrlRefusal::UnknownUrl)
    );
    with_versions(&mut r, "f", 1);
    assert_err(
        r.get_function_url_config("f", None),
        ErrorKind::ResourceNotFound,
        RESOURCE_MISSING,
    );
}
