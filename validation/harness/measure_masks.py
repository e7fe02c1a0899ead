"""The simulator's mask semantics on the element grid, and FlexAttention block masks built from
an exact block classification of them."""
from __future__ import annotations

import torch

import cases as C
from measure_common import DEV

# Every flex case shape compiles once: room for all of them in one process.
for _name, _val in (("cache_size_limit", 512), ("recompile_limit", 512),
                    ("accumulated_cache_size_limit", 8192), ("accumulated_recompile_limit", 8192)):
    if hasattr(torch._dynamo.config, _name):
        setattr(torch._dynamo.config, _name, _val)

_WIN = None    # 0-d int32 window (tokens)   -- read by the flex mask_mods below
_SINK = None   # 0-d int32 sink count
_DOC = None    # int32 document id per position (first N entries used)
_FLEX = None


def flex_init():
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
