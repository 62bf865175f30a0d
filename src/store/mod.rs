//! A registry shared by several processes through PostgreSQL (cargo feature `postgres`,
//! off by default).
//!
//! * [`SharedRegistry`] is a control-plane replica. Each operation reads the one
//!   function it names from the store, applies the same rule engine as the in-memory
//!   [`Registry`](crate::Registry) to it, and commits with a compare-and-swap on the row's version
//!   (`UPDATE … WHERE version = $n`). The row is read with `FOR UPDATE`, so concurrent
//!   changes to one function wait for each other; a race that still happens (two
//!   creations of one name) is retried against fresh state. A caller's `RevisionId`
//!   precondition is checked against what is really current and a stale one surfaces
//!   as the service's `PreconditionFailedException`; nothing is ever overwritten
//!   silently. Reads ([`SharedRegistry::read_named`]) take no lock. Version numbers stay unique and increasing per function
//!   (R30) because they are allocated inside that compare-and-swap.
//! * [`StoreFollower`] keeps a local [`Registry`](crate::Registry) — and so a lock-free
//!   [`Resolver`](crate::Resolver) — in step with the store: it `LISTEN`s for change
//!   notifications (sent in the same transaction as each commit) and re-reads the
//!   changed function by version; after a dropped connection it reconnects and
//!   resynchronizes everything from one consistent read, and it resynchronizes
//!   periodically anyway, so a missed notification cannot leave it stale for longer
//!   than that period.
//!
//! Each function is one row `(scope, name, version, state jsonb)` in `lv_functions` — its
//! state in the snapshot format without its published versions — and one row per
//! published version in `lv_versions`; a change writes the function row (whose `version`
//! is the compare-and-swap counter) and only the version rows it added, changed or
//! removed. A replica keeps the functions it last worked on in memory, keyed by that
//! counter, and reloads a function only when someone else changed it, so an alias update
//! costs the same for a function with 1 000 versions as for one with 10. `lv_retired`
//! keeps the version counters of deleted functions (Q1). Event source mappings, which are
//! account-wide and outlive their function (R155), are one row each in `lv_mappings`
//! ([`SharedRegistry::execute_mappings`]). `scope` is `partition:region:account`, so registries of several
//! regions or accounts can share a database. The tables are created on first connect.
//!
//! ```no_run
//! # fn main() -> Result<(), lambda_versioning::Error> {
//! use lambda_versioning::registry::PublishVersionRequest;
//! use lambda_versioning::store::{SharedRegistry, StoreFollower};
//! use lambda_versioning::Registry;
//!
//! let url = "host=/tmp port=5432 user=postgres dbname=lambda";
//! let mut control = SharedRegistry::connect(url, Registry::builder)?;
//! control.execute(PublishVersionRequest::new("checkout"), |r, q| r.publish_version(q))?;
//!
//! let mut follower = StoreFollower::connect(url, Registry::builder)?;
//! let resolver = follower.resolver();
//! std::thread::spawn(move || loop {
//!     let _ = follower.poll(std::time::Duration::from_secs(1));
//! });
//! let _ = resolver.resolve_fast("checkout", Some("live"));
//! # Ok(())
//! # }
//! ```

mod follower;
mod mappings;
mod rows;
mod shared;

pub use follower::{APPLICATION_NAME, Replica, StoreFollower};
pub use shared::{FunctionRequest, SharedRegistry};

use crate::error::{Error, ErrorKind};

/// Makes a registry builder for the store's registries (region, account, routing mode,
/// lifecycle, clock): `Registry::builder` for the defaults, or a closure that captures
/// settings read at run time.
pub trait MakeBuilder: Fn() -> crate::RegistryBuilder + Send + Sync + 'static {}

impl<F: Fn() -> crate::RegistryBuilder + Send + Sync + 'static> MakeBuilder for F {}

/// The store is unreachable or refused a statement: `ServiceException` (500).
fn store_error(e: &postgres::Error) -> Error {
    Error::new(ErrorKind::Service, format!("registry store error: {e}"))
}

/// The store holds a function state the registry refuses (someone wrote the table by
/// hand): `ServiceException`.
fn corrupt_state(e: &crate::SnapshotError) -> Error {
    Error::new(ErrorKind::Service, format!("registry store holds {e}"))
}

/// One function's row.
const SELECT_FUNCTION: &str =
    "SELECT version, state FROM lv_functions WHERE scope = $1 AND name = $2";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS lv_functions (
    scope text NOT NULL,
    name text NOT NULL,
    version bigint NOT NULL,
    state jsonb NOT NULL,
    PRIMARY KEY (scope, name)
);
CREATE TABLE IF NOT EXISTS lv_versions (
    scope text NOT NULL,
    name text NOT NULL,
    number bigint NOT NULL,
    state jsonb NOT NULL,
    PRIMARY KEY (scope, name, number)
);
CREATE TABLE IF NOT EXISTS lv_retired (
    scope text NOT NULL,
    name text NOT NULL,
    counter bigint NOT NULL,
    PRIMARY KEY (scope, name)
);
CREATE TABLE IF NOT EXISTS lv_mappings (
    scope text NOT NULL,
    uuid text NOT NULL,
    state jsonb NOT NULL,
    PRIMARY KEY (scope, uuid)
);";

/// The notification channel.
const CHANNEL: &str = "lv_changes";

/// Creates the tables (once per database; concurrent first connects are serialized by an
/// advisory lock).
fn ensure_schema(client: &mut postgres::Client) -> Result<(), Error> {
    let mut tx = client.transaction().map_err(|e| store_error(&e))?;
    tx.execute("SELECT pg_advisory_xact_lock(7340652)", &[])
        .map_err(|e| store_error(&e))?;
    tx.batch_execute(SCHEMA).map_err(|e| store_error(&e))?;
    tx.commit().map_err(|e| store_error(&e))
}

/// A read-only transaction that sees one consistent snapshot of the store.
fn consistent_read(
    client: &mut postgres::Client,
) -> Result<postgres::Transaction<'_>, postgres::Error> {
    client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
}

fn scope_of(registry: &crate::Registry) -> String {
    format!(
        "{}:{}:{}",
        registry.partition(),
        registry.region(),
        registry.account()
    )
}
