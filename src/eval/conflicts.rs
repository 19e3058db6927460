//! Conflicts between sources (docs/language.md §15): pairs of facts where one would
//! refute what the other asserts — a denial covering an assertion's values,
//! functional values with disjoint intervals, or an `only` that leaves an
//! asserted tuple out — unless both have an `as_of` and the two do not overlap.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{FactBody, FactId, Key, KeyArg, Model, Row, Tuple};
use crate::value::Interval;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConflictKind {
    /// A denial whose values cover the assertion's.
    Denial,
    /// A functional relation with disjoint values.
    Values,
    /// An `only` that leaves the asserted tuple out.
    ClosedWorld,
}

impl ConflictKind {
    pub fn name(self) -> &'static str {
        match self {
            ConflictKind::Denial => "denial",
            ConflictKind::Values => "values",
            ConflictKind::ClosedWorld => "only",
        }
    }
}

/// One conflicting pair: `asserted` states the tuple, `against` would refute it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conflict {
    pub asserted: FactId,
    pub against: FactId,
    pub kind: ConflictKind,
    /// The asserted tuple, as a sentence.
    pub sentence: String,
}

fn values(t: &Tuple) -> Vec<Interval> {
    t.values
        .iter()
        .map(|v| v.as_ref().map_or(Interval::ALL, |v| v.interval))
        .collect()
}

fn dated_apart(model: &Model, a: FactId, b: FactId) -> bool {
    match (
        &model.facts[a as usize].as_of,
        &model.facts[b as usize].as_of,
    ) {
        (Some(x), Some(y)) => x.interval.disjoint(&y.interval),
        _ => false,
    }
}

/// Most conflicting pairs listed: past this, the listing stops (and says so)
/// rather than holding every pair of a large contradictory fact set.
pub const MAX_CONFLICTS: usize = 10_000;

/// The conflicts of a workspace.
pub struct Found {
    /// Sorted by sentence, then by the facts' order.
    pub conflicts: Vec<Conflict>,
    /// More conflicts exist than `MAX_CONFLICTS`.
    pub truncated: bool,
}

/// Every conflicting pair, up to `MAX_CONFLICTS`. Keys are visited in sorted
/// order, so a truncated listing is the same on every run.
pub fn find(model: &Model) -> Found {
    let mut out: BTreeSet<Conflict> = BTreeSet::new();
    let keys: Vec<(&Key, Vec<Row>)> = model.keys();
    let full = |out: &BTreeSet<Conflict>| out.len() >= MAX_CONFLICTS;
    let mut truncated = false;
    // Pairs under one key.
    let budget = model.limits.conflicts_per_key;
    'keys: for (key, rows) in &keys {
        let functional = model.relations[key.relation as usize].functional;
        // Pairs examined under this key: many facts on one key cost n²/2
        // pairs, so past the limit the key's listing stops (and says so).
        let mut examined = 0usize;
        for (i, a) in rows.iter().enumerate() {
            for b in &rows[i + 1..] {
                examined += 1;
                if examined > budget {
                    truncated = true;
                    continue 'keys;
                }
                for (x, y) in [(*a, *b), (*b, *a)] {
                    let Some(kind) = refutes(model, x, y, functional) else {
                        continue;
                    };
                    // Disjoint values conflict both ways: list the pair once.
                    let mirrored = kind == ConflictKind::Values && x.fact > y.fact;
                    if mirrored || x.fact == y.fact || dated_apart(model, x.fact, y.fact) {
                        continue;
                    }
                    if full(&out) {
                        truncated = true;
                        break 'keys;
                    }
                    let (tuple, _) = model.tuple(x);
                    out.insert(Conflict {
                        asserted: x.fact,
                        against: y.fact,
                        kind,
                        sentence: model.sentence(tuple),
                    });
                }
            }
        }
    }
    // Asserted tuples that an `only` of their relation leaves out.
    let mut relations: Vec<&u32> = model.closed_worlds.keys().collect();
    relations.sort();
    'only: for rel in relations {
        for &o in &model.closed_worlds[rel] {
            let FactBody::Only(only) = &model.facts[o as usize].body else {
                continue;
            };
            let (members, listed_keys) = (&only.members, &only.listed_keys);
            // Keys examined for this `only`, within the same budget.
            let mut examined = 0usize;
            for (key, rows) in keys.iter().filter(|k| k.0.relation == *rel) {
                examined += 1;
                if examined > budget {
                    truncated = true;
                    break;
                }
                let inside = key.args.iter().all(|a| match a {
                    KeyArg::Entity(e) => members.contains(e),
                    KeyArg::Text(_) => true,
                });
                if !inside || listed_keys.contains(*key) {
                    continue;
                }
                for row in rows {
                    if model.tuple(*row).1 || row.fact == o || dated_apart(model, row.fact, o) {
                        continue;
                    }
                    if full(&out) {
                        truncated = true;
                        break 'only;
                    }
                    let (tuple, _) = model.tuple(*row);
                    out.insert(Conflict {
                        asserted: row.fact,
                        against: o,
                        kind: ConflictKind::ClosedWorld,
                        sentence: model.sentence(tuple),
                    });
                }
            }
        }
    }
    let mut conflicts: Vec<Conflict> = out.into_iter().collect();
    conflicts.sort_by(|a, b| {
        (&a.sentence, a.asserted, a.against).cmp(&(&b.sentence, b.asserted, b.against))
    });
    Found {
        conflicts,
        truncated,
    }
}

/// Would row `y` refute what row `x` asserts?
fn refutes(model: &Model, x: Row, y: Row, functional: bool) -> Option<ConflictKind> {
    let (tx, x_denied) = model.tuple(x);
    let (ty, y_denied) = model.tuple(y);
    if x_denied {
        return None;
    }
    let fx = values(tx);
    let fy = values(ty);
    if y_denied {
        return fx
            .iter()
            .zip(&fy)
            .all(|(c, n)| c.subset_of(n))
            .then_some(ConflictKind::Denial);
    }
    if functional {
        let kinds = model.value_kinds(tx.key.relation);
        if crate::eval::disjoint_values(&kinds, &fx, &fy) == crate::eval::Disjoint::Yes {
            return Some(ConflictKind::Values);
        }
    }
    None
}

/// Conflicts grouped by the asserted sentence (for reports).
pub fn grouped(conflicts: &[Conflict]) -> BTreeMap<&str, Vec<&Conflict>> {
    let mut m: BTreeMap<&str, Vec<&Conflict>> = BTreeMap::new();
    for c in conflicts {
        m.entry(c.sentence.as_str()).or_default().push(c);
    }
    m
}
