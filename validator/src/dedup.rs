//! Duplicate primary keys across a run, in bounded, documented memory.
//!
//! DAP delivers `web_logs` at least once, so the same `id` can appear twice; that is a
//! `duplicate_key` warning, and whether the two records are byte-identical (a harmless
//! redelivery) or conflicting (same id, different content) is worth telling apart.
//!
//! **What is stored**: per distinct key, one 16-byte slot: a 96-bit fingerprint of the key (for a
//! uuid key, a hash of its 128-bit value, so `A…` and `a…` are the same key) and a 32-bit hash of
//! the record's text. The table is split into 256 shards that grow independently (doubling at
//! 7/8 load), so growth never holds two copies of the whole table: memory is about
//! 16 bytes / load ≈ 18-37 bytes per distinct key (≈ 27 MB per million keys).
//! That is the one part of the validator that grows with the input, linearly in distinct keys.
//!
//! **Error rates**: two different keys are taken for one with probability about n²/2⁹⁷ (n keys:
//! 10⁻¹³ for a billion keys); a conflicting duplicate is called identical with probability 2⁻³².

/// What [`DuplicateKeys::insert`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// The key is new.
    First,
    /// The key was seen before, with byte-identical record text.
    Identical,
    /// The key was seen before, with different record text.
    Conflicting,
}

const SHARDS: usize = 256;
const INITIAL_SHARD_SLOTS: usize = 64;

/// The set of keys seen so far in a run.
#[derive(Debug)]
pub struct DuplicateKeys {
    shards: Vec<Shard>,
}

#[derive(Debug, Default)]
struct Shard {
    /// `[fingerprint high 64 bits, fingerprint low 32 bits << 32 | record hash]`; `[0, _]` is empty.
    slots: Vec<[u64; 2]>,
    len: usize,
}

impl Default for DuplicateKeys {
    fn default() -> Self {
        DuplicateKeys::new()
    }
}

impl DuplicateKeys {
    /// An empty set (nothing is allocated until the first insert into a shard).
    pub fn new() -> DuplicateKeys {
        DuplicateKeys {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
        }
    }

    /// Records `key` (a 128-bit key hash, see [`KeyFingerprint`]) with `record_hash`.
    pub fn insert(&mut self, key: u128, record_hash: u64) -> Seen {
        let high = (key >> 64) as u64 | 1; // never 0: 0 marks an empty slot
        let low32 = key as u64 & 0xFFFF_FFFF;
        let packed = (low32 << 32) | (record_hash & 0xFFFF_FFFF);
        let shard_index = (high >> 56) as usize % SHARDS;
        let Some(shard) = self.shards.get_mut(shard_index) else {
            return Seen::First;
        };
        shard.insert(high, packed)
    }

    /// Reads the home slot of each of `keys` before they are inserted, so that the cache misses
    /// of a batch overlap instead of coming one insert at a time (a safe stand-in for a prefetch;
    /// the result only keeps the loads from being optimised away).
    pub fn warm(&self, keys: impl Iterator<Item = u128>) -> u64 {
        let mut seen = 0u64;
        for key in keys {
            let high = (key >> 64) as u64 | 1;
            let Some(shard) = self.shards.get((high >> 56) as usize % SHARDS) else {
                continue;
            };
            let mask = shard.slots.len().wrapping_sub(1);
            if let Some(slot) = shard.slots.get((high as usize) & mask) {
                seen ^= slot[0];
            }
        }
        std::hint::black_box(seen)
    }

    /// Bytes held by the table (for documentation and tests).
    pub fn allocated_bytes(&self) -> usize {
        self.shards.iter().map(|s| s.slots.capacity() * 16).sum()
    }
}

impl Shard {
    fn insert(&mut self, high: u64, packed: u64) -> Seen {
        if (self.len + 1) * 8 > self.slots.len() * 7 {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = (high as usize) & mask;
        loop {
            let Some(slot) = self.slots.get_mut(i) else {
                return Seen::First;
            };
            if slot[0] == 0 {
                *slot = [high, packed];
                self.len += 1;
                return Seen::First;
            }
            if slot[0] == high && slot[1] >> 32 == packed >> 32 {
                return if slot[1] as u32 == packed as u32 {
                    Seen::Identical
                } else {
                    Seen::Conflicting
                };
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let new_len = (self.slots.len() * 2).max(INITIAL_SHARD_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![[0, 0]; new_len]);
        let mask = new_len - 1;
        for entry in old.into_iter().filter(|e| e[0] != 0) {
            let mut i = (entry[0] as usize) & mask;
            while let Some(slot) = self.slots.get_mut(i) {
                if slot[0] == 0 {
                    *slot = entry;
                    break;
                }
                i = (i + 1) & mask;
            }
        }
    }
}

/// Builds a record's 128-bit key fingerprint from its key columns' values.
#[derive(Debug, Clone, Copy)]
pub struct KeyFingerprint {
    a: u64,
    b: u64,
}

impl Default for KeyFingerprint {
    fn default() -> Self {
        KeyFingerprint::new()
    }
}

impl KeyFingerprint {
    /// An empty fingerprint.
    pub fn new() -> KeyFingerprint {
        KeyFingerprint {
            a: 0x9E37_79B9_7F4A_7C15,
            b: 0xC2B2_AE3D_27D4_EB4F,
        }
    }

    /// Adds a 128-bit value (a uuid).
    pub fn add_u128(&mut self, value: u128) {
        self.add_u64((value >> 64) as u64);
        self.add_u64(value as u64);
    }

    /// Adds bytes (any other key type, by its text).
    pub fn add_bytes(&mut self, bytes: &[u8]) {
        self.add_u64(record_hash(bytes));
        self.add_u64(bytes.len() as u64);
    }

    fn add_u64(&mut self, v: u64) {
        self.a = mix(self.a ^ v);
        self.b = mix(self.b.rotate_left(29) ^ v.wrapping_mul(0xFF51_AFD7_ED55_8CCD));
    }

    /// The 128-bit fingerprint.
    pub fn finish(self) -> u128 {
        (u128::from(mix(self.a ^ self.b.rotate_left(17))) << 64) | u128::from(self.b)
    }
}

/// A 64-bit finaliser (splitmix64's).
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fast 64-bit hash of a record's bytes (not cryptographic): four independent lanes of 8 bytes
/// each per step, so the multiplications overlap, then the tail, then a finaliser.
#[inline]
pub fn record_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9FB2_1C65_1E98_DF25;
    let mut lanes = [
        0x243F_6A88_85A3_08D3 ^ bytes.len() as u64,
        0x1319_8A2E_0370_7344,
        0xA409_3822_299F_31D0,
        0x082E_FA98_EC4E_6C89,
    ];
    let word = |chunk: &[u8]| {
        let mut w = [0u8; 8];
        if let Some(dst) = w.get_mut(..chunk.len()) {
            dst.copy_from_slice(chunk);
        }
        u64::from_le_bytes(w)
    };
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (lane, chunk) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            *lane = (lane.rotate_left(23) ^ word(chunk)).wrapping_mul(K);
        }
    }
    let mut h = mix(lanes[0])
        ^ mix(lanes[1]).rotate_left(16)
        ^ mix(lanes[2]).rotate_left(32)
        ^ mix(lanes[3]).rotate_left(48);
    for chunk in blocks.remainder().chunks(8) {
        h = (h.rotate_left(23) ^ word(chunk) ^ chunk.len() as u64).wrapping_mul(K);
    }
    mix(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u128) -> u128 {
        let mut f = KeyFingerprint::new();
        f.add_u128(n);
        f.finish()
    }

    #[test]
    fn first_identical_conflicting() {
        let mut set = DuplicateKeys::new();
        assert_eq!(set.insert(key(1), record_hash(b"a")), Seen::First);
        assert_eq!(set.insert(key(2), record_hash(b"a")), Seen::First);
        assert_eq!(set.insert(key(1), record_hash(b"a")), Seen::Identical);
        assert_eq!(set.insert(key(1), record_hash(b"b")), Seen::Conflicting);
    }

    #[test]
    fn many_keys_survive_growth_in_bounded_memory() {
        let mut set = DuplicateKeys::new();
        for i in 0..200_000u128 {
            assert_eq!(set.insert(key(i), i as u64), Seen::First, "{i}");
        }
        for i in (0..200_000u128).step_by(997) {
            assert_eq!(set.insert(key(i), i as u64), Seen::Identical);
        }
        // 16 bytes a slot, load between 7/16 and 7/8: under 40 bytes a key.
        assert!(
            set.allocated_bytes() < 200_000 * 40,
            "{}",
            set.allocated_bytes()
        );
    }

    #[test]
    fn record_hash_sees_every_byte() {
        let base = b"0123456789abcdefXYZ".to_vec();
        let h = record_hash(&base);
        for i in 0..base.len() {
            let mut changed = base.clone();
            changed[i] ^= 1;
            assert_ne!(record_hash(&changed), h, "{i}");
        }
        assert_ne!(record_hash(b""), record_hash(b"\0"));
    }
}
