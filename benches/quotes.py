#!/usr/bin/env python3
"""Writes a workspace of many quotes checked against one long source text,
for the quote checks' scaling (BENCHMARKS.md, "Quotes"): a text of
`--words` words, and `--facts` facts, each quoting four consecutive words of
it, every tenth quote a phrase the text does not have. A load with missing
quotes is an error, so `claimcheck check DIR` exits 2 with one error per
missing quote, each naming the text's closest passage.

    python3 benches/quotes.py --facts 20000 --words 200000 \\
        --out target/bench/quotes
"""

import argparse
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--facts", type=int, default=20000)
    ap.add_argument("--words", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    vocabulary = ["alpha", "beta", "gamma", "delta", "troops", "border",
                  "treaty", "report", "signed", "north", "south"]
    words = [rnd.choice(vocabulary) for _ in range(a.words)]
    for d in ("rules", "fixtures", "sources"):
        os.makedirs(os.path.join(a.out, d), exist_ok=True)
    with open(os.path.join(a.out, "sources", "doc.txt"), "w") as f:
        f.write(" ".join(words))
    rules = ["relation ties: {a:org} works with {b:org}"]
    rules += [f"entity Org{i} Co (org)" for i in range(50)]
    rules.append("expect supported: Org0 Co works with Org1 Co")
    with open(os.path.join(a.out, "rules", "r.claims"), "w") as f:
        f.write("\n".join(rules) + "\n")
    yaml = ["sources:", "  - id: s0", "    text: ../sources/doc.txt", "facts:"]
    for i in range(a.facts):
        at = rnd.randrange(len(words) - 5)
        quote = " ".join(words[at:at + 4]) if i % 10 else "not in the text at all"
        yaml.append(f"  - says: Org{i % 50} Co works with Org{(i * 7 + 1) % 50} Co\n"
                    f"    source: s0\n    quote: '{quote}'")
    with open(os.path.join(a.out, "fixtures", "facts.yaml"), "w") as f:
        f.write("\n".join(yaml) + "\n")


if __name__ == "__main__":
    main()
