//! The fact index: every tuple of the facts by its key's hash, one sorted
//! vector with a bucket table over it.

use super::{Fact, FactBody, FactId};

/// An index row: a fact and which of its tuples matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub fact: FactId,
    pub tuple: u32,
}

/// Facts by key, as rows sorted by (key hash, fact, tuple): 16 bytes a row,
/// one allocation for all. A lookup goes by the hash's top bits to a bucket
/// of about four rows (`starts`: where each bucket begins, 1 byte a row),
/// binary-searches the bucket, then compares each row's key (rows of one
/// key stay in fact order).
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub(super) rows: Vec<(u64, Row)>,
    /// Bits of the hash that pick a bucket (0: one bucket, no table).
    bits: u32,
    /// `starts[b]`: the first row of bucket `b`; one more entry at the end.
    starts: Vec<u32>,
}

impl Index {
    /// Indexes every tuple of `facts`.
    pub fn build(facts: &[Fact]) -> Index {
        use rayon::prelude::*;
        // One row an atom (written in place, in parallel, into a vector sized
        // once); then the few `only` facts' tuples.
        let only = |f: &Fact| match &f.body {
            FactBody::Only(o) => o.listed.len(),
            FactBody::Atom { .. } => 0,
        };
        let extra: usize = facts.par_iter().map(only).sum();
        let mut rows: Vec<(u64, Row)> = Vec::with_capacity(facts.len() + extra);
        facts
            .par_iter()
            .enumerate()
            .map(|(i, f)| match &f.body {
                FactBody::Atom { tuple, .. } => (
                    tuple.key.hash64(),
                    Row {
                        fact: i as FactId,
                        tuple: 0,
                    },
                ),
                FactBody::Only(_) => (
                    0,
                    Row {
                        fact: FactId::MAX,
                        tuple: u32::MAX,
                    },
                ),
            })
            .collect_into_vec(&mut rows);
        if extra > 0 {
            rows.retain(|(_, r)| r.fact != FactId::MAX);
            for (i, f) in facts.iter().enumerate() {
                if let FactBody::Only(o) = &f.body {
                    rows.extend(o.listed.iter().enumerate().map(|(t, tu)| {
                        (
                            tu.key.hash64(),
                            Row {
                                fact: i as FactId,
                                tuple: t as u32,
                            },
                        )
                    }));
                }
            }
        }
        rows.par_sort_unstable_by_key(|(h, r)| (*h, r.fact, r.tuple));
        // About four rows a bucket; none for small indexes.
        let bits = match u32::try_from(rows.len()) {
            Ok(n) => (n / 4).checked_ilog2().unwrap_or(0).min(24),
            Err(_) => 0,
        };
        let mut starts = Vec::new();
        if bits > 0 {
            starts.reserve((1 << bits) + 1);
            let mut at = 0;
            for b in 0..(1u64 << bits) {
                while at < rows.len() && (rows[at].0 >> (64 - bits)) < b {
                    at += 1;
                }
                starts.push(at as u32);
            }
            starts.push(rows.len() as u32);
        }
        Index { rows, bits, starts }
    }

    /// The rows whose hash is `hash` (of one key or, rarely, several).
    pub(super) fn hashed(&self, hash: u64) -> &[(u64, Row)] {
        let bucket = match self.bits {
            0 => &self.rows[..],
            bits => {
                let b = (hash >> (64 - bits)) as usize;
                &self.rows[self.starts[b] as usize..self.starts[b + 1] as usize]
            }
        };
        let from = bucket.partition_point(|(h, _)| *h < hash);
        let to = from + bucket[from..].partition_point(|(h, _)| *h == hash);
        &bucket[from..to]
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
