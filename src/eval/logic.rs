//! Belnap–Dunn four-valued logic (docs/language.md §14): a claim is told true, told
//! false, both or neither. Pure functions, no evidence: the evaluator pairs
//! these bits with the facts behind them.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    Supported,
    Refuted,
    Contested,
    Unknown,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::Supported,
        Verdict::Refuted,
        Verdict::Contested,
        Verdict::Unknown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::Refuted => "refuted",
            Verdict::Contested => "contested",
            Verdict::Unknown => "unknown",
        }
    }

    pub fn parse(word: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.name() == word)
    }

    pub fn from_bits(b: Bits) -> Verdict {
        match (b.told_true, b.told_false) {
            (true, false) => Verdict::Supported,
            (false, true) => Verdict::Refuted,
            (true, true) => Verdict::Contested,
            (false, false) => Verdict::Unknown,
        }
    }

    pub fn bits(self) -> Bits {
        let (t, f) = match self {
            Verdict::Supported => (true, false),
            Verdict::Refuted => (false, true),
            Verdict::Contested => (true, true),
            Verdict::Unknown => (false, false),
        };
        Bits {
            told_true: t,
            told_false: f,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The two bits of a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Bits {
    pub told_true: bool,
    pub told_false: bool,
}

impl std::ops::Not for Bits {
    type Output = Bits;
    /// `not A`: the bits swap.
    fn not(self) -> Bits {
        Bits {
            told_true: self.told_false,
            told_false: self.told_true,
        }
    }
}

impl Bits {
    pub fn and(self, o: Bits) -> Bits {
        Bits {
            told_true: self.told_true && o.told_true,
            told_false: self.told_false || o.told_false,
        }
    }
    pub fn or(self, o: Bits) -> Bits {
        Bits {
            told_true: self.told_true || o.told_true,
            told_false: self.told_false && o.told_false,
        }
    }
    /// The identity of `and` (what `every` gives over no bindings).
    pub const TRUE: Bits = Bits {
        told_true: true,
        told_false: false,
    };
    /// The identity of `or` (what `some` gives over no bindings).
    pub const FALSE: Bits = Bits {
        told_true: false,
        told_false: true,
    };
    /// `self` carries at least the information of `o` (the information order).
    pub fn knows_at_least(self, o: Bits) -> bool {
        (self.told_true || !o.told_true) && (self.told_false || !o.told_false)
    }
}
