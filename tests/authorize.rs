//! Authorization decisions (R86, R87) and their properties.

mod common;

use common::*;
use lambda_versioning::registry::{
    AddPermissionRequest, CreateAliasRequest, GetPolicyRequest, RemovePermissionRequest,
    UpdateAliasRequest, UpdateFunctionConfigurationRequest,
};
use lambda_versioning::{
    AccountId, Caller, CallerPrincipal, Decision, FunctionArn, FunctionUrlAuthType, Registry,
};
use proptest::prelude::*;

const INVOKE: &str = "lambda:InvokeFunction";

fn setup() -> Registry {
    let mut r = registry();
    with_versions(&mut r, "f", 3);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r.create_alias(CreateAliasRequest::new("f", "beta", "2"))
        .unwrap();
    r
}

fn arn(q: Option<&str>) -> FunctionArn {
    match q {
        Some(q) => format!("{ARN}:f:{q}"),
        None => format!("{ARN}:f"),
    }
    .parse()
    .unwrap()
}

/// Every resource of `f` a request can name.
const RESOURCES: [Option<&str>; 7] = [
    None,
    Some("$LATEST"),
    Some("1"),
    Some("2"),
    Some("3"),
    Some("live"),
    Some("beta"),
];

fn allowed(r: &Registry, caller: &Caller, action: &str) -> Vec<Option<&'static str>> {
    RESOURCES
        .into_iter()
        .filter(|q| r.authorize(caller, action, &arn(*q)).is_allowed())
        .collect()
}

#[test]
fn r86_a_grant_covers_exactly_its_resource() {
    let mut r = setup();
    let s3 = Caller::service("s3.amazonaws.com");
    assert_eq!(allowed(&r, &s3, INVOKE), Vec::<Option<&str>>::new());
    r.add_permission(
        AddPermissionRequest::new("f", "alias", INVOKE, "s3.amazonaws.com").with_qualifier("live"),
    )
    .unwrap();
    assert_eq!(allowed(&r, &s3, INVOKE), [Some("live")]);
    r.add_permission(AddPermissionRequest::new(
        "f",
        "fn",
        INVOKE,
        "s3.amazonaws.com",
    ))
    .unwrap();
    // The unqualified grant covers neither $LATEST, nor versions, nor aliases.
    assert_eq!(allowed(&r, &s3, INVOKE), [None, Some("live")]);
    r.add_permission(
        AddPermissionRequest::new("f", "v3", INVOKE, "s3.amazonaws.com").with_qualifier("3"),
    )
    .unwrap();
    assert_eq!(allowed(&r, &s3, INVOKE), [None, Some("3"), Some("live")]);
    assert_eq!(
        r.authorize(&s3, INVOKE, &arn(Some("3"))),
        Decision::Allow {
            statement_id: "v3".parse().unwrap()
        }
    );
}

#[test]
fn r86_nothing_authorizes_latest() {
    let mut r = setup();
    r.add_permission(AddPermissionRequest::new("f", "all", "*", "*"))
        .unwrap();
    let anyone = Caller::account("210987654321".parse::<AccountId>().unwrap());
    assert!(r.authorize(&anyone, INVOKE, &arn(None)).is_allowed());
    assert_eq!(
        r.authorize(&anyone, INVOKE, &arn(Some("$LATEST"))),
        Decision::ImplicitDeny
    );
}

#[test]
fn r87_principals_and_accounts() {
    let mut r = setup();
    r.add_permission(AddPermissionRequest::new(
        "f",
        "acct",
        INVOKE,
        "210987654321",
    ))
    .unwrap();
    r.add_permission(AddPermissionRequest::new(
        "f",
        "role",
        "lambda:GetFunction",
        "arn:aws:iam::333333333333:role/reader",
    ))
    .unwrap();
    let in_account = Caller::iam("arn:aws:iam::210987654321:role/anything");
    assert!(r.authorize(&in_account, INVOKE, &arn(None)).is_allowed());
    assert!(
        r.authorize(
            &Caller::account("210987654321".parse().unwrap()),
            INVOKE,
            &arn(None)
        )
        .is_allowed()
    );
    assert!(
        !r.authorize(
            &Caller::iam("arn:aws:iam::111111111111:role/x"),
            INVOKE,
            &arn(None)
        )
        .is_allowed()
    );
    let reader = Caller::iam("arn:aws:iam::333333333333:role/reader");
    assert!(
        r.authorize(&reader, "lambda:GetFunction", &arn(None))
            .is_allowed()
    );
    assert!(!r.authorize(&reader, INVOKE, &arn(None)).is_allowed());
    assert!(
        !r.authorize(
            &Caller::iam("arn:aws:iam::333333333333:role/writer"),
            "lambda:GetFunction",
            &arn(None)
        )
        .is_allowed()
    );
    // Another region's or account's ARN is never this registry's resource.
    let foreign: FunctionArn = "arn:aws:lambda:eu-west-1:123456789012:function:f"
        .parse()
        .unwrap();
    assert_eq!(
        r.authorize(&in_account, INVOKE, &foreign),
        Decision::ImplicitDeny
    );
}

#[test]
fn r77_r86_conditions_are_evaluated() {
    let mut r = setup();
    r.add_permission(
        AddPermissionRequest::new("f", "s3", INVOKE, "s3.amazonaws.com")
            .with_qualifier("live")
            .with_source_arn("arn:aws:s3:::uploads-?")
            .with_source_account("123456789012"),
    )
    .unwrap();
    r.add_permission(
        AddPermissionRequest::new("f", "url", "lambda:InvokeFunctionUrl", "*")
            .with_function_url_auth_type(FunctionUrlAuthType::None),
    )
    .unwrap();
    r.add_permission(
        AddPermissionRequest::new("f", "org", INVOKE, "*")
            .with_qualifier("beta")
            .with_principal_org_id("o-abcdefghij"),
    )
    .unwrap();
    let live = arn(Some("live"));
    let s3 = |src: &str, acct: &str| {
        Caller::service("s3.amazonaws.com")
            .with_source_arn(src)
            .with_source_account(acct)
    };
    assert!(
        r.authorize(&s3("arn:aws:s3:::uploads-a", "123456789012"), INVOKE, &live)
            .is_allowed()
    );
    assert!(
        !r.authorize(
            &s3("arn:aws:s3:::uploads-ab", "123456789012"),
            INVOKE,
            &live
        )
        .is_allowed()
    );
    assert!(
        !r.authorize(&s3("arn:aws:s3:::uploads-a", "210987654321"), INVOKE, &live)
            .is_allowed()
    );
    assert!(
        !r.authorize(&Caller::service("s3.amazonaws.com"), INVOKE, &live)
            .is_allowed()
    );
    let public_url = Caller::account("999999999999".parse().unwrap())
        .via_function_url(FunctionUrlAuthType::None);
    assert!(
        r.authorize(&public_url, "lambda:InvokeFunctionUrl", &arn(None))
            .is_allowed()
    );
    let iam_url = Caller::account("999999999999".parse().unwrap())
        .via_function_url(FunctionUrlAuthType::AwsIam);
    assert!(
        !r.authorize(&iam_url, "lambda:InvokeFunctionUrl", &arn(None))
            .is_allowed()
    );
    let member =
        Caller::iam("arn:aws:iam::444444444444:user/u").with_principal_org_id("o-abcdefghij");
    assert!(
        r.authorize(&member, INVOKE, &arn(Some("beta")))
            .is_allowed()
    );
    assert!(
        !r.authorize(
            &Caller::iam("arn:aws:iam::444444444444:user/u"),
            INVOKE,
            &arn(Some("beta"))
        )
        .is_allowed()
    );
}

fn caller_strategy() -> impl Strategy<Value = Caller> {
    prop_oneof![
        prop_oneof![Just("s3.amazonaws.com"), Just("sns.amazonaws.com")].prop_map(Caller::service),
        prop_oneof![Just("123456789012"), Just("210987654321")]
            .prop_map(|a| Caller::account(a.parse().unwrap())),
        prop_oneof![
            Just("arn:aws:iam::210987654321:role/a"),
            Just("arn:aws:iam::333333333333:role/b"),
            Just("arn:aws:sts::210987654321:assumed-role/a/s"),
            // Strings with the account in their fifth field that are not IAM ARNs of
            // this registry's partition: they name nobody.
            Just("arn:aws-us-gov:iam::210987654321:role/a"),
            Just("x:y:z:w:210987654321:whatever"),
            Just("arn:aws:s3::210987654321:bucket"),
        ]
        .prop_map(Caller::iam),
    ]
}

/// Whether `caller` is an identity of account 210987654321 in partition `aws`.
fn of_account_210987654321(caller: &Caller) -> bool {
    match &caller.principal {
        CallerPrincipal::Account(a) => a.as_str() == "210987654321",
        CallerPrincipal::Iam(arn) => {
            arn.starts_with("arn:aws:iam::210987654321:")
                || arn.starts_with("arn:aws:sts::210987654321:")
        }
        _ => false,
    }
}

fn action_strategy() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(INVOKE),
        Just("lambda:GetFunction"),
        Just("lambda:InvokeFunctionUrl")
    ]
}

fn principal_strategy() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("s3.amazonaws.com"),
        Just("210987654321"),
        Just("arn:aws:iam::333333333333:role/b"),
        Just("*")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// With no statement, every request is denied.
    #[test]
    fn no_statement_denies_everything(caller in caller_strategy(), action in action_strategy(), q in proptest::sample::select(RESOURCES.to_vec())) {
        let r = setup();
        prop_assert_eq!(r.authorize(&caller, action, &arn(q)), Decision::ImplicitDeny);
    }

    /// A grant on one alias never authorizes a version, another alias or the function.
    #[test]
    fn alias_grant_stays_on_its_alias(
        caller in caller_strategy(),
        action in action_strategy(),
        principal in principal_strategy(),
        granted in prop_oneof![Just("live"), Just("beta")],
    ) {
        let mut r = setup();
        r.add_permission(AddPermissionRequest::new("f", "g", "lambda:*", principal).with_qualifier(granted)).unwrap();
        for q in RESOURCES {
            if q != Some(granted) {
                prop_assert_eq!(r.authorize(&caller, action, &arn(q)), Decision::ImplicitDeny, "{:?}", q);
            }
        }
    }

    /// R86: a grant to an account allows exactly that account's identities: the account
    /// itself and well-formed IAM or STS ARNs of the registry's partition, nothing else.
    #[test]
    fn account_grant_allows_exactly_the_account(caller in caller_strategy(), q in proptest::sample::select(RESOURCES.to_vec())) {
        let mut r = setup();
        let grant = AddPermissionRequest::new("f", "acct", "lambda:*", "210987654321");
        let grant = match q {
            Some("$LATEST") | None => grant,
            Some(q) => grant.with_qualifier(q),
        };
        r.add_permission(grant).unwrap();
        let want = of_account_210987654321(&caller) && q != Some("$LATEST");
        prop_assert_eq!(r.authorize(&caller, INVOKE, &arn(q)).is_allowed(), want, "{:?} on {:?}", caller, q);
    }

    /// Removing a statement revokes exactly what it granted.
    #[test]
    fn removal_revokes_exactly_its_grant(
        p1 in principal_strategy(),
        p2 in principal_strategy(),
        a1 in prop_oneof![Just(INVOKE), Just("lambda:*")],
        a2 in prop_oneof![Just(INVOKE), Just("lambda:GetFunction")],
        q in prop_oneof![Just(None), Just(Some("1")), Just(Some("live"))],
        callers in proptest::collection::vec(caller_strategy(), 1..6),
    ) {
        let mut r = setup();
        let with_q = |req: AddPermissionRequest| match q { Some(q) => req.with_qualifier(q), None => req };
        r.add_permission(with_q(AddPermissionRequest::new("f", "one", a1, p1))).unwrap();
        r.add_permission(with_q(AddPermissionRequest::new("f", "two", a2, p2))).unwrap();
        let decide = |r: &Registry| -> Vec<Decision> {
            callers.iter().flat_map(|c| [INVOKE, "lambda:GetFunction"].map(|a| r.authorize(c, a, &arn(q)))).collect()
        };
        let before = decide(&r);
        let mut req = RemovePermissionRequest::new("f", "one");
        req.qualifier = q.map(str::to_owned);
        r.remove_permission(req).unwrap();
        let after = decide(&r);
        for (b, a) in before.iter().zip(&after) {
            match b {
                // What "two" allowed (it is evaluated after "one") is unchanged.
                Decision::Allow { statement_id } if statement_id.as_str() == "two" => prop_assert_eq!(a, b),
                // What "one" allowed is now allowed by "two" or denied.
                Decision::Allow { .. } => {
                    let two = Decision::Allow { statement_id: "two".parse().unwrap() };
                    prop_assert!(*a == Decision::ImplicitDeny || *a == two, "{:?}", a);
                }
                _ => prop_assert_eq!(a, &Decision::ImplicitDeny),
            }
        }
        // And "two" alone decides now: re-adding only it gives the same answers.
        let mut fresh = setup();
        fresh.add_permission(with_q(AddPermissionRequest::new("f", "two", a2, p2))).unwrap();
        prop_assert_eq!(decide(&fresh), after);
    }

    /// Unrelated mutations leave every policy unchanged.
    #[test]
    fn policies_survive_unrelated_mutations(steps in proptest::collection::vec(0u8..5, 1..12)) {
        let mut r = setup();
        r.add_permission(AddPermissionRequest::new("f", "fn", INVOKE, "s3.amazonaws.com")).unwrap();
        r.add_permission(AddPermissionRequest::new("f", "v1", INVOKE, "210987654321").with_qualifier("1")).unwrap();
        r.add_permission(AddPermissionRequest::new("f", "live", INVOKE, "*").with_qualifier("live")).unwrap();
        let snapshot = |r: &Registry| -> Vec<String> {
            [None, Some("1"), Some("live")].into_iter().map(|q| {
                let mut g = GetPolicyRequest::new("f");
                g.qualifier = q.map(str::to_owned);
                let p = r.get_policy(g).unwrap();
                format!("{} {}", p.policy, p.revision_id)
            }).collect()
        };
        let before = snapshot(&r);
        for (i, step) in steps.into_iter().enumerate() {
            match step {
                0 => { update_code(&mut r, "f", format!("code {i}").as_bytes()); publish(&mut r, "f"); }
                1 => { r.update_alias(UpdateAliasRequest::new("f", "live").with_routing("2", 0.1)).unwrap(); }
                2 => { r.update_alias(UpdateAliasRequest::new("f", "live").without_routing()).unwrap(); }
                3 => { r.update_function_configuration(UpdateFunctionConfigurationRequest::new("f").with_timeout(9)).unwrap(); }
                _ => { let _ = r.create_alias(CreateAliasRequest::new("f", format!("a{i}"), "3")); }
            }
        }
        prop_assert_eq!(snapshot(&r), before);
    }
}
