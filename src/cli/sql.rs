//! `export --parquet DIR` and `compile --sql`: the workspace as Parquet
//! tables, and one SQL script over them (src/sql/, docs/sql.md).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{load, RunLimits, SqlDialect, EXIT_LOAD, EXIT_OK};
use crate::Timings;

pub(super) fn export_command(
    limits: &RunLimits,
    dir: &Path,
    paths: &[PathBuf],
    allow_outside_paths: bool,
) -> i32 {
    let ws = match load(
        limits,
        &mut Timings::default(),
        paths,
        allow_outside_paths,
        |_| {},
    ) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    match crate::sql::export(&ws, dir) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            EXIT_LOAD
        }
    }
}

pub(super) fn compile_command(
    out: &mut impl Write,
    limits: &RunLimits,
    dir: &Path,
    dialect: SqlDialect,
    paths: &[PathBuf],
    allow_outside_paths: bool,
) -> i32 {
    let ws = match load(
        limits,
        &mut Timings::default(),
        paths,
        allow_outside_paths,
        |_| {},
    ) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let dialect = match dialect {
        SqlDialect::Duckdb => crate::sql::Dialect::DuckDb,
        SqlDialect::Spark => crate::sql::Dialect::Spark,
    };
    match crate::sql::compile(&ws, dir, dialect) {
        Ok(sql) => {
            let _ = out.write_all(sql.as_bytes());
            EXIT_OK
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            EXIT_LOAD
        }
    }
}
