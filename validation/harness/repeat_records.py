#!/usr/bin/env python3
"""Repeated Nsight Compute passes as case records beside the shipped ones (run_repeat_pairs.sh).

  python3 repeat_records.py --raw-dir ../data/h200-sxm/raw/repeat-pairs --tag S \
      --shipped-dir ../data/h200-sxm --out ../data/h200-sxm/repeat/bytes-repeat-pairs-S.jsonl

Each record is the shipped case with its DRAM and L2 bytes replaced by the pass's (latency and
energy are the shipped ones: the pass measured bytes only), so `validate --data` reads it and
sim/validate/pairs.ts can see how far each case's bytes move between passes.
"""
import argparse
import copy
import glob
import json
import os

from merge import group_by_marker, parse_ncu_csv, read_jsonl, summarize


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw-dir", required=True)
    ap.add_argument("--tag", required=True)
    ap.add_argument("--shipped-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--date", default="2026-11-29")
    args = ap.parse_args()
    shipped = {}
    for path in glob.glob(os.path.join(args.shipped_dir, "*.jsonl")):
        for r in read_jsonl(path):
            if "id" in r:
                shipped[r["id"]] = r
    cases = {c["idx"]: c for c in read_jsonl(os.path.join(args.raw_dir, "ncu-cases.jsonl"))
             if c.get("tag") == args.tag and c.get("ok")}
    groups = group_by_marker(parse_ncu_csv(os.path.join(args.raw_dir, f"ncu-{args.tag}.csv")))
    written = 0
    with open(args.out, "w") as f:
        for idx, kernels in sorted(groups.items()):
            case = cases.get(idx)
            if case is None or not kernels or case["id"] not in shipped:
                continue
            sums, _, _, _ = summarize(kernels)
            rec = copy.deepcopy(shipped[case["id"]])
            rec["measured"].update(sums)
            rec["source"]["date"] = args.date
            rec["source"]["method"] = (f"repeat pass {args.tag} (run_repeat_pairs.sh): DRAM and L2 bytes from Nsight "
                                       "Compute as in ncu_chunk.sh; latency and energy copied from the shipped record")
            f.write(json.dumps(rec) + "\n")
            written += 1
    print(f"{args.out}: {written} records")


if __name__ == "__main__":
    main()
