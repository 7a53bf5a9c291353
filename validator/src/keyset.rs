//! Member names seen in one JSON object, for duplicate detection in linear time.
//!
//! A handful of names is compared in a small vector (the usual case: an unknown column or two);
//! past [`SMALL`] names the set moves to a hash set, so a hostile object with 100,000 members
//! costs O(n) rather than O(n²) comparisons, which would stall a run for hours.

use std::collections::HashSet;

/// Names kept in the vector before the set switches to hashing.
pub const SMALL: usize = 16;

/// A set of byte strings, small-vector first, hashed when it grows.
#[derive(Debug, Default)]
pub struct KeySet {
    small: Vec<Vec<u8>>,
    /// Created only when the set first outgrows [`SMALL`] (a `HashSet` with random keys costs a
    /// thread-local read to create, which the per-record sets of the usual case need not pay).
    large: Option<HashSet<Vec<u8>>>,
}

impl KeySet {
    /// An empty set (allocates nothing).
    pub fn new() -> KeySet {
        KeySet::default()
    }

    /// Adds `key`; `false` when it was already in the set.
    pub fn insert(&mut self, key: &[u8]) -> bool {
        let large = match &mut self.large {
            Some(large) if !large.is_empty() => large,
            _ => {
                if self.small.iter().any(|k| k.as_slice() == key) {
                    return false;
                }
                if self.small.len() < SMALL {
                    self.small.push(key.to_vec());
                    return true;
                }
                let large = self.large.get_or_insert_with(HashSet::new);
                large.extend(self.small.drain(..));
                large
            }
        };
        large.insert(key.to_vec())
    }

    /// Empties the set, keeping its allocations.
    #[inline]
    pub fn clear(&mut self) {
        self.small.clear();
        if let Some(large) = &mut self.large {
            large.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_small_and_large() {
        let mut set = KeySet::new();
        assert!(set.insert(b"a"));
        assert!(!set.insert(b"a"));
        for i in 0..10_000 {
            assert!(set.insert(format!("k{i}").as_bytes()), "{i}");
        }
        assert!(
            !set.insert(b"a"),
            "a name from the small phase is still found"
        );
        assert!(!set.insert(b"k9999"));
        set.clear();
        assert!(set.insert(b"a"));
    }

    #[test]
    fn past_small_names_the_set_hashes() {
        // Linear time is shown end to end by hostile case 67 (200,000 members); here, the switch.
        let mut set = KeySet::new();
        for i in 0..=SMALL {
            assert!(set.insert(format!("member{i}").as_bytes()));
        }
        assert!(set.small.is_empty());
        assert_eq!(set.large.as_ref().map(HashSet::len), Some(SMALL + 1));
        assert!(!set.insert(b"member0"));
    }
}
