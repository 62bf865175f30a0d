//! AWS Lambda function versioning and aliases, with every rule the real service enforces.
//!
//! PLACEHOLDER
#![warn(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod arn;
mod clock;
mod config;
mod error;
mod function;
mod names;
pub mod registry;
mod revision;
mod routing;
mod status;
mod validate;

pub use arn::{FunctionArn, FunctionRef, FunctionRefForm};
pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use config::{Architecture, Code, FunctionConfig};
pub use error::{Component, Error, ErrorKind, ParseError, ParseErrorReason};
pub use names::{AccountId, AliasName, FunctionName, Partition, Qualifier, Region, RevisionId, Version, VersionNumber};
pub use registry::{Lifecycle, Registry, RegistryBuilder, VersionNumbering};
pub use revision::{RandomRevisionIds, RevisionIdSource, SeededRevisionIds};
pub use routing::{AliasRouting, Weight};
pub use status::{LastUpdateStatus, State, VersionStatus};
pub use validate::NamePattern;
