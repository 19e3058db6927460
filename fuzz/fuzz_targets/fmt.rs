//! `fmt` round trip: formatting twice changes nothing, and formatting never
//! changes a verdict (nor whether the workspace loads). The input is a rule
//! file and, after a NUL byte, a YAML fact file.
#![no_main]
use claimcheck::load::FileKind;
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let p = common::split(data, 2);
    let once = claimcheck::fmt::format(&p[0]);
    let twice = claimcheck::fmt::format(&once);
    assert_eq!(once, twice, "formatting is idempotent");
    let before = common::run(&[
        ("r.claims", FileKind::Rules, &p[0]),
        ("f.yaml", FileKind::Yaml, &p[1]),
    ]);
    let after = common::run(&[
        ("r.claims", FileKind::Rules, &once),
        ("f.yaml", FileKind::Yaml, &p[1]),
    ]);
    match (&before, &after) {
        (common::Outcome::Checked(a), common::Outcome::Checked(b)) => {
            let verdicts = |v: &Vec<(u32, claimcheck::Verdict, Option<bool>)>| {
                v.iter().map(|x| (x.1, x.2)).collect::<Vec<_>>()
            };
            assert_eq!(verdicts(a), verdicts(b), "formatting changed a verdict");
        }
        (common::Outcome::Failed(_), common::Outcome::Failed(_)) => {}
        _ => panic!("formatting changed whether the workspace loads: {before:?} vs {after:?}"),
    }
});
