//! The rule-file parser alone: any text parses or errors, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (file, errors) = claimcheck::syntax::parser::parse_rule_file(text);
        for (span, _) in &errors {
            assert!(span.start <= span.end);
        }
        let _ = file;
    }
});
