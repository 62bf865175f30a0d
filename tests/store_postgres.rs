//! The registry shared through PostgreSQL (feature `postgres`): concurrent control-plane
//! replicas lose no update and never reuse a version number (R30), a conflicting alias
//! update yields one success and one precondition error (R40), and followers converge
//! after updates, a dropped connection and a store restart.
//!
//! Needs a server: run through `.ci/with-postgres`, which sets `LV_POSTGRES_URL`
//! (`.ci/run` does).

mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::{REVISION_MISMATCH, ROLE};
use lambda_versioning::registry::{
    CreateAliasRequest, CreateFunctionRequest, DeleteFunctionRequest, GetAliasRequest,
    PublishVersionRequest, UpdateAliasRequest, UpdateFunctionCodeRequest,
};
use lambda_versioning::store::{SharedRegistry, StoreFollower};
use lambda_versioning::{Code, ErrorKind, FunctionConfig, Registry, Version};

fn url() -> String {
    std::env::var("LV_POSTGRES_URL")
        .expect("LV_POSTGRES_URL is not set: run these tests through .ci/with-postgres")
}

fn replica() -> SharedRegistry {
    SharedRegistry::connect(&url(), Registry::builder).expect("connect")
}

/// Creates `name` with versions 1..=n (distinct code) in the store.
fn create(control: &mut SharedRegistry, name: &str, versions: u32) {
    let config = FunctionConfig::new(ROLE, Code::from_zip_bytes(b"v1"));
    control
        .execute(CreateFunctionRequest::new(name, config), |r, q| {
            r.create_function(q)
        })
        .expect("create");
    for i in 1..=versions {
        control
            .execute(
                UpdateFunctionCodeRequest::new(
                    name,
                    Code::from_zip_bytes(format!("{name} {i}").as_bytes()),
                )
                .with_publish(true),
                |r, q| r.update_function_code(q),
            )
            .expect("publish");
    }
}

/// Polls `follower` until `check` holds, up to 10 s; returns how long it took.
fn converge(follower: &mut StoreFollower, check: impl Fn(&StoreFollower) -> bool) -> Duration {
    let start = Instant::now();
    while !check(follower) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "follower did not converge"
        );
        let _ = follower.poll(Duration::from_millis(50));
    }
    start.elapsed()
}

fn primary(follower: &StoreFollower, function: &str) -> Option<Version> {
    follower
        .resolver()
        .resolve_fast(function, Some("live"))
        .ok()
        .map(|r| r.executed_version())
}

#[test]
fn r30_concurrent_replicas_lose_no_update_and_never_reuse_a_number() {
    let mut control = replica();
    create(&mut control, "store-publish", 0);
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let mut replica = replica();
                barrier.wait();
                (0..30)
                    .map(|i| {
                        let code =
                            Code::from_zip_bytes(format!("replica {t} change {i}").as_bytes());
                        replica
                            .execute(
                                UpdateFunctionCodeRequest::new("store-publish", code)
                                    .with_publish(true),
                                |r, q| r.update_function_code(q),
                            )
                            .expect("update and publish")
                            .version
                            .number()
                            .expect("a number")
                            .get()
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let mut numbers: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=60).collect::<Vec<u64>>(),
        "every change made its own version"
    );
    let list = |control: &mut SharedRegistry, marker: Option<String>| {
        let mut req =
            lambda_versioning::registry::ListVersionsByFunctionRequest::new("store-publish");
        req.marker = marker;
        control
            .execute(req, |r, q| r.list_versions_by_function(q))
            .unwrap()
    };
    let first = list(&mut control, None);
    let second = list(&mut control, first.next_marker.clone());
    assert_eq!(
        first.versions.len() + second.versions.len(),
        61,
        "$LATEST and 60 versions"
    );
    // Deleting and re-creating continues the numbering (Q1) across replicas too.
    control
        .execute(DeleteFunctionRequest::new("store-publish"), |r, q| {
            r.delete_function(q)
        })
        .unwrap();
    create(&mut replica(), "store-publish", 1);
    let again = control
        .execute(PublishVersionRequest::new("store-publish"), |r, q| {
            r.publish_version(q)
        })
        .unwrap();
    assert_eq!(again.version.to_string(), "61");
}

#[test]
fn r40_a_conflicting_alias_update_has_one_winner_and_one_precondition_error() {
    let mut control = replica();
    create(&mut control, "store-race", 3);
    control
        .execute(
            CreateAliasRequest::new("store-race", "live", "1"),
            |r, q| r.create_alias(q),
        )
        .unwrap();
    for round in 0..20 {
        let revision = control
            .execute(GetAliasRequest::new("store-race", "live"), |r, q| {
                r.get_alias(q)
            })
            .unwrap()
            .revision_id
            .to_string();
        let barrier = Arc::new(Barrier::new(2));
        let threads: Vec<_> = ["2", "3"]
            .into_iter()
            .map(|target| {
                let (barrier, revision) = (Arc::clone(&barrier), revision.clone());
                std::thread::spawn(move || {
                    let mut replica = replica();
                    barrier.wait();
                    replica.execute(
                        UpdateAliasRequest::new("store-race", "live")
                            .with_function_version(target)
                            .with_revision_id(revision),
                        |r, q| r.update_alias(q),
                    )
                })
            })
            .collect();
        let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "round {round}: {results:?}");
        let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
        assert_eq!(
            (loser.kind(), loser.message()),
            (ErrorKind::PreconditionFailed, REVISION_MISMATCH)
        );
        let winner = results.iter().find_map(|r| r.as_ref().ok()).unwrap();
        let now = control
            .execute(GetAliasRequest::new("store-race", "live"), |r, q| {
                r.get_alias(q)
            })
            .unwrap();
        assert_eq!(
            now.function_version, winner.function_version,
            "the winner's change stands"
        );
    }
}

#[test]
fn a_refused_request_changes_nothing_in_the_store() {
    let mut control = replica();
    create(&mut control, "store-refusal", 1);
    let err = control
        .execute(
            CreateAliasRequest::new("store-refusal", "live", "7"),
            |r, q| r.create_alias(q),
        )
        .unwrap_err();
    assert_eq!(
        err.message(),
        format!("Function not found: {}:store-refusal:7", common::ARN)
    );
    let aliases = control
        .execute(
            lambda_versioning::registry::ListAliasesRequest::new("store-refusal"),
            |r, q| r.list_aliases(q),
        )
        .unwrap();
    assert!(aliases.aliases.is_empty());
    let invalid = control
        .execute(GetAliasRequest::new("bad name!", "live"), |r, q| {
            r.get_alias(q)
        })
        .unwrap_err();
    assert_eq!(invalid.kind(), ErrorKind::Validation);
}

#[test]
fn followers_converge_after_updates_a_dropped_connection_and_a_restart() {
    let mut control = replica();
    create(&mut control, "store-follow", 3);
    control
        .execute(
            CreateAliasRequest::new("store-follow", "live", "1"),
            |r, q| r.create_alias(q),
        )
        .unwrap();
    let mut follower = StoreFollower::connect(&url(), Registry::builder).unwrap();
    let v = |n: u64| Version::Published(lambda_versioning::VersionNumber::new(n).unwrap());
    converge(&mut follower, |f| primary(f, "store-follow") == Some(v(1)));
    let handle = follower.resolver().handle("store-follow", "live").unwrap();

    // Updates: every one is seen, by name and through a handle taken before.
    let mut worst = Duration::ZERO;
    for i in 0..30u64 {
        let target = 1 + (i % 3);
        control
            .execute(
                UpdateAliasRequest::new("store-follow", "live")
                    .with_function_version(target.to_string()),
                |r, q| r.update_alias(q),
            )
            .unwrap();
        worst = worst.max(converge(&mut follower, |f| {
            primary(f, "store-follow") == Some(v(target))
        }));
        let mut rng = rand::rng();
        assert_eq!(
            handle.resolve(&mut rng).unwrap().executed_version(),
            v(target)
        );
    }
    assert!(worst < Duration::from_secs(5), "{worst:?}");

    // A dropped connection: the store kills the follower's session; the follower
    // reconnects and resynchronizes, so the change made meanwhile is not lost.
    let resyncs = follower.resyncs();
    let mut admin = postgres::Client::connect(&url(), postgres::NoTls).unwrap();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&lambda_versioning::store::APPLICATION_NAME],
        )
        .unwrap();
    control
        .execute(
            UpdateAliasRequest::new("store-follow", "live").with_function_version("1"),
            |r, q| r.update_alias(q),
        )
        .unwrap();
    assert_eq!(primary(&follower, "store-follow"), Some(v(3)));
    converge(&mut follower, |f| primary(f, "store-follow") == Some(v(1)));
    assert!(follower.resyncs() > resyncs, "the follower resynchronized");

    // A store restart: both sides reconnect.
    if let (Ok(bin), Ok(data)) = (std::env::var("LV_PG_BINDIR"), std::env::var("LV_PG_DATA")) {
        let pg_ctl = format!("{bin}/pg_ctl");
        let log = format!("{data}/../restart.log");
        let args = [
            "-D",
            data.as_str(),
            "-l",
            log.as_str(),
            "-w",
            "-m",
            "fast",
            "restart",
        ];
        // The restarted server must not inherit our pipes: output goes to the log file.
        let mut command = if is_root() {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--", &pg_ctl]).args(args);
            c
        } else {
            let mut c = std::process::Command::new(&pg_ctl);
            c.args(args);
            c
        };
        let restart = command
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(restart.success(), "pg_ctl restart failed; see {log}");
        control
            .execute(
                UpdateAliasRequest::new("store-follow", "live").with_function_version("2"),
                |r, q| r.update_alias(q),
            )
            .unwrap();
        converge(&mut follower, |f| primary(f, "store-follow") == Some(v(2)));
    } else {
        panic!("LV_PG_BINDIR / LV_PG_DATA are not set: run these tests through .ci/with-postgres");
    }

    // Deleting the function reaches the follower too; the old handle answers "gone".
    control
        .execute(DeleteFunctionRequest::new("store-follow"), |r, q| {
            r.delete_function(q)
        })
        .unwrap();
    converge(&mut follower, |f| primary(f, "store-follow").is_none());
    assert!(handle.is_gone());
}

/// Whether this process runs as root (then the server is run as `postgres`).
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The `xmin` (writing transaction) of every version row of `name`, in number order.
fn version_row_writers(name: &str) -> Vec<(i64, String)> {
    let mut client = postgres::Client::connect(&url(), postgres::NoTls).expect("connect");
    client
        .query(
            "SELECT number, xmin::text FROM lv_versions WHERE name = $1 ORDER BY number",
            &[&name],
        )
        .expect("query")
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Versions are rows of their own, and a change writes only the rows it changed: an alias
/// update leaves every version row as it was, a publish adds one row, and a deletion
/// removes them all (so a re-created function starts clean, with numbers not reused, Q1).
#[test]
fn r30_a_change_writes_only_the_version_rows_it_changed() {
    let name = format!("rows-{}", std::process::id());
    let mut control = replica();
    create(&mut control, &name, 5);
    control
        .execute(
            CreateAliasRequest::new(name.as_str(), "live", "1"),
            |r, q| r.create_alias(q),
        )
        .expect("alias");
    let before = version_row_writers(&name);
    assert_eq!(
        before.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );

    control
        .execute(
            UpdateAliasRequest::new(name.as_str(), "live").with_function_version("3"),
            |r, q| r.update_alias(q),
        )
        .expect("update alias");
    assert_eq!(
        version_row_writers(&name),
        before,
        "an alias update rewrote version rows"
    );

    control
        .execute(
            UpdateFunctionCodeRequest::new(name.as_str(), Code::from_zip_bytes(b"six"))
                .with_publish(true),
            |r, q| r.update_function_code(q),
        )
        .expect("publish");
    let after = version_row_writers(&name);
    assert_eq!(
        &after[..5],
        &before[..],
        "a publish rewrote earlier version rows"
    );
    assert_eq!(after.len(), 6);

    control
        .execute(DeleteFunctionRequest::new(name.as_str()), |r, q| {
            r.delete_function(q)
        })
        .expect("delete");
    assert_eq!(version_row_writers(&name), []);
    create(&mut control, &name, 1);
    assert_eq!(
        version_row_writers(&name)
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>(),
        [7],
        "numbers continue after the deleted function's (Q1)"
    );
}

/// A replica keeps the functions it worked on in memory between operations; another
/// replica's change must still be seen (the row version moved on), never the kept copy.
#[test]
fn r40_a_replica_never_works_on_a_kept_copy_another_replica_has_changed() {
    let name = format!("kept-{}", std::process::id());
    let mut a = replica();
    let mut b = replica();
    create(&mut a, &name, 2);
    let alias = a
        .execute(
            CreateAliasRequest::new(name.as_str(), "live", "1"),
            |r, q| r.create_alias(q),
        )
        .expect("alias");
    // B moves the alias; A, whose kept copy still says version 1, reads version 2 ...
    b.execute(
        UpdateAliasRequest::new(name.as_str(), "live").with_function_version("2"),
        |r, q| r.update_alias(q),
    )
    .expect("B's update");
    let seen = a
        .execute(GetAliasRequest::new(name.as_str(), "live"), |r, q| {
            r.get_alias(q)
        })
        .expect("A's read");
    assert_eq!(seen.function_version.to_string(), "2");
    // ... and A's update with the RevisionId A last saw is refused.
    common::assert_err(
        a.execute(
            UpdateAliasRequest::new(name.as_str(), "live")
                .with_function_version("1")
                .with_revision_id(alias.revision_id.to_string()),
            |r, q| r.update_alias(q),
        ),
        ErrorKind::PreconditionFailed,
        REVISION_MISMATCH,
    );
}

#[test]
fn r150_r155_event_source_mappings_are_shared_between_replicas_and_outlive_their_function() {
    use lambda_versioning::registry::{
        CreateEventSourceMappingRequest, ListEventSourceMappingsRequest,
        UpdateEventSourceMappingRequest,
    };
    let (mut a, mut b) = (replica(), replica());
    let function = format!("mapped-{}", std::process::id());
    create(&mut a, &function, 1);
    a.execute(CreateAliasRequest::new(&function, "live", "1"), |r, q| {
        r.create_alias(q)
    })
    .expect("alias");
    let source = format!(
        "arn:aws:sqs:us-east-1:123456789012:orders-{}",
        std::process::id()
    );
    let created = a
        .execute_mappings(|r| {
            r.create_event_source_mapping(CreateEventSourceMappingRequest::new(
                source.as_str(),
                format!("{function}:live"),
            ))
        })
        .expect("create mapping");
    let uuid = created.uuid.clone();
    // Another replica sees it as created, its creation finished (as in one registry).
    let seen = b
        .read_mappings(|r| r.get_event_source_mapping(&uuid))
        .expect("get");
    assert_eq!(created.state, lambda_versioning::MappingState::Creating);
    let mut expected = created.clone();
    expected.state = lambda_versioning::MappingState::Enabled;
    assert_eq!(seen, expected);
    // Changed on the other replica, seen on the first.
    let mut update = UpdateEventSourceMappingRequest::new(uuid.as_str());
    update.batch_size = Some(7);
    let updated = b
        .execute_mappings(|r| r.update_event_source_mapping(update))
        .expect("update");
    assert_eq!(updated.batch_size, 7);
    assert_eq!(
        a.read_mappings(|r| r.get_event_source_mapping(&uuid))
            .expect("get")
            .batch_size,
        7
    );
    // A refused change writes nothing.
    let mut bad = UpdateEventSourceMappingRequest::new(uuid.as_str());
    bad.batch_size = Some(0);
    assert!(
        a.execute_mappings(|r| r.update_event_source_mapping(bad))
            .is_err()
    );
    assert_eq!(
        b.read_mappings(|r| r.get_event_source_mapping(&uuid))
            .expect("get")
            .batch_size,
        7
    );
    // R155: deleting the function leaves the mapping.
    a.execute(DeleteFunctionRequest::new(&function), |r, q| {
        r.delete_function(q)
    })
    .expect("delete function");
    let mut by_source = ListEventSourceMappingsRequest::default();
    by_source.event_source_arn = Some(source.clone());
    let listed = b
        .read_mappings(|r| r.list_event_source_mappings(by_source.clone()))
        .expect("list");
    assert_eq!(
        listed
            .event_source_mappings
            .iter()
            .map(|m| m.uuid.as_str())
            .collect::<Vec<_>>(),
        [uuid.as_str()]
    );
    // Deleted on one replica, gone on the other with the registry's own error.
    a.execute_mappings(|r| r.delete_event_source_mapping(&uuid))
        .expect("delete mapping");
    let gone = b
        .read_mappings(|r| r.get_event_source_mapping(&uuid))
        .expect_err("gone");
    let local = Registry::builder()
        .build()
        .get_event_source_mapping(&uuid)
        .expect_err("local");
    assert_eq!(gone, local);
}

#[test]
fn r150_concurrent_mapping_creations_on_two_replicas_are_all_kept() {
    use lambda_versioning::registry::{
        CreateEventSourceMappingRequest, ListEventSourceMappingsRequest,
    };
    let function = format!("fanout-{}", std::process::id());
    create(&mut replica(), &function, 1);
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let (barrier, function) = (Arc::clone(&barrier), function.clone());
            std::thread::spawn(move || {
                let mut control = replica();
                barrier.wait();
                (0..10)
                    .map(|i| {
                        let source = format!("arn:aws:sqs:us-east-1:123456789012:fanout-{t}-{i}");
                        control
                            .execute_mappings(|r| {
                                r.create_event_source_mapping(CreateEventSourceMappingRequest::new(
                                    source.as_str(),
                                    function.as_str(),
                                ))
                            })
                            .expect("create")
                            .uuid
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut created: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    created.sort();
    let mut request = ListEventSourceMappingsRequest::default();
    request.function_name = Some(function.clone());
    request.max_items = Some(100);
    let listed: Vec<String> = replica()
        .read_mappings(|r| r.list_event_source_mappings(request))
        .expect("list")
        .event_source_mappings
        .into_iter()
        .map(|m| m.uuid)
        .collect();
    assert_eq!(listed, created);
}
