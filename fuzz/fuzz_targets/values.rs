//! Value phrases: numbers and dates read from any words; a phrase read is a
//! non-empty interval or nothing.
#![no_main]
use claimcheck::syntax::lexer::lex;
use claimcheck::value::{phrase, ValueKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(toks) = lex(text, 0) {
            for kind in [ValueKind::Number, ValueKind::Date] {
                if let Some(i) = phrase(kind, &toks) {
                    let _ = i.display(kind);
                }
            }
        }
    }
});
