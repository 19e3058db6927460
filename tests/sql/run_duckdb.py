#!/usr/bin/env python3
"""Runs a compiled claimcheck SQL script on DuckDB and prints its rows as JSON.

    python3 run_duckdb.py SCRIPT.sql > rows.json

The script's statements are run in order; the rows of the last one are
printed, one JSON array per line: [file, line, claim, expected, verdict, passed].
"""
import json
import sys

import duckdb


def main(path):
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    rows = con.execute(open(path).read()).fetchall()
    out = sys.stdout
    for r in rows:
        out.write(json.dumps(list(r)) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
