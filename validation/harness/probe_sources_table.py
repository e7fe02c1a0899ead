#!/usr/bin/env python3
"""The L2 source probe (run_probe_sources.sh) as a table the L2 experiments read.

  python3 probe_sources_table.py ../data/h200-sxm/raw/l2-sources-probe ../data/h200-sxm/probes/l2-sources.jsonl

One line per profiled kernel (one per case, in case order), in bytes: DRAM read and write; L2
read requests from the SMs (tex) and of them the misses at the first L2 slice they reach;
requests that crossed to the other partition (ltcfabric) and of them the misses there; local
(spill) loads and stores at L1.
"""
import csv
import json
import os
import sys

from merge import read_jsonl

SECTOR = 32
FIELDS = {
    "dramReadBytes": ("dram__bytes_read.sum", 1),
    "dramWriteBytes": ("dram__bytes_write.sum", 1),
    "smReadBytes": ("lts__t_sectors_srcunit_tex_op_read.sum", SECTOR),
    "smReadMissBytes": ("lts__t_sectors_srcunit_tex_op_read_lookup_miss.sum", SECTOR),
    "fabricReadBytes": ("lts__t_sectors_srcunit_ltcfabric_op_read.sum", SECTOR),
    "fabricReadMissBytes": ("lts__t_sectors_srcunit_ltcfabric_op_read_lookup_miss.sum", SECTOR),
    "smWriteBytes": ("lts__t_sectors_srcunit_tex_op_write.sum", SECTOR),
    "localLoadBytes": ("l1tex__t_sectors_pipe_lsu_mem_local_op_ld.sum", SECTOR),
    "localStoreBytes": ("l1tex__t_sectors_pipe_lsu_mem_local_op_st.sum", SECTOR),
}


def main():
    raw, out = sys.argv[1], sys.argv[2]
    lines = open(os.path.join(raw, "probe_sources.csv"), newline="").read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith('"ID"'))
    rows = [r for r in csv.DictReader(lines[start:]) if r["ID"].strip().isdigit()]
    cases = [c for c in read_jsonl(os.path.join(raw, "probe_sources_cases.jsonl")) if c["ok"] is True]
    if len(rows) != len(cases):
        sys.exit(f"{len(rows)} kernels for {len(cases)} cases")
    with open(out, "w") as f:
        for c, r in zip(cases, rows):
            rec = {"kernel": c["kernel"], "batch": c["batch"], "heads": c["heads"], "kvHeads": c["kvHeads"],
                   "seqLen": c["n"], "headDim": c["d"], "mask": c["mask"], "ncuKernel": r["Kernel Name"][:60]}
            for key, (metric, scale) in FIELDS.items():
                rec[key] = int(float(r[metric].replace(",", "")) * scale)
            f.write(json.dumps(rec) + "\n")
    print(f"{out}: {len(rows)} kernels")


if __name__ == "__main__":
    main()
