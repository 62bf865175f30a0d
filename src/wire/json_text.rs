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

/// Appends a JSON string whose text `write` appends: quoted, and escaped as serde
/// escapes it when the text needs it (the names written here never do: they are
/// validated, so the check is one pass over the bytes).
pub(super) fn push_string_with(out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    out.push(b'"');
    let start = out.len();
    write(out);
    if any_needs_escape(&out[start..]) {
        let text = String::from_utf8_lossy(&out[start..]).into_owned();
        out.truncate(start - 1);
        push_escaped(out, &text);
    } else {
        out.push(b'"');
    }
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
    let _ = serde_json::to_writer(&mut *out, &value);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{push_f64, push_string, push_string_with};

    proptest! {
        /// Strings are serde's, whatever they hold.
        #[test]
        fn strings_are_serdes(text in any::<String>()) {
            let expected = serde_json::to_vec(&text).unwrap();
            let mut out = Vec::new();
            push_string(&mut out, &text);
            prop_assert_eq!(&out, &expected);
            let mut out = b"[".to_vec();
            push_string_with(&mut out, |o| o.extend_from_slice(text.as_bytes()));
            prop_assert_eq!(&out[1..], &expected[..]);
        }

        /// Weights are serde's numbers.
        #[test]
        fn numbers_are_serdes(value in 0.0f64..=1.0) {
            let mut out = Vec::new();
            push_f64(&mut out, value);
            prop_assert_eq!(out, serde_json::to_vec(&value).unwrap());
        }
    }
}
