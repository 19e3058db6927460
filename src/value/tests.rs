use super::*;
use crate::syntax::lexer::lex;

fn num(s: &str) -> Interval {
    number_phrase(&lex(s, 0).unwrap()).unwrap_or_else(|| panic!("no number: {s}"))
}
fn day(s: &str) -> Interval {
    date_phrase(&lex(s, 0).unwrap()).unwrap_or_else(|| panic!("no date: {s}"))
}
fn n(x: i128) -> i128 {
    x * SCALE
}

#[test]
fn number_forms() {
    assert_eq!(num("14000"), Interval::point(n(14000)));
    assert_eq!(num("14,000"), Interval::point(n(14000)));
    assert_eq!(num("14 thousand"), Interval::point(n(14000)));
    assert_eq!(num("1.5 million"), Interval::point(n(1_500_000)));
    assert_eq!(num("more than 10").lo, Bound::Open(n(10).into()));
    assert_eq!(num("over 10").lo, Bound::Open(n(10).into()));
    assert_eq!(num("at least 10").lo, Bound::Closed(n(10).into()));
    assert_eq!(num("fewer than 10").hi, Bound::Open(n(10).into()));
    assert_eq!(num("under 10").hi, Bound::Open(n(10).into()));
    assert_eq!(num("at most 10").hi, Bound::Closed(n(10).into()));
    assert_eq!(num("between 10 and 20"), Interval::closed(n(10), n(20)));
    assert_eq!(num("about 11000"), Interval::closed(n(9900), n(12100)));
    assert_eq!(
        num("roughly 1.5 million"),
        Interval::closed(n(1_350_000), n(1_650_000))
    );
    assert!(number_phrase(&lex("14,00", 0).unwrap()).is_none());
    assert!(number_phrase(&lex("between 20 and 10", 0).unwrap()).is_none());
}

#[test]
fn about_is_exact_at_its_bounds() {
    let about = num("about 11000");
    assert!(num("between 9900 and 12100").subset_of(&about));
    assert!(about.subset_of(&num("between 9900 and 12100")));
    assert!(!num("between 9899.999 and 12100").subset_of(&about));
    assert!(num("about 0.3").subset_of(&num("between 0.27 and 0.33")));
}

#[test]
fn date_forms() {
    let d = |y, m, dd| day_number(y, m, dd);
    assert_eq!(day("2025-06-23"), Interval::point(d(2025, 6, 23)));
    assert_eq!(day("June 23, 2025"), Interval::point(d(2025, 6, 23)));
    assert_eq!(day("23 June 2025"), Interval::point(d(2025, 6, 23)));
    assert_eq!(day("on Jun 23 2025"), Interval::point(d(2025, 6, 23)));
    assert_eq!(
        day("June 2025"),
        Interval::closed(d(2025, 6, 1), d(2025, 6, 30))
    );
    assert_eq!(
        day("in 2025-02"),
        Interval::closed(d(2025, 2, 1), d(2025, 2, 28))
    );
    assert_eq!(
        day("2024"),
        Interval::closed(d(2024, 1, 1), d(2024, 12, 31))
    );
    assert_eq!(
        day("before June 2025").hi,
        Bound::Closed(d(2025, 5, 31).into())
    );
    assert_eq!(
        day("after June 2025").lo,
        Bound::Closed(d(2025, 7, 1).into())
    );
    // Whole days: nothing is both before 2024 and after 2023.
    assert!(day("before 2024").disjoint(&day("after 2023")));
    assert_eq!(
        day("since June 2025").lo,
        Bound::Closed(d(2025, 6, 1).into())
    );
    assert_eq!(
        day("between March 2023 and June 2025"),
        Interval::closed(d(2023, 3, 1), d(2025, 6, 30))
    );
    assert!(date_phrase(&lex("June 31, 2025", 0).unwrap()).is_none());
    assert!(date_phrase(&lex("June 23", 0).unwrap()).is_none());
    assert_eq!(format_day(d(2025, 6, 23)), "2025-06-23");
}

#[test]
fn interval_relations() {
    let more = num("more than 100");
    let least = num("at least 100");
    assert!(more.subset_of(&least));
    assert!(!least.subset_of(&more));
    assert!(num("fewer than 100").disjoint(&least));
    assert!(!num("at most 100").disjoint(&least));
    assert!(num("at most 100").disjoint(&more));
    assert_eq!(format_number(n(14000)), "14000");
    assert_eq!(format_number(num("about 0.3").lo_value()), "0.27");
}

fn pct(x: &str) -> i128 {
    parse_decimal(x).unwrap()
}

#[test]
fn units_table() {
    let p = Some(Unit::Percent);
    let d = Some(Unit::Dollar);
    let e = Some(Unit::Euro);
    let pound = Some(Unit::Pound);
    for (text, unit, v) in [
        ("3.4%", p, pct("3.4")),
        ("3.4 percent", p, pct("3.4")),
        ("3.4 per cent", p, pct("3.4")),
        ("3.4 PERCENT", p, pct("3.4")),
        ("$27 trillion", d, n(27_000_000_000_000)),
        ("US$5", d, n(5)),
        ("us$5", d, n(5)),
        ("27 trillion dollars", d, n(27_000_000_000_000)),
        ("5 dollar", d, n(5)),
        ("€4.12 trillion", e, n(4_120_000_000_000)),
        ("4.12 trillion euros", e, n(4_120_000_000_000)),
        ("1 euro", e, n(1)),
        ("£40 billion", pound, n(40_000_000_000)),
        ("$3bn", d, n(3_000_000_000)),
        ("3 bn", None, n(3_000_000_000)),
        ("3 tn", None, n(3_000_000_000_000)),
        ("3 Trillion", None, n(3_000_000_000_000)),
        ("-$5bn", d, n(-5_000_000_000)),
        ("−0.4%", p, -pct("0.4")),
        ("-0.3%", p, -pct("0.3")),
        ("14,000", None, n(14000)),
    ] {
        assert_eq!(num(text), Interval::point(v).with_unit(unit), "{text}");
    }
}

#[test]
fn unit_errors() {
    let err = |s: &str| read(ValueKind::Number, &lex(s, 0).unwrap()).unwrap_err();
    assert!(matches!(err("$3%"), ValueError::TwoUnits { .. }));
    assert!(matches!(
        err("$27 trillion dollars"),
        ValueError::TwoUnits { .. }
    ));
    assert!(matches!(err("3% percent"), ValueError::TwoUnits { .. }));
    assert!(matches!(
        err("3bn%"),
        ValueError::MultiplierWithPercent { .. }
    ));
    assert!(matches!(
        err("3% million"),
        ValueError::MultiplierWithPercent { .. }
    ));
    assert_eq!(
        err("3 trilion"),
        ValueError::Misspelt {
            word: "trilion".into(),
            suggestion: "trillion"
        }
    );
    assert_eq!(
        err("3 precent"),
        ValueError::Misspelt {
            word: "precent".into(),
            suggestion: "percent"
        }
    );
    assert_eq!(
        err("between 3% and 4 euros"),
        ValueError::BetweenUnits {
            first: Unit::Percent,
            second: Unit::Euro
        }
    );
    // Other words are ordinary template words, not units.
    assert_eq!(err("3 pounds"), ValueError::NotAPhrase);
    assert_eq!(err("3 usd"), ValueError::NotAPhrase);
    assert_eq!(err("3 points"), ValueError::NotAPhrase);
    assert_eq!(err("$-5"), ValueError::NotAPhrase);
    // A multiplier may come before `percent`.
    assert_eq!(num("3 million percent").unit, Some(Unit::Percent));
}

#[test]
fn unit_bounds_are_exact() {
    let p = Some(Unit::Percent);
    assert_eq!(
        num("about 3.4%"),
        Interval::closed(pct("3.06"), pct("3.74")).with_unit(p)
    );
    assert_eq!(
        num("about 3.4%").display(ValueKind::Number),
        "[3.06%, 3.74%]"
    );
    assert_eq!(
        num("about -2%"),
        Interval::closed(-pct("2.2"), -pct("1.8")).with_unit(p)
    );
    assert_eq!(num("about 3%").display(ValueKind::Number), "[2.7%, 3.3%]");
    // `between 2% and 3%` holds both ends, and nothing past them.
    let b = num("between 2% and 3%");
    assert!(num("2%").subset_of(&b));
    assert!(num("3%").subset_of(&b));
    assert!(num("1.999999%").disjoint(&b));
    assert!(num("3.000001%").disjoint(&b));
    // A unit written once applies to both bounds; a multiplier never does.
    assert_eq!(num("between 3 and 4 percent"), num("between 3% and 4%"));
    assert_eq!(
        num("between 4 and 4.5 trillion euros"),
        Interval::closed(n(4), n(4_500_000_000_000)).with_unit(Some(Unit::Euro))
    );
    let warn = |s: &str| number_warning(&lex(s, 0).unwrap());
    assert!(warn("between 4 and 4.5 trillion euros").is_some());
    assert!(warn("between 4 trillion and 4.5 trillion euros").is_none());
    assert!(warn("between 3 and 4 percent").is_none());
    assert_eq!(
        num("more than $25 trillion").display(ValueKind::Number),
        "($25 trillion, ∞)"
    );
    assert_eq!(
        num("-$5bn").display(ValueKind::Number),
        "[-$5 billion, -$5 billion]"
    );
    assert_eq!(num("£1500").display(ValueKind::Number), "[£1500, £1500]");
}

#[test]
fn values_compare_only_within_one_unit() {
    let three_pct = num("3%");
    let three = num("3");
    let three_usd = num("$3");
    for (a, b) in [
        (three_pct, three),
        (three_pct, three_usd),
        (three, three_usd),
    ] {
        assert!(!a.subset_of(&b) && !b.subset_of(&a));
        assert!(!a.disjoint(&b) && !b.disjoint(&a));
    }
    assert!(!num("more than 3").subset_of(&num("more than 3%")));
    assert!(!num("5%").disjoint(&num("less than 3")));
    // A value left out is every value of every unit.
    assert!(three_pct.subset_of(&Interval::ALL));
    assert!(!Interval::ALL.disjoint(&three_usd));
    assert!(!num("€3").subset_of(&num("$3")));
}

proptest::proptest! {
    /// No text makes value reading panic, and what reads shows.
    #[test]
    fn any_words_read_without_panic(s in "([-−]?(US\\$|\\$|€|£)?[0-9,.]{0,25}(bn|tn|%|bn%)?| |between|and|about|more|than|per|cent|percent|dollars?|euros?|trillion|trilion|million%|[a-z]{1,9}){0,8}") {
        if let Ok(toks) = lex(&s, 0) {
            for kind in [ValueKind::Number, ValueKind::Date] {
                if let Ok(i) = read(kind, &toks) {
                    let _ = i.display(kind);
                }
            }
            let _ = number_warning(&toks);
        }
    }

    /// What reports show of a number reads back as the same number.
    #[test]
    fn shown_numbers_read_back(
        units in 0..5usize,
        whole in -10_000_000_000_000_000i128..10_000_000_000_000_000i128,
        decimals in 0..1000i128,
    ) {
        let unit = [None, Some(Unit::Percent), Some(Unit::Dollar), Some(Unit::Euro), Some(Unit::Pound)][units];
        let x = whole * SCALE + whole.signum() * decimals * (SCALE / 1000);
        let shown = Unit::show(unit, x);
        let back = number_phrase(&lex(&shown, 0).unwrap());
        proptest::prop_assert_eq!(back, Some(Interval::point(x).with_unit(unit)), "{}", shown);
    }
}

impl Interval {
    fn lo_value(&self) -> i128 {
        match self.lo {
            Bound::Closed(v) | Bound::Open(v) => v.get(),
            Bound::Infinite => 0,
        }
    }
}
