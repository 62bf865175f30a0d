//! Tags (R161–R166) and ListFunctions (R167–R171).

mod common;

use std::collections::BTreeMap;

use common::*;
use lambda_versioning::registry::{
    CreateEventSourceMappingRequest, DeleteFunctionRequest, GetFunctionRequest,
    ListFunctionsRequest, TagResourceRequest,
};
use lambda_versioning::{ErrorKind, Registry};

const QUALIFIED: &str =
    "Tags on function aliases and versions are not supported. Please specify a function ARN.";

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn setup() -> Registry {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r
}

#[test]
fn r162_qualified_arns_are_refused_before_lookup() {
    let mut r = setup();
    for q in ["$LATEST", "1", "live", "nope"] {
        assert_err(
            r.tag_resource(TagResourceRequest::new(
                format!("{ARN}:f:{q}"),
                tags(&[("a", "b")]),
            )),
            ErrorKind::InvalidParameterValue,
            QUALIFIED,
        );
    }
    assert_err(
        r.list_tags(&format!("{ARN}:missing:alias")),
        ErrorKind::InvalidParameterValue,
        QUALIFIED,
    );
}

#[test]
fn r163_other_refusals() {
    let mut r = setup();
    let pattern = r"Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)";
    assert_err(
        r.list_tags("arn:aws:something"),
        ErrorKind::Validation,
        &validation("arn:aws:something", "resource", pattern),
    );
    assert_err(
        r.list_tags(&format!("{ARN}:nope")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:nope"),
    );
    let esm = "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:00000000-0000-4000-8000-000000000000";
    assert_err(
        r.list_tags(esm),
        ErrorKind::ResourceNotFound,
        &format!("Event source mapping not found: {esm}"),
    );
    assert_err(
        r.tag_resource(TagResourceRequest::new(format!("{ARN}:f"), BTreeMap::new())),
        ErrorKind::InvalidParameterValue,
        "An error occurred and the request cannot be processed.",
    );
    assert_err(
        r.untag_resource(&format!("{ARN}:f"), &[]),
        ErrorKind::Validation,
        "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
    );
    let many: BTreeMap<String, String> =
        (0..51).map(|i| (format!("k{i}"), "v".to_owned())).collect();
    assert_err(
        r.tag_resource(TagResourceRequest::new(format!("{ARN}:f"), many)),
        ErrorKind::InvalidParameterValue,
        "Number of tags exceeds resource tag limit.",
    );
}

#[test]
fn r164_r165_r166_semantics_revision_and_lifecycle() {
    let mut r = setup();
    let arn = format!("{ARN}:f");
    assert!(r.list_tags(&arn).unwrap().is_empty());
    let rev0 = get(&r, "f").revision_id;
    let v1_rev = get(&r, "f:1").revision_id;
    r.tag_resource(TagResourceRequest::new(
        &arn,
        tags(&[("team", "a"), ("env", "prod")]),
    ))
    .unwrap();
    let rev1 = get(&r, "f").revision_id;
    assert_ne!(rev0, rev1, "R165: tagging changes $LATEST's RevisionId");
    assert_eq!(
        get(&r, "f:1").revision_id,
        v1_rev,
        "published versions keep theirs (Q48)"
    );
    r.tag_resource(TagResourceRequest::new(&arn, tags(&[("team", "b")])))
        .unwrap();
    assert_eq!(
        r.list_tags(&arn).unwrap(),
        tags(&[("env", "prod"), ("team", "b")])
    );
    r.untag_resource(&arn, &["env".into(), "absent".into()])
        .unwrap();
    assert_ne!(get(&r, "f").revision_id, rev1);
    let got = r.get_function(GetFunctionRequest::new("f")).unwrap();
    assert_eq!(got.tags, tags(&[("team", "b")]));
    assert!(
        r.get_function(GetFunctionRequest::new("f:1"))
            .unwrap()
            .tags
            .is_empty()
    );
    // Survive a snapshot; go with the function.
    let restored = Registry::builder().build_from_snapshot(r.export()).unwrap();
    assert_eq!(restored.list_tags(&arn).unwrap(), tags(&[("team", "b")]));
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    assert_err(
        r.list_tags(&arn),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {arn}"),
    );
}

#[test]
fn r161_event_source_mappings_are_taggable() {
    let mut r = setup();
    let m = r
        .create_event_source_mapping(CreateEventSourceMappingRequest::new(
            "arn:aws:sqs:us-east-1:123456789012:q",
            "f",
        ))
        .unwrap();
    r.tag_resource(TagResourceRequest::new(
        &m.event_source_mapping_arn,
        tags(&[("k", "v")]),
    ))
    .unwrap();
    assert_eq!(
        r.list_tags(&m.event_source_mapping_arn).unwrap(),
        tags(&[("k", "v")])
    );
}

fn entries(r: &Registry, req: ListFunctionsRequest) -> (Vec<String>, Option<String>) {
    let page = r.list_functions(req).unwrap();
    (
        page.functions
            .iter()
            .map(|c| c.function_arn.to_string())
            .collect(),
        page.next_marker,
    )
}

#[test]
fn r168_default_lists_latest_unqualified_all_adds_versions() {
    let mut r = setup();
    create(&mut r, "a");
    let (default, next) = entries(&r, ListFunctionsRequest::new(false));
    assert_eq!(default, [format!("{ARN}:a"), format!("{ARN}:f")]);
    assert_eq!(next, None);
    let (all, _) = entries(&r, ListFunctionsRequest::new(true));
    assert_eq!(
        all,
        [
            format!("{ARN}:a:$LATEST"),
            format!("{ARN}:f:$LATEST"),
            format!("{ARN}:f:1"),
            format!("{ARN}:f:2"),
        ]
    );
    let page = r.list_functions(ListFunctionsRequest::new(true)).unwrap();
    assert_eq!(page.functions[2].version.to_string(), "1");
}

#[test]
fn r171_pages_split_inside_a_function() {
    let mut r = setup();
    create(&mut r, "a");
    let mut req = ListFunctionsRequest::new(true);
    req.max_items = Some(3);
    let (first, marker) = entries(&r, req.clone());
    assert_eq!(first.len(), 3);
    req.marker = marker;
    let (second, end) = entries(&r, req);
    assert_eq!(second, [format!("{ARN}:f:2")]);
    assert_eq!(end, None);
}

#[test]
fn r170_refusals() {
    let r = setup();
    let mut bad = ListFunctionsRequest::new(false);
    bad.function_version = Some("invalid".into());
    assert_err(
        r.list_functions(bad),
        ErrorKind::Validation,
        "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]",
    );
    let mut edge = ListFunctionsRequest::new(false);
    edge.master_region = Some("eu-west-1".into());
    assert_err(
        r.list_functions(edge.clone()),
        ErrorKind::InvalidParameterValue,
        "The combination MasterArn=eu-west-1 and FunctionVersion=NULL is not supported. Please see our documentation for valid combinations of ListFunctions options.",
    );
    edge.function_version = Some("ALL".into());
    assert!(r.list_functions(edge).unwrap().functions.is_empty());
}
