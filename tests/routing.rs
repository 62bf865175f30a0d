//! Weighted routing and invocation resolution (R46–R56, R64–R68).

mod common;

use std::collections::BTreeMap;

use common::*;
use lambda_versioning::registry::{
    CreateAliasRequest, GetFunctionConfigurationRequest, GetFunctionRequest, InvokeRequest,
    UpdateAliasRequest, UpdateFunctionConfigurationRequest,
};
use lambda_versioning::{ErrorKind, Registry, RouteReason, Version, VersionNumber};
use rand::SeedableRng as _;
use rand::rngs::StdRng;

fn v(n: u64) -> Version {
    Version::Published(VersionNumber::new(n).unwrap())
}

fn two_versions() -> Registry {
    let mut r = registry();
    with_versions(&mut r, "f", 3);
    r
}

#[test]
fn r46_at_most_one_additional_version_checked_before_same_as_primary() {
    let mut r = two_versions();
    let weights = BTreeMap::from([("1".to_owned(), 0.8), ("2".to_owned(), 0.2)]);
    assert_err(
        r.create_alias(
            CreateAliasRequest::new("f", "live", "1").with_routing_config(weights.clone()),
        ),
        ErrorKind::InvalidParameterValue,
        "Number of items in AdditionalVersionWeights cannot be greater than 1",
    );
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_err(
        r.update_alias(UpdateAliasRequest::new("f", "live").with_routing_config(weights)),
        ErrorKind::InvalidParameterValue,
        "Number of items in AdditionalVersionWeights cannot be greater than 1",
    );
}

#[test]
fn r47_routing_needs_a_published_primary() {
    let mut r = two_versions();
    let msg = "$LATEST is not supported for an alias pointing to more than 1 version";
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "live", "$LATEST").with_routing("2", 0.5)),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    // Q8: the merged result is checked.
    r.create_alias(CreateAliasRequest::new("f", "dev", "$LATEST"))
        .unwrap();
    assert_err(
        r.update_alias(UpdateAliasRequest::new("f", "dev").with_routing("2", 0.5)),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.5))
        .unwrap();
    assert_err(
        r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("$LATEST")),
        ErrorKind::InvalidParameterValue,
        msg,
    );
}

#[test]
fn r48_routing_key_must_be_a_number() {
    let mut r = two_versions();
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("$LATEST", 0.5)),
        ErrorKind::Validation,
        "1 validation error detected: Value '{$LATEST=0.5}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]",
    );
}

#[test]
fn r49_weight_range() {
    let mut r = two_versions();
    for (w, shown) in [(2.0, "2.0"), (-1.0, "-1.0"), (1.0001, "1.0001")] {
        assert_err(
            r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", w)),
            ErrorKind::Validation,
            &format!(
                "1 validation error detected: Value '{{2={shown}}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]"
            ),
        );
    }
    // Q4: both bounds are accepted.
    assert!(
        r.create_alias(CreateAliasRequest::new("f", "zero", "1").with_routing("2", 0.0))
            .is_ok()
    );
    assert!(
        r.create_alias(CreateAliasRequest::new("f", "one", "1").with_routing("2", 1.0))
            .is_ok()
    );
}

#[test]
fn r50_additional_version_differs_from_primary() {
    let mut r = two_versions();
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("1", 0.5)),
        ErrorKind::InvalidParameterValue,
        "Invalid function version 1. Function version 1 is already included in routing configuration.",
    );
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.5))
        .unwrap();
    assert_err(
        r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("2")),
        ErrorKind::InvalidParameterValue,
        "Invalid function version 2. Function version 2 is already included in routing configuration.",
    );
}

#[test]
fn r51_additional_version_must_exist() {
    let mut r = two_versions();
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("10", 0.5)),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:10"),
    );
}

#[test]
fn r52_versions_must_share_role_and_dead_letter_target() {
    let mut r = two_versions();
    set_role(&mut r, "f", OTHER_ROLE);
    publish(&mut r, "f"); // version 4 has another role
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("4", 0.1)),
        ErrorKind::InvalidParameterValue,
        "Specified versions must be associated with the same execution role",
    );
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_err(
        r.update_alias(UpdateAliasRequest::new("f", "live").with_routing("4", 0.1)),
        ErrorKind::InvalidParameterValue,
        "Specified versions must be associated with the same execution role",
    );
    set_role(&mut r, "f", ROLE);
    r.update_function_configuration(
        UpdateFunctionConfigurationRequest::new("f")
            .with_dead_letter_target("arn:aws:sqs:us-east-1:123456789012:dlq"),
    )
    .unwrap();
    publish(&mut r, "f"); // version 5: same role, a dead-letter target
    assert_err(
        r.update_alias(UpdateAliasRequest::new("f", "live").with_routing("5", 0.1)),
        ErrorKind::InvalidParameterValue,
        "Specified versions must be associated with the same dead letter queue configuration",
    );
}

#[test]
fn r53_empty_routing_map_means_no_routing() {
    let mut r = two_versions();
    let a = r
        .create_alias(
            CreateAliasRequest::new("f", "live", "1").with_routing_config(BTreeMap::new()),
        )
        .unwrap();
    assert_eq!(a.routing_config, None);
    // An empty map is even allowed with a $LATEST primary.
    let b = r
        .create_alias(
            CreateAliasRequest::new("f", "dev", "$LATEST").with_routing_config(BTreeMap::new()),
        )
        .unwrap();
    assert_eq!(b.routing_config, None);
}

#[test]
fn r54_weights_are_echoed_as_given() {
    let mut r = two_versions();
    for (i, w) in [0.2, 0.05, 1.0 / 3.0, 0.123456789012345, 5e-324]
        .into_iter()
        .enumerate()
    {
        let a = r
            .create_alias(CreateAliasRequest::new("f", format!("a{i}"), "1").with_routing("2", w))
            .unwrap();
        assert_eq!(
            a.routing_config.unwrap().weight().get().to_bits(),
            w.to_bits()
        );
    }
}

fn share_of_v2(r: &Registry, name: &str, n: u32, seed: u64) -> f64 {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut hits = 0u32;
    for _ in 0..n {
        let t = r.invoke_target(InvokeRequest::new(name), &mut rng).unwrap();
        if t.executed_version == v(2) {
            assert_eq!(t.reason, RouteReason::AliasAdditional);
            hits += 1;
        } else {
            assert_eq!(
                (t.executed_version, t.reason),
                (v(1), RouteReason::AliasPrimary)
            );
        }
    }
    f64::from(hits) / f64::from(n)
}

#[test]
fn r55_weighted_choice_follows_the_weight() {
    let mut r = two_versions();
    let n = 200_000;
    for (i, w) in [0.0, 0.01, 0.1, 0.5, 0.9, 1.0].into_iter().enumerate() {
        let name = format!("w{i}");
        r.create_alias(CreateAliasRequest::new("f", name.clone(), "1").with_routing("2", w))
            .unwrap();
        let share = share_of_v2(&r, &format!("f:{name}"), n, 7 + i as u64);
        let sigma = (w * (1.0 - w) / f64::from(n)).sqrt();
        assert!(
            (share - w).abs() <= 4.0 * sigma,
            "weight {w}: share {share}"
        );
        if w == 0.0 {
            assert_eq!(share, 0.0);
        }
        if w == 1.0 {
            assert_eq!(share, 1.0);
        }
    }
}

#[test]
fn r55_seeded_choices_replay() {
    let mut r = two_versions();
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.3))
        .unwrap();
    let run = |seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        (0..1000)
            .map(|_| {
                r.invoke_target(InvokeRequest::new("f:live"), &mut rng)
                    .unwrap()
                    .executed_version
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11), run(12));
}

#[test]
fn r56_reads_through_a_weighted_alias_describe_the_primary() {
    let mut r = two_versions();
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.2))
        .unwrap();
    let got = get(&r, "f:live");
    assert_eq!(got.version, v(1));
    assert_eq!(got.function_arn.to_string(), format!("{ARN}:f:live"));
    let v1 = get(&r, "f:1");
    assert_eq!(got.revision_id, v1.revision_id);
    let by_arn = r
        .get_function_configuration(GetFunctionConfigurationRequest::new(format!(
            "{ARN}:f:live"
        )))
        .unwrap();
    assert_eq!(by_arn.version, v(1));
}

#[test]
fn r64_r66_r67_invoke_targets_and_invoked_arns() {
    let mut r = two_versions();
    r.create_alias(CreateAliasRequest::new("f", "live", "2"))
        .unwrap();
    r.create_alias(CreateAliasRequest::new("f", "dev", "$LATEST"))
        .unwrap();
    let mut rng = StdRng::seed_from_u64(0);
    let cases = [
        (
            InvokeRequest::new("f"),
            Version::Latest,
            format!("{ARN}:f"),
            RouteReason::Unqualified,
        ),
        (
            InvokeRequest::new("f:$LATEST"),
            Version::Latest,
            format!("{ARN}:f:$LATEST"),
            RouteReason::Latest,
        ),
        (
            InvokeRequest::new("f").with_qualifier("3"),
            v(3),
            format!("{ARN}:f:3"),
            RouteReason::DirectVersion,
        ),
        (
            InvokeRequest::new("f:live"),
            v(2),
            format!("{ARN}:f:live"),
            RouteReason::AliasPrimary,
        ),
        (
            InvokeRequest::new("f:dev"),
            Version::Latest,
            format!("{ARN}:f:dev"),
            RouteReason::AliasPrimary,
        ),
        (
            InvokeRequest::new(format!("{ARN}:f:live")),
            v(2),
            format!("{ARN}:f:live"),
            RouteReason::AliasPrimary,
        ),
    ];
    for (req, executed, invoked, reason) in cases {
        let t = r.invoke_target(req, &mut rng).unwrap();
        assert_eq!(t.executed_version, executed);
        assert_eq!(t.invoked_arn.to_string(), invoked);
        assert_eq!(t.reason, reason);
    }
}

#[test]
fn r65_unknown_qualifiers_on_reads_and_invokes() {
    let mut r = two_versions();
    let mut rng = StdRng::seed_from_u64(0);
    for q in [
        "99",
        "1221",
        "notaversion",
        "aliasdoesnotexist",
        "non-existent-alias",
    ] {
        let msg = format!("Function not found: {ARN}:f:{q}");
        assert_err(
            r.get_function(GetFunctionRequest::new("f").with_qualifier(q)),
            ErrorKind::ResourceNotFound,
            &msg,
        );
        assert_err(
            r.get_function_configuration(GetFunctionConfigurationRequest::new(format!("f:{q}"))),
            ErrorKind::ResourceNotFound,
            &msg,
        );
        assert_err(
            r.invoke_target(InvokeRequest::new(format!("f:{q}")), &mut rng),
            ErrorKind::ResourceNotFound,
            &msg,
        );
    }
    // Missing function.
    assert_err(
        r.get_function(GetFunctionRequest::new("doesnotexist")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:doesnotexist"),
    );
    assert_err(
        r.invoke_target(InvokeRequest::new("doesnotexist"), &mut rng),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:doesnotexist:$LATEST"),
    );
    assert_err(
        r.get_function_configuration(
            GetFunctionConfigurationRequest::new("some-function").with_qualifier("$LATEST"),
        ),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:some-function:$LATEST"),
    );
    // A deleted alias is not found any more.
    r.create_alias(CreateAliasRequest::new("f", "gone", "1"))
        .unwrap();
    r.delete_alias(lambda_versioning::registry::DeleteAliasRequest::new(
        "f", "gone",
    ))
    .unwrap();
    assert_err(
        r.invoke_target(InvokeRequest::new("f:gone"), &mut rng),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:gone"),
    );
}

#[test]
fn r68_retargeting_takes_effect_at_once_and_publishing_does_not_move_aliases() {
    let mut r = two_versions();
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    let mut rng = StdRng::seed_from_u64(0);
    let run = |r: &Registry, rng: &mut StdRng| {
        r.invoke_target(InvokeRequest::new("f:live"), rng)
            .unwrap()
            .executed_version
    };
    assert_eq!(run(&r, &mut rng), v(1));
    update_code(&mut r, "f", b"four");
    publish(&mut r, "f");
    assert_eq!(run(&r, &mut rng), v(1));
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("4"))
        .unwrap();
    assert_eq!(run(&r, &mut rng), v(4));
}
