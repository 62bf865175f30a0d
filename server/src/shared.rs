//! `--store`: several server processes sharing one PostgreSQL database.
//!
//! * Control-plane requests (everything but `Invoke` and function-URL calls) run on a
//!   registry loaded from the store for the one function they name, and whatever they
//!   change is committed with a compare-and-swap
//!   ([`SharedRegistry::execute_named`], which locks the function's row so that
//!   concurrent changes to one function queue rather than race); reads take no lock
//!   ([`SharedRegistry::read_named`]). So every process answers every request, `RevisionId` preconditions hold
//!   across processes and version numbers are never reused. `ListFunctions` reads every
//!   function in one consistent snapshot.
//! * `Invoke` and function-URL calls are answered by a local service that a
//!   [`StoreFollower`] keeps in step with the store (change notifications, then a
//!   re-read of the changed function), so the version choice stays lock-free and local.
//!   An alias update reaches every process's invocations within the notification delay.
//! * Event source mapping operations, and tag operations on a mapping's ARN, run on a
//!   registry holding every function and mapping of the scope
//!   ([`SharedRegistry::execute_mappings`], [`SharedRegistry::read_mappings`]): the
//!   mappings one of them created, changed or deleted are committed, and mapping changes
//!   of all processes take turns.
//!
//! The database sessions are a small pool; a request waits for a free one, and the
//! blocking store calls run on the runtime's blocking threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper::body::Bytes;
use lambda_versioning::store::{SharedRegistry, StoreFollower};
use lambda_versioning::wire::{Operation, Service, error_response, function_url_id, route};
use lambda_versioning::{Error, ErrorKind, RegistryBuilder};
use tokio::sync::Semaphore;

/// Builds the registries of the store's scope.
pub type Make = Arc<dyn Fn() -> RegistryBuilder + Send + Sync>;

/// The shared backend.
pub struct Shared {
    pool: Mutex<Vec<SharedRegistry>>,
    free: Semaphore,
    local: Arc<Service>,
    make: Make,
    max_body_bytes: usize,
    stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

/// What a control-plane request works on in the store.
enum Target {
    /// The one function it names.
    Function(String),
    /// Every function (`ListFunctions`).
    AllFunctions,
    /// Every mapping (and function): the event source mapping operations, and tag
    /// operations on a mapping.
    Mappings,
}

/// Whether a tag operation's resource is an event source mapping's ARN.
fn names_a_mapping(resource: Option<&str>) -> bool {
    resource.is_some_and(|arn| arn.contains(":event-source-mapping:"))
}

impl Shared {
    /// Connects `sessions` control-plane sessions and a follower, and starts the
    /// follower's thread (it stops when [`Shared::stop`] is called).
    ///
    /// # Errors
    ///
    /// The store cannot be reached.
    pub fn connect(
        url: &str,
        sessions: usize,
        make: Make,
        max_body_bytes: usize,
    ) -> Result<Shared, Error> {
        let mut pool = Vec::with_capacity(sessions);
        for _ in 0..sessions {
            let make = Arc::clone(&make);
            pool.push(SharedRegistry::connect(url, move || make())?);
        }
        let local = Arc::new(
            Service::builder(make().build())
                .settle_immediately()
                .max_body_bytes(max_body_bytes)
                .build(),
        );
        let follower_make = Arc::clone(&make);
        let mut follower =
            StoreFollower::connect_replica(url, move || follower_make(), Arc::clone(&local))?
                .with_resync_every(Duration::from_secs(30));
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("store-follower".to_owned())
            .spawn(move || {
                let mut failing = false;
                while !stopped.load(Ordering::Acquire) {
                    match follower.poll(Duration::from_millis(200)) {
                        Ok(_) if failing => {
                            failing = false;
                            tracing::info!("store follower reconnected");
                        }
                        Ok(_) => {}
                        Err(e) => {
                            if !failing {
                                tracing::warn!(error = %e, "store follower lost the store; retrying");
                            }
                            failing = true;
                            std::thread::sleep(Duration::from_millis(100));
                        }
                    }
                }
            })
            .map_err(|e| Error::new(ErrorKind::Service, format!("cannot start the follower: {e}")))?;
        Ok(Shared {
            free: Semaphore::new(pool.len()),
            pool: Mutex::new(pool),
            local,
            make,
            max_body_bytes,
            stop,
        })
    }

    /// The local service that answers invocations.
    pub fn local(&self) -> &Arc<Service> {
        &self.local
    }

    /// Stops the follower thread.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Release);
    }

    /// Answers one request.
    pub async fn answer(self: Arc<Self>, request: http::Request<Bytes>) -> http::Response<Vec<u8>> {
        let url_call = function_url_id(&request).is_some();
        let Some(route) = route(request.method(), request.uri().path()) else {
            return self.local.handle(request);
        };
        if url_call || route.operation == Operation::Invoke {
            return self.local.handle(request);
        }
        let changes = route.operation.changes_state();
        let tags = matches!(
            route.operation,
            Operation::TagResource | Operation::UntagResource | Operation::ListTags
        );
        let target = if route.operation == Operation::ListFunctions {
            Target::AllFunctions
        } else if route.operation.is_account_wide()
            || (tags && names_a_mapping(route.resource.as_deref()))
        {
            Target::Mappings
        } else {
            // A request naming no valid function is answered by the service's own
            // validation, on an empty registry, without the store.
            match route.function(request.body()) {
                Some(name) => Target::Function(name.as_str().to_owned()),
                None => return self.scratch_service().handle(request),
            }
        };
        let Ok(_permit) = self.free.acquire().await else {
            return unavailable("the server is stopping");
        };
        let this = Arc::clone(&self);
        let outcome =
            tokio::task::spawn_blocking(move || this.answer_blocking(&target, changes, request))
                .await;
        outcome.unwrap_or_else(|e| unavailable(&e.to_string()))
    }

    fn scratch_service(&self) -> Service {
        Service::builder((self.make)().build())
            .settle_immediately()
            .max_body_bytes(self.max_body_bytes)
            .build()
    }

    fn answer_blocking(
        &self,
        target: &Target,
        changes: bool,
        request: http::Request<Bytes>,
    ) -> http::Response<Vec<u8>> {
        let Some(mut session) = self
            .pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
        else {
            return unavailable("no free store session");
        };
        let (parts, body) = request.into_parts();
        let run = |registry: lambda_versioning::Registry| {
            let service = Service::builder(registry)
                .settle_immediately()
                .max_body_bytes(self.max_body_bytes)
                .build();
            let response = service.handle(http::Request::from_parts(parts.clone(), body.clone()));
            (service.into_registry(), response)
        };
        let op = |registry: &mut lambda_versioning::Registry| {
            let taken = std::mem::replace(registry, (self.make)().build());
            let (back, response) = run(taken);
            *registry = back;
            Ok(response)
        };
        let outcome = match target {
            Target::AllFunctions => session.load_all().map(|registry| run(registry).1),
            Target::Function(name) if changes => session.execute_named(name, op),
            Target::Function(name) => session.read_named(name, op),
            Target::Mappings if changes => session.execute_mappings(op),
            Target::Mappings => session.read_mappings(op),
        };
        self.pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(session);
        outcome.unwrap_or_else(|e| error_response(&e))
    }
}

fn unavailable(problem: &str) -> http::Response<Vec<u8>> {
    error_response(&Error::new(
        ErrorKind::Service,
        format!("lambda-versioning-server: {problem}"),
    ))
}
