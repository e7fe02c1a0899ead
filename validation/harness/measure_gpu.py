"""The GPU's side of every record: NVML (energy counter, clocks, power), the versions of the
software stack, and the `source` block each record carries with its method."""
from __future__ import annotations

import os
import sys

import torch
import triton

from measure_common import DATE, log


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


# Set by start(); read through the module (measure_gpu.NVML) because they change after import.
NVML = None
SOURCE = None


def start():
    """Initializes CUDA and NVML and reads the versions; returns (source info, extra info)."""
    global NVML, SOURCE
    torch.cuda.init()
    NVML = Nvml()
    info, extra = env_info()
    SOURCE = info
    return info, extra


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
