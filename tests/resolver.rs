//! The data-plane resolver: agreement with the registry, handles, randomness, sticky
//! routing and concurrency (R55, R64–R68).

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};

use common::*;
use lambda_versioning::registry::{
    CreateAliasRequest, CreateFunctionRequest, DeleteAliasRequest, DeleteFunctionRequest,
    InvokeRequest, UpdateAliasRequest,
};
use lambda_versioning::{
    ErrorKind, Registry, ResolveError, Resolver, RouteReason, Version, VersionNumber, alias_salt,
    sticky_point,
};
use proptest::prelude::*;
use rand::SeedableRng as _;
use rand::rngs::{SmallRng, StdRng};

fn v(n: u64) -> Version {
    Version::Published(VersionNumber::new(n).unwrap())
}

/// `f` with versions 1..=n and a resolver.
fn setup(n: u32) -> (Registry, Resolver) {
    let mut r = registry();
    with_versions(&mut r, "f", n);
    let resolver = r.resolver();
    (r, resolver)
}

/// Asserts that resolver and registry agree on `name:qualifier` (weight-free routes).
#[track_caller]
fn assert_agree(r: &Registry, resolver: &Resolver, function: &str, qualifier: Option<&str>) {
    let mut rng = StdRng::seed_from_u64(0);
    let mut req = InvokeRequest::new(function);
    req.qualifier = qualifier.map(str::to_owned);
    let expected = r.invoke_target(req, &mut rng);
    let got = resolver.resolve(function, qualifier, &mut rng);
    match (expected, got) {
        (Ok(e), Ok(g)) => {
            assert_eq!(g.executed_version(), e.executed_version);
            assert_eq!(g.reason(), e.reason);
            assert_eq!(g.invoked_arn(), e.invoked_arn);
        }
        (Err(e), Err(g)) => {
            let built = g.into_error(resolver, function, qualifier);
            assert_eq!(built, e, "{function} {qualifier:?}");
        }
        (e, g) => panic!("{function}:{qualifier:?}: registry {e:?}, resolver {g:?}"),
    }
}

#[test]
fn r64_r66_r67_resolver_agrees_with_the_registry() {
    let (mut r, resolver) = setup(3);
    r.create_alias(CreateAliasRequest::new("f", "live", "2"))
        .unwrap();
    r.create_alias(CreateAliasRequest::new("f", "dev", "$LATEST"))
        .unwrap();
    let queries: [(&str, Option<&str>); 12] = [
        ("f", None),
        ("f", Some("$LATEST")),
        ("f", Some("1")),
        ("f", Some("3")),
        ("f", Some("4")),
        ("f", Some("01")),
        ("f", Some("live")),
        ("f", Some("dev")),
        ("f", Some("nope")),
        ("f", Some("$latest")),
        ("g", None),
        ("g", Some("live")),
    ];
    let check = |r: &Registry| {
        for (f, q) in queries {
            assert_agree(r, &resolver, f, q);
        }
    };
    check(&r);
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("3"))
        .unwrap();
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("1"))
        .unwrap();
    check(&r);
    r.delete_alias(DeleteAliasRequest::new("f", "dev")).unwrap();
    r.create_function(CreateFunctionRequest::new("g", config(b"g")))
        .unwrap();
    check(&r);
    update_code(&mut r, "f", b"four");
    publish(&mut r, "f");
    assert_eq!(
        resolver
            .resolve("f", Some("4"), &mut rand::rng())
            .unwrap()
            .executed_version(),
        v(4)
    );
    check(&r);
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    check(&r);
}

#[test]
fn r65_resolver_errors_render_the_invoke_wording() {
    let (_r, resolver) = setup(1);
    let err = resolver
        .resolve("missing", None, &mut rand::rng())
        .unwrap_err();
    assert_eq!(err, ResolveError::FunctionNotFound);
    let e = err.into_error(&resolver, "missing", None);
    assert_eq!(e.kind(), ErrorKind::ResourceNotFound);
    assert_eq!(
        e.message(),
        format!("Function not found: {ARN}:missing:$LATEST")
    );
    let err = resolver
        .resolve("f", Some("9"), &mut rand::rng())
        .unwrap_err();
    assert_eq!(err, ResolveError::QualifierNotFound);
    assert_eq!(
        err.into_error(&resolver, "f", Some("9")).message(),
        format!("Function not found: {ARN}:f:9")
    );
}

#[test]
fn handles_resolve_and_answer_gone_after_deletion() {
    let (mut r, resolver) = setup(2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    let handle = resolver.handle("f", "live").unwrap();
    assert_eq!(handle.invoked_arn().to_string(), format!("{ARN}:f:live"));
    let mut rng = SmallRng::seed_from_u64(3);
    assert_eq!(handle.resolve(&mut rng).unwrap().executed_version(), v(1));
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("2"))
        .unwrap();
    let got = handle.resolve(&mut rng).unwrap();
    assert_eq!(
        (got.executed_version(), got.reason()),
        (v(2), RouteReason::AliasPrimary)
    );
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    assert!(handle.is_gone());
    assert_eq!(handle.resolve(&mut rng), Err(ResolveError::AliasGone));
    assert_eq!(
        handle.gone_error().message(),
        format!("Function not found: {ARN}:f:live")
    );
    // Re-created, the alias is a new alias: the old handle stays gone.
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_eq!(handle.resolve(&mut rng), Err(ResolveError::AliasGone));
    let fresh = resolver.handle("f", "live").unwrap();
    assert_eq!(fresh.resolve(&mut rng).unwrap().executed_version(), v(1));
    // Deleting the function makes its handles gone too.
    let mut local = fresh.clone().with_local_rng(1);
    assert_eq!(local.resolve().unwrap().executed_version(), v(1));
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    assert_eq!(local.resolve(), Err(ResolveError::AliasGone));
    assert_eq!(
        resolver.handle("f", "live").unwrap_err(),
        ResolveError::FunctionNotFound
    );
    assert_eq!(
        resolver.handle("g", "live").unwrap_err(),
        ResolveError::FunctionNotFound
    );
}

#[test]
fn r55_statistical_split_for_each_weight() {
    let (mut r, resolver) = setup(2);
    let n = 1_000_000u32;
    for (i, w) in [0.0, 0.01, 0.1, 0.5, 0.9, 1.0].into_iter().enumerate() {
        let alias = format!("w{i}");
        r.create_alias(CreateAliasRequest::new("f", alias.clone(), "1").with_routing("2", w))
            .unwrap();
        let handle = resolver.handle("f", &alias).unwrap();
        let mut rng = SmallRng::seed_from_u64(100 + i as u64);
        let mut additional = 0u32;
        for _ in 0..n {
            if handle.resolve(&mut rng).unwrap().executed_version() == v(2) {
                additional += 1;
            }
        }
        let share = f64::from(additional) / f64::from(n);
        let sigma = (w * (1.0 - w) / f64::from(n)).sqrt();
        assert!(
            (share - w).abs() <= 4.0 * sigma,
            "weight {w}: share {share}, sigma {sigma}"
        );
        if w == 0.0 {
            assert_eq!(additional, 0, "weight 0 never picks the additional version");
        }
        if w == 1.0 {
            assert_eq!(additional, n);
        }
    }
}

#[test]
fn seeded_resolution_sequences_replay() {
    let (mut r, resolver) = setup(2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.37))
        .unwrap();
    let run = |seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        (0..2000)
            .map(|_| {
                resolver
                    .resolve("f", Some("live"), &mut rng)
                    .unwrap()
                    .executed_version()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(9), run(9));
    assert_ne!(run(9), run(10));
    // The fast path resolves too.
    let fast = resolver.resolve_fast("f", Some("live")).unwrap();
    assert!([v(1), v(2)].contains(&fast.executed_version()));
}

#[test]
fn sticky_hash_golden_values() {
    // Pinned: changing these breaks every deployment that relies on sticky routing. The
    // values were computed by an independent implementation of the documented formula
    // (FNV-1a 64 over the salt's little-endian bytes then the key, then fmix64).
    assert_eq!(sticky_point(0, b""), 0x7bd3_144f_29c0_cc9e);
    assert_eq!(sticky_point(0, b"user-1"), 0xd89d_0654_04a6_a76a);
    assert_eq!(
        sticky_point(42, b"5b7d1c0e-0000-4000-8000-000000000000"),
        0xf50d_294e_968f_8853
    );
    assert_eq!(alias_salt("checkout", "live"), 0x1ba1_9bda_6ef2_0f19);
}

#[test]
fn sticky_resolution_is_stable_and_uses_the_alias_salt() {
    let (mut r, resolver) = setup(2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.5))
        .unwrap();
    let handle = resolver.handle("f", "live").unwrap();
    for i in 0..200 {
        let key = format!("user-{i}");
        let a = handle
            .resolve_sticky(key.as_bytes())
            .unwrap()
            .executed_version();
        let b = resolver
            .resolve_sticky("f", Some("live"), key.as_bytes())
            .unwrap()
            .executed_version();
        assert_eq!(a, b);
        // Explicitly: the documented formula.
        let point = sticky_point(alias_salt("f", "live"), key.as_bytes());
        let expected = if (point >> 1) < (1u64 << 62) {
            v(2)
        } else {
            v(1)
        };
        assert_eq!(a, expected);
    }
    // Direct versions are unaffected by keys.
    let direct = resolver.resolve_sticky("f", Some("1"), b"k").unwrap();
    assert_eq!(
        (direct.executed_version(), direct.reason()),
        (v(1), RouteReason::DirectVersion)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Raising the weight only moves keys from primary to additional, never back.
    #[test]
    fn sticky_migration_is_monotone(
        keys in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 1..200),
        mut weights in proptest::collection::vec(0.0f64..=1.0, 2..6),
    ) {
        weights.sort_by(f64::total_cmp);
        let (mut r, resolver) = setup(2);
        r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", weights[0])).unwrap();
        let handle = resolver.handle("f", "live").unwrap();
        let mut previous: Vec<Version> = keys.iter().map(|k| handle.resolve_sticky(k).unwrap().executed_version()).collect();
        for w in &weights[1..] {
            r.update_alias(UpdateAliasRequest::new("f", "live").with_routing("2", *w)).unwrap();
            let now: Vec<Version> = keys.iter().map(|k| handle.resolve_sticky(k).unwrap().executed_version()).collect();
            for (before, after) in previous.iter().zip(&now) {
                prop_assert!(!(*before == v(2) && *after == v(1)), "a key moved back at weight {}", w);
            }
            previous = now;
        }
    }

    /// Keys spread in proportion to the weight.
    #[test]
    fn sticky_spread_is_proportional(w in 0.0f64..=1.0, seed in any::<u64>()) {
        let (mut r, resolver) = setup(2);
        r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", w)).unwrap();
        let handle = resolver.handle("f", "live").unwrap();
        let n = 20_000u32;
        let additional = (0..n)
            .filter(|i| {
                let key = format!("{seed:x}-{i}");
                handle.resolve_sticky(key.as_bytes()).unwrap().executed_version() == v(2)
            })
            .count() as f64;
        let share = additional / f64::from(n);
        let sigma = (w * (1.0 - w) / f64::from(n)).sqrt();
        // Five standard deviations: with 64 cases a run, a 4-sigma bound fails about one
        // run in 250 by chance alone. The saved regression (seed 14707919380942517532,
        // share 0.33915 at weight 0.3548) is such a draw, 4.6 sigma out, while 2 000
        // seeds at that weight spread with mean z -0.03 and deviation 1.00.
        prop_assert!((share - w).abs() <= 5.0 * sigma + 1e-9, "weight {} share {}", w, share);
    }
}

#[test]
fn concurrent_readers_see_only_valid_targets_and_the_last_update() {
    const VERSIONS: u64 = 8;
    const UPDATES: u64 = 4000;
    let mut r = registry();
    with_versions(&mut r, "f", VERSIONS as u32);
    // Update i routes to primary p(i) and additional p(i)+1 (weight 0.5); the last one has
    // weight 0, so after it only its primary may be seen.
    let primary = |i: u64| 1 + (i % (VERSIONS - 1));
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.5))
        .unwrap();
    let resolver = r.resolver();
    let applied = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(3));

    let readers: Vec<_> = (0..2)
        .map(|t| {
            let resolver = resolver.clone();
            let applied = Arc::clone(&applied);
            let done = Arc::clone(&done);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let handle = resolver.handle("f", "live").unwrap();
                let mut rng = SmallRng::seed_from_u64(t);
                start.wait();
                let mut checked = 0u64;
                while !done.load(Ordering::Acquire) {
                    let before = applied.load(Ordering::Acquire);
                    let by_name = resolver
                        .resolve("f", Some("live"), &mut rng)
                        .unwrap()
                        .executed_version();
                    let by_handle = handle.resolve(&mut rng).unwrap().executed_version();
                    let after = applied.load(Ordering::Acquire);
                    // Valid targets of every update that may have been current meanwhile.
                    for seen in [by_name, by_handle] {
                        let n = seen.number().unwrap().get();
                        let ok = (before..=(after + 1).min(UPDATES))
                            .any(|i| n == primary(i) || n == primary(i) + 1);
                        assert!(ok, "saw version {n} between updates {before} and {after}");
                    }
                    checked += 1;
                }
                // The writer's last update has returned: every resolve sees it.
                let last = primary(UPDATES);
                for _ in 0..1000 {
                    assert_eq!(
                        handle.resolve(&mut rng).unwrap().executed_version(),
                        v(last)
                    );
                    assert_eq!(
                        resolver
                            .resolve("f", Some("live"), &mut rng)
                            .unwrap()
                            .executed_version(),
                        v(last)
                    );
                }
                checked
            })
        })
        .collect();

    start.wait();
    for i in 1..=UPDATES {
        let p = primary(i);
        let weight = if i == UPDATES { 0.0 } else { 0.5 };
        r.update_alias(
            UpdateAliasRequest::new("f", "live")
                .with_function_version(p.to_string())
                .with_routing((p + 1).to_string(), weight),
        )
        .unwrap();
        applied.store(i, Ordering::Release);
    }
    done.store(true, Ordering::Release);
    let checked: u64 = readers.into_iter().map(|h| h.join().unwrap()).sum();
    assert!(checked > 0);
}

#[test]
fn resolver_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Resolver>();
    check::<lambda_versioning::AliasHandle>();
    check::<ResolveError>();
    fn send<T: Send>() {}
    send::<lambda_versioning::LocalAliasHandle>();
}

#[test]
fn clearing_the_thread_cache_keeps_answers_current() {
    let (mut r, resolver) = setup(2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    let mut rng = SmallRng::seed_from_u64(0);
    assert_eq!(
        resolver
            .resolve("f", Some("live"), &mut rng)
            .unwrap()
            .executed_version(),
        v(1)
    );
    resolver.clear_thread_cache();
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("2"))
        .unwrap();
    assert_eq!(
        resolver
            .resolve("f", Some("live"), &mut rng)
            .unwrap()
            .executed_version(),
        v(2)
    );
    // A second resolver (another registry) on the same thread has its own caches.
    let (_r2, other) = setup(1);
    assert_eq!(
        other.resolve("f", Some("live"), &mut rng),
        Err(ResolveError::QualifierNotFound)
    );
    assert_eq!(
        resolver
            .resolve("f", Some("live"), &mut rng)
            .unwrap()
            .executed_version(),
        v(2)
    );
}

/// The resolved version of `function:alias` on this thread (by name, so through the
/// thread's memo of recent aliases once it has seen the alias).
fn by_name(resolver: &Resolver, function: &str, alias: &str) -> Result<Version, ResolveError> {
    let mut rng = SmallRng::seed_from_u64(0);
    resolver
        .resolve(function, Some(alias), &mut rng)
        .map(|r| r.executed_version())
}

#[test]
fn r64_r65_resolution_by_name_follows_delete_and_recreate_of_a_recently_resolved_alias() {
    let (mut r, resolver) = setup(3);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    // Resolved twice: the second answer comes from the thread's memo.
    assert_eq!(by_name(&resolver, "f", "live"), Ok(v(1)));
    assert_eq!(by_name(&resolver, "f", "live"), Ok(v(1)));
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("2"))
        .unwrap();
    assert_eq!(by_name(&resolver, "f", "live"), Ok(v(2)));
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    assert_eq!(
        by_name(&resolver, "f", "live"),
        Err(ResolveError::QualifierNotFound)
    );
    r.create_alias(CreateAliasRequest::new("f", "live", "3"))
        .unwrap();
    assert_eq!(by_name(&resolver, "f", "live"), Ok(v(3)));
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    assert_eq!(
        by_name(&resolver, "f", "live"),
        Err(ResolveError::FunctionNotFound)
    );
    create(&mut r, "f");
    r.create_alias(CreateAliasRequest::new("f", "live", "$LATEST"))
        .unwrap();
    assert_eq!(by_name(&resolver, "f", "live"), Ok(Version::Latest));
}

#[test]
fn r64_two_resolvers_with_the_same_names_answer_apart_on_one_thread() {
    let (mut a, resolver_a) = setup(2);
    let (mut b, resolver_b) = setup(2);
    a.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    b.create_alias(CreateAliasRequest::new("f", "live", "2"))
        .unwrap();
    for _ in 0..3 {
        assert_eq!(by_name(&resolver_a, "f", "live"), Ok(v(1)));
        assert_eq!(by_name(&resolver_b, "f", "live"), Ok(v(2)));
    }
    b.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    assert_eq!(by_name(&resolver_a, "f", "live"), Ok(v(1)));
    assert_eq!(
        by_name(&resolver_b, "f", "live"),
        Err(ResolveError::QualifierNotFound)
    );
}

#[test]
fn r64_many_aliases_resolved_in_turn_each_answer_their_own_version() {
    // More aliases than the thread's memo holds, with names that share prefixes and
    // suffixes and differ in length by one byte: every answer is the alias's own.
    let mut r = registry();
    with_versions(&mut r, "fn-with-a-long-shared-prefix", 9);
    let names: Vec<String> = (0..300)
        .map(|i| match i % 3 {
            0 => format!("a{i}"),
            1 => format!("alias-{i:04}-shared-tail"),
            _ => "x".repeat(1 + i % 40) + &i.to_string(),
        })
        .collect();
    for (i, name) in names.iter().enumerate() {
        let version = (i % 9 + 1).to_string();
        r.create_alias(CreateAliasRequest::new(
            "fn-with-a-long-shared-prefix",
            name.as_str(),
            version.as_str(),
        ))
        .unwrap();
    }
    let resolver = r.resolver();
    for _ in 0..3 {
        for (i, name) in names.iter().enumerate() {
            let expected = v((i % 9 + 1) as u64);
            assert_eq!(
                by_name(&resolver, "fn-with-a-long-shared-prefix", name),
                Ok(expected),
                "{name}"
            );
        }
    }
    // A name one byte off (each position, each length) names nothing.
    let name = "alias-0001-shared-tail";
    for at in 0..name.len() {
        let mut wrong = name.as_bytes().to_vec();
        wrong[at] ^= 0x01;
        let wrong = String::from_utf8(wrong).unwrap();
        assert_eq!(
            by_name(&resolver, "fn-with-a-long-shared-prefix", &wrong),
            Err(ResolveError::QualifierNotFound),
            "{wrong}"
        );
        assert_eq!(
            by_name(&resolver, "fn-with-a-long-shared-prefix", &name[..at]),
            Err(ResolveError::QualifierNotFound),
            "{}",
            &name[..at]
        );
    }
    assert_eq!(
        by_name(&resolver, "fn-with-a-long-shared-prefiy", name),
        Err(ResolveError::FunctionNotFound)
    );
}
