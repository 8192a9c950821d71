"""``python -m fuzz --seed N`` (from tests/): one program, minimized, ready to paste.
``python -m fuzz --programs N [--start S]``: counts per kind of difference, then one minimized
repro per distinct cause (kind, what differs, the ops of the minimized program)."""
from __future__ import annotations

import argparse
import collections
import re
import time

import fuzz


def cause(program, d):
    ops = set()
    for stmt in program:
        ops |= set(re.findall(r"(?:torch\.|\.)([a-z_]+)\(", stmt)) - {"tensor"}
        ops |= {"view-write" for _ in re.findall(r"\]\s*[-+*/]?=", stmt)}
        ops |= {"no_grad" for _ in re.findall(r"with torch\.", stmt)}
    return (d.kind, d.what, tuple(sorted(ops)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int)
    p.add_argument("--programs", type=int, default=1000)
    p.add_argument("--start", type=int, default=0)
    args = p.parse_args()
    if args.seed is not None:
        program = fuzz.generate(args.seed)
        small = fuzz.minimize(program)
        print(fuzz.repro(small, fuzz.compare(small)))
        return
    t0 = time.time()
    found = []
    for seed in range(args.start, args.start + args.programs):
        program = fuzz.generate(seed)
        d = fuzz.compare(program)
        if d is not None:
            found.append((seed, program, d))
    elapsed = time.time() - t0
    print(f"{args.programs} programs in {elapsed:.1f} s ({args.programs / elapsed:.0f}/s)")
    kinds = collections.Counter(d.kind for _, _, d in found)
    whats = collections.Counter(d.signature for _, _, d in found)
    print("clean:", args.programs - len(found), dict(kinds))
    for sig, n in whats.most_common():
        print(" ", sig, n)
    causes = collections.defaultdict(list)
    for seed, program, d in found:
        small = fuzz.minimize(program)
        ds = fuzz.compare(small) or d
        causes[ds.cause].append((seed, small, ds))
    print(f"\n{len(causes)} distinct causes")
    for key, items in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        seed, small, ds = min(items, key=lambda it: len(it[1]))
        print(f"\n## {' / '.join(map(str, key))}: {len(items)} programs (seed {seed}; "
              f"ops: {', '.join(cause(small, ds)[2])})")
        print(fuzz.repro(small, ds))


if __name__ == "__main__":
    main()
