//! JSON text written by hand for the answers on the hot path, byte for byte what
//! `serde_json` writes for the same values (each writer is tested against serde).

/// Whether `serde_json` escapes byte `b` inside a string (quote, backslash, control).
fn needs_escape(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// Whether any byte of `text` needs escaping: a pass without early exit, which the
/// compiler turns into wide compares (the texts here are short and rarely need it).
fn any_needs_escape(text: &[u8]) -> bool {
    text.iter().fold(false, |found, &b| found | needs_escape(b))
}

/// Appends a JSON string whose text `write` appends, quoted and not scanned: for text
/// made only of parts the crate validated (ARNs: partition, region, account, function
/// and qualifier names), which never needs escaping. Debug builds check that it does not.
pub(super) fn push_plain_string_with(out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    out.push(b'"');
    let start = out.len();
    write(out);
    debug_assert!(
        !any_needs_escape(&out[start..]),
        "validated text needs no escaping: {:?}",
        String::from_utf8_lossy(&out[start..])
    );
    out.push(b'"');
}

/// Appends `text` as a JSON string.
pub(super) fn push_string(out: &mut Vec<u8>, text: &str) {
    if any_needs_escape(text.as_bytes()) {
        push_escaped(out, text);
    } else {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
}

/// Appends `text` as serde writes a string that needs escaping.
fn push_escaped(out: &mut Vec<u8>, text: &str) {
    // Writing into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// Appends `value` as serde writes an `f64`.
pub(super) fn push_f64(out: &mut Vec<u8>, value: f64) {
    // Writing into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, &value);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{push_f64, push_plain_string_with, push_string};

    proptest! {
        /// Strings are serde's, whatever they hold.
        #[test]
        fn strings_are_serdes(text in any::<String>()) {
            let expected = serde_json::to_vec(&text).unwrap();
            let mut out = Vec::new();
            push_string(&mut out, &text);
            prop_assert_eq!(&out, &expected);
        }

        /// Validated text (ARN characters) written unscanned is serde's string too.
        #[test]
        fn plain_strings_are_serdes(text in "[a-zA-Z0-9:_.$-]{0,80}") {
            let mut out = b"[".to_vec();
            push_plain_string_with(&mut out, |o| o.extend_from_slice(text.as_bytes()));
            prop_assert_eq!(&out[1..], &serde_json::to_vec(&text).unwrap()[..]);
        }

        /// Any number, finite or not, is serde's text.
        #[test]
        fn any_numbers_are_serdes(value in any::<f64>()) {
            let mut out = b"[".to_vec();
            push_f64(&mut out, value);
            prop_assert_eq!(&out[1..], &serde_json::to_vec(&value).unwrap()[..]);
        }
    }

    /// Debug builds catch text that would have needed escaping.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "validated text needs no escaping")]
    fn plain_strings_that_need_escaping_are_caught_in_debug_builds() {
        push_plain_string_with(&mut Vec::new(), |o| o.extend_from_slice(b"a\"b"));
    }
}
