//! `lambda-versioning-server`: an AWS Lambda control-plane endpoint built on the
//! [`lambda_versioning`] library, for emulators, test tools and self-hosted platforms.
//!
//! It serves the library's [`wire::Service`](lambda_versioning::wire::Service) — every
//! operation the library supports, with the service's rules, statuses and messages — over
//! HTTP/1.1 with hyper on tokio ([`http`]), keeping state in one of three places
//! ([`backend::Backend`]):
//!
//! * in memory (the default; lost at exit);
//! * in a data directory (`--data-dir`, [`journal`] and [`durable`]): every acknowledged
//!   change is fsynced to a journal before its answer leaves, and the state is rebuilt
//!   at start;
//! * in PostgreSQL (`--store`, [`shared`]): several processes share one database, any of
//!   them answers any request.
//!
//! The binary is a thin `main` over [`run`]; the modules are public so that tests and
//! the load benchmark's floor server reuse the same HTTP stack.
//!
//! ```no_run
//! use clap::Parser as _;
//! let options = lambda_versioning_server::Options::parse_from([
//!     "lambda-versioning-server", "--addr", "127.0.0.1:0", "--data-dir", "/tmp/lv-state",
//! ]);
//! std::process::exit(lambda_versioning_server::run(options));
//! ```

pub mod backend;
pub mod durable;
pub mod http;
pub mod journal;
mod options;
pub mod shared;
mod start;

pub use options::{LogFormat, Options};
pub use start::run;
