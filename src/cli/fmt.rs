//! `fmt`: rewrite `.claims` files in the canonical layout (src/fmt.rs).

use std::io::Write;
use std::path::PathBuf;

use super::{load_failed, RunLimits, EXIT_FAILED, EXIT_LOAD, EXIT_OK};
use crate::load::FileKind;
use crate::report;

pub(super) fn fmt_command(
    out: &mut impl Write,
    limits: &RunLimits,
    check: bool,
    paths: &[PathBuf],
) -> i32 {
    let (files, errors) = crate::load::load_with(paths, &limits.files);
    if !errors.is_empty() {
        return load_failed(limits, &crate::LoadFailure { files, errors });
    }
    let mut changed = 0;
    for f in files.files.iter().filter(|f| f.kind == FileKind::Rules) {
        // Loading drops a byte order mark; fmt puts back the one on disk.
        let bom = std::fs::read(&f.path).is_ok_and(|b| b.starts_with("\u{feff}".as_bytes()));
        let original = if bom {
            format!("\u{feff}{}", f.text)
        } else {
            f.text.clone()
        };
        let formatted = crate::fmt::format(&original);
        if formatted == original {
            continue;
        }
        changed += 1;
        if check {
            let _ = writeln!(out, "{}", report::escape_controls(&f.display));
        } else if let Err(e) = std::fs::write(&f.path, formatted) {
            let _ = writeln!(std::io::stderr(), "error: cannot write {}: {e}", f.display);
            return EXIT_LOAD;
        } else {
            let _ = writeln!(out, "formatted {}", f.display);
        }
    }
    if check && changed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}
