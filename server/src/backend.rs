//! Where state lives: in memory, in a data directory, or in PostgreSQL. Each answers the
//! [`Handler`] calls of the HTTP side.

use std::sync::Arc;

use hyper::body::Bytes;
use lambda_versioning::wire::Service;

use crate::durable::Durable;
use crate::http::Handler;
use crate::shared::Shared;

/// The state behind the endpoint.
#[derive(Debug)]
pub enum Backend {
    /// In memory (lost at exit).
    Memory(Arc<Service>),
    /// In memory, journaled to `--data-dir`.
    Durable(Arc<Durable>),
    /// Shared through PostgreSQL (`--store`).
    Shared(Arc<Shared>),
}

impl Backend {
    /// The service that answers (the local one, for `--store`).
    pub fn service(&self) -> &Arc<Service> {
        match self {
            Backend::Memory(service) => service,
            Backend::Durable(durable) => durable.service(),
            Backend::Shared(shared) => shared.local(),
        }
    }

    /// Flushes and stops what runs beside the server (at shutdown).
    pub fn close(&self) {
        match self {
            Backend::Memory(_) => {}
            Backend::Durable(durable) => durable.compact(),
            Backend::Shared(shared) => shared.stop(),
        }
    }
}

impl Handler for Backend {
    fn max_body_bytes(&self) -> usize {
        self.service().max_body_bytes()
    }

    fn body_too_large(&self) -> http::Response<Vec<u8>> {
        self.service().body_too_large()
    }

    async fn answer(self: Arc<Self>, request: http::Request<Bytes>) -> http::Response<Vec<u8>> {
        match &*self {
            Backend::Memory(service) => service.handle(request),
            Backend::Durable(durable) => match Durable::change_route(&request) {
                None => durable.service().handle(request),
                Some(route) => {
                    let durable = Arc::clone(durable);
                    tokio::task::spawn_blocking(move || durable.change(request, &route))
                        .await
                        .unwrap_or_else(|e| {
                            lambda_versioning::wire::error_response(&lambda_versioning::Error::new(
                                lambda_versioning::ErrorKind::Service,
                                format!("lambda-versioning-server: {e}"),
                            ))
                        })
                }
            },
            Backend::Shared(shared) => Arc::clone(shared).answer(request).await,
        }
    }
}
