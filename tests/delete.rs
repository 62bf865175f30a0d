//! Deletion of functions, versions and aliases (R57–R63).

mod common;

use common::*;
use lambda_versioning::ErrorKind;
use lambda_versioning::registry::{
    CreateAliasRequest, DeleteFunctionRequest, GetAliasRequest, GetFunctionRequest,
};

#[test]
fn r57_deleting_the_function_removes_everything_even_with_aliases() {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    assert_eq!(r.function_count(), 0);
    for name in ["f", "f:1", "f:live"] {
        assert!(r.get_function(GetFunctionRequest::new(name)).is_err());
    }
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("f")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f"),
    );
    // Re-created, it has no aliases.
    create(&mut r, "f");
    assert_err(
        r.get_alias(GetAliasRequest::new("f", "live")),
        ErrorKind::ResourceNotFound,
        &format!("Cannot find alias arn: {ARN}:f:live"),
    );
}

#[test]
fn r58_deleting_one_version_keeps_the_rest() {
    let mut r = registry();
    with_versions(&mut r, "f", 3);
    r.create_alias(CreateAliasRequest::new("f", "live", "3"))
        .unwrap();
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("1"))
        .unwrap();
    r.delete_function(DeleteFunctionRequest::new("f:2"))
        .unwrap();
    assert_eq!(version_list(&r, "f"), ["$LATEST", "3"]);
    assert!(r.get_alias(GetAliasRequest::new("f", "live")).is_ok());
}

#[test]
fn r59_missing_version_deletes_silently_missing_function_is_404() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("42"))
        .unwrap();
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("42"))
        .unwrap();
    // Q26: a leading zero names no version.
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("01"))
        .unwrap();
    assert_eq!(version_list(&r, "f"), ["$LATEST", "1"]);
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("my-function").with_qualifier("1")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:my-function"),
    );
}

#[test]
fn r60_latest_cannot_be_deleted_checked_before_lookup() {
    let mut r = registry();
    let msg = "$LATEST version cannot be deleted without deleting the function.";
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("missing").with_qualifier("$LATEST")),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    create(&mut r, "f");
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("f:$LATEST")),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    assert_eq!(r.function_count(), 1);
}

#[test]
fn r61_aliases_cannot_be_deleted_through_delete_function() {
    let mut r = registry();
    let msg = "Deletion of aliases is not currently supported.";
    let long = "a".repeat(65);
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("missing").with_qualifier(long)),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    with_versions(&mut r, "f", 1);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("f:live")),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    assert!(r.get_alias(GetAliasRequest::new("f", "live")).is_ok());
}

#[test]
fn r62_a_version_an_alias_references_cannot_be_deleted() {
    let mut r = registry();
    with_versions(&mut r, "f", 3);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("1")),
        ErrorKind::ResourceConflict,
        "Unable to delete version because the following aliases reference it: [live]",
    );
    // Q7: several aliases, in name order, joined with ", ".
    r.create_alias(CreateAliasRequest::new("f", "current", "1"))
        .unwrap();
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("1")),
        ErrorKind::ResourceConflict,
        "Unable to delete version because the following aliases reference it: [current, live]",
    );
    // Q6: a reference as additional version blocks too.
    r.create_alias(CreateAliasRequest::new("f", "canary", "3").with_routing("2", 0.1))
        .unwrap();
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("2")),
        ErrorKind::ResourceConflict,
        "Unable to delete version because the following aliases reference it: [canary]",
    );
    assert_eq!(version_list(&r, "f"), ["$LATEST", "1", "2", "3"]);
}
