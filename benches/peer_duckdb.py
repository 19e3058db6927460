#!/usr/bin/env python3
"""The DuckDB peer: the verdicts of a generated workspace, in SQL.

    python3 peer_duckdb.py WORKSPACE OUT.csv

Reads the bulk facts (fixtures/facts.jsonl) with DuckDB's own JSON reader, and
the generator's sidecars (peer/*.ndjson: entities with aliases, `only`
statements, and each assertion as structured atoms), then computes every
assertion's verdict with one join and a group-by, as a data engineer would.
Writes `file,line,verdict` rows, sorted. It computes verdicts only, no
evidence or report.

Values are intervals in half units (a number x is 2x; an open bound adds or
takes one), which is exact for the generator's integer bounds; dates are day
numbers since 1970-01-01. The infinities are +-4e18.
"""

import json
import os
import sys

import duckdb

INF = 4 * 10**18


def main(ws, out):
    schema = json.load(open(os.path.join(ws, "peer", "schema.json")))["relations"]
    facts = os.path.join(ws, "fixtures", "facts.jsonl")
    con = duckdb.connect()
    q = con.execute

    # Every name and alias, lower-cased, to one entity id.
    q(f"""
      CREATE TABLE entity AS
      SELECT row_number() OVER () AS id, name, aka
      FROM read_json('{ws}/peer/entities.ndjson', format='newline_delimited',
                     columns={{name: 'VARCHAR', kind: 'VARCHAR', aka: 'VARCHAR[]'}})""")
    q("""
      CREATE TABLE name AS
      SELECT lower(name) AS written, id FROM entity
      UNION ALL
      SELECT lower(unnest(aka)), id FROM entity""")

    q(f"CREATE TABLE relation(name VARCHAR, s0 VARCHAR, s1 VARCHAR, is_symmetric BOOLEAN, "
      f"functional BOOLEAN, kind VARCHAR, vslot VARCHAR)")
    for r in schema:
        q("INSERT INTO relation VALUES (?, ?, ?, ?, ?, ?, ?)",
          [r["name"], r["slots"][0], r["slots"][1] if len(r["slots"]) > 1 else None,
           r["symmetric"], r["functional"], r["value"], r["value_slot"]])

    # Value phrases of fact files, as half-unit number or day intervals.
    q(f"""
      CREATE MACRO num_lo(t) AS CASE
        WHEN regexp_matches(t, '^-?[0-9]+$') THEN 2 * t::BIGINT
        WHEN t LIKE 'about %' THEN 2 * substr(t, 7)::BIGINT - substr(t, 7)::BIGINT // 5
        WHEN t LIKE 'between %' THEN 2 * regexp_extract(t, '^between ([0-9]+) and', 1)::BIGINT
        WHEN t LIKE 'at least %' THEN 2 * substr(t, 10)::BIGINT
        WHEN t LIKE 'more than %' THEN 2 * substr(t, 11)::BIGINT + 1
        WHEN t LIKE 'at most %' OR t LIKE 'fewer than %' THEN -{INF}
      END""")
    q(f"""
      CREATE MACRO num_hi(t) AS CASE
        WHEN regexp_matches(t, '^-?[0-9]+$') THEN 2 * t::BIGINT
        WHEN t LIKE 'about %' THEN 2 * substr(t, 7)::BIGINT + substr(t, 7)::BIGINT // 5
        WHEN t LIKE 'between %' THEN 2 * regexp_extract(t, 'and ([0-9]+)$', 1)::BIGINT
        WHEN t LIKE 'at most %' THEN 2 * substr(t, 9)::BIGINT
        WHEN t LIKE 'fewer than %' THEN 2 * substr(t, 12)::BIGINT - 1
        WHEN t LIKE 'at least %' OR t LIKE 'more than %' THEN {INF}
      END""")
    q("""
      CREATE MACRO day_lo(t) AS date_diff('day', DATE '1970-01-01', CASE length(t)
        WHEN 4 THEN make_date(t::INT, 1, 1)
        WHEN 7 THEN (t || '-01')::DATE
        ELSE t::DATE END)""")
    q("""
      CREATE MACRO day_hi(t) AS date_diff('day', DATE '1970-01-01', CASE length(t)
        WHEN 4 THEN make_date(t::INT, 12, 31)
        WHEN 7 THEN last_day((t || '-01')::DATE)
        ELSE t::DATE END)""")

    # The facts, straight from the JSONL, keyed by entity ids.
    q(f"""
      CREATE TABLE fact AS
      WITH raw AS (
        SELECT f.relation, r.is_symmetric AS sym,
               n0.id AS x, n1.id AS y,
               coalesce(f.negated, false) AS negated,
               f.args ->> r.vslot AS v, r.kind, f.as_of
        FROM read_json('{facts}', format='newline_delimited',
                       columns={{relation: 'VARCHAR', args: 'JSON', negated: 'BOOLEAN',
                                source: 'VARCHAR', as_of: 'VARCHAR', quote: 'VARCHAR'}}) f
        JOIN relation r ON r.name = f.relation
        JOIN name n0 ON n0.written = lower(f.args ->> r.s0)
        LEFT JOIN name n1 ON n1.written = lower(f.args ->> r.s1))
      SELECT relation,
             CASE WHEN sym THEN least(x, y) ELSE x END AS e0,
             coalesce(CASE WHEN sym THEN greatest(x, y) ELSE y END, 0) AS e1,
             negated,
             CASE WHEN v IS NULL THEN -{INF}
                  WHEN kind = 'number' THEN num_lo(v) ELSE day_lo(v) END AS lo,
             CASE WHEN v IS NULL THEN {INF}
                  WHEN kind = 'number' THEN num_hi(v) ELSE day_hi(v) END AS hi,
             CASE WHEN as_of IS NULL THEN NULL ELSE day_lo(as_of) END AS as_lo,
             CASE WHEN as_of IS NULL THEN NULL ELSE day_hi(as_of) END AS as_hi
      FROM raw""")

    # The assertions, one row per atom.
    q(f"""
      CREATE TABLE assertion AS
      SELECT row_number() OVER () AS aid, file, line, op,
             as_of[1] AS as_lo, as_of[2] AS as_hi, atoms
      FROM read_json('{ws}/peer/claims.ndjson', format='newline_delimited',
                     columns={{file: 'VARCHAR', line: 'BIGINT', expected: 'VARCHAR', op: 'VARCHAR',
                              as_of: 'BIGINT[]',
                              atoms: 'STRUCT(relation VARCHAR, args VARCHAR[], value BIGINT[])[]'}})""")
    q(f"""
      CREATE TABLE atom AS
      WITH raw AS (
        SELECT aid, as_lo, as_hi, k, atoms[k] AS a
        FROM assertion, range(1, len(atoms) + 1) t(k))
      SELECT aid, k, as_lo, as_hi, a.relation,
             CASE WHEN r.is_symmetric THEN least(n0.id, n1.id) ELSE n0.id END AS e0,
             coalesce(CASE WHEN r.is_symmetric THEN greatest(n0.id, n1.id) ELSE n1.id END, 0) AS e1,
             r.functional,
             coalesce(a.value[1], -{INF}) AS lo, coalesce(a.value[2], {INF}) AS hi
      FROM raw
      JOIN relation r ON r.name = a.relation
      JOIN name n0 ON n0.written = lower(a.args[1])
      LEFT JOIN name n1 ON n1.written = lower(a.args[2])""")

    # `only` closed worlds: members and listed pairs.
    q(f"""
      CREATE TABLE only_stmt AS
      SELECT row_number() OVER () AS oid, relation, members, pairs
      FROM read_json('{ws}/peer/only.ndjson', format='newline_delimited',
                     columns={{relation: 'VARCHAR', "group": 'VARCHAR', members: 'VARCHAR[]',
                              pairs: 'VARCHAR[][]', source: 'VARCHAR'}})""")
    q("""
      CREATE TABLE only_member AS
      SELECT oid, relation, n.id FROM (SELECT oid, relation, unnest(members) AS m FROM only_stmt) o
      JOIN name n ON n.written = lower(o.m)""")
    q("""
      CREATE TABLE only_pair AS
      SELECT oid, least(a.id, b.id) AS e0, greatest(a.id, b.id) AS e1
      FROM (SELECT oid, unnest(pairs) AS p FROM only_stmt) o
      JOIN name a ON a.written = lower(o.p[1])
      JOIN name b ON b.written = lower(o.p[2])""")

    # Evidence bits per atom, then per assertion, then the verdict.
    q(f"""
      CREATE TABLE bits AS
      WITH by_fact AS (
        SELECT t.aid, t.k,
               bool_or(NOT f.negated AND f.lo >= t.lo AND f.hi <= t.hi) AS tt,
               bool_or((f.negated AND t.lo >= f.lo AND t.hi <= f.hi)
                       OR (NOT f.negated AND t.functional AND (f.hi < t.lo OR t.hi < f.lo))) AS tf
        FROM atom t
        JOIN fact f ON f.relation = t.relation AND f.e0 = t.e0 AND f.e1 = t.e1
          AND (f.as_lo IS NULL OR t.as_lo IS NULL OR NOT (f.as_hi < t.as_lo OR t.as_hi < f.as_lo))
        GROUP BY t.aid, t.k),
      by_only AS (
        SELECT t.aid, t.k,
               bool_or(p.oid IS NOT NULL) AS tt, bool_or(p.oid IS NULL) AS tf
        FROM atom t
        JOIN only_member m0 ON m0.relation = t.relation AND m0.id = t.e0
        JOIN only_member m1 ON m1.oid = m0.oid AND m1.id = t.e1
        LEFT JOIN only_pair p ON p.oid = m0.oid AND p.e0 = t.e0 AND p.e1 = t.e1
        GROUP BY t.aid, t.k)
      SELECT t.aid, t.k,
             coalesce(a.tt, false) OR coalesce(o.tt, false) AS tt,
             coalesce(a.tf, false) OR coalesce(o.tf, false) AS tf
      FROM atom t
      LEFT JOIN by_fact a USING (aid, k)
      LEFT JOIN by_only o USING (aid, k)""")
    rows = q("""
      WITH combined AS (
        SELECT s.file, s.line, s.op,
               bool_and(b.tt) AS all_t, bool_or(b.tt) AS any_t,
               bool_and(b.tf) AS all_f, bool_or(b.tf) AS any_f
        FROM assertion s JOIN bits b USING (aid)
        GROUP BY s.aid, s.file, s.line, s.op),
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
        for file, line, verdict in rows:
            o.write(f"{file},{line},{verdict}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
