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
        let (whole, errors) = claimcheck::facts::parse_yaml(text);
        // Read in parallel runs of items, or from the items an edit touched,
        // a text reads as the whole parse reads it, or not at all.
        let shown = format!("{whole:?}");
        if let Some(read) = claimcheck::facts::parse_chunked_in(text, 0, 3) {
            assert!(errors.is_empty(), "cut, but the whole text has errors");
            assert_eq!(format!("{read:?}"), shown, "cut reads otherwise");
        }
        let mut cut = text.len() / 3;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let old = format!("{}{}", &text[..cut], "  - says: a b\n    source: s\n");
        let old = format!("{old}{}", &text[cut..]);
        let (before, old_errors) = claimcheck::facts::parse_yaml(&old);
        if old_errors.is_empty() {
            if let Some(read) = claimcheck::facts::reparse_facts(&old, &before, text) {
                assert!(
                    errors.is_empty(),
                    "read from items, but the whole text has errors"
                );
                assert_eq!(format!("{read:?}"), shown, "items read otherwise");
            }
        }
        common::run(&[
            ("facts.yaml", FileKind::Yaml, text),
            ("rules.claims", FileKind::Rules, RULES),
        ]);
    }
});
