//! The one value type: an `Interval` of exact decimals (i128 scaled by
//! 10^18) or day numbers, with open, closed and infinite `Bound`s and an
//! optional `Unit`; containment, overlap and how bounds are shown.

use std::fmt;

use super::*;

/// 10^18: one unit of a number.
pub const SCALE: i128 = 1_000_000_000_000_000_000;
/// Most decimal places a written number may have.
pub const MAX_DECIMALS: usize = 15;
/// Largest magnitude a number may have (10^20).
pub const MAX_NUMBER: i128 = 100_000_000_000_000_000_000 * SCALE;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    Infinite,
    Closed(Wide),
    Open(Wide),
}

/// An `i128` kept at 8-byte alignment (`repr(packed(8))`; an `i128` wants
/// 16). A bound is then 24 bytes instead of 32, and a value (an interval
/// and its text) 80 instead of 112: a million facts hold hundreds of
/// thousands of values. Read it with [`Wide::get`]; it is never borrowed.
#[repr(C, packed(8))]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Wide(i128);

impl Wide {
    pub fn get(self) -> i128 {
        self.0
    }
}

impl From<i128> for Wide {
    fn from(v: i128) -> Wide {
        Wide(v)
    }
}

impl fmt::Debug for Wide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        fmt::Debug::fmt(&v, f)
    }
}

/// The unit a number is written in. Dates and plain numbers have none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Percent,
    Dollar,
    Euro,
    Pound,
}

impl Unit {
    /// The unit's name in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Dollar => "dollar",
            Unit::Euro => "euro",
            Unit::Pound => "pound",
        }
    }

    /// A number in this unit, the way reports write it: `3.06%`,
    /// `$27.36 trillion`, `-€5 billion`.
    pub fn show(unit: Option<Unit>, x: i128) -> String {
        match unit {
            None => format_number(x),
            Some(Unit::Percent) => format!("{}%", format_number(x)),
            Some(u) => {
                let sign = match u {
                    Unit::Dollar => "$",
                    Unit::Euro => "€",
                    _ => "£",
                };
                let minus = if x < 0 { "-" } else { "" };
                let a = x.abs();
                let big = [
                    (1_000_000_000_000i128, "trillion"),
                    (1_000_000_000, "billion"),
                    (1_000_000, "million"),
                ];
                match big.iter().find(|(m, _)| a >= m * SCALE) {
                    // Exact: a scaled number has 18 decimals, a shown one at
                    // most 15 + 12, so dividing by 10^12 loses nothing shown.
                    Some((m, word)) if a % m == 0 => {
                        format!("{minus}{sign}{} {word}", format_number(a / m))
                    }
                    _ => format!("{minus}{sign}{}", format_number(a)),
                }
            }
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An interval of numbers (scaled by `SCALE`, in `unit`) or of days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    pub lo: Bound,
    pub hi: Bound,
    /// `None` for dates and for numbers written without a unit.
    pub unit: Option<Unit>,
}

// Lower bounds order by where they start; upper bounds by where they end.
pub(super) fn lo_key(b: Bound) -> (i8, i128, i8) {
    match b {
        Bound::Infinite => (-1, 0, 0),
        Bound::Closed(v) => (0, v.get(), 0),
        Bound::Open(v) => (0, v.get(), 1),
    }
}
pub(super) fn hi_key(b: Bound) -> (i8, i128, i8) {
    match b {
        Bound::Infinite => (1, 0, 0),
        Bound::Closed(v) => (0, v.get(), 1),
        Bound::Open(v) => (0, v.get(), 0),
    }
}

impl Interval {
    /// Every value, in every unit: what a value left out stands for.
    pub const ALL: Interval = Interval {
        lo: Bound::Infinite,
        hi: Bound::Infinite,
        unit: None,
    };

    pub fn point(v: i128) -> Interval {
        Interval::closed(v, v)
    }
    pub fn closed(a: i128, b: i128) -> Interval {
        Interval {
            lo: Bound::Closed(a.into()),
            hi: Bound::Closed(b.into()),
            unit: None,
        }
    }
    pub(super) fn new(lo: Bound, hi: Bound) -> Interval {
        Interval { lo, hi, unit: None }
    }
    /// The same bounds in `unit`.
    pub fn with_unit(self, unit: Option<Unit>) -> Interval {
        Interval { unit, ..self }
    }

    /// Unbounded on both sides: every value of every unit.
    pub fn is_all(&self) -> bool {
        self.lo == Bound::Infinite && self.hi == Bound::Infinite
    }

    /// Whether the two can be compared at all: the same unit (or none on
    /// both), or one of them is every value.
    pub fn comparable(&self, other: &Interval) -> bool {
        self.unit == other.unit || self.is_all() || other.is_all()
    }

    pub fn is_empty(&self) -> bool {
        match (self.lo, self.hi) {
            (Bound::Infinite, _) | (_, Bound::Infinite) => false,
            (Bound::Closed(a), Bound::Closed(b)) => a.get() > b.get(),
            (Bound::Closed(a) | Bound::Open(a), Bound::Closed(b) | Bound::Open(b)) => {
                a.get() >= b.get()
            }
        }
    }

    /// Every value of `self` is in `other`. Values of different units are
    /// never contained in each other.
    pub fn subset_of(&self, other: &Interval) -> bool {
        if !self.comparable(other) {
            return false;
        }
        if self.is_empty() {
            return true;
        }
        lo_key(self.lo) >= lo_key(other.lo) && hi_key(self.hi) <= hi_key(other.hi)
    }

    pub fn intersection(&self, other: &Interval) -> Interval {
        let lo = if lo_key(self.lo) >= lo_key(other.lo) {
            self.lo
        } else {
            other.lo
        };
        let hi = if hi_key(self.hi) <= hi_key(other.hi) {
            self.hi
        } else {
            other.hi
        };
        Interval {
            lo,
            hi,
            unit: self.unit,
        }
    }

    /// Not disjoint: they share a value, or their units differ (so nothing
    /// can be said either way).
    pub fn overlaps(&self, other: &Interval) -> bool {
        !self.disjoint(other)
    }

    /// No value in common, within one unit. Values of different units are
    /// never disjoint.
    pub fn disjoint(&self, other: &Interval) -> bool {
        self.comparable(other) && self.intersection(other).is_empty()
    }

    /// Writes the interval in mathematical notation, the unit on each bound:
    /// `(14000, ∞)`, `[3.06%, 3.74%]`, `($27 trillion, ∞)`.
    pub fn display(&self, kind: ValueKind) -> String {
        let v = |x: i128| match kind {
            ValueKind::Number => Unit::show(self.unit, x),
            ValueKind::Date => format_day(x),
        };
        let lo = match self.lo {
            Bound::Infinite => "(−∞".to_string(),
            Bound::Closed(x) => format!("[{}", v(x.get())),
            Bound::Open(x) => format!("({}", v(x.get())),
        };
        let hi = match self.hi {
            Bound::Infinite => "∞)".to_string(),
            Bound::Closed(x) => format!("{}]", v(x.get())),
            Bound::Open(x) => format!("{})", v(x.get())),
        };
        format!("{lo}, {hi}")
    }
}

/// A scaled number in plain decimal notation.
pub fn format_number(x: i128) -> String {
    let neg = x < 0;
    let a = x.unsigned_abs();
    let int = a / SCALE as u128;
    let frac = a % SCALE as u128;
    let mut s = int.to_string();
    if frac != 0 {
        let f = format!("{frac:018}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    if neg {
        s.insert(0, '-');
    }
    s
}
