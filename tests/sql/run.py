#!/usr/bin/env python3
"""Runs compiled claimcheck SQL scripts and writes the rows of each.

    python3 tests/sql/run.py duckdb SCRIPT.sql...
    python3 tests/sql/run.py spark SCRIPT.sql...

Each script's statements run in order (statements end with `;` at the end
of a line); the rows of the last one are written to SCRIPT.sql.rows, one
JSON array per line: [file, line, claim, expected, verdict, passed].
Spark runs in local mode, one session for every script.
"""
import json
import sys
import time


def statements(text):
    out, cur = [], []
    for line in text.splitlines():
        cur.append(line)
        if line.rstrip().endswith(";") and not line.lstrip().startswith("--"):
            s = "\n".join(cur).strip().rstrip(";")
            if s:
                out.append(s)
            cur = []
    return out


def write(path, rows):
    with open(path + ".rows", "w") as o:
        for r in rows:
            o.write(json.dumps(list(r)) + "\n")


def duckdb_run(scripts):
    import duckdb

    for path in scripts:
        con = duckdb.connect()
        con.execute("SET threads TO 2")
        rows = None
        for s in statements(open(path).read()):
            rows = con.execute(s).fetchall()
        write(path, rows)
        con.close()


def spark_run(scripts):
    from pyspark.sql import SparkSession

    # The scripts' tables are tiny and their plans large (hundreds of joins
    # and aggregates): the time goes to planning and to starting stages, and
    # a plan's history fills the default heap. So one partition per shuffle,
    # no adaptive re-planning between stages, every join broadcast, no
    # whole-stage code generation (compiling it costs more than it saves on
    # a few rows), no UI or progress bars, and a larger driver heap.
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("claimcheck-sql-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ui.retainedExecutions", "1")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.autoBroadcastJoinThreshold", "64m")
        .config("spark.sql.constraintPropagation.enabled", "false")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    for path in scripts:
        start = time.monotonic()
        df = None
        for s in statements(open(path).read()):
            df = spark.sql(s)
        write(path, [tuple(r) for r in df.collect()])
        print(f"spark: {path}: {time.monotonic() - start:.1f}s", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    {"duckdb": duckdb_run, "spark": spark_run}[sys.argv[1]](sys.argv[2:])
