#!/usr/bin/env python3
"""Turn the L2 probe's raw output (run_probe_l2.sh) into the table the cycle engine's L2 is
fitted on: one JSON line per case with the fraction of the hot buffer re-read from DRAM.

  python3 probe_l2_table.py --raw ../data/h200-sxm/raw/l2-probe \
      --out ../data/h200-sxm/probes/l2-replacement.jsonl

The ncu csv has one row per profiled probe_hot_reread, in case order (probe_l2_cases.jsonl).
"""
import argparse
import json
import os

from merge import parse_ncu_csv, read_jsonl

MIB = 1 << 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    cases = read_jsonl(os.path.join(args.raw, "probe_l2_cases.jsonl"))
    rows = parse_ncu_csv(os.path.join(args.raw, "probe_l2.csv"))
    if len(rows) != len(cases):
        raise SystemExit(f"{len(rows)} ncu rows for {len(cases)} cases")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        for c, r in zip(cases, rows):
            hot = c["hotMB"] * MIB
            read = float(r["read"])
            f.write(json.dumps({
                "hotBytes": hot, "streamBytes": c["streamMB"] * MIB, "stream": c["stream"],
                "hotReadBy": c["hotReadBy"], "hotReads": c.get("hotReads", 1), "ctas": int(r["gridDims"].strip("()").split(",")[0]),
                "dramReadBytes": read, "lostFraction": round(min(1.0, read / hot), 4),
            }) + "\n")
    print(f"wrote {len(cases)} probe points to {args.out}")


if __name__ == "__main__":
    main()
