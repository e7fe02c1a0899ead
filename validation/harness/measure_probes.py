"""The probes: which SDPA backends take GQA, d256, decode and fp16 (mode probe), FlexAttention
masks against the dense reference and the NVML energy counter's granularity (mode probe-flex)."""
from __future__ import annotations

import statistics
import time
import warnings

import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel

import cases as C
import measure_gpu as gpu
from measure_backends import BACKENDS, make_inputs
from measure_common import log
from measure_masks import flex_init, flex_block_mask
from measure_records import JsonlWriter
from measure_reference import dense_ref_mask, reference


def mode_probe(args):
    out = JsonlWriter(args.probe_out)
    rows = []

    def chk(name, fn, ref=None):
        with warnings.catch_warnings(record=True) as wl:
            warnings.simplefilter("always")
            try:
                t = time.time()
                o = fn()
                torch.cuda.synchronize()
                dt = time.time() - t
                err = None
                if ref is not None:
                    err = float((o.float() - ref).norm() / ref.norm())
                res = {"probe": name, "ok": True, "relErr": err, "seconds": round(dt, 2)}
                if err is not None and not err < 2e-2:
                    res["ok"] = False
            except Exception as e:
                res = {"probe": name, "ok": False, "error": f"{type(e).__name__}: {e}"[:1500],
                       "warnings": sorted({str(w.message)[:400] for w in wl})[:6]}
        rows.append(res)
        out.write(res)
        log("probe", name, "OK" if res["ok"] else "FAIL", res.get("relErr"), res.get("error", "")[:250])

    def wl(b, h, kv, q, kl, d, dt="bf16"):
        return {"batch": b, "heads": h, "kvHeads": kv, "qLen": q, "kvLen": kl, "headDim": d,
                "valueHeadDim": d, "dtype": dt, "mask": {"kind": "none"}}

    configs = [("gqa-causal", wl(1, 8, 2, 1024, 1024, 128), True),
               ("mha-causal", wl(1, 8, 8, 1024, 1024, 128), True),
               ("gqa-none", wl(2, 8, 2, 512, 512, 128), False),
               ("d64-gqa", wl(1, 8, 2, 1024, 1024, 64), True),
               ("d256-mha", wl(1, 4, 4, 1024, 1024, 256), True),
               ("d256-gqa", wl(1, 8, 2, 1024, 1024, 256), True),
               ("decode-gqa", wl(4, 32, 8, 1, 4096, 128), False),
               ("decode-mha", wl(4, 8, 8, 1, 4096, 128), False),
               ("decode-d256", wl(2, 8, 8, 1, 4096, 256), False),
               ("fp16-gqa-causal", wl(1, 8, 2, 1024, 1024, 128, "fp16"), True)]
    for kern, be in BACKENDS.items():
        for name, w, causal in configs:
            q, k, v = make_inputs(w, seed=7)
            mk = {"kind": "causal" if causal else "none"}
            ref = reference(q, k, v, dense_ref_mask(mk, w["qLen"], w["kvLen"]))
            kw = {"is_causal": causal}
            if w["heads"] != w["kvHeads"]:
                kw["enable_gqa"] = True

            def f(q=q, k=k, v=v, kw=kw, be=be):
                with sdpa_kernel([be]):
                    return F.scaled_dot_product_attention(q, k, v, **kw)
            chk(f"{kern}/{name}", f, ref)
    _summary(rows)


def mode_probe_flex(args):
    out = JsonlWriter(args.probe_out)
    rows = []

    def chk(name, fn, ref=None):
        with warnings.catch_warnings(record=True) as wl:
            warnings.simplefilter("always")
            try:
                t = time.time()
                o = fn()
                torch.cuda.synchronize()
                dt = time.time() - t
                err = float((o.float() - ref).norm() / ref.norm())
                res = {"probe": name, "ok": err < 2e-2, "relErr": err, "seconds": round(dt, 2)}
            except Exception as e:
                res = {"probe": name, "ok": False, "error": f"{type(e).__name__}: {e}"[:1500],
                       "warnings": sorted({str(w.message)[:400] for w in wl})[:6]}
        rows.append(res)
        out.write(res)
        log("probe", name, "OK" if res["ok"] else "FAIL", res.get("relErr"), res.get("seconds"),
            res.get("error", "")[:250])

    # flex masks against the dense reference (N=1024, GQA 8/2)
    n = 1024
    w = {"batch": 1, "heads": 8, "kvHeads": 2, "qLen": n, "kvLen": n, "headDim": 128,
         "valueHeadDim": 128, "dtype": "bf16", "mask": {"kind": "none"}}
    fm = [{"kind": "none"}, {"kind": "causal"}, {"kind": "sliding_window", "window": 200},
          {"kind": "sink_window", "sinks": 4, "window": 256},
          C.block_sparse_mask(n, n, 0.25, 77), C.block_sparse_mask(n, n, 0.9, 78),
          {"kind": "document", "lengths": [256, 384, 128, 256], "causal": True},
          {"kind": "document", "lengths": [512, 256, 128, 128], "causal": False}]
    q, k, v = make_inputs(w, seed=11)
    flex = flex_init()
    for m in fm:
        ref = reference(q, k, v, dense_ref_mask(m, n, n))

        def f(m=m):
            bm = flex_block_mask(m, n, n)
            return flex(q, k, v, block_mask=bm, enable_gqa=True)
        chk(f"flex/{C.mask_desc(m)}", f, ref)
    # NVML energy counter granularity
    if gpu.NVML.ok:
        vals, t0 = [], time.perf_counter()
        while time.perf_counter() - t0 < 0.5:
            vals.append((time.perf_counter() - t0, gpu.NVML.energy_mj()))
        changes = [vals[i][0] for i in range(1, len(vals)) if vals[i][1] != vals[i - 1][1]]
        gaps = [b - a for a, b in zip(changes, changes[1:])]
        res = {"probe": "nvml-energy-granularity", "ok": True, "reads": len(vals), "changes": len(changes),
               "medianGapMs": round(1e3 * statistics.median(gaps), 3) if gaps else None}
        out.write(res)
        log("probe", res)
    _summary(rows)


def _summary(rows):
    print("\nPROBE SUMMARY")
    for r in rows:
        e = r.get("relErr")
        es = "" if e is None else f"{e:.2e}"
        print(f"  {r['probe']:40s} {'OK ' if r['ok'] else 'FAIL'} {es} {r.get('error', '')[:160]}")
