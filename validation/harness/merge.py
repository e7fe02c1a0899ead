#!/usr/bin/env python3
"""Join the harness's raw outputs into the final per-case JSONL files.

  python3 merge.py --raw-dir ../data/h200-sxm/raw --out-dir ../data/h200-sxm

Reads (in --raw-dir, any sub-folder):
  le*.jsonl (not *-diag / *-errors)   latency+energy case records from measure.py
  ncu-<TAG>.csv                        `ncu --import ... --csv --page raw --print-units base`
  ncu-cases*.jsonl                     {"tag","idx","id","ok"} written by measure.py --mode ncu-target
  ceilings*.jsonl                      ceilings records (copied through)
Writes sdpa-prefill.jsonl, sdpa-decode.jsonl, sdpa-math.jsonl, flex.jsonl, ceilings.jsonl
into --out-dir, and raw/ncu-kernels.jsonl (per case: every kernel with its ncu duration, for
inspection; not a case file). One line per case; later raw files win on duplicate ids.

ncu attribution: each profiled window starts with the kernel `attnsim_case_marker`, launched
with (case index + 1) CTAs; every kernel after it up to the next marker belongs to that case.
"""
from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import sys

METRIC = {"read": "dram__bytes_read.sum", "write": "dram__bytes_write.sum", "l2": "lts__t_bytes.sum",
          "time": "gpu__time_duration.sum", "grid": "launch__grid_size", "block": "launch__block_size",
          "regs": "launch__registers_per_thread", "smem_s": "launch__shared_mem_per_block_static",
          "smem_d": "launch__shared_mem_per_block_dynamic"}
MARKER = "attnsim_case_marker"
NCU_METHOD = ("bytes: Nsight Compute (--clock-control none, --cache-control all: caches flushed before "
              "every kernel) on one call after an unprofiled warm-up; dram__bytes_read.sum, "
              "dram__bytes_write.sum, lts__t_bytes.sum summed over all kernels of the call; launch "
              "entries from launch__grid_size (CTAs), launch__block_size, launch__registers_per_thread, "
              "launch__shared_mem_per_block_static+dynamic")


def num(s):
    if s is None:
        return None
    s = str(s).strip().replace(",", "")
    if s in ("", "n/a", "N/A"):
        return None
    try:
        v = float(s)
    except ValueError:
        return None
    return int(v) if v.is_integer() else v


def read_jsonl(path):
    out = []
    for line in open(path):
        line = line.strip()
        if line:
            out.append(json.loads(line))
    return out


def parse_ncu_csv(path):
    """Rows (dicts) of an ncu raw-page CSV in launch order, with numeric metrics."""
    lines = open(path, newline="").read().splitlines()
    start = None
    for i, l in enumerate(lines):
        if l.startswith('"ID"') or l.startswith("ID,"):
            start = i
            break
    if start is None:
        return []
    rows = []
    scale = {}
    tscale = {"second": 1e9, "msecond": 1e6, "usecond": 1e3, "nsecond": 1.0,
              "byte": 1.0, "Kbyte": 1e3, "Mbyte": 1e6, "Gbyte": 1e9, "Tbyte": 1e12,
              "KB": 1e3, "MB": 1e6, "GB": 1e9}
    for r in csv.DictReader(lines[start:]):
        rid = num(r.get("ID"))
        if rid is None:
            if not rows and not scale:  # units row: convert to bytes / nanoseconds
                for k, col in METRIC.items():
                    u = (r.get(col) or "").strip()
                    if u in tscale:
                        scale[k] = tscale[u]
            continue
        d = {"ncuId": rid, "name": r.get("Kernel Name", "").strip(),
             "gridDims": r.get("Grid Size"), "blockDims": r.get("Block Size")}
        for k, col in METRIC.items():
            v = num(r.get(col))
            if v is not None and scale.get(k, 1.0) != 1.0:
                v = v * scale[k]
            d[k] = v
        rows.append(d)
    rows.sort(key=lambda d: d["ncuId"])
    return rows


def group_by_marker(rows):
    """{case_idx: [kernel rows]} using the marker kernels' grid sizes."""
    groups, cur = {}, None
    for r in rows:
        if r["name"].startswith(MARKER) or MARKER in r["name"]:
            cur = int(r["grid"]) - 1 if r["grid"] is not None else None
            if cur is not None:
                groups.setdefault(cur, [])
            continue
        if cur is not None:
            groups[cur].append(r)
    return groups


def summarize(kernels):
    s = {"dramReadBytes": 0, "dramWriteBytes": 0, "l2Bytes": 0}
    launch, detail = [], []
    tot_ns = 0.0
    for k in kernels:
        s["dramReadBytes"] += k["read"] or 0
        s["dramWriteBytes"] += k["write"] or 0
        s["l2Bytes"] += k["l2"] or 0
        tot_ns += k["time"] or 0
        launch.append({"name": k["name"], "grid": k["grid"], "block": k["block"],
                       "sharedBytes": (k["smem_s"] or 0) + (k["smem_d"] or 0), "registers": k["regs"]})
        detail.append({"name": k["name"], "gridDims": k["gridDims"], "blockDims": k["blockDims"],
                       "grid": k["grid"], "block": k["block"], "registers": k["regs"],
                       "sharedStatic": k["smem_s"], "sharedDynamic": k["smem_d"],
                       "durationNs": k["time"], "dramReadBytes": k["read"],
                       "dramWriteBytes": k["write"], "l2Bytes": k["l2"]})
    return s, launch, detail, tot_ns


def out_name(rec):
    if rec["kernel"] == "flex":
        return "flex.jsonl"
    if rec["kernel"] == "sdpa-math":
        return "sdpa-math.jsonl"
    return "sdpa-decode.jsonl" if rec["phase"] == "decode" else "sdpa-prefill.jsonl"


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--raw-dir", action="append",
                    help="raw folder(s) to read (repeatable; default raw/le and raw/ncu)")
    ap.add_argument("--out-dir", default=os.path.join(here, "..", "data", "h200-sxm"))
    args = ap.parse_args()
    base = os.path.join(here, "..", "data", "h200-sxm", "raw")
    raws = args.raw_dir or [os.path.join(base, "le"), os.path.join(base, "ncu")]

    def files(pattern):
        out = []
        for raw in raws:
            out += sorted(glob.glob(os.path.join(raw, "**", pattern), recursive=True))
        return out

    # latency+energy records, later files win
    recs = {}
    order = []
    for p in files("le*.jsonl"):
        b = os.path.basename(p)
        if "diag" in b or "error" in b:
            continue
        for r in read_jsonl(p):
            if r["id"] not in recs:
                order.append(r["id"])
            recs[r["id"]] = r

    # ncu: (tag, idx) -> id
    idmap = {}
    for p in files("ncu-cases*.jsonl"):
        for r in read_jsonl(p):
            if r.get("ok"):
                idmap[(r.get("tag", ""), r["idx"])] = r["id"]
    ncu = {}
    for p in files("ncu-*.csv"):
        tag = os.path.basename(p)[len("ncu-"):-len(".csv")]
        groups = group_by_marker(parse_ncu_csv(p))
        for idx, ks in groups.items():
            cid = idmap.get((tag, idx))
            if cid is None or not ks:
                continue
            ncu[cid] = summarize(ks) + (tag,)

    by_file = {}
    summary_lines = []
    n_bytes = 0
    for cid in order:
        r = recs[cid]
        if cid in ncu:
            s, launch, detail, tot_ns, tag = ncu[cid]
            r["measured"].update(s)
            r["launch"] = launch
            r["source"]["method"] = r["source"]["method"] + "; " + NCU_METHOD
            n_bytes += 1
            summary_lines.append({"id": cid, "chunk": tag, "ncuKernelTimeMs": tot_ns / 1e6,
                                  "latencyMs": r["measured"].get("latencyMs"), "kernels": detail})
        by_file.setdefault(out_name(r), []).append(r)
    for cid, v in ncu.items():
        if cid not in recs:
            s, launch, detail, tot_ns, tag = v
            summary_lines.append({"id": cid, "chunk": tag, "ncuKernelTimeMs": tot_ns / 1e6,
                                  "latencyMs": None, "note": "no latency record", "kernels": detail})

    os.makedirs(args.out_dir, exist_ok=True)
    for name, rs in sorted(by_file.items()):
        with open(os.path.join(args.out_dir, name), "w") as f:
            for r in rs:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
        print(f"{name}: {len(rs)} cases, {sum('dramReadBytes' in r['measured'] for r in rs)} with bytes, "
              f"{sum('energyMilliJoules' in r['measured'] for r in rs)} with energy")
    if summary_lines:
        os.makedirs(os.path.join(args.out_dir, "raw"), exist_ok=True)
        with open(os.path.join(args.out_dir, "raw", "ncu-kernels.jsonl"), "w") as f:
            for s in summary_lines:
                f.write(json.dumps(s, separators=(",", ":")) + "\n")
    ceil = {}
    for p in files("ceilings*.jsonl"):
        for r in read_jsonl(p):
            ceil[r["id"]] = r
    if ceil:
        with open(os.path.join(args.out_dir, "ceilings.jsonl"), "w") as f:
            for r in ceil.values():
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
        print(f"ceilings.jsonl: {len(ceil)} lines")
    print(f"total {len(order)} cases, {n_bytes} with ncu bytes; ncu cases without latency: "
          f"{sum(1 for c in ncu if c not in recs)}")


if __name__ == "__main__":
    sys.exit(main())
