//! One parser over one file, on one core, and nothing else: the floor under
//! claimcheck's own reading of that file (see BENCHMARKS.md).
//!
//!     parsers PARSER FILE
//!
//! PARSER is `read` (the file read, no parsing: subtract it), `serde-json`
//! (each line skipped as JSON, `IgnoredAny`), `serde-json-typed` (each line
//! into a struct of borrowed fields), `sonic-rs-typed` (the same struct),
//! `saphyr`, `yaml-rust2` or `libyaml-safer` (every event of the YAML
//! file). It prints the lines or events it read.

use serde::de::IgnoredAny;
use serde::Deserialize;

/// A JSONL fact's fields, borrowed from the line where they have no escapes.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Fact<'a> {
    #[serde(borrow)]
    relation: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    source: std::borrow::Cow<'a, str>,
    args: IgnoredAny,
    negated: Option<bool>,
    #[serde(borrow)]
    quote: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    as_of: Option<std::borrow::Cow<'a, str>>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(parser), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: parsers PARSER FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).expect("a readable UTF-8 file");
    let lines = || text.lines().filter(|l| !l.trim().is_empty());
    let n: usize = match parser.as_str() {
        "read" => text.len(),
        "serde-json" => lines()
            .map(|l| {
                serde_json::from_str::<IgnoredAny>(l)
                    .map(|_| 1)
                    .unwrap_or(0)
            })
            .sum(),
        "serde-json-typed" => lines()
            .map(|l| serde_json::from_str::<Fact>(l).map(|_| 1).unwrap_or(0))
            .sum(),
        "sonic-rs-typed" => lines()
            .map(|l| sonic_rs::from_str::<Fact>(l).map(|_| 1).unwrap_or(0))
            .sum(),
        "saphyr" => {
            let mut p = saphyr_parser::Parser::new_from_str(&text);
            let mut n = 0;
            while let Some(Ok((ev, _))) = p.next_event() {
                if matches!(ev, saphyr_parser::Event::StreamEnd) {
                    break;
                }
                n += 1;
            }
            n
        }
        "yaml-rust2" => {
            let mut p = yaml_rust2::parser::Parser::new_from_str(&text);
            let mut n = 0;
            while let Ok((ev, _)) = p.next_token() {
                if matches!(ev, yaml_rust2::Event::StreamEnd) {
                    break;
                }
                n += 1;
            }
            n
        }
        "libyaml-safer" => {
            let mut p = libyaml_safer::Parser::new();
            let mut bytes = text.as_bytes();
            p.set_input_string(&mut bytes);
            let mut n = 0;
            while let Ok(ev) = p.parse() {
                if matches!(ev.data, libyaml_safer::EventData::StreamEnd) {
                    break;
                }
                n += 1;
            }
            n
        }
        other => {
            eprintln!("unknown parser `{other}`");
            std::process::exit(2);
        }
    };
    println!("{parser}: {n}");
}
