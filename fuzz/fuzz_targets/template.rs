//! Template compile-and-match: the first line is a relation's template(s),
//! the rest are claims read against it (and an entity or two to fill slots).
#![no_main]
use claimcheck::load::FileKind;
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (template, claims) = text.split_once('\n').unwrap_or((&text, ""));
    let mut rules = String::from(
        "entity Russia (country) aka RU\nentity North Korea (country)\ngroup g = Russia, North Korea\n",
    );
    rules.push_str("relation r: ");
    rules.push_str(template);
    rules.push('\n');
    for c in claims.lines() {
        rules.push_str("check: ");
        rules.push_str(c);
        rules.push('\n');
    }
    common::run(&[("t.claims", FileKind::Rules, &rules)]);
});
