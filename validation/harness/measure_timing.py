"""Latency (CUDA events, triton do_bench with the L2 flushed) and energy (the NVML counter over
a loop of back-to-back calls) of one case."""
from __future__ import annotations

import math
import statistics
import sys
import threading
import time

import torch
import triton

import measure_gpu as gpu


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
        f, pc, smp = gpu.NVML.energy_mj, time.perf_counter, self.samples
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
    e0 = gpu.NVML.energy_mj()
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
                snap = gpu.NVML.snapshot()  # read while the GPU is busy
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
        e1 = gpu.NVML.energy_mj()
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
        snap = gpu.NVML.snapshot()
    return {"energyMilliJoules": power * 1e3 * wall / calls, "avgPowerWatts": power, "calls": calls,
            "seconds": wall, "countedSeconds": span, "counterUpdates": len(tk), "mode": mode,
            "wallPerCallMs": 1e3 * wall / calls, "naiveMilliJoulesPerCall": float(e1 - e0) / calls,
            "naiveWatts": float(e1 - e0) / 1000.0 / wall, "during": snap}
