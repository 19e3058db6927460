//! Values: numbers and dates as intervals, numbers with their units
//! (docs/language.md §9, §10).
//!
//! Numbers are exact decimals, stored as integers scaled by 10^18 in an
//! `i128`, so `about 11000` is exactly [9900, 12100]. Dates are day numbers
//! (days since 1970-01-01). Both live on one ordered line, so one `Interval`
//! type with open, closed and infinite bounds serves both. A number may carry
//! one unit (`3.4%`, `$27 trillion`, `€4.12 trillion`, `£40 billion`); values
//! compare only within one unit, and the unbounded interval (a value left
//! out) stands for every value in every unit. This module owns every rule
//! about units: how they are written, read, compared and shown.
//!
//! The parts: `interval.rs` (bounds, units, the `Interval` type),
//! `number.rs` (number phrases), `date.rs` (date phrases and the calendar);
//! this file reads a phrase of either kind and gives the warnings.

mod date;
mod interval;
mod number;
#[cfg(test)]
mod tests;

pub use date::*;
pub use interval::*;
pub use number::*;

use std::fmt;

use crate::syntax::lexer::{Token, TokenKind};

/// What kind of value a slot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    Number,
    Date,
}

/// Why words are not a value phrase, when it can be said more precisely
/// than "not a number phrase".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// Not a value phrase of the kind; nothing more specific to say.
    NotAPhrase,
    /// Two unit markers on one number (`$3%`, `$27 trillion dollars`).
    TwoUnits { number: String },
    /// A multiplier next to `%` (`3bn%`, `3% million`).
    MultiplierWithPercent { number: String },
    /// `between 3% and 4 euros`.
    BetweenUnits { first: Unit, second: Unit },
    /// A near miss of a multiplier or unit word.
    Misspelt {
        word: String,
        suggestion: &'static str,
    },
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueError::NotAPhrase => f.write_str("not a value phrase"),
            ValueError::TwoUnits { number } => write!(
                f,
                "`{number}` has two unit markers; a number takes one: a sign (`$`, `US$`, `€`, `£`), `%`, or one unit word"
            ),
            ValueError::MultiplierWithPercent { number } => write!(
                f,
                "`{number}`: a multiplier cannot stand next to `%` (write `3%`, or `3 million percent`)"
            ),
            ValueError::BetweenUnits { first, second } => write!(
                f,
                "the bounds of `between` have two different units, {first} and {second}; values compare only within one unit"
            ),
            ValueError::Misspelt { word, suggestion } => write!(
                f,
                "`{word}` is not a multiplier or unit word; did you mean `{suggestion}`?"
            ),
        }
    }
}

pub(super) fn words(toks: &[Token]) -> Option<Vec<&str>> {
    toks.iter()
        .map(|t| match t.kind {
            TokenKind::Word => Some(t.norm.as_str()),
            TokenKind::Comma => Some(","),
            _ => None,
        })
        .collect()
}

impl ValueKind {
    /// What a phrase of this kind must be, for error messages.
    pub fn wants(self) -> &'static str {
        match self {
            ValueKind::Number => {
                "a number phrase (up to 10^20, at most 15 decimals; as in `14000`, `more than 14,000`, `about 1.5 million`, `3.4%`, `$27.36 trillion`)"
            }
            ValueKind::Date => {
                "a date phrase (a real day, month or year; as in `June 2025`, `2025-06-23`, `before 2024`)"
            }
        }
    }
}

/// Whether a phrase of `kind` could start with this token: a digit, or a word
/// that value phrases begin with. Used only to explain a failed match.
pub fn starts_like(kind: ValueKind, t: &Token) -> bool {
    if t.kind != TokenKind::Word {
        return false;
    }
    let w = t.norm.as_str();
    let digit =
        w.starts_with(|c: char| c.is_ascii_digit() || "-−$€£".contains(c)) || w.starts_with("us$");
    match kind {
        ValueKind::Number => {
            digit
                || [
                    "more", "over", "at", "fewer", "less", "under", "between", "about", "around",
                    "roughly",
                ]
                .contains(&w)
        }
        ValueKind::Date => {
            digit
                || month_of(w).is_some()
                || ["on", "in", "before", "after", "since", "between"].contains(&w)
        }
    }
}

/// Parses a value phrase of the given kind.
pub fn phrase(kind: ValueKind, toks: &[Token]) -> Option<Interval> {
    match kind {
        ValueKind::Number => number_phrase(toks),
        ValueKind::Date => date_phrase(toks),
    }
}

/// Parses a value phrase of the given kind, saying what is wrong when it can.
pub fn read(kind: ValueKind, toks: &[Token]) -> Result<Interval, ValueError> {
    match kind {
        ValueKind::Number => read_number_words(&words(toks).ok_or(ValueError::NotAPhrase)?),
        ValueKind::Date => date_phrase(toks).ok_or(ValueError::NotAPhrase),
    }
}

/// Whether `toks[i]` belongs to a number that ends right before it (a
/// multiplier, a unit word, `per cent`): a number keeps what follows it, so
/// a value may not end before such a word.
pub fn kept_by_number(toks: &[Token], i: usize) -> bool {
    let Some(t) = toks.get(i) else { return false };
    let next = toks.get(i + 1).map(|t| t.norm.as_str());
    t.kind == TokenKind::Word && belongs_to_number(&t.norm, next)
}

/// Whether the word could be the digits of a number (`3.4%`, `$5`, `-2`).
pub fn is_number_word(word: &str) -> bool {
    !matches!(number_word(word), Ok(None))
}

fn value_warnings(v: &crate::model::Value, out: &mut Vec<String>) {
    // Only `between` phrases can warn: skip lexing every other value.
    let between = v
        .text
        .get(..8)
        .is_some_and(|w| w.eq_ignore_ascii_case("between "));
    if !between {
        return;
    }
    if let Ok(toks) = crate::syntax::lexer::lex(&v.text, 0) {
        out.extend(number_warning(&toks));
    }
}

/// Warnings for the value phrases of one claim (a multiplier on one bound of
/// `between`), each at its atom.
pub fn claim_warnings(
    claim: &crate::model::Claim,
    file: crate::diag::FileId,
) -> Vec<crate::diag::Diagnostic> {
    use crate::diag::{Diagnostic, ErrorKind};
    use crate::model::{Arg, Claim};
    fn walk(c: &Claim, file: crate::diag::FileId, out: &mut Vec<Diagnostic>) {
        match c {
            Claim::Atom(a) => {
                let mut found = Vec::new();
                for arg in &a.args {
                    if let Arg::Value(Some(v)) = arg {
                        value_warnings(v, &mut found);
                    }
                }
                out.extend(found.into_iter().map(|message| {
                    Diagnostic::new(file, a.span, ErrorKind::OneBoundMultiplier { message })
                }));
            }
            Claim::Not(c) => walk(c, file, out),
            Claim::And(all) | Claim::Or(all) => all.iter().for_each(|c| walk(c, file, out)),
            Claim::Quant { body, .. } => walk(body, file, out),
        }
    }
    let mut out = Vec::new();
    walk(claim, file, &mut out);
    out
}

/// Warnings for value phrases of the workspace that read, but maybe not as
/// meant (a multiplier on one bound of `between`), in claims and facts.
pub fn warnings(model: &crate::model::Model) -> Vec<crate::diag::Diagnostic> {
    use crate::diag::{Diagnostic, ErrorKind};
    use crate::model::FactBody;
    use rayon::prelude::*;
    // In parallel (a large workspace has millions of facts), in order.
    let mut out = Vec::new();
    for d in &model.definitions {
        if let Some(body) = &d.body {
            out.extend(claim_warnings(body, d.loc.file));
        }
    }
    out.par_extend(
        model
            .assertions
            .par_iter()
            .flat_map_iter(|a| claim_warnings(&a.claim, a.file)),
    );
    out.par_extend(model.facts.par_iter().flat_map_iter(|f| {
        let tuples = match &f.body {
            FactBody::Atom { tuple, .. } => std::slice::from_ref(tuple),
            FactBody::Only(o) => o.listed.as_slice(),
        };
        let mut found = Vec::new();
        for t in tuples {
            for v in t.values.iter().flatten() {
                value_warnings(v, &mut found);
            }
        }
        found.into_iter().map(|message| {
            Diagnostic::new(
                f.loc.file,
                f.loc.span,
                ErrorKind::OneBoundMultiplier { message },
            )
        })
    }));
    out
}

/// Hints for a claim whose number is in a unit that no fact of its relation
/// uses in that slot (`more than 3` where every fact says `3.4%`): such a
/// claim can only be unknown, and the user should see why.
pub fn unit_hints(model: &crate::model::Model, claim: &crate::model::Claim) -> Vec<String> {
    use crate::model::{Arg, Claim, FactBody, Target};
    use std::collections::BTreeSet;
    fn atoms<'c>(c: &'c Claim, out: &mut Vec<&'c crate::model::Atom>) {
        match c {
            Claim::Atom(a) => out.push(a),
            Claim::Not(c) => atoms(c, out),
            Claim::And(all) | Claim::Or(all) => all.iter().for_each(|c| atoms(c, out)),
            Claim::Quant { body, .. } => atoms(body, out),
        }
    }
    let name = |u: Option<Unit>| u.map_or("plain numbers (no unit)", |u| u.name());
    let mut found = Vec::new();
    atoms(claim, &mut found);
    let mut hints = Vec::new();
    for atom in found {
        let Target::Relation(rel) = atom.target else {
            continue;
        };
        let slots = model.value_slots(rel);
        let relation = &model.relations[rel as usize];
        let written: Vec<_> = atom
            .args
            .iter()
            .filter(|a| matches!(a, Arg::Value(_)))
            .collect();
        for (k, ((slot, kind), arg)) in slots.iter().zip(written).enumerate() {
            let (ValueKind::Number, Arg::Value(Some(v))) = (kind, arg) else {
                continue;
            };
            let mut units: BTreeSet<Option<Unit>> = BTreeSet::new();
            for f in &model.facts {
                let tuples = match &f.body {
                    FactBody::Atom { tuple, .. } => std::slice::from_ref(tuple),
                    FactBody::Only(o) => o.listed.as_slice(),
                };
                for t in tuples.iter().filter(|t| t.key.relation == rel) {
                    if let Some(Some(fv)) = t.values.get(k) {
                        units.insert(fv.interval.unit);
                    }
                }
            }
            if !units.is_empty() && !units.contains(&v.interval.unit) {
                let used: Vec<&str> = units.iter().map(|u| name(*u)).collect();
                let has = match v.interval.unit {
                    Some(u) => format!("is in {}", u.name()),
                    None => "has no unit".to_string(),
                };
                hints.push(format!(
                    "`{}` {has}, but the facts of relation `{}` state {{{}}} in {}: values compare only within one unit, so none of them supports or refutes `{}`",
                    v.text,
                    relation.name,
                    relation.slots[*slot].name,
                    used.join(", "),
                    atom.text,
                ));
            }
        }
    }
    hints
}

/// The longest a value phrase can be, in tokens (`between June 23 , 2025 and June 24 , 2025`).
pub const MAX_PHRASE_TOKENS: usize = 11;

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueKind::Number => "number",
            ValueKind::Date => "date",
        })
    }
}
