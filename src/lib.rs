//! AWS Lambda function versioning and aliases — `$LATEST`, immutable published versions,
//! aliases that point at one version or split traffic between two, ARNs — with every rule
//! the real service enforces, and the same exception names, HTTP statuses and messages.
//!
//! ```
//! use lambda_versioning::registry::{
//!     CreateAliasRequest, CreateFunctionRequest, InvokeRequest, PublishVersionRequest,
//!     UpdateFunctionCodeRequest,
//! };
//! use lambda_versioning::rand::SeedableRng as _;
//! use lambda_versioning::{Code, FunctionConfig, Registry, Version, VersionNumber};
//!
//! let mut registry = Registry::builder().seed(7).build();
//! let role = "arn:aws:iam::123456789012:role/checkout-exec";
//! let config = FunctionConfig::new(role, Code::from_zip_bytes(b"release 1"))
//!     .with_runtime("python3.12")
//!     .with_handler("app.handler");
//! registry.create_function(CreateFunctionRequest::new("checkout", config))?;
//!
//! // Publish version 1, change the code, publish version 2.
//! let v1 = registry.publish_version(PublishVersionRequest::new("checkout"))?;
//! registry.update_function_code(UpdateFunctionCodeRequest::new(
//!     "checkout",
//!     Code::from_zip_bytes(b"release 2"),
//! ))?;
//! let v2 = registry.publish_version(PublishVersionRequest::new("checkout"))?;
//! assert_eq!((v1.version.to_string(), v2.version.to_string()), ("1".into(), "2".into()));
//!
//! // A 90/10 alias: version 1 primary, version 2 gets 10% of the invocations.
//! let live = registry.create_alias(
//!     CreateAliasRequest::new("checkout", "live", "1").with_routing("2", 0.1),
//! )?;
//! assert_eq!(
//!     live.alias_arn.to_string(),
//!     "arn:aws:lambda:us-east-1:123456789012:function:checkout:live"
//! );
//!
//! // Resolve invocations of `checkout:live` with a seeded generator.
//! let mut rng = lambda_versioning::rand::rngs::StdRng::seed_from_u64(1);
//! let v2_number = Version::Published(VersionNumber::new(2).unwrap());
//! let mut on_v2 = 0;
//! for _ in 0..10_000 {
//!     let target = registry.invoke_target(InvokeRequest::new("checkout:live"), &mut rng)?;
//!     assert_eq!(target.invoked_arn, live.alias_arn);
//!     if target.executed_version == v2_number {
//!         on_v2 += 1;
//!     }
//! }
//! assert!((850..1150).contains(&on_v2), "{on_v2}");
//!
//! // Refusals are the service's, word for word.
//! let err = registry
//!     .create_alias(CreateAliasRequest::new("checkout", "live", "2"))
//!     .unwrap_err();
//! assert_eq!(err.kind().exception_name(), "ResourceConflictException");
//! assert_eq!(err.http_status(), 409);
//! assert_eq!(
//!     err.message(),
//!     "Alias already exists: arn:aws:lambda:us-east-1:123456789012:function:checkout:live"
//! );
//! # Ok::<(), lambda_versioning::Error>(())
//! ```
//!
//! # What is here
//!
//! The repository's `docs/` folder is the reference this documentation cites: the rules
//! (R1–R97, and R124–R160, R190–R193 for what binds to a qualifier) by id, the order of
//! checks, the decisions where the service's behaviour is not recorded (Q1–Q30, also
//! listed below, and Q39–Q45, Q54), the wire format, and the performance targets (P1–P7).
//!
//! * **Vocabulary** — [`FunctionName`], [`AliasName`], [`VersionNumber`], [`Version`],
//!   [`Qualifier`], [`Partition`], [`Region`], [`AccountId`], [`RevisionId`],
//!   [`FunctionArn`] and [`FunctionRef`] (the `FunctionName` request parameter in all its
//!   forms). Each is a validated newtype: `FromStr`/`TryFrom` are the only ways in, serde
//!   goes through the same checks, `Display` round-trips exactly.
//! * **Model** — [`FunctionConfig`] (the settings a version freezes), lifecycle states
//!   ([`VersionStatus`]), weighted routing ([`Weight`], [`AliasRouting`]).
//! * **Control plane** — [`Registry`], one per (partition, region, account), with
//!   operations named after the API: `create_function`, `update_function_code`,
//!   `update_function_configuration`, `get_function`, `get_function_configuration`,
//!   `delete_function`, `publish_version`, `list_versions_by_function`, `create_alias`,
//!   `get_alias`, `update_alias`, `delete_alias`, `list_aliases`, and `invoke_target`
//!   (which version runs). Requests and responses are in [`registry`].
//! * **Data plane** — [`Resolver`] (from [`Registry::resolver`]): which version runs for
//!   an invocation, answered without locks and kept current by every registry mutation;
//!   [`AliasHandle`]s that skip every lookup; seeded, thread-local or sticky (key-hashed)
//!   choice. See [`Resolver`].
//! * **Resource policies** — per target (the unqualified function, each version, each
//!   alias; never `$LATEST`): `add_permission`, `remove_permission`, `get_policy` with
//!   the service's statement JSON, 20 480-byte limit and policy revisions, and
//!   [`Registry::authorize`], the decision a platform makes on every cross-account or
//!   service call ([`Caller`], [`Decision`]). Policies can only be written through
//!   `add_permission` / `remove_permission` (R89).
//! * **What binds to a qualifier** — event source mappings
//!   ([`Registry::create_event_source_mapping`] and the rest, with the service's states
//!   and texts) and a [`MappingPoller`] ([`Registry::event_source_poller`]) that resolves
//!   each batch through the alias at delivery time, without a lock — point the source at
//!   the alias once, then only move the alias; asynchronous-invocation configs per
//!   `$LATEST`, version or alias ([`Registry::put_function_event_invoke_config`] …) with
//!   [`Registry::invoke_async`], the platform's [`AsyncOutcome`] and the records in a
//!   [`DestinationLog`]; function URLs per function or alias
//!   ([`Registry::create_function_url_config`] …) and
//!   [`Registry::invoke_function_url`], which checks the URL's policy and resolves the
//!   alias per request. Deleting an alias, version or function treats each as the service
//!   does.
//! * **Concurrency** — provisioned concurrency per alias or published version
//!   ([`Registry::put_provisioned_concurrency_config`] …, `IN_PROGRESS` → `READY`,
//!   following its alias), reserved concurrency per function
//!   ([`Registry::put_function_concurrency`] …) and the account's limits
//!   ([`RegistryBuilder::account_concurrency`]); admission on the invoke path through the
//!   resolver ([`AliasHandle::admit`], [`Resolver::admit`]): an [`AdmissionPermit`] held
//!   while the invocation runs, lock-free counters, and the service's throttle
//!   ([`Error::throttled`]) when nothing is free.
//! * **Tags and listing** — [`Registry::tag_resource`], [`Registry::untag_resource`],
//!   [`Registry::list_tags`]; [`Registry::list_functions`] with every published version.
//! * **Container images** — [`Code::from_image_uri`] (no image is pulled), [`ImageConfig`],
//!   the package type fixed for life; SnapStart ([`SnapStartApplyOn`]) per published
//!   version.
//! * **Snapshots** — [`Registry::export`] gives the whole state as a serde [`Snapshot`];
//!   [`RegistryBuilder::build_from_snapshot`] rebuilds a registry after checking every
//!   invariant, refusing a corrupt snapshot with a [`SnapshotError`] that names the path.
//! * **Rollouts** — [`rollout`]: CodeDeploy's canary / linear / all-at-once presets,
//!   custom schedules with dry-run timelines, and a [`Rollout`](rollout::Rollout) state
//!   machine with hooks, health-gated rollback and abort on concurrent change.
//! * **Beyond the service** — alias history and [`Registry::undo_alias`]; semantic-version
//!   labels ([`Registry::version_by_label`], [`Registry::highest_version_matching`]);
//!   [`Registry::prune_versions`], which keeps every version an alias references; and
//!   opt-in N-way routing ([`RoutingMode::MultiVersion`]).
//! * **Shared store** (cargo feature `postgres`, off by default) — `store::SharedRegistry`
//!   and `store::StoreFollower`: one registry for several processes through PostgreSQL.
//!   [`registry::FunctionRecord`] carries one function's whole state for a journal or a
//!   store of your own.
//! * **Wire** (cargo feature `wire`, on by default) — the Lambda REST API's JSON bodies
//!   with the service's member names (`wire::json`), error bodies as the service sends
//!   them, the HTTP bindings, and `wire::Service`, which answers an `http::Request` with
//!   the service's `http::Response` (no server or runtime in the library; the
//!   workspace's `lambda-versioning-server` crate serves it with hyper on tokio,
//!   the `axum_embed` example from axum). The service owns its registry's lifecycle, so it answers the same whichever
//!   registry it was given.
//! * **Errors** — one [`Error`] with the exception ([`ErrorKind`]), the HTTP status, the
//!   exact message and the body's `"Type"` ([`FaultType`]). A refused request changes
//!   nothing.
//! * **`rand`** — the generators the API takes are `rand` 0.10's; the crate re-exports
//!   it as [`lambda_versioning::rand`](crate::rand) so callers name the same version.
//!
//! # Scope
//!
//! No AWS API is called, no code runs, and IAM identity policies are not evaluated (only
//! resource-based policies are). The
//! classic semantics are implemented (numbered versions,
//! `$LATEST`, one additional weighted version); Lambda Managed Instances'
//! `$LATEST.PUBLISHED` is accepted by the validation patterns but names nothing.
//!
//! # Determinism
//!
//! The clock ([`Clock`], e.g. [`ManualClock`]) and the source of revision ids
//! ([`RevisionIdSource`], e.g. [`SeededRevisionIds`]) are injected through
//! [`Registry::builder`]; routing randomness is passed to each call. With all three fixed,
//! a sequence of calls gives the same responses on every run.
//!
//! # Lifecycle
//!
//! The service reports a new function as `Pending` and an update as `InProgress` until the
//! code is ready, and refuses to publish or update meanwhile (R23). With
//! [`Lifecycle::Immediate`] (the default) responses report those states and the registry
//! settles them before returning; with [`Lifecycle::Manual`] the embedding platform calls
//! [`Registry::finish_creation`] and [`Registry::finish_update`] when the code is ready.
//!
//! # Behaviour where the service is ambiguous
//!
//! docs/decisions.md lists the open questions; this crate answers them as follows, and tests pin
//! each answer.
//!
//! * **Q1** — after a function is deleted and re-created, version numbers continue after
//!   the highest number it used ([`VersionNumbering::ContinueAfterRecreate`]); the other
//!   behaviour is a builder option.
//! * **Q2** — if the most recently published version was deleted, the next publish
//!   creates a new version even when `$LATEST` did not change.
//! * **Q3** — change detection is by event: every successful `UpdateFunctionCode` or
//!   `UpdateFunctionConfiguration` makes the next publish create a version, even if it
//!   changed nothing.
//! * **Q4** — weights `0.0` and `1.0` are accepted (the model's inclusive bounds).
//! * **Q5** — routing between versions with different dead-letter targets is refused with
//!   `InvalidParameterValueException`
//!   `Specified versions must be associated with the same dead letter queue configuration`
//!   (the service's text is unknown).
//! * **Q6** — a version referenced only as an alias's additional version cannot be deleted
//!   either (same 409).
//! * **Q7** — several aliases in the 409 delete message are joined with `, `:
//!   `[blue, green]`, in name order.
//! * **Q8** — `UpdateAlias` checks the routing rules on the merged result (new primary
//!   with kept routing, or kept primary with new routing).
//! * **Q13** — operations without a `Qualifier` parameter (`PublishVersion`, the alias
//!   operations, `ListVersionsByFunction`, `CreateFunction`) accept a `:$LATEST` suffix as
//!   unqualified and refuse any other suffix with the R10 message
//!   (`Current operation does not support versions other than $LATEST. …`).
//! * **Q14** — `GetAlias`, `UpdateAlias`, `DeleteAlias` and `ListAliases` on a missing
//!   function answer `Function not found: {arn}`.
//! * **Q16** — `ListAliases` returns aliases in name order (byte order), at most 50 per
//!   page, like `ListVersionsByFunction`.
//! * **Q17** — a published version's `LastModified` is the time of publication.
//! * **Q18** — alias names are case-sensitive: `live` and `LIVE` are two aliases.
//! * **Q19** — `RevisionId` is checked before `CodeSha256`; "update in progress" (409)
//!   before both.
//! * **Q21** — `CodeSha256: ""` on `PublishVersion` counts as absent.
//! * **Q23** — an alias re-created under a deleted alias's name starts fresh (new
//!   `RevisionId`, nothing attached).
//! * **Q24** — the `ListAliases` `FunctionVersion` filter matches primary versions only.
//! * **Q26** — a numeric qualifier with a leading zero (`01`) names no version: reads say
//!   `Function not found: {arn}:01`, deleting it succeeds silently.
//! * **Q27** — versions that are still `Pending` can be alias targets and routing keys.
//! * **Q29** — `CreateAlias` checks, after validation: routing syntax (R46, R47, R50),
//!   then existence of the function and versions (R35, R51), then the name conflict
//!   (R34), then role and dead-letter agreement (R52).
//!
//! * **Q9** — `GetPolicy` with `$LATEST` answers `The resource you requested does not
//!   exist.`; `RemovePermission` with `$LATEST` answers `No policy is associated with the
//!   given resource.`
//! * **Q10** — `AddPermission` with a `RevisionId` on a target that has no policy yet is
//!   compared with the target's own `RevisionId` (the alias's, the version's, or
//!   `$LATEST`'s for the unqualified function).
//! * **Q11** — adding or removing permissions changes only the policy's `RevisionId`, not
//!   the function's, version's or alias's.
//! * **Q12** — `RemovePermission`'s 412 uses the `…GetPolicy API…` wording, like
//!   `AddPermission`'s.
//! * **Q20** — the policy size is the byte length of the document's compact JSON, exactly
//!   as `GetPolicy` returns it, including the statement being added.
//! * **Q22** — nothing authorizes `…:$LATEST`, and the unqualified function's policy is
//!   never consulted for it.
//! * `AddPermission`: operators in a `Condition` appear in the order `StringEquals`,
//!   `ArnLike`, `Bool`; `InvokedViaFunctionUrl` with another action than
//!   `lambda:InvokeFunction` is refused with `InvokedViaFunctionUrl is only supported for
//!   lambda:InvokeFunction action`; with block public access on (R90), a grant to `*`
//!   without a `SourceAccount`, `SourceArn` or `PrincipalOrgID` condition is refused with
//!   `PublicPolicyException` (texts not captured from the service). `RemovePermission` on a
//!   missing version answers `Function not found: {arn}:{version}`, `GetPolicy` on a
//!   missing alias `The resource you requested does not exist.`
//! * Authorization: actions compare case-insensitively, `lambda:*` and `*` cover every
//!   action; an account principal (`…:root`) covers every identity of that account;
//!   `ArnLike` supports `*` and `?` and is otherwise case-sensitive; a condition whose
//!   context key the caller lacks does not hold.
//!
//! What binds to a qualifier:
//!
//! * **Q39** — function URL times are written `YYYY-MM-DDThh:mm:ss.ffffffZ` (the clock has
//!   milliseconds, so the last three digits are zeros).
//! * **Q40** — `DeleteFunctionUrlConfig` with a suffix that disagrees with `Qualifier`
//!   answers the same `InvalidParameterValueException` as Create, Get and Update.
//! * **Q41** — an asynchronous invocation uses the invoke config of the qualifier as
//!   invoked, with no fallback to the version's or the function's; records name the
//!   invoked ARN (`…:$LATEST` for an unqualified call) and the version that ran.
//! * **Q42** — invoke configs on a missing version answer as for a missing alias.
//! * **Q43** — an Update's `DestinationConfig` replaces the whole object; an Update with
//!   no member is refused like a Put.
//! * **Q44** — a destination naming the function itself with a qualifier is accepted.
//! * **Q45** — a mapping to a missing version or alias is `Function does not exist`;
//!   deleting an alias or version a mapping targets is allowed (deliveries then fail);
//!   one source and one function make a duplicate whatever the qualifiers; an unqualified
//!   `FunctionName` filter matches every mapping of the function.
//! * **Q54** — `DeleteAlias` deletes the alias's URL and invoke config at once.
//!
//! Concurrency, tags, listing, images and accounts:
//!
//! * **Q31** — a provisioned Put while an allocation is in progress restarts it.
//! * **Q32** — deleting a version deletes its own provisioned config.
//! * **Q33** — a second provisioned alias on one version, or moving a provisioned alias
//!   onto a provisioned version, is refused with the R107 alias text; onto `$LATEST` with
//!   the unpublished-version text.
//! * **Q34** — routing may be added to a provisioned alias; the capacity serves its
//!   primary.
//! * **Q35** — provisioned concurrency changes no `RevisionId`.
//! * **Q36** — `Get`/`DeleteFunctionConcurrency` refuse qualified names with the R116 text
//!   and answer `Function not found: {arn}` for a missing function.
//! * **Q37** — the account limit and unreserved minimum are registry settings (1000, 100).
//! * **Q38** — provisioned concurrency of unreserved functions comes out of the account's
//!   unreserved pool.
//! * **Q46** — `ListFunctions` pages may split a function's versions.
//! * **Q47** — qualified `GetFunction` shows neither `Tags` nor `Concurrency`.
//! * **Q48** — tagging changes only `$LATEST`'s `RevisionId`.
//! * **Q49** — image functions report `CodeSize` 0.
//! * **Q50** — SnapStart versions report `On` at once; its incompatibilities are not checked.
//! * **Q51** — `$latest` on an existing function: `Function not found: {arn}:$latest`.
//! * **Q52** — another account's ARN answers 403 `AccessDeniedException` with
//!   `{"Message":null}` on every operation.
//!
//! Markers (`NextMarker`) are opaque tokens naming the first item of the next page; a
//! marker this crate did not issue is refused with `InvalidParameterValueException`
//! `Invalid marker: <marker>`. `CreateFunction` on a taken name answers
//! `ResourceConflictException` `Function already exist: <name>`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

mod arn;
mod clock;
mod concurrency;
mod config;
mod error;
mod event_source;
mod function;
mod function_url;
mod invoke_config;
mod json_map;
mod names;
mod policy;
pub mod registry;
mod resolver;
mod revision;
pub mod rollout;
mod routing;
mod status;
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub mod store;
#[cfg(feature = "wire")]
mod uuid_text;
mod validate;
#[cfg(feature = "wire")]
#[cfg_attr(docsrs, doc(cfg(feature = "wire")))]
pub mod wire;

pub use arn::{FunctionArn, FunctionRef, FunctionRefForm};
pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use concurrency::ProvisionedStatus;
pub use config::{
    Architecture, Code, FunctionConfig, ImageConfig, ImageUriError, PackageType, SnapStartApplyOn,
};
pub use error::{Component, Error, ErrorKind, FaultType, ParseError, ParseErrorReason};
pub use event_source::{Delivery, DeliveryError, MappingPoller, MappingState, ProcessingResult};
pub use function_url::{Cors, InvokeMode, URL_FORBIDDEN_BODY, URL_UNKNOWN_BODY, url_id_of_host};
pub use invoke_config::{
    AsyncAttempt, AsyncOutcome, Condition, Destination, DestinationConfig, DestinationLog,
    DestinationRecord, InvocationOutcome, RequestContext, ResponseContext,
};
pub use names::{
    AccountId, AliasName, FunctionName, Partition, Qualifier, Region, RevisionId, Version,
    VersionNumber,
};
pub use policy::{
    Conditions, FunctionUrlAuthType, POLICY_SIZE_LIMIT, Principal, Statement, StatementId,
};
/// The `rand` crate this crate's API takes generators from (`Registry::invoke_target`,
/// `Resolver::resolve`): use `lambda_versioning::rand` to name the same version.
pub use rand;
pub use registry::authorize::{Caller, CallerPrincipal, Decision};
pub use registry::control::{Lifecycle, Registry, RegistryBuilder, RoutingMode, VersionNumbering};
pub use registry::snapshot::{Snapshot, SnapshotError};
pub use resolver::{
    AdmissionPermit, AdmitError, Admitted, AliasHandle, CapacityKind, HandleResolution,
    LocalAliasHandle, Resolution, ResolveError, Resolver, alias_salt, sticky_point,
};
pub use revision::{RandomRevisionIds, RevisionIdSource, SeededRevisionIds};
pub use routing::{AliasRouting, AliasTarget, MAX_ADDITIONAL_VERSIONS, RouteReason, Weight};
pub use status::{LastUpdateStatus, State, VersionStatus};
pub use validate::NamePattern;

/// The README's example is compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
