//! `--data-dir`: the in-memory service, with every acknowledged change journaled first.
//!
//! A request whose operation changes state ([`Operation::changes_state`](lambda_versioning::wire::Operation::changes_state)) runs under the
//! writer lock: the service answers, and if the answer is a success the changed state is
//! appended to the journal — the function's whole record, or the whole registry for an
//! account-wide change (event source mappings). Holding the lock from the change to the
//! append keeps the journal in the order the changes were made. The fsync happens after
//! the lock is released and covers every record written meanwhile (group commit); the
//! answer leaves only once its record is on disk. Reads and `Invoke` never wait for the
//! writer lock.
//!
//! When a record cannot be written or synced, that request is answered with a
//! `ServiceException` and the journal is marked failed: every later change is refused the
//! same way (reads go on) until the server is restarted, which rebuilds the state from
//! what is on disk.

use std::fs::File;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use hyper::body::Bytes;
use lambda_versioning::wire::{Route, Service, error_response, function_url_id, route};
use lambda_versioning::{Error, ErrorKind};

use crate::journal::{Entry, Journal};

/// The durable backend.
#[derive(Debug)]
pub struct Durable {
    service: Arc<Service>,
    writer: Mutex<Journal>,
    syncer: Mutex<File>,
    /// Records appended so far (the sequence number of the last one).
    appended: AtomicU64,
    /// Records known to be on disk.
    synced: AtomicU64,
    failed: AtomicBool,
    compact_bytes: u64,
}

impl Durable {
    /// The backend over a recovered service and its journal.
    ///
    /// # Errors
    ///
    /// The journal's file handle could not be duplicated.
    pub fn new(
        service: Arc<Service>,
        journal: Journal,
        compact_bytes: u64,
    ) -> std::io::Result<Durable> {
        let syncer = journal.syncer()?;
        Ok(Durable {
            service,
            writer: Mutex::new(journal),
            syncer: Mutex::new(syncer),
            appended: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            failed: AtomicBool::new(false),
            compact_bytes,
        })
    }

    /// The service.
    pub fn service(&self) -> &Arc<Service> {
        &self.service
    }

    /// The route of a request that may change state (and so must go through
    /// [`Durable::change`]); `None` for reads, `Invoke` and function-URL calls.
    pub fn change_route(request: &http::Request<Bytes>) -> Option<Route> {
        if function_url_id(request).is_some() {
            return None; // a function URL invocation: data plane
        }
        route(request.method(), request.uri().path()).filter(|r| r.operation.changes_state())
    }

    /// Answers a request that may change state (`route` is its
    /// [`Durable::change_route`]); blocks on the journal (run it where blocking is
    /// allowed).
    pub fn change(&self, request: http::Request<Bytes>, route: &Route) -> http::Response<Vec<u8>> {
        if self.failed.load(Ordering::Acquire) {
            return journal_unavailable("an earlier write to the journal failed");
        }
        let function = route.function(request.body());
        let account_wide = route.operation.is_account_wide();
        let (sequence, response) = {
            let mut journal = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
            let response = self.service.handle(request);
            if !response.status().is_success() {
                // A refusal changes nothing: nothing to journal.
                return response;
            }
            let entry = match (&function, account_wide) {
                (Some(name), false) => {
                    Entry::Function(self.service.read(|r| r.function_record(name)))
                }
                _ => Entry::Registry(Box::new(self.service.read(|r| r.export()))),
            };
            if let Err(e) = journal.append(&entry) {
                self.failed.store(true, Ordering::Release);
                tracing::error!(error = %e, "journal append failed; refusing changes until restart");
                return journal_unavailable(&e.to_string());
            }
            let sequence = self.appended.fetch_add(1, Ordering::AcqRel) + 1;
            if journal.len() > self.compact_bytes {
                self.compact_locked(&mut journal);
            }
            (sequence, response)
        };
        if let Err(e) = self.sync_through(sequence) {
            self.failed.store(true, Ordering::Release);
            tracing::error!(error = %e, "journal fsync failed; refusing changes until restart");
            return journal_unavailable(&e.to_string());
        }
        response
    }

    /// Makes sure record `sequence` is on disk: one fsync covers every record appended
    /// before it starts.
    fn sync_through(&self, sequence: u64) -> std::io::Result<()> {
        if self.synced.load(Ordering::Acquire) >= sequence {
            return Ok(());
        }
        let file = self.syncer.lock().unwrap_or_else(PoisonError::into_inner);
        if self.synced.load(Ordering::Acquire) >= sequence {
            return Ok(()); // someone else's fsync covered it while we waited
        }
        let covered = self.appended.load(Ordering::Acquire);
        file.sync_data()?;
        self.synced.fetch_max(covered, Ordering::AcqRel);
        Ok(())
    }

    /// Compacts under the writer lock (past the threshold, and at shutdown).
    fn compact_locked(&self, journal: &mut Journal) {
        // Everything appended so far is in the snapshot; make the old journal durable
        // first so that a failed compaction loses nothing.
        let covered = self.appended.load(Ordering::Acquire);
        let outcome = self.service.read(|registry| journal.compact(registry));
        match outcome.and_then(|()| journal.syncer()) {
            Ok(file) => {
                *self.syncer.lock().unwrap_or_else(PoisonError::into_inner) = file;
                self.synced.fetch_max(covered, Ordering::AcqRel);
                tracing::info!(generation = journal.generation(), "journal compacted");
            }
            Err(e) => {
                // The old snapshot and journal are still whole; keep appending to it.
                tracing::warn!(error = %e, "journal compaction failed; will retry");
            }
        }
    }

    /// Compacts now (at a clean shutdown, so the next start loads one snapshot).
    pub fn compact(&self) {
        let mut journal = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if !journal.is_empty() {
            self.compact_locked(&mut journal);
        }
    }
}

fn journal_unavailable(problem: &str) -> http::Response<Vec<u8>> {
    error_response(&Error::new(
        ErrorKind::Service,
        format!("lambda-versioning-server: the change could not be journaled ({problem})"),
    ))
}
