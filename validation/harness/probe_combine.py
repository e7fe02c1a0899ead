"""Probe: how long FlashAttention-2's split-KV combine kernel takes per split when
its partials are still in L2, as they are in an unprofiled call (Nsight Compute flushes the L2
before every kernel, so the ncu records only show the cold case).

For decode over 8 kv heads (32 or 8 query heads) at kvLen 256..256K, PyTorch's flash backend
picks 2..32 splits. Each call runs back to back under torch.profiler (CUPTI kernel records,
no cache flush); for every kernel of the call the median GPU duration over the repetitions is
written, with the split kernel's grid. cuDNN's decode is run beside it for comparison.

Usage: python3 probe_combine.py OUT.jsonl
"""
import json
import statistics
import sys

import torch
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.profiler import ProfilerActivity, profile

REPS = 30
CASES = [(32, 8, k) for k in (256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144)] + \
        [(8, 8, k) for k in (1024, 4096, 16384, 65536)]
BACKENDS = {"sdpa-flash": SDPBackend.FLASH_ATTENTION, "sdpa-cudnn": SDPBackend.CUDNN_ATTENTION}


def run(backend, heads, kv_heads, kv_len):
    q = torch.randn(1, heads, 1, 128, device="cuda", dtype=torch.bfloat16)
    k = torch.randn(1, kv_heads, kv_len, 128, device="cuda", dtype=torch.bfloat16)
    v = torch.randn_like(k)
    gqa = heads != kv_heads
    with sdpa_kernel([BACKENDS[backend]]):
        def call():
            return torch.nn.functional.scaled_dot_product_attention(q, k, v, enable_gqa=gqa)
        for _ in range(5):
            call()
        torch.cuda.synchronize()
        with profile(activities=[ProfilerActivity.CUDA]) as prof:
            for _ in range(REPS):
                call()
            torch.cuda.synchronize()
    durations = {}
    for e in prof.events():
        if e.device_type.name != "CUDA":
            continue
        durations.setdefault(e.name, []).append(e.device_time_total if hasattr(e, "device_time_total") else e.cuda_time_total)
    # Call time: events around REPS back-to-back calls.
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    with sdpa_kernel([BACKENDS[backend]]):
        start.record()
        for _ in range(REPS):
            torch.nn.functional.scaled_dot_product_attention(q, k, v, enable_gqa=gqa)
        end.record()
    torch.cuda.synchronize()
    return {
        "kernel": backend, "heads": heads, "kvHeads": kv_heads, "kvLen": kv_len,
        "backToBackUsPerCall": start.elapsed_time(end) * 1e3 / REPS,
        "kernelsUs": {name: statistics.median(d) for name, d in durations.items()},
        "counts": {name: len(d) for name, d in durations.items()},
    }


def main():
    out = open(sys.argv[1], "w")
    for backend in BACKENDS:
        for heads, kv_heads, kv_len in CASES:
            try:
                row = run(backend, heads, kv_heads, kv_len)
            except Exception as exc:  # a backend that refuses a shape: note it and go on
                row = {"kernel": backend, "heads": heads, "kvHeads": kv_heads, "kvLen": kv_len, "error": repr(exc)[:300]}
            out.write(json.dumps(row) + "\n")
            out.flush()
            print(json.dumps(row)[:300], flush=True)


if __name__ == "__main__":
    main()
