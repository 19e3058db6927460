#!/usr/bin/env python3
"""The SQLite peer: the verdicts of a generated workspace, Python + sqlite3.

    python3 peer_sqlite.py WORKSPACE OUT.csv

Loads the bulk facts (fixtures/facts.jsonl, one json.loads per line) and the
generator's sidecars (peer/*.ndjson) into an in-memory SQLite database, with
names resolved and value phrases turned into intervals while loading, then
computes every assertion's verdict with one indexed join and a group-by.
Writes `file,line,verdict` rows, sorted, like peer_duckdb.py (same interval
encoding: half units for numbers, day numbers for dates). Verdicts only.
"""

import datetime
import json
import os
import re
import sqlite3
import sys

INF = 4 * 10**18
EPOCH = datetime.date(1970, 1, 1).toordinal()
INT = re.compile(r"-?[0-9]+$")
BETWEEN = re.compile(r"between ([0-9]+) and ([0-9]+)$")


def number(t):
    """A fact's number phrase as a half-unit interval."""
    if INT.match(t):
        return 2 * int(t), 2 * int(t)
    if t.startswith("about "):
        x = int(t[6:])
        return 2 * x - x // 5, 2 * x + x // 5
    m = BETWEEN.match(t)
    if m:
        return 2 * int(m[1]), 2 * int(m[2])
    if t.startswith("at least "):
        return 2 * int(t[9:]), INF
    if t.startswith("more than "):
        return 2 * int(t[10:]) + 1, INF
    if t.startswith("at most "):
        return -INF, 2 * int(t[8:])
    if t.startswith("fewer than "):
        return -INF, 2 * int(t[11:]) - 1
    raise ValueError(f"unknown number phrase {t!r}")


def day(y, m, d):
    return datetime.date(y, m, d).toordinal() - EPOCH


def date(t):
    """An ISO day, month or year as a day-number interval."""
    parts = [int(p) for p in t.split("-")]
    if len(parts) == 3:
        d = day(*parts)
        return d, d
    if len(parts) == 2:
        y, m = parts
        nxt = datetime.date(y + (m == 12), m % 12 + 1, 1).toordinal() - EPOCH
        return day(y, m, 1), nxt - 1
    return day(parts[0], 1, 1), day(parts[0], 12, 31)


def main(ws, out):
    schema = {r["name"]: r for r in json.load(open(os.path.join(ws, "peer", "schema.json")))["relations"]}
    names = {}
    with open(os.path.join(ws, "peer", "entities.ndjson")) as f:
        for i, line in enumerate(f):
            e = json.loads(line)
            names[e["name"].lower()] = i + 1
            for a in e["aka"]:
                names[a.lower()] = i + 1

    def key(rel, args):
        e0 = names[args[0].lower()]
        e1 = names[args[1].lower()] if len(args) > 1 else 0
        if rel["symmetric"] and e1 < e0:
            e0, e1 = e1, e0
        return e0, e1

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE fact(rel TEXT, e0 INT, e1 INT, neg INT, lo INT, hi INT, as_lo INT, as_hi INT)")
    rows = []
    with open(os.path.join(ws, "fixtures", "facts.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            rel = schema[d["relation"]]
            args = d["args"]
            e0, e1 = key(rel, [args[s] for s in rel["slots"]])
            v = args.get(rel["value_slot"]) if rel["value_slot"] else None
            if v is None:
                lo, hi = -INF, INF
            elif rel["value"] == "number":
                lo, hi = number(str(v))
            else:
                lo, hi = date(v)
            a = d.get("as_of")
            as_lo, as_hi = date(a) if a else (None, None)
            rows.append((d["relation"], e0, e1, int(d.get("negated", False)), lo, hi, as_lo, as_hi))
    db.executemany("INSERT INTO fact VALUES (?,?,?,?,?,?,?,?)", rows)
    db.execute("CREATE INDEX fact_key ON fact(rel, e0, e1)")

    db.execute("CREATE TABLE atom(aid INT, k INT, rel TEXT, e0 INT, e1 INT, functional INT, lo INT, hi INT, as_lo INT, as_hi INT)")
    db.execute("CREATE TABLE assertion(aid INTEGER PRIMARY KEY, file TEXT, line INT, op TEXT)")
    atoms, assertions = [], []
    with open(os.path.join(ws, "peer", "claims.ndjson")) as f:
        for aid, line in enumerate(f):
            d = json.loads(line)
            assertions.append((aid, d["file"], d["line"], d["op"]))
            as_lo, as_hi = d["as_of"] or (None, None)
            for k, a in enumerate(d["atoms"]):
                rel = schema[a["relation"]]
                e0, e1 = key(rel, a["args"])
                lo, hi = a["value"]
                atoms.append((aid, k, a["relation"], e0, e1, int(rel["functional"]),
                              -INF if lo is None else lo, INF if hi is None else hi, as_lo, as_hi))
    db.executemany("INSERT INTO atom VALUES (?,?,?,?,?,?,?,?,?,?)", atoms)
    db.executemany("INSERT INTO assertion VALUES (?,?,?,?)", assertions)

    db.execute("CREATE TABLE only_member(oid INT, rel TEXT, id INT)")
    db.execute("CREATE TABLE only_pair(oid INT, e0 INT, e1 INT)")
    with open(os.path.join(ws, "peer", "only.ndjson")) as f:
        for oid, line in enumerate(f):
            o = json.loads(line)
            db.executemany("INSERT INTO only_member VALUES (?,?,?)",
                           [(oid, o["relation"], names[m.lower()]) for m in o["members"]])
            db.executemany("INSERT INTO only_pair VALUES (?,?,?)",
                           [(oid, *sorted((names[a.lower()], names[b.lower()]))) for a, b in o["pairs"]])

    result = db.execute("""
      WITH by_fact AS (
        SELECT t.aid, t.k,
               max(NOT f.neg AND f.lo >= t.lo AND f.hi <= t.hi) AS tt,
               max((f.neg AND t.lo >= f.lo AND t.hi <= f.hi)
                   OR (NOT f.neg AND t.functional AND (f.hi < t.lo OR t.hi < f.lo))) AS tf
        FROM atom t
        JOIN fact f ON f.rel = t.rel AND f.e0 = t.e0 AND f.e1 = t.e1
          AND (f.as_lo IS NULL OR t.as_lo IS NULL OR NOT (f.as_hi < t.as_lo OR t.as_hi < f.as_lo))
        GROUP BY t.aid, t.k),
      by_only AS (
        SELECT t.aid, t.k, max(p.oid IS NOT NULL) AS tt, max(p.oid IS NULL) AS tf
        FROM atom t
        JOIN only_member m0 ON m0.rel = t.rel AND m0.id = t.e0
        JOIN only_member m1 ON m1.oid = m0.oid AND m1.id = t.e1
        LEFT JOIN only_pair p ON p.oid = m0.oid AND p.e0 = t.e0 AND p.e1 = t.e1
        GROUP BY t.aid, t.k),
      bits AS (
        SELECT t.aid, coalesce(a.tt, 0) OR coalesce(o.tt, 0) AS tt,
               coalesce(a.tf, 0) OR coalesce(o.tf, 0) AS tf
        FROM atom t
        LEFT JOIN by_fact a ON a.aid = t.aid AND a.k = t.k
        LEFT JOIN by_only o ON o.aid = t.aid AND o.k = t.k),
      combined AS (
        SELECT s.file, s.line, s.op, min(b.tt) AS all_t, max(b.tt) AS any_t,
               min(b.tf) AS all_f, max(b.tf) AS any_f
        FROM assertion s JOIN bits b ON b.aid = s.aid
        GROUP BY s.aid),
      told AS (
        SELECT file, line,
               CASE op WHEN 'not' THEN any_f WHEN 'or' THEN any_t ELSE all_t END AS t,
               CASE op WHEN 'not' THEN any_t WHEN 'and' THEN any_f
                       WHEN 'or' THEN all_f ELSE any_f END AS f
        FROM combined)
      SELECT file, line,
             CASE WHEN t AND f THEN 'contested' WHEN t THEN 'supported'
                  WHEN f THEN 'refuted' ELSE 'unknown' END
      FROM told ORDER BY file, line""").fetchall()
    with open(out, "w") as o:
        for file, line, verdict in result:
            o.write(f"{file},{line},{verdict}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
