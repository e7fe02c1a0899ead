#!/usr/bin/env python3
"""Which L2 eviction hints each attention kernel's loads carry.

FlashAttention-3 loads K and V with TMA's evict-last hint and Q with evict-first
(hopper/mainloop_fwd_sm90_tma_gmma_ws.hpp); whether cuDNN's FA3-style prefill kernel does too
cannot be read from its source. Nsight Compute counts L2 sectors by the eviction policy of the
request (lts__t_sectors_evict_first / _last / _normal ...). Each case runs once after a warm-up
inside the NVTX range "attnsim_probe", which the ncu command filters on (run_probe_hints.sh).
"""
import argparse
import json

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.nn.attention.flex_attention import create_block_mask, flex_attention

BACKENDS = {"sdpa-cudnn": SDPBackend.CUDNN_ATTENTION, "sdpa-flash": SDPBackend.FLASH_ATTENTION,
            "sdpa-efficient": SDPBackend.EFFICIENT_ATTENTION}


def causal(b, h, q, k):
    return q >= k


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", default="",
                    help="kernel:batch:heads:kvHeads:n:mask;... (run_probe_sources.sh's L2-source probe); default: 8K causal, 8 heads on 8 and on 2 kv heads")
    args = ap.parse_args()
    flex = torch.compile(flex_attention, dynamic=False)
    cases = []
    for n, heads, kv in ((8192, 8, 8), (8192, 8, 2)):
        for kernel in ("sdpa-cudnn", "sdpa-flash", "sdpa-efficient", "flex"):
            cases.append({"kernel": kernel, "batch": 1, "heads": heads, "kvHeads": kv, "n": n, "d": 128, "mask": "causal"})
    if args.cases:
        cases = []
        for spec in args.cases.split(";"):
            kernel, batch, heads, kv, n, mask = spec.split(":")
            cases.append({"kernel": kernel, "batch": int(batch), "heads": int(heads), "kvHeads": int(kv), "n": int(n), "d": 128, "mask": mask})
    with open(args.out, "w") as f:
        for i, c in enumerate(cases):
            q = torch.randn(c["batch"], c["heads"], c["n"], c["d"], device="cuda", dtype=torch.bfloat16)
            k = torch.randn(c["batch"], c["kvHeads"], c["n"], c["d"], device="cuda", dtype=torch.bfloat16)
            v = torch.randn_like(k)
            if c["kernel"] == "flex":
                bm = create_block_mask(causal, None, None, c["n"], c["n"]) if c["mask"] == "causal" else None
                call = lambda: flex(q, k, v, block_mask=bm, enable_gqa=c["heads"] != c["kvHeads"])
                ctx = None
            else:
                ctx = sdpa_kernel([BACKENDS[c["kernel"]]])
                call = lambda: F.scaled_dot_product_attention(q, k, v, is_causal=c["mask"] == "causal", enable_gqa=c["heads"] != c["kvHeads"])
            try:
                if ctx:
                    ctx.__enter__()
                for _ in range(3):
                    call()
                torch.cuda.synchronize()
                torch.cuda.nvtx.range_push("attnsim_probe")
                call()
                torch.cuda.synchronize()
                torch.cuda.nvtx.range_pop()
                ok = True
            except RuntimeError as e:  # a backend that refuses the shape
                ok = str(e)[:200]
            finally:
                if ctx:
                    ctx.__exit__(None, None, None)
            f.write(json.dumps({"index": i, **c, "ok": ok}) + "\n")
            f.flush()


if __name__ == "__main__":
    main()
