//! [`SharedRegistry`]: a control-plane replica committing through compare-and-swap.

use postgres::{Client, NoTls};

use super::{
    CHANNEL, MakeBuilder, SELECT_FUNCTION, consistent_read, ensure_schema, rows, scope_of,
    store_error,
};
use crate::Registry;
use crate::arn::FunctionRef;
use crate::error::{Error, ErrorKind};
use crate::names::FunctionName;
use crate::registry::{
    AddPermissionRequest, AliasHistoryRequest, CreateAliasRequest, CreateFunctionRequest,
    DeleteAliasRequest, DeleteFunctionRequest, GetAliasRequest, GetFunctionConfigurationRequest,
    GetFunctionRequest, GetPolicyRequest, InvokeRequest, ListAliasesRequest,
    ListVersionsByFunctionRequest, PruneVersionsRequest, PublishVersionRequest,
    RemovePermissionRequest, UndoAliasRequest, UpdateAliasRequest, UpdateFunctionCodeRequest,
    UpdateFunctionConfigurationRequest,
};
use crate::validate::NamePattern;

mod sealed {
    /// Only the registry's request types name a function the store can lock on.
    pub trait Sealed {}
}

/// A request that names one function (its `FunctionName` member, in any form): every
/// request type of [`registry`](crate::registry) that [`SharedRegistry::execute`] can
/// run. Sealed: it is implemented for those types only.
pub trait FunctionRequest: Clone + sealed::Sealed {
    /// The raw `FunctionName` member.
    fn function_name(&self) -> &str;
}

macro_rules! function_requests {
    ($($t:ty),* $(,)?) => {$(
        impl sealed::Sealed for $t {}
        impl FunctionRequest for $t {
            fn function_name(&self) -> &str {
                &self.function_name
            }
        }
    )*};
}

function_requests!(
    CreateFunctionRequest,
    UpdateFunctionCodeRequest,
    UpdateFunctionConfigurationRequest,
    GetFunctionRequest,
    GetFunctionConfigurationRequest,
    InvokeRequest,
    DeleteFunctionRequest,
    GetPolicyRequest,
    PublishVersionRequest,
    ListVersionsByFunctionRequest,
    CreateAliasRequest,
    GetAliasRequest,
    DeleteAliasRequest,
    AliasHistoryRequest,
    UpdateAliasRequest,
    ListAliasesRequest,
    AddPermissionRequest,
    RemovePermissionRequest,
    UndoAliasRequest,
    PruneVersionsRequest,
);

/// How many times a lost compare-and-swap is retried before giving up.
const MAX_ATTEMPTS: usize = 64;

/// A control-plane replica over a PostgreSQL store. See the [module documentation](super).
pub struct SharedRegistry {
    pub(super) url: String,
    pub(super) client: Client,
    pub(super) make: Box<dyn MakeBuilder>,
    pub(super) scope: String,
    conflicts: u64,
    /// Functions as this replica last saw them: row version and a registry holding only
    /// that function.
    cache: std::collections::HashMap<FunctionName, (i64, Registry)>,
}

/// How many functions a replica keeps in memory between operations.
const CACHED_FUNCTIONS: usize = 1024;

impl std::fmt::Debug for SharedRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedRegistry")
            .field("scope", &self.scope)
            .field("conflicts", &self.conflicts)
            .finish_non_exhaustive()
    }
}

/// Whether an attempt may commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    Change,
    Read,
}

/// One function's row, locked until the transaction ends.
const SELECT_FUNCTION_FOR_UPDATE: &str =
    "SELECT version, state FROM lv_functions WHERE scope = $1 AND name = $2 FOR UPDATE";

/// What one attempt ended with.
enum Attempt<T> {
    Done(Result<T, Error>),
    LostRace,
}

impl SharedRegistry {
    /// Connects to the store at `url` (a libpq-style connection string) and creates the
    /// tables if needed. `make` builds the registry settings (region, account, routing
    /// mode, clock, …) that every operation uses.
    ///
    /// # Errors
    ///
    /// `ServiceException` when the store cannot be reached.
    pub fn connect(url: &str, make: impl MakeBuilder) -> Result<SharedRegistry, Error> {
        let mut client = Client::connect(url, NoTls).map_err(|e| store_error(&e))?;
        ensure_schema(&mut client)?;
        let scope = scope_of(&make().build());
        Ok(SharedRegistry {
            url: url.to_owned(),
            client,
            make: Box::new(make),
            scope,
            conflicts: 0,
            cache: std::collections::HashMap::new(),
        })
    }

    /// How many compare-and-swap races this replica lost (and retried) so far.
    pub fn conflicts(&self) -> u64 {
        self.conflicts
    }

    /// Applies `op` to the function `request` names, as the in-memory registry would,
    /// and commits the result with a compare-and-swap; a lost race is retried against
    /// fresh state. Read-only operations commit nothing. A refused request changes
    /// nothing.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), lambda_versioning::Error> {
    /// # use lambda_versioning::registry::UpdateAliasRequest;
    /// # let mut control = lambda_versioning::store::SharedRegistry::connect("", lambda_versioning::Registry::builder)?;
    /// let _live = control.execute(
    ///     UpdateAliasRequest::new("checkout", "live").with_routing("2", 0.1),
    ///     |r, q| r.update_alias(q),
    /// )?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The registry's error for the operation; `ServiceException` when the store fails or
    /// the race was lost more than 64 times in a row.
    pub fn execute<Q: FunctionRequest, T>(
        &mut self,
        request: Q,
        op: impl Fn(&mut Registry, Q) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let name = request.function_name().to_owned();
        self.execute_named(&name, |registry| op(registry, request.clone()))
    }

    /// As [`SharedRegistry::execute`], for an operation that names its function some
    /// other way (a server answering raw API requests, say): `function_name` is the name,
    /// partial ARN or ARN, and `op` runs on a registry holding that function's current
    /// state (or none). Whatever `op` changed in that function is committed with a
    /// compare-and-swap when it returns `Ok`; a lost race runs `op` again on fresh state,
    /// so `op` must not have effects outside the registry it is given.
    ///
    /// # Errors
    ///
    /// `op`'s error; `ServiceException` when the store fails or the race was lost more
    /// than 64 times in a row.
    pub fn execute_named<T>(
        &mut self,
        function_name: &str,
        mut op: impl FnMut(&mut Registry) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let Some(name) = function_of(function_name) else {
            // Not a function name at all: the registry's validation answers, no store.
            return op(&mut (self.make)().build());
        };
        self.run(&name, Access::Change, &mut op)
    }

    /// Runs `op` on a registry holding the current state of the function
    /// `function_name` names (or none), and commits nothing: for reads, which then take
    /// no row lock and never wait for a change in progress.
    ///
    /// # Errors
    ///
    /// `op`'s error; `ServiceException` when the store fails.
    pub fn read_named<T>(
        &mut self,
        function_name: &str,
        mut op: impl FnMut(&mut Registry) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let Some(name) = function_of(function_name) else {
            return op(&mut (self.make)().build());
        };
        self.run(&name, Access::Read, &mut op)
    }

    /// Attempts `op` until it is done: a lost race (only a change can lose one) runs it
    /// again on fresh state; a dead session is reconnected once.
    fn run<T>(
        &mut self,
        name: &FunctionName,
        access: Access,
        op: &mut impl FnMut(&mut Registry) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut reconnected = false;
        for _ in 0..MAX_ATTEMPTS {
            match self.attempt(name, access, op) {
                Ok(Attempt::Done(result)) => return result,
                Ok(Attempt::LostRace) => self.conflicts += 1,
                // The session died (a store restart, a dropped connection): nothing was
                // committed, so reconnect once and try again.
                Err(_) if !reconnected && self.client.is_closed() => reconnected = true,
                Err(e) => return Err(e),
            }
        }
        Err(Error::new(
            ErrorKind::Service,
            "registry store error: too many concurrent changes to this function; try again",
        ))
    }

    /// A registry holding every function of this scope, read in one consistent snapshot
    /// of the store (for account-wide reads such as `ListFunctions`). Changes made to it
    /// are not committed.
    ///
    /// # Errors
    ///
    /// `ServiceException` when the store fails or holds a state the registry refuses.
    pub fn load_all(&mut self) -> Result<Registry, Error> {
        let se = |e: postgres::Error| store_error(&e);
        if self.client.is_closed() {
            self.client = Client::connect(&self.url, NoTls).map_err(se)?;
        }
        let mut tx = consistent_read(&mut self.client).map_err(se)?;
        let functions = rows::read_all(&mut tx, &self.scope).map_err(se)?;
        tx.commit().map_err(se)?;
        let mut registry = (self.make)().build();
        for f in functions {
            rows::install(&mut registry, &f.name, f.meta, f.versions)?;
        }
        Ok(registry)
    }

    fn attempt<T>(
        &mut self,
        name: &FunctionName,
        access: Access,
        op: &mut impl FnMut(&mut Registry) -> Result<T, Error>,
    ) -> Result<Attempt<T>, Error> {
        let se = |e: postgres::Error| store_error(&e);
        if self.client.is_closed() {
            // The store restarted or dropped us: reconnect once per attempt.
            self.client = Client::connect(&self.url, NoTls).map_err(se)?;
        }
        let mut tx = self.client.transaction().map_err(se)?;
        // A change locks the row it read, so concurrent changes to one function queue
        // here instead of racing and retrying; a read takes no lock.
        let select = match access {
            Access::Change => SELECT_FUNCTION_FOR_UPDATE,
            Access::Read => SELECT_FUNCTION,
        };
        let row = tx
            .query_opt(select, &[&self.scope, &name.as_str()])
            .map_err(se)?;
        let retired = tx
            .query_opt(
                "SELECT counter FROM lv_retired WHERE scope = $1 AND name = $2",
                &[&self.scope, &name.as_str()],
            )
            .map_err(se)?
            .map(|r| r.get::<_, i64>(0));
        let current: Option<(i64, serde_json::Value)> = row.map(|r| (r.get(0), r.get(1)));
        // The function as this replica last committed or read it, if nobody changed it
        // since (same row version); otherwise read from the store.
        let cached = self.cache.remove(name);
        let (mut scratch, inline) = match (&current, cached) {
            (Some((version, _)), Some((seen, registry))) if seen == *version => (registry, false),
            (Some((_, meta)), _) => {
                let versions = rows::read_versions(&mut tx, &self.scope, name).map_err(se)?;
                let mut registry = (self.make)().build();
                rows::install(&mut registry, name, meta.clone(), versions)?;
                (registry, rows::has_inline_versions(meta))
            }
            (None, _) => ((self.make)().build(), false),
        };
        scratch.set_retired_counter(name, retired.and_then(|c| u64::try_from(c).ok()));
        let before = rows::Before::of(&scratch, name, current.as_ref().map(|(v, _)| *v), inline);

        let result = op(&mut scratch);
        if result.is_err() || access == Access::Read {
            tx.rollback().map_err(se)?;
            // A refusal or a read changes nothing; keep the copy only if that holds.
            if let Some(version) = before.row_version
                && before.unchanged(&scratch, name)
            {
                self.remember(name, version, scratch);
            }
            return Ok(Attempt::Done(result));
        }
        let written = rows::write(&mut tx, &self.scope, name, &before, &scratch).map_err(se)?;
        let new_version = match written {
            rows::Written::Nothing => {
                // A write that changed nothing: nothing to commit or announce.
                tx.commit().map_err(se)?;
                if let Some(version) = before.row_version {
                    self.remember(name, version, scratch);
                }
                return Ok(Attempt::Done(result));
            }
            rows::Written::LostRace => {
                tx.rollback().map_err(se)?;
                return Ok(Attempt::LostRace);
            }
            rows::Written::Changed(new_version) => new_version,
        };
        if new_version.is_none()
            && let Some(counter) = scratch
                .retired_counter(name)
                .and_then(|c| i64::try_from(c).ok())
        {
            tx.execute(
                "INSERT INTO lv_retired (scope, name, counter) VALUES ($1, $2, $3)
                 ON CONFLICT (scope, name) DO UPDATE SET counter = GREATEST(lv_retired.counter, $3)",
                &[&self.scope, &name.as_str(), &counter],
            )
            .map_err(se)?;
        }
        let payload = format!("{}|{}", self.scope, name);
        tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
            .map_err(se)?;
        tx.commit().map_err(se)?;
        if let Some(version) = new_version {
            self.remember(name, version, scratch);
        }
        Ok(Attempt::Done(result))
    }

    /// Keeps `registry` (holding function `name` at row version `version`) for the next
    /// operation on that function.
    fn remember(&mut self, name: &FunctionName, version: i64, registry: Registry) {
        if self.cache.len() >= CACHED_FUNCTIONS {
            self.cache.clear();
        }
        self.cache.insert(name.clone(), (version, registry));
    }
}

/// The function a `FunctionName` member names (a name, partial ARN or ARN), if valid.
fn function_of(function_name: &str) -> Option<FunctionName> {
    FunctionRef::parse(function_name, NamePattern::Namespaced)
        .ok()
        .and_then(|r| r.name().parse::<FunctionName>().ok())
}
