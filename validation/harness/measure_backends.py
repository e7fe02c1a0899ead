"""The attention backends a case can name (the four SDPA backends and FlexAttention), the
inputs of a case, and the Runner that holds them and calls the backend."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

from measure_common import DEV
from measure_masks import flex_init, flex_block_mask
from measure_reference import check_rows, reference_rows

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}
BACKENDS = {"sdpa-flash": SDPBackend.FLASH_ATTENTION, "sdpa-cudnn": SDPBackend.CUDNN_ATTENTION,
            "sdpa-efficient": SDPBackend.EFFICIENT_ATTENTION, "sdpa-math": SDPBackend.MATH}


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
            flex = flex_init()
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
