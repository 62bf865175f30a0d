//! [`StoreFollower`]: a local registry and resolver kept in step with the store.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator as _;
use postgres::{Client, NoTls};

use super::{
    CHANNEL, MakeBuilder, consistent_read, corrupt_state, ensure_schema, rows, scope_of,
    store_error,
};
use crate::Registry;
use crate::error::{Error, ErrorKind};
use crate::names::FunctionName;
use crate::resolver::Resolver;

/// The `application_name` of a follower's session (visible in `pg_stat_activity`).
pub const APPLICATION_NAME: &str = "lambda-versioning follower";

/// Where a [`StoreFollower`] installs what it reads: its own [`Registry`] (the default),
/// or a registry someone else owns, such as the one inside a
/// [`wire::Service`](crate::wire::Service) that answers invocations.
pub trait Replica {
    /// Runs `change` on the registry.
    fn update(&mut self, change: &mut dyn FnMut(&mut Registry));
}

impl Replica for Registry {
    fn update(&mut self, change: &mut dyn FnMut(&mut Registry)) {
        change(self);
    }
}

#[cfg(feature = "wire")]
impl Replica for std::sync::Arc<crate::wire::Service> {
    fn update(&mut self, change: &mut dyn FnMut(&mut Registry)) {
        self.write(|registry| change(registry));
    }
}

/// Follows the store: a local [`Registry`](crate::Registry) whose [`Resolver`] answers invocations
/// without touching the store. See the [module documentation](super).
///
/// The registry is the follower's own by default ([`StoreFollower::connect`]); with
/// [`StoreFollower::connect_replica`] it is any [`Replica`], e.g. an
/// `Arc<wire::Service>` whose `Invoke` answers then follow the store.
pub struct StoreFollower<R: Replica = Registry> {
    url: String,
    client: Option<Client>,
    registry: R,
    versions: std::collections::HashMap<FunctionName, i64>,
    scope: String,
    resync_every: Duration,
    last_resync: Instant,
    resyncs: u64,
}

impl<R: Replica> std::fmt::Debug for StoreFollower<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreFollower")
            .field("scope", &self.scope)
            .field("functions", &self.versions.len())
            .field("resyncs", &self.resyncs)
            .finish_non_exhaustive()
    }
}

impl StoreFollower {
    /// Connects, subscribes to changes and loads everything into a registry of its own.
    ///
    /// # Errors
    ///
    /// `ServiceException` when the store cannot be reached.
    pub fn connect(url: &str, make: impl MakeBuilder) -> Result<StoreFollower, Error> {
        let registry = make().build();
        StoreFollower::connect_replica(url, make, registry)
    }

    /// The resolver of the local registry (cheap to clone, lock-free).
    pub fn resolver(&self) -> Resolver {
        self.registry.resolver()
    }

    /// The local registry (read-only: changes come from the store).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }
}

impl<R: Replica> StoreFollower<R> {
    /// Connects, subscribes to changes and loads everything into `replica`, whose
    /// functions are from then on replaced by the store's (`make` gives the scope:
    /// partition, region, account).
    ///
    /// # Errors
    ///
    /// `ServiceException` when the store cannot be reached.
    pub fn connect_replica(
        url: &str,
        make: impl MakeBuilder,
        replica: R,
    ) -> Result<StoreFollower<R>, Error> {
        let mut follower = StoreFollower {
            url: url.to_owned(),
            client: None,
            scope: scope_of(&make().build()),
            registry: replica,
            versions: std::collections::HashMap::new(),
            resync_every: Duration::from_secs(30),
            last_resync: Instant::now(),
            resyncs: 0,
        };
        follower.reconnect()?;
        Ok(follower)
    }

    /// How often to resynchronize everything even without a disconnect (default 30 s):
    /// the bound on staleness should a notification be lost.
    pub fn with_resync_every(mut self, period: Duration) -> Self {
        self.resync_every = period;
        self
    }

    /// The replica the follower keeps in step.
    pub fn replica(&self) -> &R {
        &self.registry
    }

    /// How many full resynchronizations happened (the first load counts).
    pub fn resyncs(&self) -> u64 {
        self.resyncs
    }

    /// Waits up to `timeout` for change notifications and applies them; resynchronizes
    /// when the period has passed; after a connection failure, reconnects and
    /// resynchronizes. Returns how many functions changed locally.
    ///
    /// # Errors
    ///
    /// `ServiceException` when the store cannot be reached (the next call tries again).
    pub fn poll(&mut self, timeout: Duration) -> Result<usize, Error> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            return self.reconnect();
        }
        if self.last_resync.elapsed() >= self.resync_every {
            return self.resync();
        }
        let names = match self.wait(timeout) {
            Ok(names) => names,
            Err(e) => {
                self.client = None;
                return Err(e);
            }
        };
        let mut changed = 0;
        for name in names {
            match self.refresh(&name) {
                Ok(true) => changed += 1,
                Ok(false) => {}
                Err(e) => {
                    self.client = None;
                    return Err(e);
                }
            }
        }
        Ok(changed)
    }

    /// The function names notified within `timeout` (the first wait blocks up to
    /// `timeout`, then everything already queued is taken).
    fn wait(&mut self, timeout: Duration) -> Result<BTreeSet<FunctionName>, Error> {
        let client = connected(&mut self.client)?;
        let mut names = BTreeSet::new();
        let mut notifications = client.notifications();
        let prefix = format!("{}|", self.scope);
        let mut take = |payload: &str| {
            if let Some(name) = payload
                .strip_prefix(&prefix)
                .and_then(|n| n.parse::<FunctionName>().ok())
            {
                names.insert(name);
            }
        };
        let first = notifications
            .timeout_iter(timeout)
            .next()
            .map_err(|e| store_error(&e))?;
        if let Some(n) = first {
            take(n.payload());
            let mut more = notifications.iter();
            while let Some(n) = more.next().map_err(|e| store_error(&e))? {
                take(n.payload());
            }
        }
        Ok(names)
    }

    /// Re-reads one function; returns whether the local copy changed.
    fn refresh(&mut self, name: &FunctionName) -> Result<bool, Error> {
        let client = connected(&mut self.client)?;
        let stored = rows::read_function(client, &self.scope, name).map_err(|e| store_error(&e))?;
        self.apply(name, stored)
    }

    /// Brings the local copy of `name` to `state` (row version, state without versions,
    /// versions; `None` when the function is gone). Returns whether anything changed.
    fn apply(
        &mut self,
        name: &FunctionName,
        state: Option<(i64, serde_json::Value, Vec<serde_json::Value>)>,
    ) -> Result<bool, Error> {
        let known = self.versions.get(name).copied();
        match state {
            Some((version, meta, versions)) if known != Some(version) => {
                self.install(name, Some((meta, versions)))?;
                self.versions.insert(name.clone(), version);
                Ok(true)
            }
            None if known.is_some() => {
                self.install(name, None)?;
                self.versions.remove(name);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Installs `name` from its rows (state without versions, versions) into the
    /// replica, or removes it.
    fn install(
        &mut self,
        name: &FunctionName,
        parts: Option<(serde_json::Value, Vec<serde_json::Value>)>,
    ) -> Result<(), Error> {
        let mut parts = Some(parts);
        let mut outcome = Ok(());
        self.registry.update(&mut |registry| {
            outcome = match parts.take() {
                Some(Some((meta, versions))) => rows::install(registry, name, meta, versions),
                Some(None) => registry
                    .install_function(name, None)
                    .map_err(|e| corrupt_state(&e)),
                None => Ok(()),
            };
        });
        outcome
    }

    fn reconnect(&mut self) -> Result<usize, Error> {
        self.client = None;
        let mut config: postgres::Config = self.url.parse().map_err(|e| store_error(&e))?;
        let mut client = config
            .application_name(APPLICATION_NAME)
            .connect(NoTls)
            .map_err(|e| store_error(&e))?;
        ensure_schema(&mut client)?;
        client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .map_err(|e| store_error(&e))?;
        self.client = Some(client);
        // Subscribed first, then read: a change committed in between is both read and
        // notified, never missed.
        self.resync()
    }

    /// Reads every function from one consistent snapshot of the store and brings the
    /// local registry in line. Returns how many functions changed.
    ///
    /// # Errors
    ///
    /// `ServiceException` when the store cannot be reached.
    pub fn resync(&mut self) -> Result<usize, Error> {
        let client = connected(&mut self.client)?;
        let mut tx = consistent_read(client).map_err(|e| store_error(&e))?;
        let functions = rows::read_all(&mut tx, &self.scope).map_err(|e| store_error(&e))?;
        tx.commit().map_err(|e| store_error(&e))?;
        let mut present = BTreeSet::new();
        let mut changed = 0;
        for f in functions {
            present.insert(f.name.clone());
            if self.apply(&f.name, Some((f.version, f.meta, f.versions)))? {
                changed += 1;
            }
        }
        let gone: Vec<FunctionName> = self
            .versions
            .keys()
            .filter(|n| !present.contains(*n))
            .cloned()
            .collect();
        for name in gone {
            if self.apply(&name, None)? {
                changed += 1;
            }
        }
        self.last_resync = Instant::now();
        self.resyncs += 1;
        Ok(changed)
    }
}

/// The live session, or `ServiceException` while disconnected.
fn connected(client: &mut Option<Client>) -> Result<&mut Client, Error> {
    client
        .as_mut()
        .ok_or_else(|| Error::new(ErrorKind::Service, "registry store: not connected"))
}
