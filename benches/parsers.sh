#!/usr/bin/env bash
# The parsers on their own (benches/parsers/): how fast serde_json, sonic-rs,
# saphyr, yaml-rust2 and libyaml-safer read the benchmark's JSONL and YAML
# fact files on one core, with nothing of claimcheck's around them. This is
# the floor under claimcheck's own reading (BENCHMARKS.md, tenth sitting,
# "what the parsers allow"). Run it after benches/run.sh, which generates
# the files.
#
#   benches/parsers.sh                       # files under target/bench
#   BENCH_DATA=/data RUNS=7 benches/parsers.sh
#
# Builds benches/parsers (its own workspace: the alternatives it times are
# not claimcheck's dependencies; the first build fetches them) and prints,
# for each parser, the median wall time of RUNS runs, the time with the
# file's read subtracted, and MB/s.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
DATA=${BENCH_DATA:-target/bench}
JSONL=${JSONL:-$DATA/synth-1m/fixtures/facts.jsonl}
YAML=${YAML:-$DATA/synth-yaml-200k/fixtures/facts.yaml}
for f in "$JSONL" "$YAML"; do
  [[ -f $f ]] || { echo "benches/parsers.sh: $f is missing: run benches/run.sh first" >&2; exit 1; }
done
cargo build --release --quiet --manifest-path benches/parsers/Cargo.toml --target-dir target/parsers
exec python3 - "$RUNS" target/parsers/release/parsers "$JSONL" "$YAML" <<'PY'
import os, statistics, subprocess, sys, time
runs, exe, jsonl, yaml = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

def median_wall(parser, path):
    walls = []
    for i in range(runs + 1):  # the first is a warm-up
        start = time.monotonic()
        subprocess.run([exe, parser, path], check=True, stdout=subprocess.DEVNULL)
        if i:
            walls.append(time.monotonic() - start)
    return statistics.median(walls)

for path, parsers in [(jsonl, ["serde-json", "serde-json-typed", "sonic-rs-typed"]),
                      (yaml, ["saphyr", "yaml-rust2", "libyaml-safer"])]:
    mb = os.path.getsize(path) / 1e6
    read = median_wall("read", path)
    print(f"{path} ({mb:.1f} MB): read alone {read:.3f} s")
    for p in parsers:
        wall = median_wall(p, path)
        print(f"  {p:18} {wall:.3f} s, {wall - read:.3f} s parsing: {mb / (wall - read):.0f} MB/s on one core")
PY
