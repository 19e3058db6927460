#!/usr/bin/env bash
# The scale demonstration of BENCHMARKS.md ("Scale: 10 million facts"):
# one generated workspace, checked by claimcheck's engine and by the SQL it
# compiles, run on DuckDB and on Spark in local mode.
#
#   benches/scale.sh                          # 10M facts, 1M assertions
#   FACTS=1000000 benches/scale.sh            # smaller (assertions: FACTS/10)
#   STEPS=export,compile,duckdb benches/scale.sh   # some steps only
#
# Steps (STEPS, comma-separated; default all, in this order):
#   check    claimcheck check, human report to /dev/null (exit 0: every
#            `expect` verdict is the one the generator computed)
#   json     claimcheck check --format json, kept for the agreement count
#   export   claimcheck export --parquet
#   compile  claimcheck compile --sql, DuckDB and Spark dialects
#   duckdb   the DuckDB script, run by tests/sql/run.py (2 threads), with
#            max_expression_depth raised (see below)
#   spark    the Spark script, run by tests/sql/run.py (local[2], its
#            session settings), stopped after SPARK_TIMEOUT seconds
# then counts, for each SQL run that finished, rows with passed = false and
# verdicts that differ from the engine's JSON report.
#
# The workspace is generated once (if absent) into SCALE_DATA, default
# ~/.cache/claimcheck-scale/synth-FACTS: keep it outside the repository, it
# is about 1 GB of JSONL and rule files at 10M facts, and the Parquet export,
# scripts and reports written beside it (SCALE_DATA/out) take 1 to 3 GB more.
#
# Every step runs under `/usr/bin/time -f '%e s %M KB'` (wall seconds, peak
# RSS of the largest single process waited for) while a sampler adds up the
# RSS of the step's whole process tree every 2 s (Spark's JVM is a child of
# Python that is not waited for, so only the sampler sees it). A step whose
# tree passes MEM_CAP_KB (default 16000000, ~16 GB) is stopped, and the table
# says when; OUT/STEP.rss keeps the samples (seconds, KB). Needs python3
# with the duckdb package, and for Spark java and pyspark. Builds nothing:
# run `cargo build --release --examples` first.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
FACTS=${FACTS:-10000000}
CLAIMS=${CLAIMS:-$((FACTS / 10))}
DATA=${SCALE_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/claimcheck-scale/synth-$FACTS}
STEPS=${STEPS:-check,json,export,compile,duckdb,spark}
SPARK_TIMEOUT=${SPARK_TIMEOUT:-1200}
MEM_CAP_KB=${MEM_CAP_KB:-16000000}
PY=${PYTHON:-python3}
CC=$REPO/target/release/claimcheck
SYNTH=$REPO/target/release/examples/synth
for b in "$CC" "$SYNTH"; do
  [[ -x $b ]] || { echo "scale.sh: $b missing; run cargo build --release --examples" >&2; exit 2; }
done
OUT=$DATA/out
mkdir -p "$DATA" "$OUT"
RESULTS=${RESULTS:-$OUT/results.tsv}
: > "$RESULTS"

want() { [[ ",$STEPS," == *",$1,"* ]]; }

# Sum of the RSS (KB) of PID and all its descendants.
tree_rss() {
  ps -eo pid=,ppid=,rss= | awk -v root="$1" '
    { parent[$1] = $2; rss[$1] = $3 }
    END {
      in_tree[root] = 1; changed = 1
      while (changed) { changed = 0
        for (p in parent) if (!(p in in_tree) && (parent[p] in in_tree)) { in_tree[p] = 1; changed = 1 } }
      for (p in in_tree) s += rss[p]; print s + 0 }'
}

# measure NAME CMD...: runs CMD in DATA under /usr/bin/time in a process
# group of its own, samples the tree's RSS, stops it past MEM_CAP_KB, and
# appends NAME, wall s, peak KB (one process), peak KB (tree), exit, note to
# RESULTS.
measure() {
  local name=$1; shift
  local tf=$OUT/$name.time note="" max=0 rss start=$SECONDS
  echo "== $name: $* (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  : > "$OUT/$name.rss"
  (cd "$DATA" && exec setsid /usr/bin/time -f '%e s %M KB' -o "$tf" "$@") &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(tree_rss "$pid")
    echo "$((SECONDS - start)) $rss" >> "$OUT/$name.rss"
    (( rss > max )) && max=$rss
    if (( rss > MEM_CAP_KB )); then
      note="stopped after $((SECONDS - start)) s at ${rss} KB (cap ${MEM_CAP_KB} KB)"
      kill -- "-$(ps -o pgid= "$pid" | tr -d ' ')" 2>/dev/null
      break
    fi
    sleep 2
  done
  wait "$pid"; local rc=$?
  local t m
  read -r t _ m _ < <(grep -E '^[0-9.]+ s [0-9]+ KB$' "$tf" || echo "- s - KB")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$t" "$m" "$max" "$rc" "$(cut -d' ' -f1 /proc/loadavg)" "$note" >> "$RESULTS"
  echo "== $name: ${t} s, ${m} KB (largest process), ${max} KB (tree, sampled), exit $rc ${note}" >&2
  return "$rc"
}

if [[ ! -f $DATA/rules/schema.claims ]]; then
  measure generate "$SYNTH" --facts "$FACTS" --claims "$CLAIMS" --out "$DATA" || exit 2
fi
du -sh "$DATA/fixtures/facts.jsonl" "$DATA/rules" >&2

want check && measure check sh -c "exec '$CC' check rules/ fixtures/ --timings --output /dev/null 2> '$OUT/check.timings'" && cat "$OUT/check.timings" >&2
want json && measure json "$CC" check rules/ fixtures/ --format json --output "$OUT/engine.json"
if want export; then
  rm -rf "$OUT/parquet"
  measure export "$CC" export --parquet "$OUT/parquet" rules/ fixtures/ && du -sh "$OUT/parquet" >&2
fi
# compile reads the declarations and assertions, not the JSONL facts.
YAML=(fixtures/entities.yaml fixtures/sources.yaml fixtures/regions.yaml)
if want compile; then
  measure compile-duckdb sh -c "exec '$CC' compile --sql --dialect duckdb --data '$OUT/parquet' rules/ ${YAML[*]} > '$OUT/duckdb.sql'"
  measure compile-spark sh -c "exec '$CC' compile --sql --dialect spark --data '$OUT/parquet' rules/ ${YAML[*]} > '$OUT/spark.sql'"
fi
# At 1M assertions (180 shapes, a UNION ALL of 180 branches) DuckDB's binder
# stops with "Max expression depth limit of 1000 exceeded"; the script is run
# as compiled with the limit raised by one statement in front.
if want duckdb; then
  { echo "SET max_expression_depth TO 100000;"; cat "$OUT/duckdb.sql"; } > "$OUT/duckdb-deep.sql"
  rm -f "$OUT/duckdb-deep.sql.rows"
  measure duckdb "$PY" "$REPO/tests/sql/run.py" duckdb "$OUT/duckdb-deep.sql"
fi
want spark && { rm -f "$OUT/spark.sql.rows"; measure spark timeout "$SPARK_TIMEOUT" "$PY" "$REPO/tests/sql/run.py" spark "$OUT/spark.sql"; }

# Agreement: each SQL run's rows ([file, line, claim, expected, verdict,
# passed]) against the engine's JSON report, streamed (the report holds
# every fact behind every verdict: too large to load whole).
"$PY" - "$OUT" <<'EOF'
import json, os, re, sys
out = sys.argv[1]
engine = {}
path = os.path.join(out, "engine.json")
if os.path.exists(path):
    # One assertion object per element of "assertions"; its own file, line
    # and verdict are the keys "file", "line", "verdict" (evidence uses
    # fact_file and fact_line and has no verdict).
    dec = json.JSONDecoder()
    with open(path) as f:
        buf = f.read(1 << 20)
        i = buf.index("[", buf.index('"assertions"')) + 1
        while True:
            while i < len(buf) and buf[i] in " \n\r\t,":
                i += 1
            if i < len(buf) and buf[i] == "]":
                break
            try:
                a, i = dec.raw_decode(buf, i)
            except json.JSONDecodeError:
                more = f.read(1 << 24)
                if not more:
                    raise
                buf, i = buf[i:] + more, 0
                continue
            engine.setdefault((a["file"], a["line"]), []).append(a["verdict"])
for dialect, script in (("duckdb", "duckdb-deep.sql"), ("spark", "spark.sql")):
    rows = os.path.join(out, script + ".rows")
    if not os.path.exists(rows):
        print(f"agreement {dialect}: no rows (did not finish)")
        continue
    n = failed = diff = 0
    seen = {}
    for line in open(rows):
        f, ln, claim, expected, verdict, passed = json.loads(line)
        n += 1
        failed += passed is False
        if engine:
            k = (f, ln)
            j = seen.get(k, 0); seen[k] = j + 1
            ev = engine.get(k, [])
            diff += j >= len(ev) or ev[j] != verdict
    extra = f", {diff} verdicts differ from the engine's ({sum(map(len, engine.values()))} assertions)" if engine else ""
    print(f"agreement {dialect}: {n} rows, {failed} with passed = false{extra}")
EOF

echo
echo "| step | wall s | peak RSS MiB (largest process) | peak RSS MiB (tree, sampled) | exit | load | note |"
echo "|---|---:|---:|---:|---:|---:|---|"
while IFS=$'\t' read -r name t m max rc load note; do
  mb() { [[ $1 =~ ^[0-9]+$ ]] && echo $(( $1 / 1024 )) || echo "$1"; }
  echo "| $name | $t | $(mb "$m") | $(mb "$max") | $rc | $load | $note |"
done < "$RESULTS"
