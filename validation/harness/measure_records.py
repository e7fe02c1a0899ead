"""Writing JSON lines (one per case, flushed, so a timeout keeps what finished), the common
part of a case record, error records, and the selection of cases from the command line."""
from __future__ import annotations

import json
import os
import re

import cases as C
from measure_common import log


class JsonlWriter:
    def __init__(self, path):
        self.path = path
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)

    def write(self, obj):
        if not self.path:
            return
        with open(self.path, "a") as f:
            f.write(json.dumps(obj, separators=(",", ":")) + "\n")
            f.flush()
            os.fsync(f.fileno())


def record_base(case):
    wl = dict(case["workload"])
    wl["mask"] = C.public_mask(wl["mask"])
    return {"id": case["id"], "hardware": C.HARDWARE, "kernel": case["kernel"],
            "phase": case["phase"], "workload": wl}


def select_cases(args, ncu_only=False):
    cs = C.all_cases()
    if ncu_only:
        cs = [c for c in cs if c["ncu"]]
    if args.only:
        pats = [re.compile(p) for p in args.only]
        cs = [c for c in cs if any(p.search(c["id"]) for p in pats)]
    if args.kernels:
        ks = set(args.kernels.split(","))
        cs = [c for c in cs if c["kernel"] in ks]
    if args.ids_file:
        wanted = {line.strip() for line in open(args.ids_file) if line.strip()}
        cs = [c for c in cs if c["id"] in wanted]
    if args.max_est_ms is not None:
        cs = [c for c in cs if c["estMs"] <= args.max_est_ms]
    done = set()
    for p in args.resume or []:
        if os.path.exists(p):
            for line in open(p):
                try:
                    done.add(json.loads(line)["id"])
                except Exception:
                    pass
    cs = [c for c in cs if c["id"] not in done]
    if args.limit:
        cs = cs[: args.limit]
    return cs


def write_error(errs, case, stage, e, wlist=None):
    msg = f"{type(e).__name__}: {e}"
    rec = {"id": case["id"], "kernel": case["kernel"], "stage": stage, "error": msg[:2000]}
    if wlist:
        rec["warnings"] = sorted({str(w.message)[:600] for w in wlist})[:8]
    errs.write(rec)
    log("ERROR", case["id"], stage, msg[:300])
