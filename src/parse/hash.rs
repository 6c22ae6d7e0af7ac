//! Deterministic hashing of strings and feature tuples.
//!
//! Owns the only hash functions the models use: a feature is the hash of its template and its
//! values, and that hash indexes the weight tables. They must give the same value on every
//! machine and every run (a model trained here is read there), so nothing here is seeded at
//! random. It must not know what a feature means: templates live with the model that uses them.

/// Multiplier of the golden ratio, a good odd constant for multiplicative mixing.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The finaliser of MurmurHash3: spreads every input bit over every output bit, so that both the
/// low bits (the slot of a feature) and the high bits (its fingerprint) are usable.
pub(crate) const fn finish(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^= x >> 33;
    x
}

/// Folds `value` into `state`; the order of values matters, so `(a, b)` and `(b, a)` differ.
pub(crate) const fn combine(state: u64, value: u64) -> u64 {
    (state.rotate_left(26) ^ value).wrapping_mul(GOLDEN)
}

/// The hash of a byte string (FNV-1a, then finished).
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut state: u64 = 0xCBF2_9CE4_8422_2325;
    for &byte in bytes {
        state ^= u64::from(byte);
        state = state.wrapping_mul(0x0000_0100_0000_01B3);
    }
    finish(state ^ bytes.len() as u64)
}

/// The hash of a string.
pub(crate) fn hash_str(text: &str) -> u64 {
    hash_bytes(text.as_bytes())
}

/// The feature made of a template number and one value.
pub(crate) const fn feature1(template: u64, a: u64) -> u64 {
    finish(combine(combine(GOLDEN, template), a))
}

/// The feature made of a template number and two values.
pub(crate) const fn feature2(template: u64, a: u64, b: u64) -> u64 {
    finish(combine(combine(combine(GOLDEN, template), a), b))
}

/// The feature made of a template number and three values.
pub(crate) const fn feature3(template: u64, a: u64, b: u64, c: u64) -> u64 {
    finish(combine(
        combine(combine(combine(GOLDEN, template), a), b),
        c,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_fixed_across_runs_and_machines() {
        // A model trained elsewhere is only readable if these never change.
        assert_eq!(hash_str("Russia"), 0xed7f_177b_d59a_0fca);
        assert_eq!(feature2(1, 2, 3), 0xf2e9_3ee4_a374_8632);
        assert_eq!(hash_str(""), hash_bytes(b""));
        assert_ne!(feature2(1, 2, 3), feature2(1, 3, 2));
        assert_ne!(feature1(1, 2), feature1(2, 2));
        assert_ne!(hash_str("ab"), hash_str("ba"));
    }
}
