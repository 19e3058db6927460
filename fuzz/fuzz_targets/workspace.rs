//! A whole workspace checked in memory: the input is split at NUL bytes into
//! a rule file, a YAML fact file, a JSONL fact file and a second rule file.
#![no_main]
use claimcheck::load::FileKind;
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let p = common::split(data, 4);
    common::run(&[
        ("a.claims", FileKind::Rules, &p[0]),
        ("facts.yaml", FileKind::Yaml, &p[1]),
        ("facts.jsonl", FileKind::Jsonl, &p[2]),
        ("z.claims", FileKind::Rules, &p[3]),
    ]);
});
