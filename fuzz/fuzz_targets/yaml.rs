//! YAML fact files: parsed alone, then loaded with a small rule file so
//! every fact is resolved, checked and reported.
#![no_main]
use claimcheck::load::FileKind;
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

const RULES: &str = "relation troops functional: {from:country} sent {n:number} troops to {to:country}\n  | {from} sent troops to {to}\nrelation treaty symmetric: treaty between {a:country} and {b:country}\nentity Russia (country)\nentity North Korea (country) aka DPRK\ngroup axis = Russia, North Korea\ncheck: North Korea sent troops to Russia\ncheck: every x in axis: treaty between x and Russia\n";

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = claimcheck::facts::parse_yaml(text);
        common::run(&[
            ("facts.yaml", FileKind::Yaml, text),
            ("rules.claims", FileKind::Rules, RULES),
        ]);
    }
});
