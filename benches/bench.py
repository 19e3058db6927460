#!/usr/bin/env python3
"""Times claimcheck against DuckDB and Python + sqlite3 on generated workspaces.

Called by benches/run.sh (which builds the binaries and prepares Python);
run it directly to change what is measured:

    python3 benches/bench.py --claimcheck target/release/claimcheck \\
        --synth target/release/examples/synth --data target/bench \\
        --sizes 10000,100000,1000000 --runs 3

For each size N it generates (once, seed 1) a workspace of N JSONL facts and
N/10 assertions, checks that claimcheck exits 0 on it (every verdict right)
and that each peer gives claimcheck's verdict on every assertion, then times
the three engines in turn, run after run (A B C A B C ...), after one
unmeasured warm-up each. benches/measure.py runs them: wall time is a
monotonic clock around the child process; CPU time and peak RSS are the
kernel's accounting of the child (`ru_maxrss` from wait4, the figure
`/usr/bin/time -v` prints). Every figure is the median of the runs, with min
and max.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


class Runner:
    """Runs commands through benches/measure.py, a process kept small."""

    def __init__(self):
        self.p = subprocess.Popen([sys.executable, os.path.join(HERE, "measure.py")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __call__(self, cmd, cwd=None):
        """Runs `cmd` once: (exit code, wall s, peak RSS MiB, stderr, user + system s)."""
        self.p.stdin.write(json.dumps({"cmd": cmd, "cwd": cwd}) + "\n")
        self.p.stdin.flush()
        r = json.loads(self.p.stdout.readline())
        return r["code"], r["wall"], r["peak_mib"], r["stderr"], r["cpu"]

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def stats(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": xs}


def generate(synth, data, name, facts, claims, fmt):
    """Writes the workspace once; a half-written one is never left in place."""
    out = os.path.join(data, name)
    summary = os.path.join(out, "peer", "summary.json")
    if os.path.exists(summary):
        s = json.load(open(summary))
        if s["facts"] == facts and s["claims"] == claims and s["format"] == fmt and s["seed"] == 1:
            return out
        shutil.rmtree(out)
    tmp = tempfile.mkdtemp(prefix=f".{name}.", dir=data)
    subprocess.run([synth, "--facts", str(facts), "--claims", str(claims), "--seed", "1",
                    "--format", fmt, "--out", tmp], check=True)
    os.rename(tmp, out)
    return out


def claimcheck_verdicts(claimcheck, ws):
    p = subprocess.run([claimcheck, "check", ".", "--format", "json"], cwd=ws,
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"claimcheck check {ws} exited {p.returncode}: a verdict is wrong\n{p.stderr[:2000]}")
    return {(a["file"], a["line"]): a["verdict"] for a in json.loads(p.stdout)["assertions"]}


def mismatches(expected, csv):
    got = {}
    with open(csv) as f:
        for line in f:
            file, n, verdict = line.rstrip("\n").split(",")
            got[(file, int(n))] = verdict
    return sum(1 for k, v in expected.items() if got.get(k) != v) + len(set(got) - set(expected))


def size_name(n):
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def has_timings(claimcheck):
    """Whether this claimcheck reports its stages (`--timings`)."""
    h = subprocess.run([claimcheck, "check", "--help"], capture_output=True, text=True).stdout
    return "--timings" in h


def stages(stderr):
    """`timing NAME 0.123s` lines of `--timings` as {name: seconds}, in order."""
    out = {}
    for line in stderr.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "timing" and parts[2].endswith("s"):
            out[parts[1]] = float(parts[2][:-1])
    return out


def stage_stats(runs):
    names = []
    for r in runs:
        names += [n for n in r if n not in names]
    return {n: stats([r.get(n, 0.0) for r in runs]) for n in names}


def load_average():
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "unknown"


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1),
            "os": platform.platform(), "python": platform.python_version(), "load": load_average()}


def fmt3(s, unit="", digits=2):
    return f"{s['median']:.{digits}f}{unit} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claimcheck", required=True)
    ap.add_argument("--synth", required=True)
    ap.add_argument("--data", required=True, help="folder for the generated workspaces")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--yaml-facts", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duckdb-python", default=sys.executable,
                    help="a Python that can import duckdb")
    ap.add_argument("--no-peers", action="store_true", help="time claimcheck only")
    ap.add_argument("--json", help="also write every figure to this file")
    a = ap.parse_args()
    run = Runner()  # first, while this process is small
    claimcheck = os.path.abspath(a.claimcheck)
    a.synth, a.data = os.path.abspath(a.synth), os.path.abspath(a.data)
    a.duckdb_python = os.path.abspath(a.duckdb_python)
    os.makedirs(a.data, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="claimcheck-bench-")
    results = {"machine": machine(), "runs": a.runs, "sizes": []}
    timing_flag = ["--timings"] if has_timings(claimcheck) else []
    if not a.no_peers:
        results["machine"]["duckdb"] = subprocess.run(
            [a.duckdb_python, "-c", "import duckdb; print(duckdb.__version__)"],
            capture_output=True, text=True, check=True).stdout.strip()
        import sqlite3
        results["machine"]["sqlite"] = sqlite3.sqlite_version

    for n in [int(x) for x in a.sizes.split(",")]:
        name = f"synth-{size_name(n)}"
        print(f"== {name}: {n} facts, {n // 10} assertions", file=sys.stderr, flush=True)
        ws = generate(a.synth, a.data, name, n, n // 10, "jsonl")
        jsonl_mb = os.path.getsize(os.path.join(ws, "fixtures", "facts.jsonl")) / 1e6
        expected = claimcheck_verdicts(claimcheck, ws)
        engines = {"claimcheck": [claimcheck, "check", "."] + timing_flag}
        if not a.no_peers:
            engines["duckdb"] = [a.duckdb_python, os.path.join(HERE, "peer_duckdb.py"), ws,
                                 os.path.join(scratch, "duckdb.csv")]
            engines["sqlite"] = [sys.executable, os.path.join(HERE, "peer_sqlite.py"), ws,
                                 os.path.join(scratch, "sqlite.csv")]
        walls = {e: [] for e in engines}
        peaks = {e: [] for e in engines}
        cpus = {e: [] for e in engines}
        split = []
        for i in range(a.runs + 1):
            for e, cmd in engines.items():
                code, wall, peak, err, cpu = run(cmd, cwd=ws)
                if code != 0:
                    sys.exit(f"{e} exited {code} on {name}:\n{err[:2000]}")
                if i > 0:  # run 0 is the warm-up
                    walls[e].append(wall)
                    peaks[e].append(peak)
                    cpus[e].append(cpu)
                    if e == "claimcheck" and timing_flag:
                        split.append(stages(err))
            print(f"   run {i}: " + ", ".join(f"{e} {walls[e][-1]:.2f} s" if i else f"{e} warm-up"
                                             for e in engines), file=sys.stderr, flush=True)
        row = {"name": name, "facts": n, "claims": n // 10, "jsonl_mb": jsonl_mb,
               "assertions_checked": len(expected)}
        for e in engines:
            row[e] = {"wall_s": stats(walls[e]), "peak_mib": stats(peaks[e]), "cpu_s": stats(cpus[e])}
            if e != "claimcheck":
                row[e]["mismatches"] = mismatches(expected, os.path.join(scratch, f"{e}.csv"))
                row[e]["claimcheck_speedup"] = stats(
                    [b / c for b, c in zip(walls[e], walls["claimcheck"])])
        row["claimcheck"]["jsonl_mb_s"] = stats([jsonl_mb / w for w in walls["claimcheck"]])
        row["stages"] = stage_stats(split) if split else None
        # Ingestion alone: the same fact files and the schema, no assertions
        # (read, parse, resolve, index the facts), as the JSONL throughput.
        ingest = [claimcheck, "check", "fixtures", os.path.join("rules", "schema.claims"),
                  "--allow-empty", "-q"]
        if os.path.exists(os.path.join(ws, "rules", "schema.claims")):
            iw, ip = [], []
            for i in range(a.runs + 1):
                code, wall, peak, err, _ = run(ingest, cwd=ws)
                if code != 0:
                    sys.exit(f"claimcheck (facts only) exited {code} on {name}:\n{err[:2000]}")
                if i > 0:
                    iw.append(wall)
                    ip.append(peak)
            row["ingest"] = {"wall_s": stats(iw), "peak_mib": stats(ip),
                             "jsonl_mb_s": stats([jsonl_mb / w for w in iw])}
        results["sizes"].append(row)

    if a.yaml_facts:
        name = f"synth-yaml-{size_name(a.yaml_facts)}"
        print(f"== {name}: {a.yaml_facts} YAML facts", file=sys.stderr, flush=True)
        ws = generate(a.synth, a.data, name, a.yaml_facts, a.yaml_facts // 10, "yaml")
        yaml_mb = os.path.getsize(os.path.join(ws, "fixtures", "facts.yaml")) / 1e6
        claimcheck_verdicts(claimcheck, ws)
        walls, peaks, cpus, split = [], [], [], []
        for i in range(a.runs + 1):
            code, wall, peak, err, cpu = run([claimcheck, "check", "."] + timing_flag, cwd=ws)
            if code != 0:
                sys.exit(f"claimcheck exited {code} on {name}:\n{err[:2000]}")
            if i > 0:
                walls.append(wall)
                peaks.append(peak)
                cpus.append(cpu)
                if timing_flag:
                    split.append(stages(err))
        results["yaml"] = {"name": name, "facts": a.yaml_facts, "yaml_mb": yaml_mb,
                           "wall_s": stats(walls), "peak_mib": stats(peaks), "cpu_s": stats(cpus),
                           "yaml_mb_s": stats([yaml_mb / w for w in walls]),
                           "peak_per_yaml_mb": stats([p / yaml_mb for p in peaks]),
                           "stages": stage_stats(split) if split else None}

    run.close()
    results["machine"]["load"] = f"{results['machine']['load']} at start, {load_average()} at end"
    shutil.rmtree(scratch, ignore_errors=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    report(results)


def report(r):
    m = r["machine"]
    print(f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']}; "
          f"Python {m['python']}" + (f", DuckDB {m['duckdb']}, SQLite {m['sqlite']}" if "duckdb" in m else ""))
    print(f"Load average (1 min): {m['load']}.")
    print(f"Medians of {r['runs']} runs (min–max) after one warm-up; whole process.\n")
    print("| facts | assertions | JSONL MB | wall s | CPU s | peak RSS MiB | JSONL MB/s |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for s in r["sizes"]:
        c = s["claimcheck"]
        print(f"| {s['facts']:,} | {s['claims']:,} | {s['jsonl_mb']:.1f} | {fmt3(c['wall_s'])} | {fmt3(c['cpu_s'])} | "
              f"{fmt3(c['peak_mib'], digits=0)} | {fmt3(c['jsonl_mb_s'], digits=1)} |")
    ingested = [s for s in r["sizes"] if s.get("ingest")]
    if ingested:
        print("\nFacts only (the fact files and the schema, no assertions: read, parse, resolve, index):\n")
        print("| facts | JSONL MB | wall s | peak RSS MiB | JSONL MB/s |")
        print("|---:|---:|---:|---:|---:|")
        for s in ingested:
            i = s["ingest"]
            print(f"| {s['facts']:,} | {s['jsonl_mb']:.1f} | {fmt3(i['wall_s'])} | "
                  f"{fmt3(i['peak_mib'], digits=0)} | {fmt3(i['jsonl_mb_s'], digits=1)} |")
    peers = [e for e in ("duckdb", "sqlite") if r["sizes"] and e in r["sizes"][0]]
    if peers:
        print("\n| facts | engine | wall s | CPU s | peak RSS MiB | its wall / claimcheck's | verdict mismatches |")
        print("|---:|---|---:|---:|---:|---:|---:|")
        for s in r["sizes"]:
            for e in peers:
                p = s[e]
                print(f"| {s['facts']:,} | {e} | {fmt3(p['wall_s'])} | {fmt3(p['cpu_s'])} | {fmt3(p['peak_mib'], digits=0)} | "
                      f"{fmt3(p['claimcheck_speedup'], '×')} | {p['mismatches']} of {s['assertions_checked']:,} |")
    by = {s["facts"]: s for s in r["sizes"]}
    if 100_000 in by and 1_000_000 in by:
        g = by[1_000_000]["claimcheck"]["wall_s"]["median"] / by[100_000]["claimcheck"]["wall_s"]["median"]
        gm = by[1_000_000]["claimcheck"]["peak_mib"]["median"] / by[100_000]["claimcheck"]["peak_mib"]["median"]
        print(f"\nGrowth 100k → 1M facts: wall ×{g:.1f}, peak RSS ×{gm:.1f}")
    if "yaml" in r:
        y = r["yaml"]
        print(f"\nYAML: {y['facts']:,} structured facts, {y['yaml_mb']:.1f} MB: wall {fmt3(y['wall_s'])} s, "
              f"CPU {fmt3(y['cpu_s'])} s, "
              f"peak {fmt3(y['peak_mib'], digits=0)} MiB, {fmt3(y['yaml_mb_s'], digits=1)} MB/s, "
              f"{fmt3(y['peak_per_yaml_mb'], digits=1)} MiB of memory per MB of YAML")
    staged = [s for s in r["sizes"] + ([r["yaml"]] if "yaml" in r else []) if s.get("stages")]
    if staged:
        names = []
        for s in staged:
            names += [n for n in s["stages"] if n not in names]
        print("\nStages (claimcheck --timings, seconds, medians of the same runs):\n")
        print("| workspace | " + " | ".join(names) + " |")
        print("|---" + "|---:" * len(names) + "|")
        for s in staged:
            cells = [f"{s['stages'][n]['median']:.3f}" if n in s["stages"] else "" for n in names]
            print(f"| {s['name']} | " + " | ".join(cells) + " |")
    else:
        print("\nStage split: this claimcheck has no --timings flag; whole-process figures only.")


if __name__ == "__main__":
    main()
