#!/usr/bin/env bash
# Reruns the benchmark of BENCHMARKS.md: builds claimcheck and the generator
# in release mode, generates the workspaces (once) and times claimcheck,
# DuckDB and Python + sqlite3 on the same files.
#
#   benches/run.sh                      # 10k, 100k, 1M facts; 3 runs each
#   RUNS=5 SIZES=100000 benches/run.sh  # fewer sizes, more runs
#   benches/run.sh --no-peers           # claimcheck only (no Python package)
#
# Environment: RUNS (default 3), SIZES (default 10000,100000,1000000),
# YAML_FACTS (default 200000; 0 skips the YAML measurement), BENCH_DATA
# (where workspaces go, default target/bench), BENCH_VENV (default
# target/bench/venv). The Python package duckdb is installed with pip into
# that virtual environment when missing (the only network access); nothing
# is installed globally. Needs python3 with venv, and cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SIZES=${SIZES:-10000,100000,1000000}
YAML_FACTS=${YAML_FACTS:-200000}
DATA=${BENCH_DATA:-target/bench}
VENV=${BENCH_VENV:-target/bench/venv}
mkdir -p "$DATA"

cargo build --release --bin claimcheck --example synth

PY=python3
if [[ " $* " != *" --no-peers "* ]]; then
  if ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
    echo "benches/run.sh: installing the Python package duckdb into the virtual environment $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet duckdb
  fi
  PY="$VENV/bin/python"
fi

exec "$PY" benches/bench.py \
  --claimcheck target/release/claimcheck \
  --synth target/release/examples/synth \
  --data "$DATA" --sizes "$SIZES" --yaml-facts "$YAML_FACTS" --runs "$RUNS" \
  --duckdb-python "$PY" --json "$DATA/results.json" "$@"
