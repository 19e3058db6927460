//! Evidence for one atom: how each fact of its key bears on the claim's
//! values (`classify`, the functional rule in `disjoint_values`), and the
//! `only` facts that leave the atom out (docs/language.md §14).

use super::Evaluator;
use crate::model::*;
use crate::value::{Interval, ValueKind};

/// How one fact bears on one atom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bearing {
    Supports,
    Refutes,
    /// Same key, but its values neither imply nor exclude the claim's.
    Silent,
    /// Left out by the statement's `as of`.
    FilteredOut,
}

/// Why a fact of the atom's key says nothing about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Silence {
    /// Its values neither imply nor exclude the claim's.
    Values,
    /// A value is in another unit than the claim's (values compare only
    /// within one unit).
    Unit,
    /// Its numbers differ, but for other dates than the claim's.
    Dates,
}

/// One fact's bearing on an atom, for `explain`.
#[derive(Clone, Debug)]
pub struct AtomEvidence {
    pub fact: FactId,
    pub tuple: Option<u32>,
    pub bearing: Bearing,
    /// For a silent fact, why.
    pub silence: Option<Silence>,
}

/// How a fact that asserts (or, `negated`, denies) an atom's key with values
/// `stated` bears on a claim of values `claim`, slot by slot:
///
/// - a denial refutes when it covers the claim's values on every slot;
/// - an assertion supports when its values lie within the claim's on every
///   slot;
/// - in a functional relation, an assertion refutes when some value is
///   disjoint from the claim's; when the relation has number slots, its date
///   slots qualify the numbers: only a disjoint number counts, and only when
///   every date slot overlaps (one true number per time).
///
/// Values of different units are neither contained nor disjoint
/// (`Interval::comparable`), so such a slot never supports or refutes.
pub fn classify(
    kinds: &[ValueKind],
    functional: bool,
    negated: bool,
    stated: &[Interval],
    claim: &[Interval],
) -> (Bearing, Option<Silence>) {
    let other_unit = stated.iter().zip(claim).any(|(f, c)| !f.comparable(c));
    let silent = |dates: bool| {
        let why = if other_unit {
            Silence::Unit
        } else if dates {
            Silence::Dates
        } else {
            Silence::Values
        };
        (Bearing::Silent, Some(why))
    };
    if negated {
        if claim.iter().zip(stated).all(|(c, n)| c.subset_of(n)) {
            return (Bearing::Refutes, None);
        }
        return silent(false);
    }
    if stated.iter().zip(claim).all(|(f, c)| f.subset_of(c)) {
        return (Bearing::Supports, None);
    }
    if functional {
        match disjoint_values(kinds, stated, claim) {
            Disjoint::Yes => return (Bearing::Refutes, None),
            Disjoint::OtherDates => return silent(true),
            Disjoint::No => {}
        }
    }
    silent(false)
}

/// Whether two value lists of a functional relation cannot both be true.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disjoint {
    Yes,
    No,
    /// Some number is disjoint, but the dates do not all overlap.
    OtherDates,
}

/// The functional rule: with number slots, some number disjoint while every
/// date overlaps; without, some value disjoint.
pub fn disjoint_values(kinds: &[ValueKind], a: &[Interval], b: &[Interval]) -> Disjoint {
    let has_numbers = kinds.contains(&ValueKind::Number);
    let slots = || kinds.iter().zip(a.iter().zip(b));
    if !has_numbers {
        return if slots().any(|(_, (x, y))| x.disjoint(y)) {
            Disjoint::Yes
        } else {
            Disjoint::No
        };
    }
    let numbers_apart = slots().any(|(k, (x, y))| *k == ValueKind::Number && x.disjoint(y));
    if !numbers_apart {
        Disjoint::No
    } else if slots().all(|(k, (x, y))| *k != ValueKind::Date || x.overlaps(y)) {
        Disjoint::Yes
    } else {
        Disjoint::OtherDates
    }
}

impl Evaluator<'_> {
    /// Every fact with a bearing on the atom: one classification per fact
    /// of its key (`classify`), then the `only` facts that leave it out
    /// (docs/language.md §14).
    pub fn atom_evidence(&self, key: &Key, claim: &[Interval]) -> Vec<AtomEvidence> {
        let rel = &self.model.relations[key.relation as usize];
        let kinds = self.model.value_kinds(key.relation);
        let mut out = Vec::new();
        let mut stated: Vec<Interval> = Vec::with_capacity(claim.len());
        for row in self.model.rows(key) {
            let row = &row;
            let fact = &self.model.facts[row.fact as usize];
            let (bearing, silence) = if !self.counts(fact) {
                (Bearing::FilteredOut, None)
            } else {
                let (tuple, negated) = self.model.tuple(*row);
                stated.clear();
                stated.extend(
                    tuple
                        .values
                        .iter()
                        .map(|v| v.as_ref().map_or(Interval::ALL, |v| v.interval)),
                );
                classify(&kinds, rel.functional, negated, &stated, claim)
            };
            let tuple = matches!(fact.body, FactBody::Only(_)).then_some(row.tuple);
            out.push(AtomEvidence {
                fact: row.fact,
                tuple,
                bearing,
                silence,
            });
        }
        for &fid in self
            .model
            .closed_worlds
            .get(&key.relation)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let fact = &self.model.facts[fid as usize];
            let FactBody::Only(only) = &fact.body else {
                continue;
            };
            let (members, listed_keys) = (&only.members, &only.listed_keys);
            let inside = key.args.iter().all(|a| match a {
                KeyArg::Entity(e) => members.contains(e),
                KeyArg::Text(_) => true,
            });
            if inside && !listed_keys.contains(key) {
                let bearing = if self.counts(fact) {
                    Bearing::Refutes
                } else {
                    Bearing::FilteredOut
                };
                out.push(AtomEvidence {
                    fact: fid,
                    tuple: None,
                    bearing,
                    silence: None,
                });
            }
        }
        out
    }
}
