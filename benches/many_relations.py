#!/usr/bin/env python3
"""Writes a workspace of many relations whose templates start with a slot
(`{a:thing} linksN to {b:thing}`), and claims over them, for the claim
reader's scaling (BENCHMARKS.md, "Many relations"). Each claim is an
`expect` with the verdict it must get (supported when a fact states it,
else unknown), so `claimcheck check DIR` exits 0 only if every one is right.

    python3 benches/many_relations.py --relations 5000 --claims 10000 \\
        --facts 20000 --out target/bench/many-relations
"""

import argparse
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--relations", type=int, default=5000)
    ap.add_argument("--claims", type=int, default=10000)
    ap.add_argument("--facts", type=int, default=20000)
    ap.add_argument("--entities", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    ents = [f"Ent{i}" for i in range(a.entities)]
    os.makedirs(os.path.join(a.out, "rules"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "fixtures"), exist_ok=True)

    def triple():
        x, y = rnd.sample(ents, 2)
        return rnd.randrange(a.relations), x, y

    stated = set()
    with open(os.path.join(a.out, "fixtures", "facts.jsonl"), "w") as f:
        for _ in range(a.facts):
            r, x, y = triple()
            stated.add((r, x, y))
            f.write('{"relation":"r%d","args":{"a":"%s","b":"%s"},"source":"s1"}\n' % (r, x, y))
    with open(os.path.join(a.out, "fixtures", "sources.yaml"), "w") as f:
        f.write("sources:\n  - id: s1\n    publisher: Test Daily\n")
    with open(os.path.join(a.out, "rules", "schema.claims"), "w") as f:
        for e in ents:
            f.write(f"entity {e} (thing)\n")
        for r in range(a.relations):
            f.write(f"relation r{r}: {{a:thing}} links{r} to {{b:thing}}\n")
    facts = sorted(stated)
    with open(os.path.join(a.out, "rules", "claims.claims"), "w") as f:
        for i in range(a.claims):
            # Half the claims are stated facts, half random (mostly unknown).
            r, x, y = facts[rnd.randrange(len(facts))] if i % 2 == 0 else triple()
            verdict = "supported" if (r, x, y) in stated else "unknown"
            f.write(f"expect {verdict}: {x} links{r} to {y}\n")


if __name__ == "__main__":
    main()
