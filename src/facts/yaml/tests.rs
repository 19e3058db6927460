use super::*;

fn values(text: &str) -> Vec<Option<String>> {
    let mut ev = Events::new(text);
    ev.next();
    ev.next();
    let node = read_node(&mut ev, 0);
    let Kind::Seq(items) = node.kind else {
        panic!("not a list")
    };
    items.iter().map(|n| n.text().map(str::to_string)).collect()
}

#[test]
fn whole_yaml_floats_read_as_written() {
    let texts = values("[1e3, 2500.5, 14000]");
    assert_eq!(
        texts,
        ["1000", "2500.5", "14000"].map(|t| Some(t.to_string()))
    );
}

/// Scalars read as serde_yaml 0.9 read them (YAML 1.2 core schema), but
/// integers past 64 bits, which it refused, are kept as written.
#[test]
fn scalars_resolve_as_before() {
    let table = [
        ("1e3", Some("1000")),
        ("2500.5", Some("2500.5")),
        ("0x1f", Some("31")),
        ("0o17", Some("15")),
        ("0b101", Some("5")),
        ("+12", Some("12")),
        ("-12", Some("-12")),
        ("-0", Some("0")),
        ("012", Some("012")),
        ("1_000", Some("1_000")),
        (".inf", Some(".inf")),
        ("-.inf", Some("-.inf")),
        ("+.inf", Some(".inf")),
        (".NaN", Some(".nan")),
        ("1.0", Some("1")),
        ("-1.5", Some("-1.5")),
        ("1e400", Some("1e400")),
        ("3.", Some("3")),
        (".5", Some("0.5")),
        ("1e20", Some("1e20")),
        ("1e15", Some("1000000000000000.0")),
        ("1e-5", Some("0.00001")),
        ("1e+3", Some("1000")),
        ("1E3", Some("1000")),
        ("-0.0", Some("0")),
        ("1.5e300", Some("1.5e300")),
        ("12e", Some("12e")),
        ("0x", Some("0x")),
        ("+0x1f", Some("31")),
        ("-0x1f", Some("-31")),
        ("00", Some("00")),
        ("inf", Some("inf")),
        ("yes", Some("yes")),
        ("no", Some("no")),
        ("on", Some("on")),
        ("True", Some("true")),
        ("FALSE", Some("false")),
        ("~", None),
        ("null", None),
        ("NULL", None),
        ("18446744073709551615", Some("18446744073709551615")),
        ("-9223372036854775808", Some("-9223372036854775808")),
        ("99999999999999999999", Some("99999999999999999999")),
        ("-99999999999999999999", Some("-99999999999999999999")),
        ("!!str 12", Some("12")),
        ("!!int 12", Some("12")),
        ("!!float 3", Some("3")),
        ("!foo x", None),
        ("'1e3'", Some("1e3")),
        ("\"yes\"", Some("yes")),
    ];
    for (written, want) in table {
        let got = values(&format!("[{written}]"));
        assert_eq!(got, [want.map(String::from)], "{written}");
    }
}

fn written(text: &str, l: &Located) -> String {
    text[l.span.start as usize..l.span.end as usize].to_string()
}

#[test]
fn values_are_placed_as_written() {
    let text = "sources:\n  - id: \"caf\\u00e9 s\"\n    via: &v 'd''Ivoire'\n  - {id: é, via: *v}\nentities:\n  - name: Côte d'Ivoire\n    kind: country\n    aka: [CIV, \"日本\"]\ngroups:\n  axis: [Côte d'Ivoire, CIV]\nfacts:\n  - says: >-\n      Côte d'Ivoire sent\n      troops\n    source: &s é\n  - {says: 日本 met CIV, source: *s}\n  - relation: troops\n    args: {from: \"日本\", n: 1e3}\n    source: |\n      é\n    quote: !!str plain\n";
    let (f, errors) = parse_yaml(text);
    assert!(errors.is_empty(), "{errors:?}");
    let id = f.sources[0].id.as_ref().unwrap();
    assert_eq!(
        (id.text.as_str(), written(text, id).as_str()),
        ("café s", "caf\\u00e9 s")
    );
    let via = f.sources[0].via.as_ref().unwrap();
    assert_eq!(
        (via.text.as_str(), written(text, via).as_str()),
        ("d'Ivoire", "d''Ivoire")
    );
    assert_eq!(written(text, f.sources[1].id.as_ref().unwrap()), "é");
    // An alias reads its anchor's value, placed where that is written.
    assert_eq!(f.sources[1].via.as_ref().unwrap().span, via.span);
    assert_eq!(written(text, &f.entities[0].name), "Côte d'Ivoire");
    let aka: Vec<String> = f.entities[0].aka.iter().map(|a| written(text, a)).collect();
    assert_eq!(aka, ["CIV", "日本"]);
    let members: Vec<String> = f.groups[0]
        .members
        .iter()
        .map(|a| written(text, a))
        .collect();
    assert_eq!(members, ["Côte d'Ivoire", "CIV"]);
    assert_eq!(written(text, &f.groups[0].name), "axis");
    let RawFactBody::Says(s) = &f.facts[0].body else {
        panic!()
    };
    assert_eq!(s.text, "Côte d'Ivoire sent troops");
    assert_eq!(written(text, s), "Côte d'Ivoire sent\n      troops");
    assert_eq!(written(text, &f.facts[0].source), "é");
    let RawFactBody::Says(s) = &f.facts[1].body else {
        panic!()
    };
    assert_eq!(written(text, s), "日本 met CIV");
    assert_eq!(f.facts[1].source.span, f.facts[0].source.span);
    let RawFactBody::Structured { args, .. } = &f.facts[2].body else {
        panic!()
    };
    assert_eq!(written(text, &args[0].0), "from");
    assert_eq!(written(text, &args[0].1), "日本");
    assert_eq!(
        (args[1].1.text.as_str(), written(text, &args[1].1).as_str()),
        ("1000", "1e3")
    );
    assert_eq!(written(text, &f.facts[2].source), "é");
    assert_eq!(written(text, f.facts[2].quote.as_ref().unwrap()), "plain");
    // Items start at their `-`, or their `{` in flow style.
    let starts: Vec<&str> = f
        .facts
        .iter()
        .map(|f| &text[f.span.start as usize..][..2])
        .collect();
    assert_eq!(starts, ["- ", "- ", "- "]);
}

#[test]
fn nested_aliases_are_refused_quickly() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = (b'a' + i - 1) as char;
        let name = (b'a' + i) as char;
        let refs = vec![format!("*{prev}"); 10].join(", ");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    text.push_str("facts: *l\n");
    let started = std::time::Instant::now();
    let (_, errors) = parse_yaml(&text);
    assert!(started.elapsed().as_secs() < 2);
    assert_eq!(errors.len(), 1);
    let ErrorKind::Yaml { message } = &errors[0].1 else {
        panic!("{errors:?}")
    };
    assert!(
        message.starts_with("repetition limit exceeded"),
        "{message}"
    );
}

#[test]
fn odd_keys_are_errors_not_panics() {
    for text in [
        "facts:\n  - ~: x\n    says: a\n    source: s\n",
        "facts:\n  - : x\n",
        "facts:\n  - {[a]: x}\n",
        "facts:\n  - 12: x\n",
        "? [a, b]\n: x\n",
        "sources:\n  - &a {id: x, via: *a}\n",
        "- - - - - - - - - - - - - - x\n",
        "facts:\n  - says: a\n    says: b\n",
    ] {
        let (_, errors) = parse_yaml(text);
        assert!(!errors.is_empty(), "{text:?}");
    }
    let (_, errors) = parse_yaml("facts:\n  - says: a\n    says: b\n");
    assert_eq!(errors[0].0.start, 23);
    let ErrorKind::Yaml { message } = &errors[0].1 else {
        panic!()
    };
    assert_eq!(message, "duplicate entry with key \"says\"");
}

#[test]
fn deep_block_nesting_is_read_quickly() {
    let text = "- ".repeat(20_000) + "x\n";
    let started = std::time::Instant::now();
    let (_, errors) = parse_yaml(&text);
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(errors.len(), 1);
}

#[test]
fn common_parser_messages_say_what_to_fix() {
    for (text, plain) in [
        (
            "sources:\n  - id: s\n    title: Example: report\n",
            "put the whole value in quotes",
        ),
        (
            "facts:\n  - says: a\n   source: s\n",
            "items start with `- ` at one column",
        ),
        (
            "sources:\n  - id: s\n    title: \"open\nfacts: []\n",
            "a quoted value is not closed",
        ),
    ] {
        let (_, errors) = parse_yaml(text);
        let shown = errors[0].1.to_string();
        assert!(shown.contains(plain), "{text:?}: {shown}");
        assert!(shown.contains("(the YAML parser says: "), "{shown}");
    }
}

/// `n` random edits of `base`: a span of up to 11 bytes replaced by one of
/// `pieces` (deterministic for a `seed`), for tests that a shortcut reads a
/// text as the whole parse does.
pub(super) fn random_edits(base: &str, pieces: &[&str], mut seed: u64, n: usize) -> Vec<String> {
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    (0..n)
        .map(|_| {
            let mut at = next(base.len() + 1);
            while !base.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + next(12)).min(base.len());
            while !base.is_char_boundary(end) {
                end -= 1;
            }
            format!(
                "{}{}{}",
                &base[..at],
                pieces[next(pieces.len())],
                &base[end..]
            )
        })
        .collect()
}

/// Pieces the random edits put in: item and key starts, quotes, brackets,
/// spaces, a non-ASCII letter (each test adds its own).
pub(super) const EDIT_PIECES: [&str; 17] = [
    "",
    "\n",
    "  - says: Ghana borders Mali\n    source: report\n",
    " ",
    "-",
    ":",
    "x",
    "é",
    "'",
    "\"",
    "{",
    "}",
    "#",
    "  ",
    "source: report\n",
    "    ",
    "\n  - ",
];

/// Checks that `read`, what a shortcut read of `text`, is exactly what a
/// whole parse of `text` reads, and that the whole parse has no errors.
pub(super) fn assert_reads_as_whole(text: &str, read: &RawFactFile) {
    let (whole, errors) = parse_yaml(text);
    assert!(
        errors.is_empty(),
        "read by a shortcut, but the whole text has errors: {text:?}: {errors:?}"
    );
    assert_eq!(format!("{read:?}"), format!("{whole:?}"), "{text:?}");
}
