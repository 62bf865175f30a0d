//! `x-amzn-RequestId` values: random (version 4) UUIDs in lower-case hyphenated text,
//! as the service sends them.
//!
//! Each thread writes them [`IDS_PER_BATCH`] at a time into one shared buffer and hands
//! out 36-byte slices of it, so an answer's id costs a reference count rather than a
//! random draw, a formatting pass and an allocation of its own. The buffer is freed when
//! the last answer holding one of its ids is dropped (at most
//! `IDS_PER_BATCH * UUID_TEXT_LEN` bytes per batch).

use std::cell::RefCell;

use bytes::Bytes;
use http::HeaderValue;

use crate::uuid_text::{UUID_TEXT_LEN, write_hyphenated};

/// How many ids one batch holds: 16 make 576 bytes, which the system allocator serves
/// from its small per-thread caches (64 made a 2.3 KB buffer, whose allocation cost
/// more than the ids it saved).
const IDS_PER_BATCH: usize = 16;

thread_local! {
    /// This thread's ids not yet handed out, back to back.
    static UNUSED: RefCell<Bytes> = const { RefCell::new(Bytes::new()) };
}

/// A fresh request id.
pub(super) fn next_request_id() -> HeaderValue {
    let pooled = UNUSED.try_with(|cell| {
        let mut unused = cell.try_borrow_mut().ok()?;
        if unused.len() < UUID_TEXT_LEN {
            *unused = fresh_ids(IDS_PER_BATCH);
        }
        Some(unused.split_to(UUID_TEXT_LEN))
    });
    let text = match pooled {
        Ok(Some(text)) => text,
        // Thread teardown or a re-entrant call: one id on its own.
        _ => fresh_ids(1),
    };
    // Hyphenated hexadecimal is always a valid header value; the fallback only keeps
    // this function free of a panic path.
    HeaderValue::from_maybe_shared(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `count` new ids (at most [`IDS_PER_BATCH`]), back to back.
fn fresh_ids(count: usize) -> Bytes {
    let mut random = [[0u8; 16]; IDS_PER_BATCH];
    let random = &mut random[..count.min(IDS_PER_BATCH)];
    rand::fill(random.as_flattened_mut());
    let mut text = vec![0u8; random.len() * UUID_TEXT_LEN];
    for (bytes, out) in random.iter().zip(text.chunks_exact_mut(UUID_TEXT_LEN)) {
        let id = uuid::Builder::from_random_bytes(*bytes).into_uuid();
        write_hyphenated(id.as_bytes(), out);
    }
    Bytes::from(text)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::{IDS_PER_BATCH, fresh_ids, next_request_id};

    /// A lower-case hyphenated version-4 UUID with the RFC 4122 variant.
    fn assert_uuid_v4(text: &str) {
        let parsed = uuid::Uuid::parse_str(text).expect("uuid");
        assert_eq!(parsed.get_version_num(), 4, "{text}");
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122, "{text}");
        assert_eq!(parsed.hyphenated().to_string(), text);
    }

    /// Ids across several batches and several threads are UUIDs and all distinct.
    #[test]
    fn request_ids_are_distinct_v4_uuids_across_batches_and_threads() {
        let per_thread = IDS_PER_BATCH * 3 + 5;
        let threads: Vec<_> = (0..3)
            .map(|_| {
                std::thread::spawn(move || {
                    (0..per_thread)
                        .map(|_| next_request_id().to_str().expect("ascii").to_owned())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut seen = HashSet::new();
        for thread in threads {
            for id in thread.join().expect("thread") {
                assert_uuid_v4(&id);
                assert!(seen.insert(id.clone()), "{id} twice");
            }
        }
        assert_eq!(seen.len(), 3 * per_thread);
        assert_uuid_v4(std::str::from_utf8(&fresh_ids(1)).expect("ascii"));
    }
}
