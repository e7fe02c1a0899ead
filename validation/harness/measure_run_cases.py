"""The modes that run cases: latency-energy (latency and energy per case) and ncu-target (one
profiled call per case, for Nsight Compute)."""
from __future__ import annotations

import time
import warnings

import torch
import triton
import triton.language as tl

import measure_gpu as gpu
from measure_backends import Runner
from measure_common import DEV, T_START, log, sig
from measure_gpu import ENERGY_METHOD, LAT_METHOD, source
from measure_records import JsonlWriter, write_error, record_base, select_cases
from measure_timing import bench, energy, event_time_ms


def mode_latency_energy(args):
    out, diag, errs = JsonlWriter(args.out), JsonlWriter(args.diag), JsonlWriter(args.errors)
    cs = select_cases(args)
    log(f"latency-energy: {len(cs)} cases, est one-call sum {sum(c['estMs'] for c in cs):.0f} ms")
    method = LAT_METHOD + "; " + ENERGY_METHOD
    nd = 0
    for i, case in enumerate(cs):
        if args.deadline_s and time.time() - T_START > args.deadline_s:
            errs.write({"id": case["id"], "kernel": case["kernel"], "stage": "skipped",
                        "error": "deadline reached before this case started"})
            continue
        t_case = time.time()
        stage = "build"
        r = None
        with warnings.catch_warnings(record=True) as wl:
            warnings.simplefilter("always")
            try:
                t = time.time()
                r = Runner(case, rotate=True)
                build_s = time.time() - t
                with r:
                    stage = "warmup"
                    t = time.time()
                    o = r.fn()
                    torch.cuda.synchronize()
                    warm_s = time.time() - t
                    finite = bool(torch.isfinite(o).all().item())
                    shape_ok = list(o.shape) == [case["workload"]["batch"], case["workload"]["heads"],
                                                 case["workload"]["qLen"], case["workload"]["valueHeadDim"]]
                    rel = None
                    if case["kernel"] == "flex" or args.check_all:
                        rel = r.check(o)
                    del o
                    if not finite or not shape_ok:
                        raise RuntimeError(f"bad output finite={finite} shape_ok={shape_ok}")
                    if rel is not None and not rel < 2e-2:
                        raise RuntimeError(f"output differs from the float32 reference: rel err {rel:.3g}")
                    stage = "estimate"
                    event_time_ms(r.fn, 1)
                    est = event_time_ms(r.fn, 3)
                    if est > args.max_call_ms:
                        raise RuntimeError(f"one call takes {est:.1f} ms > {args.max_call_ms} ms; skipped")
                    stage = "bench"
                    b = bench(r.fn, est)
                    stage = "energy"
                    en = energy(r, b["median"], args.energy_s) if gpu.NVML.ok else None
                rec = record_base(case)
                m = {"latencyMs": sig(b["median"]), "latencyMinMs": sig(b["min"]), "latencyP90Ms": sig(b["p90"])}
                if en:
                    m["energyMilliJoules"] = sig(en["energyMilliJoules"])
                    m["avgPowerWatts"] = sig(en["avgPowerWatts"])
                rec["measured"] = m
                rec["source"] = source(method)
                out.write(rec)
                d = {"id": case["id"], "estMs": case["estMs"], "eventEstMs": sig(est), "buildS": round(build_s, 3), "warmupS": round(warm_s, 3),
                     "reps": b["reps"], "caseS": round(time.time() - t_case, 2),
                     "relErrVsFp32": sig(rel, 3) if rel is not None else None}
                if en:
                    d["energy"] = {k: (sig(v) if isinstance(v, float) else v) for k, v in en.items()}
                d.update(r.info)
                diag.write(d)
                nd += 1
                log(f"{i + 1}/{len(cs)} {case['id']}: {b['median']:.4f} ms"
                    + (f", {en['energyMilliJoules']:.2f} mJ, {en['avgPowerWatts']:.0f} W, "
                       f"sm {en['during'].get('smClockMHz')} MHz [{en['mode']}]" if en else "")
                    + f" (warm {warm_s:.1f}s, case {time.time() - t_case:.1f}s)")
            except Exception as e:
                write_error(errs, case, stage, e, wl)
                if isinstance(e, torch.OutOfMemoryError):
                    pass
            finally:
                if r is not None:
                    del r
                if torch.cuda.memory_reserved() > 40 * 2**30:
                    torch.cuda.empty_cache()
    log(f"latency-energy done: {nd}/{len(cs)} ok")


@triton.jit(do_not_specialize=["idx"])
def attnsim_case_marker(p, idx):
    tl.store(p + tl.program_id(0), idx)


def mode_ncu_target(args):
    out = JsonlWriter(args.out)
    cs = select_cases(args, ncu_only=not args.all_cases)
    buf = torch.zeros(8192, dtype=torch.int32, device=DEV)
    attnsim_case_marker[(1,)](buf, 0)
    torch.cuda.synchronize()
    log(f"ncu-target: {len(cs)} cases")
    for idx, case in enumerate(cs):
        if args.deadline_s and time.time() - T_START > args.deadline_s:
            out.write({"tag": args.tag, "idx": idx, "id": case["id"], "ok": False, "error": "deadline"})
            continue
        r = None
        stage = "build"
        with warnings.catch_warnings(record=True) as wl:
            warnings.simplefilter("always")
            try:
                r = Runner(case)
                with r:
                    stage = "warmup"
                    o = r.fn()
                    torch.cuda.synchronize()
                    del o
                    stage = "profiled"
                    torch.cuda.profiler.start()
                    try:
                        attnsim_case_marker[(idx + 1,)](buf, idx)
                        o = r.fn()
                        torch.cuda.synchronize()
                    finally:
                        torch.cuda.profiler.stop()
                    del o
                out.write({"tag": args.tag, "idx": idx, "id": case["id"], "ok": True, **({"info": r.info} if r.info else {})})
                log(f"ncu {idx} {case['id']} ok")
            except Exception as e:
                msg = f"{type(e).__name__}: {e}"[:2000]
                rec = {"tag": args.tag, "idx": idx, "id": case["id"], "ok": False, "stage": stage, "error": msg}
                if wl:
                    rec["warnings"] = sorted({str(w.message)[:600] for w in wl})[:8]
                out.write(rec)
                log("ERROR ncu", case["id"], msg[:300])
            finally:
                if r is not None:
                    del r
                torch.cuda.empty_cache()
