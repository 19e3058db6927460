//! Property tests of the four-valued logic and of evidence-carrying outcomes.

use claimcheck::eval::Outcome;
use claimcheck::logic::{Bits, Verdict};
use proptest::prelude::*;
use std::ops::Not;

fn bits() -> impl Strategy<Value = Bits> {
    (any::<bool>(), any::<bool>()).prop_map(|(t, f)| Bits {
        told_true: t,
        told_false: f,
    })
}

fn outcome() -> impl Strategy<Value = Outcome> {
    (
        bits(),
        proptest::collection::vec(0u32..6, 0..3),
        proptest::collection::vec(0u32..6, 0..3),
    )
        .prop_map(|(b, mut s, mut r)| {
            s.sort();
            s.dedup();
            r.sort();
            r.dedup();
            // Evidence exists exactly when its bit is set, as the evaluator builds it.
            if !b.told_true {
                s.clear();
            } else if s.is_empty() {
                s.push(0);
            }
            if !b.told_false {
                r.clear();
            } else if r.is_empty() {
                r.push(1);
            }
            Outcome {
                bits: b,
                support: s,
                refute: r,
            }
        })
}

proptest! {
    #[test]
    fn double_negation(a in bits()) {
        prop_assert_eq!(a.not().not(), a);
    }

    #[test]
    fn de_morgan(a in bits(), b in bits()) {
        prop_assert_eq!(a.and(b).not(), a.not().or(b.not()));
        prop_assert_eq!(a.or(b).not(), a.not().and(b.not()));
    }

    #[test]
    fn commutative_and_associative(a in bits(), b in bits(), c in bits()) {
        prop_assert_eq!(a.and(b), b.and(a));
        prop_assert_eq!(a.or(b), b.or(a));
        prop_assert_eq!(a.and(b).and(c), a.and(b.and(c)));
        prop_assert_eq!(a.or(b).or(c), a.or(b.or(c)));
    }

    #[test]
    fn monotone_in_the_information_order(a in bits(), a2 in bits(), b in bits()) {
        // More information in, at least as much information out.
        prop_assume!(a2.knows_at_least(a));
        prop_assert!(a2.and(b).knows_at_least(a.and(b)));
        prop_assert!(a2.or(b).knows_at_least(a.or(b)));
        prop_assert!(a2.not().knows_at_least(a.not()));
    }

    #[test]
    fn identities(a in bits()) {
        prop_assert_eq!(Bits::TRUE.and(a), a);
        prop_assert_eq!(Bits::FALSE.or(a), a);
    }

    #[test]
    fn evidence_follows_the_bits(a in outcome(), b in outcome()) {
        for o in [a.clone().and(b.clone()), a.clone().or(b.clone()), a.clone().not()] {
            prop_assert_eq!(o.bits.told_true, !o.support.is_empty());
            prop_assert_eq!(o.bits.told_false, !o.refute.is_empty());
        }
        prop_assert_eq!(a.clone().not().not(), a.clone());
        prop_assert_eq!(a.clone().and(b.clone()), b.clone().and(a.clone()));
    }
}

#[test]
fn verdict_table() {
    // docs/language.md §14's table, row by row.
    let v = |t, f| {
        Verdict::from_bits(Bits {
            told_true: t,
            told_false: f,
        })
    };
    assert_eq!(v(true, false), Verdict::Supported);
    assert_eq!(v(false, true), Verdict::Refuted);
    assert_eq!(v(true, true), Verdict::Contested);
    assert_eq!(v(false, false), Verdict::Unknown);
    for x in Verdict::ALL {
        assert_eq!(Verdict::from_bits(x.bits()), x);
    }
}
