//! UUIDs as lower-case hyphenated text (`8-4-4-4-12` hexadecimal digits), written by a
//! byte-pair table: the request ids and revision ids of the wire answers.

/// The length of a hyphenated UUID.
pub(crate) const UUID_TEXT_LEN: usize = uuid::fmt::Hyphenated::LENGTH;

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

/// Writes `bytes` as a lower-case hyphenated UUID into `out` (its first 36 bytes; nothing
/// when it is shorter): the text `uuid`'s `encode_lower` writes, with one table read per
/// byte instead of a digit lookup per half-byte (the uuid crate's formatter took a third
/// of a request id's cost).
pub(crate) fn write_hyphenated(bytes: &[u8; 16], out: &mut [u8]) {
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
    use super::{UUID_TEXT_LEN, write_hyphenated};

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
}
