//! Listing versions and aliases, and the marker protocol (R31, R32, R43, R91).

mod common;

use common::*;
use lambda_versioning::registry::{
    CreateAliasRequest, DeleteFunctionRequest, ListAliasesRequest, ListVersionsByFunctionRequest,
};
use lambda_versioning::{ErrorKind, Registry};

fn all_versions(r: &Registry, max_items: Option<i64>) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let mut pages = 0;
    let mut marker: Option<String> = None;
    loop {
        let mut req = ListVersionsByFunctionRequest::new("f");
        req.marker = marker.clone();
        req.max_items = max_items;
        let page = r.list_versions_by_function(req).unwrap();
        pages += 1;
        assert!(page.versions.len() <= 50);
        if let Some(m) = max_items {
            assert!(page.versions.len() <= m as usize);
        }
        out.extend(page.versions.iter().map(|c| c.version.to_string()));
        match page.next_marker {
            Some(m) => marker = Some(m),
            None => return (out, pages),
        }
    }
}

#[test]
fn r31_latest_first_then_ascending_without_state_fields() {
    let mut r = registry();
    with_versions(&mut r, "f", 3);
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("1"))
        .unwrap();
    let page = r
        .list_versions_by_function(ListVersionsByFunctionRequest::new("f"))
        .unwrap();
    let arns: Vec<String> = page
        .versions
        .iter()
        .map(|c| c.function_arn.to_string())
        .collect();
    assert_eq!(
        arns,
        [
            format!("{ARN}:f:$LATEST"),
            format!("{ARN}:f:2"),
            format!("{ARN}:f:3")
        ]
    );
    assert!(page.versions.iter().all(|c| c.status.is_none()));
    assert_eq!(page.next_marker, None);
}

#[test]
fn r32_at_most_50_per_page_latest_counts() {
    let mut r = registry();
    with_versions(&mut r, "f", 120);
    let first = r
        .list_versions_by_function(ListVersionsByFunctionRequest::new("f").with_max_items(10_000))
        .unwrap();
    assert_eq!(first.versions.len(), 50);
    assert_eq!(first.versions[0].version.to_string(), "$LATEST");
    assert_eq!(first.versions[49].version.to_string(), "49");
    let (all, pages) = all_versions(&r, None);
    assert_eq!(pages, 3);
    let mut expected = vec!["$LATEST".to_owned()];
    expected.extend((1..=120).map(|n| n.to_string()));
    assert_eq!(all, expected);
    let (all7, pages7) = all_versions(&r, Some(7));
    assert_eq!(all7, expected);
    assert_eq!(pages7, 121usize.div_ceil(7));
}

#[test]
fn r91_markers_survive_deletions_and_reject_forgeries() {
    let mut r = registry();
    with_versions(&mut r, "f", 10);
    let first = r
        .list_versions_by_function(ListVersionsByFunctionRequest::new("f").with_max_items(4))
        .unwrap();
    let marker = first.next_marker.unwrap();
    // Delete the first item of the next page: the page starts at the next survivor.
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("4"))
        .unwrap();
    let next = r
        .list_versions_by_function(
            ListVersionsByFunctionRequest::new("f")
                .with_marker(marker)
                .with_max_items(4),
        )
        .unwrap();
    let got: Vec<String> = next
        .versions
        .iter()
        .map(|c| c.version.to_string())
        .collect();
    assert_eq!(got, ["5", "6", "7", "8"]);
    assert_err(
        r.list_versions_by_function(
            ListVersionsByFunctionRequest::new("f").with_marker("garbage!"),
        ),
        ErrorKind::InvalidParameterValue,
        "Invalid marker: garbage!",
    );
    // An alias marker is not a version marker.
    for i in 0..3 {
        r.create_alias(CreateAliasRequest::new("f", format!("a{i}"), "1"))
            .unwrap();
    }
    let alias_marker = r
        .list_aliases(ListAliasesRequest::new("f").with_max_items(1))
        .unwrap()
        .next_marker
        .unwrap();
    assert_err(
        r.list_versions_by_function(
            ListVersionsByFunctionRequest::new("f").with_marker(alias_marker.clone()),
        ),
        ErrorKind::InvalidParameterValue,
        &format!("Invalid marker: {alias_marker}"),
    );
}

#[test]
fn r91_max_items_range() {
    let mut r = registry();
    create(&mut r, "f");
    for (n, constraint) in [
        (0, "Member must have value greater than or equal to 1"),
        (10_001, "Member must have value less than or equal to 10000"),
    ] {
        let msg = validation(&n.to_string(), "maxItems", constraint);
        assert_err(
            r.list_versions_by_function(ListVersionsByFunctionRequest::new("f").with_max_items(n)),
            ErrorKind::Validation,
            &msg,
        );
        assert_err(
            r.list_aliases(ListAliasesRequest::new("f").with_max_items(n)),
            ErrorKind::Validation,
            &msg,
        );
    }
    assert_err(
        r.list_versions_by_function(ListVersionsByFunctionRequest::new("nope")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:nope"),
    );
}

#[test]
fn r43_list_aliases_filter_order_and_paging() {
    let mut r = registry();
    with_versions(&mut r, "f", 3);
    r.create_alias(CreateAliasRequest::new("f", "zeta", "1"))
        .unwrap();
    r.create_alias(CreateAliasRequest::new("f", "alpha", "2").with_routing("1", 0.5))
        .unwrap();
    r.create_alias(CreateAliasRequest::new("f", "mid", "1"))
        .unwrap();
    r.create_alias(CreateAliasRequest::new("f", "dev", "$LATEST"))
        .unwrap();
    let all = r.list_aliases(ListAliasesRequest::new("f")).unwrap();
    let names: Vec<&str> = all.aliases.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["alpha", "dev", "mid", "zeta"]);
    assert_eq!(all.next_marker, None);
    // Q24: the filter matches primaries only.
    let v1 = r
        .list_aliases(ListAliasesRequest::new("f").with_function_version("1"))
        .unwrap();
    let names: Vec<&str> = v1.aliases.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["mid", "zeta"]);
    let latest = r
        .list_aliases(ListAliasesRequest::new("f").with_function_version("$LATEST"))
        .unwrap();
    assert_eq!(latest.aliases.len(), 1);
    // Paging, two at a time.
    let p1 = r
        .list_aliases(ListAliasesRequest::new("f").with_max_items(2))
        .unwrap();
    let p2 = r
        .list_aliases(
            ListAliasesRequest::new("f")
                .with_max_items(2)
                .with_marker(p1.next_marker.clone().unwrap()),
        )
        .unwrap();
    let names: Vec<&str> = p1
        .aliases
        .iter()
        .chain(&p2.aliases)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["alpha", "dev", "mid", "zeta"]);
    assert_eq!(p2.next_marker, None);
    assert_err(
        r.list_aliases(ListAliasesRequest::new("f").with_function_version("live")),
        ErrorKind::Validation,
        r"1 validation error detected: Value 'live' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (\$LATEST(\.PUBLISHED)?|[0-9]+)",
    );
}

#[test]
fn list_aliases_pages_cap_at_50() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    for i in 0..60 {
        r.create_alias(CreateAliasRequest::new("f", format!("a{i:02}"), "1"))
            .unwrap();
    }
    let p1 = r
        .list_aliases(ListAliasesRequest::new("f").with_max_items(100))
        .unwrap();
    assert_eq!(p1.aliases.len(), 50);
    let p2 = r
        .list_aliases(ListAliasesRequest::new("f").with_marker(p1.next_marker.unwrap()))
        .unwrap();
    assert_eq!(p2.aliases.len(), 10);
    assert_eq!(p2.aliases[0].name.as_str(), "a50");
}
