//! The stable hash behind sticky routing (see [`sticky_point`]).

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64-bit.
pub(crate) fn fnv1a64(state: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(state, |h, &b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME))
}

/// MurmurHash3's 64-bit finalizer.
pub(crate) const fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

/// The point of `key` on `[0, 2^64)` for an alias salted with `salt`: the hash behind
/// sticky routing.
///
/// It is FNV-1a (64-bit) over the 8 little-endian bytes of `salt` followed by the bytes of
/// `key`, finished with MurmurHash3's `fmix64`: fixed arithmetic, the same on every
/// platform, in every process and in every release of this crate (golden-value tests pin
/// it; changing it is a breaking change). A key goes to the additional version when
/// `point >> 1` is below the weight's threshold (`round(weight * 2^63)`), so raising the
/// weight only moves keys from the primary to the additional version, never back, and
/// keys spread in proportion to the weight.
///
/// An alias's salt is [`alias_salt`], so one key does not land in the canary of every
/// alias at once.
///
/// ```
/// use lambda_versioning::{alias_salt, sticky_point};
/// let point = sticky_point(alias_salt("checkout", "live"), b"user-42");
/// assert_eq!(point, sticky_point(alias_salt("checkout", "live"), b"user-42"));
/// ```
pub fn sticky_point(salt: u64, key: &[u8]) -> u64 {
    let h = fnv1a64(FNV_OFFSET, &salt.to_le_bytes());
    fmix64(fnv1a64(h, key))
}

/// The sticky-routing salt of alias `alias` of function `function`: `fmix64` of FNV-1a
/// over eight zero bytes, the function name, `:` and the alias name.
pub fn alias_salt(function: &str, alias: &str) -> u64 {
    let h = fnv1a64(FNV_OFFSET, &0u64.to_le_bytes());
    let h = fnv1a64(h, function.as_bytes());
    let h = fnv1a64(h, b":");
    fmix64(fnv1a64(h, alias.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_known_vectors() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(FNV_OFFSET, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(FNV_OFFSET, b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn fmix64_known_vectors() {
        assert_eq!(fmix64(0), 0);
        assert_eq!(fmix64(1), 0xb456_bcfc_34c2_cb2c);
    }
}
