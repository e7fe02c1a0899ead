"""What every part of the measurement harness shares: the run's start time and date, the device
name, the log line and the rounding of recorded figures. No torch here: measure.py parses its
arguments (and answers --help) before torch is imported."""
from __future__ import annotations

import math
import os
import time

DATE = "2026-11-28"
# --deadline-s counts from here, torch's import included.
T_START = time.time()

DEV = os.environ.get("ATTNSIM_DEVICE", "cuda")  # override only for CPU tests of the logic


def log(*a):
    print(f"[{time.time() - T_START:7.1f}s]", *a, flush=True)


def sig(x, n=6):
    if x is None or not isinstance(x, (int, float)) or x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.{n}g}")
