"""float32 reference outputs: every flex case (and, with --check-all, every SDPA case) and the
backend probes are checked against them."""
from __future__ import annotations

import math

import torch

from measure_common import DEV
from measure_masks import doc_ids, mask_eval


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
