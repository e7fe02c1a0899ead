import type { GpuSpec } from '../../../hardware/schema.js';
import type { Workload } from '../../../workloads/workload.js';
import { lowerFused } from '../fused.js';
import type { KernelPlan } from '../plan.js';
import { lowerSplitKv, packsGqaGroup } from '../split-kv.js';

/**
 * cuDNN's fused attention as PyTorch 2.11 / cuDNN 9.19 runs it on the H200, read from the ncu
 * launch records in validation/data/h200-sxm:
 * - prefill: `..._sm90_flash_fprop_wgmma_f16_knob_7_64x128x<d>_4x1x1` — a persistent grid of
 *   132 CTAs (one per SM), 384 threads (a producer and two consumer warp groups of 64 rows),
 *   168 registers, 232448 B of shared memory (134144 B at d = 64): FA3-style.
 * - decode: `..._sm80_flash_fprop_wmma_f16_knob_35_16x128x128_1x4x1` — 16 query rows (the GQA
 *   group packed), 128-key tiles, 128 threads, 183 registers, 86336 B, with the key range split
 *   so that about 256 CTAs run, then `lean_reduction_kernel` (256 threads) merges the partials.
 */
const PREFILL = { tileQ: 128, tileK: 128, threads: 384, registers: 168, consumerWarpGroups: 2 } as const;
const PREFILL_SHARED_BYTES = 232448;
const PREFILL_SHARED_BYTES_D64 = 134144;
const DECODE = { tileQ: 16, tileK: 128, threads: 128, registers: 183 } as const;
/**
 * Splits are chosen so that units × splits reaches this many CTAs at d ≤ 128 (32 / 8 / 4 / 1
 * seen; never 2), twice as many at d = 256 (64 units: 512 CTAs).
 */
const DECODE_TARGET_CTAS = 256;
/**
 * Below this many key tiles the cache is not split (512 keys: one CTA per unit, no reduction
 * kernel); from it up, at most one split per key tile (1024 keys, 8 units: 64 CTAs).
 */
const DECODE_MIN_SPLIT_TILES = 8;
const REDUCTION_THREADS = 256;

export function cudnnDecodeSplits(units: number, keyTiles: number, headDim = 128): number {
  if (keyTiles < DECODE_MIN_SPLIT_TILES) return 1;
  const target = DECODE_TARGET_CTAS * Math.max(1, headDim / 128);
  const splits = Math.min(keyTiles, 2 ** Math.floor(Math.log2(Math.max(1, target / units))));
  // A two-way split is not taken (128 units: one CTA each, no reduction kernel).
  return splits <= 2 ? 1 : splits;
}

export function lowerCudnn(w: Workload, spec: GpuSpec): KernelPlan {
  if (w.phase === 'decode') {
    const units = w.batch * (packsGqaGroup(w) ? w.kvHeads : w.heads);
    return lowerSplitKv(w, spec, {
      kernelName: 'cudnn_sdpa_sm80_flash_fprop_16x128',
      description: 'cuDNN SDPA decode: sm80 wmma kernel, GQA group packed in 16 rows, KV split to ~256 CTAs, lean reduction',
      matrixPath: spec.compute.matrixFlopsPerSecond.mma_sync ? 'mma_sync' : spec.compute.defaultMatrixPath,
      tileQ: DECODE.tileQ,
      tileK: DECODE.tileK,
      threadsPerCta: DECODE.threads,
      registersPerThread: DECODE.registers,
      kvSmemReaders: 4,
      softmaxOverlap: 0,
      splits: cudnnDecodeSplits(units, Math.ceil(w.kvLen / DECODE.tileK), w.headDim),
      combineRowsPerCta: 1,
      combineThreadsPerCta: REDUCTION_THREADS,
    });
  }
  return lowerFused(w, spec, {
    kernelName: 'cudnn_sdpa_sm90_flash_fprop_wgmma',
    description: 'cuDNN SDPA prefill: FA3-style persistent kernel, TMA + wgmma, producer + 2 consumer warp groups',
    matrixPath: spec.compute.matrixFlopsPerSecond.wgmma ? 'wgmma' : spec.compute.defaultMatrixPath,
    tileQ: PREFILL.tileQ,
    tileK: PREFILL.tileK,
    threadsPerCta: PREFILL.threads,
    registersPerThread: PREFILL.registers,
    sharedBytesPerCta: w.headDim <= 64 ? PREFILL_SHARED_BYTES_D64 : PREFILL_SHARED_BYTES,
    kvSmemReaders: PREFILL.consumerWarpGroups,
    softmaxOverlap: 1,
    persistent: true,
    order: 'm-h-b',
    keyOrder: 'descending',
  });
}
