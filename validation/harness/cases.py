"""The attnsim validation case list, as data (deterministic: no clocks, no randomness
without a fixed seed).

Every case is a plain dict:
  id, kernel, phase, workload{batch,heads,kvHeads,qLen,kvLen,headDim,valueHeadDim,dtype,mask},
  ncu (bool: also profiled with Nsight Compute for bytes/launch records),
  estMs (rough expected time of one call, only used to order cheap cases first).

Run `python3 cases.py` to print a summary (needs no GPU and no torch).
"""
from __future__ import annotations

import json
import math
import random
import sys

HARDWARE = "h200-sxm"
KV_BYTES_MAX = 20e9  # decode: batch x kvLen x kvHeads x headDim x 4 bytes (K and V, 2-byte dtypes)
SDPA_FUSED = ("sdpa-flash", "sdpa-cudnn", "sdpa-efficient")
K = 1024

# Rough rates used only for ordering/budgeting (not measurements).
_RATE_TFLOPS = {"sdpa-flash": 330.0, "sdpa-cudnn": 450.0, "sdpa-efficient": 180.0,
                "flex": 300.0, "sdpa-math": 60.0}
_BW = 3.5e12  # bytes/s


# ----------------------------------------------------------------------------- masks

def mask_desc(mask: dict) -> str:
    k = mask["kind"]
    if k == "none":
        return "none"
    if k == "causal":
        return "causal"
    if k == "sliding_window":
        return f"window{mask['window']}"
    if k == "sink_window":
        return f"sinks{mask['sinks']}-window{mask['window']}"
    if k == "block_sparse":
        return f"block{mask['blockSize']}-density{mask['nominalDensity']}"
    if k == "document":
        lens = mask["lengths"]
        c = "causal" if mask["causal"] else "noncausal"
        if len(set(lens)) == 1:
            return f"doc-{c}-{len(lens)}x{lens[0]}"
        return f"doc-{c}-" + "+".join(str(x) for x in lens)
    raise ValueError(k)


def block_sparse_rows(q_blocks: int, kv_blocks: int, density: float, seed: int):
    """Kept key blocks for every query-block row: k = max(1, round(d*kv_blocks)) distinct
    blocks per row, chosen with Python's seeded RNG; each row sorted. Shared by the
    harness (to build the FlexAttention BlockMask) and any reference check."""
    k = max(1, int(round(density * kv_blocks)))
    k = min(k, kv_blocks)
    rng = random.Random(seed)
    rows = [sorted(rng.sample(range(kv_blocks), k)) for _ in range(q_blocks)]
    return k, rows


def block_sparse_mask(q_len: int, kv_len: int, density: float, seed: int, block: int = 128):
    qb, kb = q_len // block, kv_len // block
    k, _ = block_sparse_rows(qb, kb, density, seed)
    return {"kind": "block_sparse", "blockSize": block, "blockDensity": k / kb,
            "fullBlocks": qb * k, "partialBlocks": 0, "seed": seed,
            "nominalDensity": density}


def mask_fraction(mask: dict, q_len: int, kv_len: int) -> float:
    """Approximate fraction of the q x kv score matrix that is kept (ordering only)."""
    k = mask["kind"]
    n = kv_len
    if k == "none":
        return 1.0
    if k == "causal":
        return 0.5 if q_len > 1 else 1.0
    if k == "sliding_window":
        return min(1.0, mask["window"] / n)
    if k == "sink_window":
        return min(1.0, (mask["window"] + mask["sinks"]) / n)
    if k == "block_sparse":
        return mask["blockDensity"]
    if k == "document":
        f = sum(l * l for l in mask["lengths"]) / float(n * n)
        return f / 2 if mask["causal"] else f
    return 1.0


def public_mask(mask: dict) -> dict:
    """The mask exactly as recorded in the JSONL (drop harness-only keys)."""
    return {k: v for k, v in mask.items() if k != "nominalDensity"}


# ----------------------------------------------------------------------------- cases

def _wl(b, h, kv, q, k, d, mask, dtype="bf16"):
    return {"batch": b, "heads": h, "kvHeads": kv, "qLen": q, "kvLen": k, "headDim": d,
            "valueHeadDim": d, "dtype": dtype, "mask": mask}


def case_id(kernel: str, wl: dict) -> str:
    s = (f"{kernel}/b{wl['batch']}-h{wl['heads']}-kv{wl['kvHeads']}-q{wl['qLen']}"
         f"-k{wl['kvLen']}-d{wl['headDim']}")
    if wl["dtype"] != "bf16":
        s += f"-{wl['dtype']}"
    return s + "/" + mask_desc(wl["mask"])


def est_ms(kernel: str, wl: dict) -> float:
    b, h, kv, q, k, d = (wl[x] for x in ("batch", "heads", "kvHeads", "qLen", "kvLen", "headDim"))
    frac = mask_fraction(wl["mask"], q, k)
    flops = 4.0 * b * h * q * k * d * frac
    byts = 2.0 * (b * h * q * d * 2 + b * kv * k * d * 2)
    if kernel == "sdpa-math":
        byts += b * h * q * k * 2 * 6  # scores written/read several times
    t = flops / (_RATE_TFLOPS[kernel] * 1e12) + byts / _BW
    return 1e3 * t + 0.01


def _mk(kernel, phase, wl, ncu=False):
    m = dict(wl)
    return {"id": case_id(kernel, m), "kernel": kernel, "phase": phase, "workload": m,
            "ncu": bool(ncu), "estMs": round(est_ms(kernel, m), 4)}


CAUSAL = {"kind": "causal"}
NONE = {"kind": "none"}

# Backends that refuse enable_gqa=True (torch 2.11's memory-efficient backend: "both fused
# kernels require query, key and value to have the same num_heads"). For those, the GQA
# workloads are measured as MHA (kvHeads = heads) instead.
NO_GQA: set = {"sdpa-efficient"}
# Backends that refuse head dim 256 (recorded as errors if left in; none does in torch 2.11).
NO_D256: set = set()


def prefill_workloads():
    """(workload, ncu, kernels) for SDPA prefill. kernels=None means all three fused."""
    out = []
    # GQA 32 q / 8 kv heads, d128, batch 1: the main sequence-length sweep.
    for n in (2 * K, 4 * K, 8 * K, 16 * K, 32 * K, 64 * K):
        out.append((_wl(1, 32, 8, n, n, 128, CAUSAL), n in (4 * K, 16 * K, 32 * K), None))
    for n in (2 * K, 4 * K, 8 * K, 16 * K, 32 * K):
        out.append((_wl(1, 32, 8, n, n, 128, NONE), n in (4 * K, 16 * K), None))
    # MHA 32 heads, d128.
    out.append((_wl(1, 32, 32, 4 * K, 4 * K, 128, CAUSAL), False, None))
    out.append((_wl(1, 32, 32, 16 * K, 16 * K, 128, CAUSAL), True, None))
    out.append((_wl(1, 32, 32, 4 * K, 4 * K, 128, NONE), True, None))
    # head dim 64
    for n in (2 * K, 8 * K):
        out.append((_wl(4, 16, 16, n, n, 64, CAUSAL), n == 8 * K, None))
        out.append((_wl(4, 16, 16, n, n, 64, NONE), False, None))
    out.append((_wl(1, 32, 8, 16 * K, 16 * K, 64, CAUSAL), False, None))
    # head dim 256
    out.append((_wl(2, 8, 8, 2 * K, 2 * K, 256, CAUSAL), False, None))
    out.append((_wl(2, 8, 8, 8 * K, 8 * K, 256, CAUSAL), True, None))
    out.append((_wl(2, 8, 8, 4 * K, 4 * K, 256, NONE), False, None))
    out.append((_wl(1, 16, 4, 16 * K, 16 * K, 256, CAUSAL), False, None))
    # batch / head-count variety
    out.append((_wl(16, 32, 32, 512, 512, 128, CAUSAL), False, None))
    out.append((_wl(16, 32, 32, 512, 512, 128, NONE), True, None))
    out.append((_wl(16, 8, 8, 1 * K, 1 * K, 128, CAUSAL), False, None))
    out.append((_wl(16, 8, 8, 1 * K, 1 * K, 128, NONE), False, None))
    out.append((_wl(8, 16, 16, 2 * K, 2 * K, 128, NONE), False, None))
    out.append((_wl(2, 64, 8, 4 * K, 4 * K, 128, CAUSAL), False, None))
    out.append((_wl(4, 32, 8, 8 * K, 8 * K, 128, CAUSAL), False, None))
    out.append((_wl(1, 8, 8, 512, 512, 128, CAUSAL), False, None))  # tiny, launch-bound
    out.append((_wl(1, 8, 8, 512, 512, 64, NONE), False, None))
    # fp16 spot checks
    out.append((_wl(1, 32, 8, 8 * K, 8 * K, 128, CAUSAL, "fp16"), False, None))
    # long sequences: few heads so one call stays well under 0.5 s
    out.append((_wl(1, 8, 8, 128 * K, 128 * K, 128, CAUSAL), False, None))
    out.append((_wl(1, 8, 2, 128 * K, 128 * K, 128, CAUSAL), False, None))
    return out


def decode_workloads():
    out = []
    for k in (1 * K, 4 * K, 16 * K, 64 * K, 256 * K):
        out.append((_wl(1, 32, 8, 1, k, 128, NONE), k in (4 * K, 64 * K)))
    for k in (4 * K, 64 * K):
        out.append((_wl(1, 32, 32, 1, k, 128, NONE), k == 64 * K))
    for k in (8 * K, 32 * K):
        out.append((_wl(8, 32, 8, 1, k, 128, NONE), k == 32 * K))
    for k in (4 * K, 16 * K):
        out.append((_wl(32, 32, 8, 1, k, 128, NONE), k == 16 * K))
    for k in (1 * K, 4 * K):
        out.append((_wl(128, 32, 8, 1, k, 128, NONE), k == 4 * K))
    out.append((_wl(64, 32, 32, 1, 4 * K, 128, NONE), False))
    out.append((_wl(16, 32, 8, 1, 128 * K, 128, NONE), False))
    out.append((_wl(16, 16, 16, 1, 8 * K, 64, NONE), False))
    out.append((_wl(8, 8, 8, 1, 8 * K, 256, NONE), False))
    out.append((_wl(4, 64, 8, 1, 32 * K, 128, NONE), False))
    return out


def math_workloads():
    return [
        (_wl(1, 8, 8, 1 * K, 1 * K, 128, CAUSAL), True),
        (_wl(1, 8, 8, 2 * K, 2 * K, 128, CAUSAL), False),
        (_wl(1, 8, 8, 4 * K, 4 * K, 128, CAUSAL), True),
        (_wl(1, 8, 8, 2 * K, 2 * K, 128, NONE), False),
        (_wl(1, 32, 8, 2 * K, 2 * K, 128, CAUSAL), True),
        (_wl(4, 16, 16, 1 * K, 1 * K, 64, NONE), False),
        (_wl(1, 32, 8, 1, 4 * K, 128, NONE), True),  # decode
    ]


FLEX_SHAPE = dict(b=1, h=32, kv=8, d=128)
FLEX_FULL_LENGTHS = (4 * K, 16 * K, 64 * K)   # every mask family
FLEX_EXTRA_LENGTHS = (32 * K,)               # dense, causal, one window
FLEX_NCU_LENGTH = 16 * K


def flex_workloads():
    b, h, kv, d = FLEX_SHAPE["b"], FLEX_SHAPE["h"], FLEX_SHAPE["kv"], FLEX_SHAPE["d"]
    out = []
    seed = 1000
    for n in FLEX_FULL_LENGTHS + FLEX_EXTRA_LENGTHS:
        full = n in FLEX_FULL_LENGTHS
        nc = n == FLEX_NCU_LENGTH
        masks = [(NONE, nc), (CAUSAL, nc)]
        wins = (256, 1024, 4096, 8192) if full else (1024,)
        for w in wins:
            if w < n:
                masks.append(({"kind": "sliding_window", "window": w}, nc and w == 1024))
        if full:
            for w in (1024, 4096):
                masks.append(({"kind": "sink_window", "sinks": 4, "window": w}, nc and w == 1024))
            for dens in (0.05, 0.1, 0.25, 0.5, 0.9):
                seed += 1
                masks.append((block_sparse_mask(n, n, dens, seed), nc and dens in (0.1, 0.5)))
            masks.append(({"kind": "document", "lengths": [n // 4] * 4, "causal": True}, nc))
            masks.append(({"kind": "document",
                           "lengths": [n // 2, n // 4, n // 8, n // 8], "causal": False}, False))
        for m, ncu in masks:
            out.append((_wl(b, h, kv, n, n, d, m), ncu))
    return out


# SDPA head-count and decode-unit series: MHA causal prefills at several head counts and lengths (the
# sizes where FlashAttention-2 reads more DRAM than the other kernels), small launch-bound
# prefills, and decodes with few (batch x heads) units, where a kernel without split-KV streams
# a whole cache per CTA.
def sdpa_more_prefill():
    out = []
    for h, n in ((4, 4 * K), (8, 4 * K), (16, 4 * K), (64, 4 * K), (32, 2 * K), (32, 8 * K)):
        out.append((_wl(1, h, h, n, n, 128, CAUSAL), True, None))
    for b, h, n, m in ((1, 8, 1 * K, CAUSAL), (1, 8, 1 * K, NONE), (2, 16, 256, NONE), (1, 16, 2 * K, CAUSAL)):
        out.append((_wl(b, h, h, n, n, 128, m), True, None))
    return out


def sdpa_tiny_prefill():
    """Calls of a few µs, where the fixed cost of a call (host, launch) is most of the time."""
    return [(_wl(b, h, h, n, n, 128, m), True, None)
            for b, h, n, m in ((1, 4, 256, NONE), (1, 8, 256, CAUSAL), (1, 16, 512, NONE), (2, 8, 512, CAUSAL),
                               (1, 32, 256, CAUSAL), (1, 4, 1 * K, CAUSAL), (4, 8, 128, NONE), (1, 64, 128, NONE))]


def sdpa_tiny_decode():
    return [(_wl(b, h, kv, 1, k, 128, NONE), True)
            for b, h, kv, k in ((1, 8, 8, 256), (1, 16, 16, 512), (1, 32, 8, 256), (2, 32, 8, 512), (1, 64, 8, 1 * K))]


def flex_tiny_workloads():
    out = []
    seed = 3000
    for b, h, kv, n in ((1, 32, 8, 1 * K), (1, 8, 8, 2 * K)):
        seed += 1
        for m in (NONE, CAUSAL, block_sparse_mask(n, n, 0.25, seed)):
            out.append((_wl(b, h, kv, n, n, 128, m), True))
    return out


def sdpa_more_decode():
    return [(_wl(b, h, h, 1, k, 128, NONE), True)
            for b, h, k in ((1, 16, 32 * K), (2, 32, 8 * K), (1, 64, 8 * K), (4, 32, 4 * K),
                            (1, 8, 64 * K), (1, 32, 2 * K), (2, 32, 32 * K))]


# Flex dense-beside-sparse series: dense runs next to sparse ones at more shapes, so that the
# sparse/dense speedup is measured at several sizes and dense flex runs fall in both splits.
FLEX_MORE = (  # (batch, heads, kvHeads, n)
    (1, 32, 8, 8 * K),
    (2, 16, 16, 8 * K),
    (1, 64, 8, 16 * K),
    (4, 32, 8, 2 * K),
    (1, 32, 8, 32 * K),
)
FLEX_MORE_DENSITIES = (0.1, 0.25, 0.5)


def flex_more_workloads():
    out = []
    seed = 2000
    for b, h, kv, n in FLEX_MORE:
        masks = [NONE, CAUSAL, {"kind": "sliding_window", "window": 1024}]
        if n == 32 * K:  # dense, causal and a window exist at 32K already
            masks = []
        for dens in FLEX_MORE_DENSITIES:
            seed += 1
            masks.append(block_sparse_mask(n, n, dens, seed))
        for m in masks:
            out.append((_wl(b, h, kv, n, n, 128, m), True))
    return out


# GQA head-order series: which query heads a kernel runs together. The same causal attention with
# the GQA group of one kv head (4 query heads on 1 kv head) against the same heads as MHA and
# against one head alone, at 32K and 64K (one kv head's K/V: 16 and 32 MB), so that the DRAM
# bytes show whether the heads reading one K/V copy run one after another (each re-reads what
# the one before streamed past the L2) or interleaved (read together).
GQA_ORDER = (  # (heads, kvHeads, n, mask)
    (1, 1, 32 * K, CAUSAL), (4, 1, 32 * K, CAUSAL), (4, 4, 32 * K, CAUSAL), (8, 2, 32 * K, CAUSAL),
    (1, 1, 64 * K, CAUSAL), (4, 1, 64 * K, CAUSAL), (4, 4, 64 * K, CAUSAL), (8, 2, 64 * K, CAUSAL),
    (4, 1, 64 * K, NONE),
)
GQA_ORDER_KERNELS = ("sdpa-flash", "sdpa-cudnn", "flex")


def gqa_order_cases():
    return [_mk(kern, "prefill", _wl(1, h, kv, n, n, 128, m), True)
            for h, kv, n, m in GQA_ORDER for kern in GQA_ORDER_KERNELS]


def all_cases():
    cases = []
    for wl, ncu, kernels in prefill_workloads() + sdpa_more_prefill() + sdpa_tiny_prefill():
        for kern in kernels or SDPA_FUSED:
            w = dict(wl)
            if wl["kvHeads"] != wl["heads"] and kern in NO_GQA:
                w["kvHeads"] = w["heads"]
            if wl["headDim"] == 256 and kern in NO_D256:
                continue
            cases.append(_mk(kern, "prefill", w, ncu))
    for wl, ncu in decode_workloads() + sdpa_more_decode() + sdpa_tiny_decode():
        for kern in SDPA_FUSED:
            w = dict(wl)
            if wl["kvHeads"] != wl["heads"] and kern in NO_GQA:
                w["kvHeads"] = w["heads"]
            if wl["headDim"] == 256 and kern in NO_D256:
                continue
            if kv_bytes(w) > KV_BYTES_MAX:  # e.g. an MHA substitute of a long GQA decode
                continue
            cases.append(_mk(kern, "decode", w, ncu))
    for wl, ncu in math_workloads():
        cases.append(_mk("sdpa-math", "decode" if wl["qLen"] == 1 else "prefill", wl, ncu))
    for wl, ncu in flex_workloads() + flex_more_workloads() + flex_tiny_workloads():
        cases.append(_mk("flex", "prefill", wl, ncu))
    cases += gqa_order_cases()
    # dedupe (MHA substitution can collide with an existing MHA workload)
    seen, uniq = set(), []
    for c in cases:
        if c["id"] in seen:
            continue
        seen.add(c["id"])
        uniq.append(c)
    # cheap first; stable on id for determinism
    uniq.sort(key=lambda c: (c["estMs"], c["id"]))
    return uniq


def output_file(case: dict) -> str:
    k = case["kernel"]
    if k == "flex":
        return "flex.jsonl"
    if k == "sdpa-math":
        return "sdpa-math.jsonl"
    return "sdpa-decode.jsonl" if case["phase"] == "decode" else "sdpa-prefill.jsonl"


def kv_bytes(wl):
    return wl["batch"] * wl["kvLen"] * wl["kvHeads"] * wl["headDim"] * 4


if __name__ == "__main__":
    cs = all_cases()
    if len(sys.argv) > 1 and sys.argv[1] == "--json":
        for c in cs:
            print(json.dumps(c))
        sys.exit(0)
    from collections import Counter
    print("cases:", len(cs), "ncu:", sum(c["ncu"] for c in cs))
    print(Counter(output_file(c) for c in cs))
    print(Counter(c["kernel"] for c in cs))
    print("ncu by kernel:", Counter(c["kernel"] for c in cs if c["ncu"]))
    print("sum est ms (one call each):", round(sum(c["estMs"] for c in cs), 1))
    print("max est:", max(cs, key=lambda c: c["estMs"])["id"], max(c["estMs"] for c in cs))
    print("max kv bytes GB:", max(kv_bytes(c["workload"]) for c in cs) / 1e9)
    assert len({c["id"] for c in cs}) == len(cs)
