"""The ceilings: idle power, copy bandwidth, the bf16 GEMM rate and the SM clock around them
(mode ceilings), and idle power again after a sweep (mode idle-end)."""
from __future__ import annotations

import statistics
import time

import torch
import triton

import cases as C
import measure_gpu as gpu
from measure_common import DEV, log, sig
from measure_gpu import source
from measure_records import JsonlWriter


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
    s0 = gpu.NVML.snapshot()
    put("sm-clock-idle-before", s0.get("smClockMHz"), "MHz",
        "NVML nvmlDeviceGetClockInfo(SM) read idle, before the copy and GEMM ceilings", s0)
    e0, t0 = gpu.NVML.energy_mj(), time.perf_counter()
    time.sleep(3.0)
    e1, t1 = gpu.NVML.energy_mj(), time.perf_counter()
    put("idle-power", (e1 - e0) / 1000.0 / (t1 - t0), "W",
        f"NVML total-energy delta over {t1 - t0:.2f} s with the GPU idle (CUDA context open, nothing running)",
        {"nvmlPowerUsageW": gpu.NVML.snapshot().get("powerW")})

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
    s1 = gpu.NVML.snapshot()
    torch.cuda.synchronize()
    put("gemm-bf16-8192", 2 * n**3 / (t * 1e-3) / 1e12, "TFLOP/s",
        f"torch.matmul bf16 {n}x{n}x{n} on torch.randn inputs, 2*n^3 over the triton do_bench median "
        f"({len(times)} reps, {t:.3f} ms)", {"medianMs": sig(t), "minMs": sig(min(times))})
    put("sm-clock-under-gemm", s1.get("smClockMHz"), "MHz",
        "NVML nvmlDeviceGetClockInfo(SM) read while 200 back-to-back 8192^3 bf16 GEMMs were running", s1)
    del a, bm
    torch.cuda.empty_cache()
    time.sleep(0.5)
    s2 = gpu.NVML.snapshot()
    put("sm-clock-after", s2.get("smClockMHz"), "MHz", "NVML SM clock read 0.5 s after the GEMMs finished", s2)


def mode_idle_end(args):
    out = JsonlWriter(args.ceilings_out)
    torch.cuda.synchronize()
    time.sleep(1.0)
    e0, t0 = gpu.NVML.energy_mj(), time.perf_counter()
    time.sleep(2.5)
    e1, t1 = gpu.NVML.energy_mj(), time.perf_counter()
    m = f"NVML total-energy delta over {t1 - t0:.2f} s idle, after the case sweep (GPU warm)"
    rec = {"id": "idle-power-after-sweep", "value": sig((e1 - e0) / 1000.0 / (t1 - t0)), "unit": "W",
           "method": m, "hardware": C.HARDWARE, "source": source(m), "detail": gpu.NVML.snapshot()}
    out.write(rec)
    log("ceiling idle-power-after-sweep", rec["value"])
