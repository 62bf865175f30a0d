//! Injectable `RevisionId` generation, so that a seeded registry replays identically.

use rand::SeedableRng as _;
use rand::rngs::StdRng;

use crate::names::RevisionId;

/// Where the registry takes new revision ids from.
pub trait RevisionIdSource: Send {
    /// A fresh revision id.
    fn next_revision_id(&mut self) -> RevisionId;
}

/// Random version-4 UUIDs from the thread-local generator (the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomRevisionIds;

impl RevisionIdSource for RandomRevisionIds {
    fn next_revision_id(&mut self) -> RevisionId {
        let mut bytes = [0u8; 16];
        rand::fill(&mut bytes);
        RevisionId::from_random_bytes(bytes)
    }
}

/// Version-4 UUIDs drawn from a generator seeded with a fixed value: the same seed gives the
/// same sequence of revision ids on every run of the same crate version.
///
/// ```
/// use lambda_versioning::{RevisionIdSource, SeededRevisionIds};
/// let mut a = SeededRevisionIds::new(7);
/// let mut b = SeededRevisionIds::new(7);
/// assert_eq!(a.next_revision_id(), b.next_revision_id());
/// ```
#[derive(Debug)]
pub struct SeededRevisionIds(StdRng);

impl SeededRevisionIds {
    /// A source seeded with `seed`.
    pub fn new(seed: u64) -> SeededRevisionIds {
        SeededRevisionIds(StdRng::seed_from_u64(seed))
    }
}

impl RevisionIdSource for SeededRevisionIds {
    fn next_revision_id(&mut self) -> RevisionId {
        let mut bytes = [0u8; 16];
        rand::Rng::fill_bytes(&mut self.0, &mut bytes);
        RevisionId::from_random_bytes(bytes)
    }
}
