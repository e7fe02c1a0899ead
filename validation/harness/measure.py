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
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import sys
import threading
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases as C  # noqa: E402

DATE = "2026-11-28"
T_START = time.time()

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import triton  # noqa: E402
import triton.language as tl  # noqa: E402
from torch.nn.attention import SDPBackend, sdpa_kernel  # noqa: E402

DEV = os.environ.get("ATTNSIM_DEVICE", "cuda")  # override only for CPU tests of the logic
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}
BACKENDS = {"sdpa-flash": SDPBackend.FLASH_ATTENTION, "sdpa-cudnn": SDPBackend.CUDNN_ATTENTION,
            "sdpa-efficient": SDPBackend.EFFICIENT_ATTENTION, "sdpa-math": SDPBackend.MATH}

for _name, _val in (("cache_size_limit", 512), ("recompile_limit", 512),
                    ("accumulated_cache_size_limit", 8192), ("accumulated_recompile_limit", 8192)):
    if hasattr(torch._dynamo.config, _name):
        setattr(torch._dynamo.config, _name, _val)


def log(*a):
    print(f"[{time.time() - T_START:7.1f}s]", *a, flush=True)


def sig(x, n=6):
    if x is None or not isinstance(x, (int, float)) or x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.{n}g}")


# ----------------------------------------------------------------------------- NVML

class Nvml:
    def __init__(self):
        self.ok = False
        try:
            import pynvml as N
            N.nvmlInit()
            self.N = N
            idx = 0
            vis = os.environ.get("CUDA_VISIBLE_DEVICES", "")
            if vis and vis.split(",")[0].strip().isdigit():
                idx = int(vis.split(",")[0])
            self.h = N.nvmlDeviceGetHandleByIndex(idx)
            self.ok = True
        except Exception as e:  # pragma: no cover
            log("NVML unavailable:", repr(e))

    def energy_mj(self):
        return self.N.nvmlDeviceGetTotalEnergyConsumption(self.h)

    def _try(self, f, *a):
        try:
            return f(self.h, *a)
        except Exception:
            return None

    def snapshot(self):
        if not self.ok:
            return {}
        N = self.N
        d = {"smClockMHz": self._try(N.nvmlDeviceGetClockInfo, N.NVML_CLOCK_SM),
             "memClockMHz": self._try(N.nvmlDeviceGetClockInfo, N.NVML_CLOCK_MEM),
             "powerW": None, "tempC": self._try(N.nvmlDeviceGetTemperature, N.NVML_TEMPERATURE_GPU)}
        p = self._try(N.nvmlDeviceGetPowerUsage)
        if p is not None:
            d["powerW"] = p / 1000.0
        f = getattr(N, "nvmlDeviceGetCurrentClocksEventReasons", None) or \
            getattr(N, "nvmlDeviceGetCurrentClocksThrottleReasons", None)
        if f is not None:
            d["clockEventReasons"] = self._try(f)
        return d

    def static_info(self):
        if not self.ok:
            return {}
        N = self.N
        d = {"driver": N.nvmlSystemGetDriverVersion(),
             "maxSmClockMHz": self._try(N.nvmlDeviceGetMaxClockInfo, N.NVML_CLOCK_SM),
             "maxMemClockMHz": self._try(N.nvmlDeviceGetMaxClockInfo, N.NVML_CLOCK_MEM),
             "appSmClockMHz": self._try(N.nvmlDeviceGetApplicationsClock, N.NVML_CLOCK_SM),
             "powerLimitW": None}
        p = self._try(N.nvmlDeviceGetEnforcedPowerLimit)
        if p is not None:
            d["powerLimitW"] = p / 1000.0
        for k, v in list(d.items()):
            if isinstance(v, bytes):
                d[k] = v.decode()
        return d


NVML = None


def env_info():
    cud = torch.backends.cudnn.version()
    cudnn = f"{cud // 10000}.{(cud // 100) % 100}.{cud % 100}" if cud and cud >= 10000 else str(cud)
    props = torch.cuda.get_device_properties(0)
    info = {"date": DATE, "gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
            "cuda": torch.version.cuda, "cudnn": cudnn, "triton": triton.__version__}
    info.update({"driver": NVML.static_info().get("driver") if NVML and NVML.ok else None})
    extra = {"smCount": props.multi_processor_count, "memGiB": round(props.total_memory / 2**30, 1),
             "l2Bytes": getattr(props, "L2_cache_size", None), "python": sys.version.split()[0]}
    if NVML and NVML.ok:
        extra.update(NVML.static_info())
    return info, extra


SOURCE = None


def source(method):
    s = dict(SOURCE)
    s["method"] = method
    return s


LAT_METHOD = ("latency: triton.testing.do_bench (L2 flushed before every rep), median/min/p90 of "
              "the per-call event times after a warm-up; inputs torch.randn, (B,H,N,d) contiguous")
ENERGY_METHOD = ("energy: NVML nvmlDeviceGetTotalEnergyConsumption over >=1.05 s of back-to-back calls "
                 "(synchronized before and after; input sets rotated so they exceed the L2; calls under "
                 "0.1 ms replayed from a CUDA graph of k calls); the counter advances every ~100 ms, so "
                 "avgPowerWatts = dE/dt between the first and last counter update seen while busy (>=1 s "
                 "apart) and energyMilliJoules = avgPowerWatts x loop time / calls")

# ----------------------------------------------------------------------------- builders

_WIN = None    # 0-d int32 window (tokens)   -- read by the flex mask_mods below
_SINK = None   # 0-d int32 sink count
_DOC = None    # int32 document id per position (first N entries used)
_FLEX = None


def _flex_init():
    global _WIN, _SINK, _DOC, _FLEX
    if _FLEX is None:
        from torch.nn.attention.flex_attention import flex_attention
        _WIN = torch.zeros((), dtype=torch.int32, device=DEV)
        _SINK = torch.zeros((), dtype=torch.int32, device=DEV)
        _DOC = torch.zeros(256 * 1024, dtype=torch.int32, device=DEV)
        _FLEX = torch.compile(flex_attention, dynamic=False)
    return _FLEX


def mm_causal(b, h, q, kv):
    return q >= kv


def mm_window(b, h, q, kv):
    return (q >= kv) & (q - kv < _WIN)


def mm_sink_window(b, h, q, kv):
    return (q >= kv) & ((kv < _SINK) | (q - kv < _WIN))


def mm_doc_causal(b, h, q, kv):
    return (_DOC[q] == _DOC[kv]) & (q >= kv)


def mm_doc(b, h, q, kv):
    return _DOC[q] == _DOC[kv]


def mask_eval(mask, rows, cols, q_len, kv_len, doc=None):
    """Bool [len(rows), len(cols)]: query i sees key j under the simulator's mask semantics
    (bottom-right aligned: i' = i + kvLen - qLen). `doc` is a per-position document id tensor."""
    i = rows[:, None] + (kv_len - q_len)
    j = cols[None, :]
    kind = mask["kind"]
    if kind == "none":
        return torch.ones(len(rows), len(cols), dtype=torch.bool, device=rows.device)
    if kind == "causal":
        return j <= i
    if kind == "sliding_window":
        return (j <= i) & (i - j < mask["window"])
    if kind == "sink_window":
        return (j <= i) & ((j < mask["sinks"]) | (i - j < mask["window"]))
    if kind == "document":
        m = doc[rows][:, None] == doc[cols][None, :]
        return m & (j <= i) if mask["causal"] else m
    if kind == "block_sparse":
        bs = mask["blockSize"]
        qb, kb = q_len // bs, kv_len // bs
        _, sel = C.block_sparse_rows(qb, kb, mask.get("nominalDensity", mask["blockDensity"]), mask["seed"])
        blk = torch.zeros(qb, kb, dtype=torch.bool)
        for r, cs in enumerate(sel):
            blk[r, cs] = True
        blk = blk.to(rows.device)
        return blk[(rows // bs)][:, (cols // bs)]
    raise ValueError(kind)


def doc_ids(mask, device=DEV):
    return torch.cat([torch.full((l,), d, dtype=torch.int32) for d, l in enumerate(mask["lengths"])]).to(device)


def classify_blocks(mask, q_len, kv_len, bs=128, doc=None):
    """(partial, full) bool [qb, kb] block maps, evaluated exactly on the element grid, a few
    query-block rows at a time (never an N x N tensor)."""
    qb, kb = q_len // bs, kv_len // bs
    part = torch.zeros(qb, kb, dtype=torch.bool, device=DEV)
    full = torch.zeros(qb, kb, dtype=torch.bool, device=DEV)
    cols = torch.arange(kv_len, device=DEV)
    step = max(1, (1 << 26) // (bs * kv_len))  # ~64M elements per chunk
    for r0 in range(0, qb, step):
        r1 = min(qb, r0 + step)
        rows = torch.arange(r0 * bs, r1 * bs, device=DEV)
        m = mask_eval(mask, rows, cols, q_len, kv_len, doc).view(r1 - r0, bs, kb, bs)
        anyb = m.any(dim=3).any(dim=1)
        allb = m.all(dim=3).all(dim=1)
        full[r0:r1] = allb
        part[r0:r1] = anyb & ~allb
    return part, full


def _to_kv(b):
    num = b.sum(dim=1, dtype=torch.int32).view(1, 1, -1)
    idx = torch.argsort((~b).to(torch.int8), dim=1, stable=True).to(torch.int32)
    return num.contiguous(), idx.view(1, 1, *b.shape).contiguous()


def flex_block_mask(mask, q_len, kv_len):
    """BlockMask (or None for no mask) following the simulator's mask semantics; q_len == kv_len.
    Built with BlockMask.from_kv_blocks from an exact block classification (no
    create_block_mask compile); partial blocks use the mask_mod below, full blocks skip it."""
    from torch.nn.attention.flex_attention import BlockMask
    assert q_len == kv_len, "flex cases use qLen == kvLen"
    n = q_len
    kind = mask["kind"]
    if kind == "none":
        return None
    bs = mask.get("blockSize", 128)
    doc = None
    mm = None
    if kind == "causal":
        mm = mm_causal
    elif kind == "sliding_window":
        _WIN.fill_(mask["window"])
        mm = mm_window
    elif kind == "sink_window":
        _WIN.fill_(mask["window"])
        _SINK.fill_(mask["sinks"])
        mm = mm_sink_window
    elif kind == "document":
        doc = doc_ids(mask)
        assert doc.numel() == n
        _DOC[:n].copy_(doc)
        mm = mm_doc_causal if mask["causal"] else mm_doc
    elif kind == "block_sparse":
        mm = None  # only full blocks: the mask_mod is never evaluated
    else:
        raise ValueError(f"unsupported flex mask {kind}")
    if kind == "block_sparse":
        qb, kb = q_len // bs, kv_len // bs
        _, sel = C.block_sparse_rows(qb, kb, mask.get("nominalDensity", mask["blockDensity"]), mask["seed"])
        full = torch.zeros(qb, kb, dtype=torch.bool)
        for r, cs in enumerate(sel):
            full[r, cs] = True
        full = full.to(DEV)
        part = torch.zeros_like(full)
    else:
        part, full = classify_blocks(mask, q_len, kv_len, bs, doc)
    pn, pi = _to_kv(part)
    fn_, fi = _to_kv(full)
    return BlockMask.from_kv_blocks(pn, pi, fn_, fi, BLOCK_SIZE=bs, mask_mod=mm, seq_lengths=(q_len, kv_len))


def check_rows(mask, q_len, kv_len):
    """Query rows used for the per-case correctness check (first, middle, last 128)."""
    pts = sorted({0, max(0, q_len // 2 - 64), max(0, q_len - 128)})
    return torch.cat([torch.arange(p, min(q_len, p + 128)) for p in pts]).unique().to(DEV)


def reference_rows(q, k, v, mask, rows):
    """float32 reference output for the given query rows (all heads), GQA by head groups."""
    q_len, kv_len = q.shape[2], k.shape[2]
    h, kvh = q.shape[1], k.shape[1]
    doc = doc_ids(mask) if mask["kind"] == "document" else None
    m = mask_eval(mask, rows, torch.arange(kv_len, device=DEV), q_len, kv_len, doc)
    outs = []
    for b in range(q.shape[0]):
        qs = q[b, :, rows].float()
        kf = k[b].float().repeat_interleave(h // kvh, dim=0)
        vf = v[b].float().repeat_interleave(h // kvh, dim=0)
        sc = (qs @ kf.transpose(-1, -2)) / math.sqrt(q.shape[-1])
        sc = sc.masked_fill(~m, float("-inf"))
        outs.append(torch.softmax(sc, -1) @ vf)
        del sc, kf, vf
    return torch.stack(outs)


def make_inputs(wl, seed=0):
    g = torch.Generator(device=DEV)
    g.manual_seed(seed)
    dt = DTYPES[wl["dtype"]]
    b, h, kv, q, k, d, dv = (wl[x] for x in ("batch", "heads", "kvHeads", "qLen", "kvLen", "headDim", "valueHeadDim"))
    Q = torch.randn(b, h, q, d, device=DEV, dtype=dt, generator=g)
    Kt = torch.randn(b, kv, k, d, device=DEV, dtype=dt, generator=g)
    V = torch.randn(b, kv, k, dv, device=DEV, dtype=dt, generator=g)
    return Q, Kt, V


ROTATE_BYTES = 256 * 2**20  # energy loop: rotate input sets until they exceed ~4x the 60 MB L2


class Runner:
    """Holds inputs and the callable for one case; enter() applies the SDPA backend choice.
    fn() runs on input set 0 (latency); call(i) on set i % nsets (energy loop rotation)."""

    def __init__(self, case, rotate=False):
        self.case = case
        wl = case["workload"]
        self.sets = [make_inputs(wl)]
        per_set = sum(t.numel() * t.element_size() for t in self.sets[0]) + self.sets[0][0].numel() * 2
        self.nsets = 1
        if rotate and per_set < ROTATE_BYTES:
            self.nsets = int(min(32, math.ceil(ROTATE_BYTES / per_set)))
            self.sets += [make_inputs(wl, seed=i) for i in range(1, self.nsets)]
        self.ctx = None
        self.info = {"energySets": self.nsets}
        kern = case["kernel"]
        mk = wl["mask"]["kind"]
        gqa = wl["heads"] != wl["kvHeads"]
        sets = self.sets
        if kern in BACKENDS:
            if mk not in ("none", "causal"):
                raise ValueError(f"SDPA cases use none/causal masks, got {mk}")
            if mk == "causal" and wl["qLen"] != wl["kvLen"]:
                raise ValueError("is_causal with qLen != kvLen is top-left aligned in SDPA; not used")
            kw = {"is_causal": mk == "causal"}
            if gqa:
                kw["enable_gqa"] = True
            self.ctx = sdpa_kernel([BACKENDS[kern]])
            self.call = lambda i: F.scaled_dot_product_attention(*sets[i], **kw)
        elif kern == "flex":
            flex = _flex_init()
            bm = flex_block_mask(wl["mask"], wl["qLen"], wl["kvLen"])
            self.bm = bm
            if bm is not None:
                self.info["blockMask"] = {
                    "partialBlocks": int(bm.kv_num_blocks.sum()),
                    "fullBlocks": int(bm.full_kv_num_blocks.sum()) if bm.full_kv_num_blocks is not None else 0,
                    "blockGrid": [wl["qLen"] // 128, wl["kvLen"] // 128]}
            self.call = lambda i: flex(*sets[i], block_mask=bm, enable_gqa=gqa)
        else:
            raise ValueError(f"unknown kernel {kern}")
        self.fn = lambda: self.call(0)

    def check(self, out):
        """Relative error of out (set 0) against a float32 reference on a few query rows."""
        q, k, v = self.sets[0]
        wl = self.case["workload"]
        rows = check_rows(wl["mask"], wl["qLen"], wl["kvLen"])
        ref = reference_rows(q, k, v, wl["mask"], rows)
        got = out[:, :, rows].float()
        return float((got - ref).norm() / ref.norm())

    def __enter__(self):
        if self.ctx is not None:
            self.ctx.__enter__()
        return self

    def __exit__(self, *a):
        if self.ctx is not None:
            self.ctx.__exit__(*a)
        return False


# ----------------------------------------------------------------------------- timing

def event_time_ms(fn, n=3):
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda.synchronize()
    s.record()
    for _ in range(n):
        fn()
    e.record()
    torch.cuda.synchronize()
    return s.elapsed_time(e) / n


def bench(fn, est):
    """triton do_bench with rep chosen for ~8..200 reps and ~<=0.4 s of kernel time."""
    n_target = int(max(8, min(150, 250.0 / max(est, 1e-3))))
    flush = 0.08  # ms, do_bench's L2-clearing memset, counted in its own estimate
    rep = n_target * (est + flush)
    warm = max(5.0, 2.0 * est)
    try:
        times = triton.testing.do_bench(fn, warmup=warm, rep=rep, return_mode="all")
    except (TypeError, ValueError):  # older triton without return_mode="all"
        med, lo, hi = triton.testing.do_bench(fn, warmup=warm, rep=rep, quantiles=[0.5, 0.0, 0.9])
        return {"median": med, "min": lo, "p90": hi, "reps": None}
    times = sorted(float(t) for t in times)
    n = len(times)
    p90 = times[min(n - 1, int(math.ceil(0.9 * n)) - 1)]
    return {"median": statistics.median(times), "min": times[0], "p90": p90, "reps": n}


class EnergySampler(threading.Thread):
    """Reads the NVML total-energy counter every ~0.5 ms (it advances every ~100 ms on the
    H200 seen here) so that the measured window can start and end on counter updates."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples = []
        self.stop_flag = False

    def run(self):
        f, pc, smp = NVML.energy_mj, time.perf_counter, self.samples
        while not self.stop_flag:
            smp.append((pc(), f()))
            time.sleep(0.0005)

    def ticks(self, t_from, t_to):
        smp = list(self.samples)
        return [smp[i] for i in range(1, len(smp))
                if smp[i][1] != smp[i - 1][1] and t_from <= smp[i][0] <= t_to]


def energy(runner, est_ms, min_s=1.0):
    """Energy per call over >= min_s of back-to-back calls, rotating input sets.

    Power = counter delta / time between the first and last counter update seen while the GPU
    was busy (>= min_s apart); per call = power x (loop wall time / calls). The naive
    delta-over-the-whole-loop figure is kept in the diagnostics."""
    sync = torch.cuda.synchronize
    ns = runner.nsets
    calls_per_unit, mode, g = 1, "eager", None
    ctr = [0]

    def eager_unit():
        runner.call(ctr[0] % ns)
        ctr[0] += 1
    unit = eager_unit
    if est_ms < 0.1:
        try:
            k = int(max(1, min(512, math.ceil(1.0 / max(est_ms, 1e-3)))))
            k = max(ns, (k // ns) * ns)
            s = torch.cuda.Stream()
            s.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(s):
                for i in range(ns):
                    runner.call(i)
            torch.cuda.current_stream().wait_stream(s)
            sync()
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g):
                for i in range(k):
                    runner.call(i % ns)
            g.replay()
            sync()
            unit, calls_per_unit, mode = g.replay, k, f"graph{k}"
        except Exception as e:
            g = None
            mode = "eager(graph failed: " + repr(e)[:200] + ")"
            sync()
    for _ in range(2):
        unit()
    sync()
    t = time.perf_counter()
    for _ in range(3):
        unit()
    sync()
    per_unit = max((time.perf_counter() - t) / 3, 1e-6)
    nb = max(1, int(round(0.02 / per_unit)))  # ~20 ms of work per batch, <= 2 batches queued
    old_si = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    smp = EnergySampler()
    smp.start()
    time.sleep(0.003)
    sync()
    e0 = NVML.energy_mj()
    t0 = time.perf_counter()
    units, snap, inflight = 0, None, []
    try:
        while True:
            for _ in range(nb):
                unit()
            units += nb
            ev = torch.cuda.Event()
            ev.record()
            inflight.append(ev)
            if snap is None and units >= 2 * nb:
                snap = NVML.snapshot()  # read while the GPU is busy
            while len(inflight) > 2:
                e = inflight.pop(0)
                while not e.query():
                    time.sleep(0.0002)
            now = time.perf_counter()
            if now - t0 >= min_s + 0.05:
                tk = smp.ticks(t0 + 0.05, now)
                if len(tk) >= 2 and tk[-1][0] - tk[0][0] >= min_s:
                    break
            if now - t0 > 8 * min_s:
                break
        sync()
        t1 = time.perf_counter()
        e1 = NVML.energy_mj()
    finally:
        smp.stop_flag = True
        smp.join()
        sys.setswitchinterval(old_si)
    tk = smp.ticks(t0 + 0.05, t1)
    calls = units * calls_per_unit
    wall = t1 - t0
    if len(tk) < 2:
        raise RuntimeError("energy counter did not advance twice during the loop")
    span = tk[-1][0] - tk[0][0]
    power = (tk[-1][1] - tk[0][1]) / 1000.0 / span
    del g
    if snap is None:
        snap = NVML.snapshot()
    return {"energyMilliJoules": power * 1e3 * wall / calls, "avgPowerWatts": power, "calls": calls,
            "seconds": wall, "countedSeconds": span, "counterUpdates": len(tk), "mode": mode,
            "wallPerCallMs": 1e3 * wall / calls, "naiveMilliJoulesPerCall": float(e1 - e0) / calls,
            "naiveWatts": float(e1 - e0) / 1000.0 / wall, "during": snap}


# ----------------------------------------------------------------------------- io

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


def _err(errs, case, stage, e, wlist=None):
    msg = f"{type(e).__name__}: {e}"
    rec = {"id": case["id"], "kernel": case["kernel"], "stage": stage, "error": msg[:2000]}
    if wlist:
        rec["warnings"] = sorted({str(w.message)[:600] for w in wlist})[:8]
    errs.write(rec)
    log("ERROR", case["id"], stage, msg[:300])


# ----------------------------------------------------------------------------- modes

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
                    en = energy(r, b["median"], args.energy_s) if NVML.ok else None
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
                _err(errs, case, stage, e, wl)
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


def mode_ceilings(args):
    out = JsonlWriter(args.ceilings_out)

    def put(id_, value, unit, method, extra=None):
        rec = {"id": id_, "value": sig(value), "unit": unit, "method": method, "hardware": C.HARDWARE,
               "source": source(method)}
        if extra:
            rec["detail"] = extra
        out.write(rec)
        log("ceiling", id_, sig(value), unit)

    torch.cuda.synchronize()
    time.sleep(1.0)
    s0 = NVML.snapshot()
    put("sm-clock-idle-before", s0.get("smClockMHz"), "MHz",
        "NVML nvmlDeviceGetClockInfo(SM) read idle, before the copy and GEMM ceilings", s0)
    e0, t0 = NVML.energy_mj(), time.perf_counter()
    time.sleep(3.0)
    e1, t1 = NVML.energy_mj(), time.perf_counter()
    put("idle-power", (e1 - e0) / 1000.0 / (t1 - t0), "W",
        f"NVML total-energy delta over {t1 - t0:.2f} s with the GPU idle (CUDA context open, nothing running)",
        {"nvmlPowerUsageW": NVML.snapshot().get("powerW")})

    # device-to-device copy, 4 GiB each way
    nbytes = 4 * 2**30
    src = torch.randint(0, 255, (nbytes,), dtype=torch.uint8, device=DEV)
    dst = torch.empty_like(src)
    dst.copy_(src)
    times = triton.testing.do_bench(lambda: dst.copy_(src), warmup=50, rep=400, return_mode="all")
    t = statistics.median(times)
    put("copy-bandwidth-d2d", 2 * nbytes / (t * 1e-3) / 1e9, "GB/s",
        f"torch Tensor.copy_ of a {nbytes} B uint8 buffer (cudaMemcpy D2D), bytes read + written over "
        f"the triton do_bench median ({len(times)} reps, {t:.3f} ms)", {"medianMs": sig(t), "minMs": sig(min(times))})
    del src, dst
    torch.cuda.empty_cache()

    n = 8192
    a = torch.randn(n, n, device=DEV, dtype=torch.bfloat16)
    bm = torch.randn(n, n, device=DEV, dtype=torch.bfloat16)
    for _ in range(5):
        a @ bm
    times = triton.testing.do_bench(lambda: a @ bm, warmup=100, rep=1000, return_mode="all")
    t = statistics.median(times)
    # clock while a stream of GEMMs runs
    for _ in range(200):
        a @ bm
    s1 = NVML.snapshot()
    torch.cuda.synchronize()
    put("gemm-bf16-8192", 2 * n**3 / (t * 1e-3) / 1e12, "TFLOP/s",
        f"torch.matmul bf16 {n}x{n}x{n} on torch.randn inputs, 2*n^3 over the triton do_bench median "
        f"({len(times)} reps, {t:.3f} ms)", {"medianMs": sig(t), "minMs": sig(min(times))})
    put("sm-clock-under-gemm", s1.get("smClockMHz"), "MHz",
        "NVML nvmlDeviceGetClockInfo(SM) read while 200 back-to-back 8192^3 bf16 GEMMs were running", s1)
    del a, bm
    torch.cuda.empty_cache()
    time.sleep(0.5)
    s2 = NVML.snapshot()
    put("sm-clock-after", s2.get("smClockMHz"), "MHz", "NVML SM clock read 0.5 s after the GEMMs finished", s2)


def mode_idle_end(args):
    out = JsonlWriter(args.ceilings_out)
    torch.cuda.synchronize()
    time.sleep(1.0)
    e0, t0 = NVML.energy_mj(), time.perf_counter()
    time.sleep(2.5)
    e1, t1 = NVML.energy_mj(), time.perf_counter()
    m = f"NVML total-energy delta over {t1 - t0:.2f} s idle, after the case sweep (GPU warm)"
    rec = {"id": "idle-power-after-sweep", "value": sig((e1 - e0) / 1000.0 / (t1 - t0)), "unit": "W",
           "method": m, "hardware": C.HARDWARE, "source": source(m), "detail": NVML.snapshot()}
    out.write(rec)
    log("ceiling idle-power-after-sweep", rec["value"])


def dense_ref_mask(mask, q_len, kv_len):
    doc = doc_ids(mask) if mask["kind"] == "document" else None
    return mask_eval(mask, torch.arange(q_len, device=DEV), torch.arange(kv_len, device=DEV), q_len, kv_len, doc)


def reference(q, k, v, maskb):
    h, kvh = q.shape[1], k.shape[1]
    kf = k.float().repeat_interleave(h // kvh, dim=1)
    vf = v.float().repeat_interleave(h // kvh, dim=1)
    s = (q.float() @ kf.transpose(-1, -2)) / math.sqrt(q.shape[-1])
    s = s.masked_fill(~maskb, float("-inf"))
    return torch.softmax(s, -1) @ vf


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
    flex = _flex_init()
    for m in fm:
        ref = reference(q, k, v, dense_ref_mask(m, n, n))

        def f(m=m):
            bm = flex_block_mask(m, n, n)
            return flex(q, k, v, block_mask=bm, enable_gqa=True)
        chk(f"flex/{C.mask_desc(m)}", f, ref)
    # NVML energy counter granularity
    if NVML.ok:
        vals, t0 = [], time.perf_counter()
        while time.perf_counter() - t0 < 0.5:
            vals.append((time.perf_counter() - t0, NVML.energy_mj()))
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


def main():
    global NVML, SOURCE
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
    args = ap.parse_args()
    torch.cuda.init()
    NVML = Nvml()
    info, extra = env_info()
    SOURCE = info
    log("env", json.dumps(info), json.dumps(extra))
    if args.env_out:
        with open(args.env_out, "w") as f:
            json.dump({"source": info, "extra": extra, "argv": sys.argv}, f, indent=1)
    for mode in args.mode.split(","):
        t = time.time()
        {"probe": mode_probe, "probe-flex": mode_probe_flex, "ceilings": mode_ceilings, "latency-energy": mode_latency_energy,
         "ncu-target": mode_ncu_target, "idle-end": mode_idle_end}[mode](args)
        log(f"mode {mode} took {time.time() - t:.1f}s")


if __name__ == "__main__":
    main()
