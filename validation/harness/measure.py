#!/usr/bin/env python3
"""attnsim GPU measurement harness: runs the cases of cases.py on one NVIDIA GPU.

Modes (comma-separate several to run them in one process, e.g. `ceilings,latency-energy`):
  probe           which SDPA backends take GQA / d256 / decode / fp16, flex mask correctness
                  against a dense reference, NVML energy-counter granularity. Prints a table.
  ceilings        copy bandwidth, bf16 GEMM rate, idle power, SM clock -> --ceilings-out
  latency-energy  latency (triton do_bench, L2 flushed) and energy (NVML) per case -> --out
  ncu-target      one warm-up call, then one call per case between cudaProfilerStart/Stop,
                  preceded by a marker kernel whose grid size is (case index + 1). Run it
                  under `ncu --profile-from-start off` (see run_ncu.sh); merge.py joins.

Every case writes one JSON line and flushes, so a timeout keeps what finished. Per-case
exceptions go to the errors file and the run continues.

This file parses the command line and runs the modes; the work is in the measure_*.py files
beside it, one concern each (README.md lists them).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from measure_common import log  # noqa: E402  (first: the run's clock starts here)


def parse_args(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True)
    ap.add_argument("--out")
    ap.add_argument("--diag")
    ap.add_argument("--errors")
    ap.add_argument("--ceilings-out")
    ap.add_argument("--env-out")
    ap.add_argument("--probe-out")
    ap.add_argument("--tag", default="", help="ncu-target: tag written into each record (chunk name)")
    ap.add_argument("--only", action="append", help="regex on case id (repeatable)")
    ap.add_argument("--kernels")
    ap.add_argument("--ids-file", help="keep only the case ids listed in this file, one per line")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--max-est-ms", type=float)
    ap.add_argument("--resume", action="append", help="skip ids present in this JSONL (repeatable)")
    ap.add_argument("--deadline-s", type=float, default=0.0, help="start no case after this many s")
    ap.add_argument("--energy-s", type=float, default=1.0)
    ap.add_argument("--max-call-ms", type=float, default=600.0)
    ap.add_argument("--check-all", action="store_true", help="reference-check SDPA cases too (flex always)")
    ap.add_argument("--all-cases", action="store_true", help="ncu-target: not only ncu-flagged cases")
    return ap.parse_args(argv)


def main():
    args = parse_args()
    # torch is imported only now: parsing the arguments (and --help) needs none of it.
    import measure_gpu as gpu
    from measure_ceilings import mode_ceilings, mode_idle_end
    from measure_probes import mode_probe, mode_probe_flex
    from measure_run_cases import mode_latency_energy, mode_ncu_target

    info, extra = gpu.start()
    log("env", json.dumps(info), json.dumps(extra))
    if args.env_out:
        with open(args.env_out, "w") as f:
            json.dump({"source": info, "extra": extra, "argv": sys.argv}, f, indent=1)
    run = {"probe": mode_probe, "probe-flex": mode_probe_flex, "ceilings": mode_ceilings, "latency-energy": mode_latency_energy,
           "ncu-target": mode_ncu_target, "idle-end": mode_idle_end}
    for mode in args.mode.split(","):
        t = time.time()
        run[mode](args)
        log(f"mode {mode} took {time.time() - t:.1f}s")


if __name__ == "__main__":
    main()
