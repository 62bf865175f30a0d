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

/// How many ids one batch holds: 16 make 576 bytes, which the system allocator serves
/// from its small per-thread caches (64 made a 2.3 KB buffer, whose allocation cost
/// more than the ids it saved).
const IDS_PER_BATCH: usize = 16;
/// The length of a hyphenated UUID.
const UUID_TEXT_LEN: usize = uuid::fmt::Hyphenated::LENGTH;

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

/// The two lower-case hexadecimal digits of each byte value.
static HEX_PAIRS: [[u8; 2]; 256] = hex_pairs();

const fn hex_pairs() -> [[u8; 2]; 256] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        pairs[b] = [DIGITS[b >> 4], DIGITS[b & 15]];
        b += 1;
    }
    pairs
}

/// Where each of a UUID's 16 bytes starts in its hyphenated text (8-4-4-4-12 digits).
const BYTE_AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/// Writes `bytes` as a lower-case hyphenated UUID into `out` (36 bytes): the text
/// `uuid`'s `encode_lower` writes, a table read per byte instead of a digit lookup per
/// half-byte (the uuid crate's own formatter took a third of an id's cost here).
fn write_hyphenated(bytes: &[u8; 16], out: &mut [u8]) {
    let Some(out) = out.get_mut(..UUID_TEXT_LEN) else {
        return;
    };
    for (&b, &at) in bytes.iter().zip(BYTE_AT.iter()) {
        out[at..at + 2].copy_from_slice(&HEX_PAIRS[usize::from(b)]);
    }
    for at in [8, 13, 18, 23] {
        out[at] = b'-';
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::{IDS_PER_BATCH, UUID_TEXT_LEN, fresh_ids, next_request_id, write_hyphenated};

    /// A lower-case hyphenated version-4 UUID with the RFC 4122 variant.
    fn assert_uuid_v4(text: &str) {
        let parsed = uuid::Uuid::parse_str(text).expect("uuid");
        assert_eq!(parsed.get_version_num(), 4, "{text}");
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122, "{text}");
        assert_eq!(parsed.hyphenated().to_string(), text);
    }

    proptest::proptest! {
        /// The table writer spells every UUID as the uuid crate does.
        #[test]
        fn hyphenated_text_is_the_uuid_crates(bytes in proptest::prelude::any::<[u8; 16]>()) {
            let mut out = [0u8; UUID_TEXT_LEN];
            write_hyphenated(&bytes, &mut out);
            let expected = uuid::Uuid::from_bytes(bytes).hyphenated().to_string();
            proptest::prop_assert_eq!(std::str::from_utf8(&out).unwrap(), expected.as_str());
        }
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
