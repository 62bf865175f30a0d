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

/// Appends `value` as serde writes an `f64`. A finite value's text is kept per thread
/// ([`WEIGHT_TEXT`]): the weights of an alias's routing are the same from one answer to
/// the next, and formatting one costs about ten times copying its text.
pub(super) fn push_f64(out: &mut Vec<u8>, value: f64) {
    if !value.is_finite() {
        write_f64(out, value);
        return;
    }
    let bits = value.to_bits();
    let slot = memo_slot(bits);
    let kept = WEIGHT_TEXT
        .try_with(|memo| {
            let memo = memo.try_borrow().ok()?;
            memo.get(slot)
                .copied()
                .flatten()
                .filter(|kept| kept.bits == bits)
        })
        .ok()
        .flatten();
    if let Some(kept) = kept {
        out.extend_from_slice(kept.text());
        return;
    }
    let start = out.len();
    write_f64(out, value);
    let Some(kept) = KeptText::new(bits, &out[start..]) else {
        return;
    };
    let _ = WEIGHT_TEXT.try_with(|memo| {
        if let Ok(mut memo) = memo.try_borrow_mut()
            && let Some(entry) = memo.get_mut(slot)
        {
            *entry = Some(kept);
        }
    });
}

/// Appends `value` as serde writes it.
fn write_f64(out: &mut Vec<u8>, value: f64) {
    // Writing into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, &value);
}

/// How many numbers each thread keeps the text of.
const MEMO_SLOTS: usize = 16;
/// The longest text kept; serde's shortest spelling of a finite `f64` is at most 24
/// bytes (`-2.2250738585072014e-308`).
const KEPT_TEXT_MAX: usize = 24;

/// A number's bits and the text serde wrote for it.
#[derive(Clone, Copy)]
struct KeptText {
    bits: u64,
    len: u8,
    text: [u8; KEPT_TEXT_MAX],
}

impl KeptText {
    fn new(bits: u64, written: &[u8]) -> Option<KeptText> {
        let mut text = [0; KEPT_TEXT_MAX];
        text.get_mut(..written.len())?.copy_from_slice(written);
        Some(KeptText {
            bits,
            len: u8::try_from(written.len()).ok()?,
            text,
        })
    }

    fn text(&self) -> &[u8] {
        &self.text[..usize::from(self.len).min(KEPT_TEXT_MAX)]
    }
}

/// The slot of a number's bits: the top bits of a multiplicative hash.
fn memo_slot(bits: u64) -> usize {
    // `MEMO_SLOTS` is 16: the top four bits.
    (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize
}

thread_local! {
    /// The text of the numbers this thread wrote lately, one per slot (a newer number of
    /// the same slot replaces the older).
    static WEIGHT_TEXT: std::cell::RefCell<[Option<KeptText>; MEMO_SLOTS]> =
        const { std::cell::RefCell::new([None; MEMO_SLOTS]) };
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

        /// Weights are serde's numbers, written afresh and from the kept text alike.
        #[test]
        fn numbers_are_serdes(value in 0.0f64..=1.0) {
            let expected = serde_json::to_vec(&value).unwrap();
            for _ in 0..2 {
                let mut out = Vec::new();
                push_f64(&mut out, value);
                prop_assert_eq!(&out, &expected);
            }
        }

        /// Any number, finite or not, is serde's text, however many share a slot.
        #[test]
        fn any_numbers_are_serdes(values in proptest::collection::vec(any::<f64>(), 1..64)) {
            for value in values.iter().chain(values.iter().rev()) {
                let mut out = b"[".to_vec();
                push_f64(&mut out, *value);
                prop_assert_eq!(&out[1..], &serde_json::to_vec(value).unwrap()[..]);
            }
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
