import type { GpuSpec } from '../../../hardware/schema.js';
import type { Workload } from '../../../workloads/workload.js';
import { InputError } from '../../../hardware/errors.js';
import { lowerFused } from '../fused.js';
import type { KernelPlan } from '../plan.js';

/**
 * PyTorch's memory-efficient backend (xFormers' CUTLASS kernel), from the H200 launch records:
 * `fmha_cutlassF_bf16_aligned_<M>x<N>_rf_sm80`, grid (N/M, heads, batch), one CTA per query
 * tile, mma.sync, no split-KV (decode launches batch × heads CTAs), no GQA (PyTorch refuses
 * enable_gqa for it). Head dim 256 runs `32x128_gmem`, which keeps the fp32 output accumulator
 * in global memory and re-reads and re-writes it every key tile.
 */
interface EfficientTile {
  maxHeadDim: number;
  tileQ: number;
  tileK: number;
  threads: number;
  registers: number;
  sharedBytes: number;
  accumulatorInGlobal: boolean;
}

const TILES: readonly EfficientTile[] = [
  { maxHeadDim: 64, tileQ: 64, tileK: 64, threads: 128, registers: 128, sharedBytes: 18944, accumulatorInGlobal: false },
  { maxHeadDim: 128, tileQ: 64, tileK: 128, threads: 256, registers: 128, sharedBytes: 52224, accumulatorInGlobal: false },
  { maxHeadDim: 256, tileQ: 32, tileK: 128, threads: 128, registers: 122, sharedBytes: 51200, accumulatorInGlobal: true },
];
const ACCUMULATOR_BYTES = 4;
/** Pipeline prologues per key tile (see lowerEfficient). */
const PROLOGUES_PER_KEY_TILE = 2;

export function lowerEfficient(w: Workload, spec: GpuSpec): KernelPlan {
  if (w.kvHeads !== w.heads) {
    throw new InputError('kvHeads', 'sdpa-efficient has no GQA/MQA path (PyTorch refuses enable_gqa for it): give kvHeads = heads');
  }
  const d = Math.max(w.headDim, w.valueHeadDim);
  const tile = TILES.find((t) => d <= t.maxHeadDim);
  if (!tile) throw new InputError('headDim', `sdpa-efficient runs head dims up to 256, got ${d}`);
  const plan = lowerFused(w, spec, {
    kernelName: `fmha_cutlassF_${tile.tileQ}x${tile.tileK}${tile.accumulatorInGlobal ? '_gmem' : '_rf'}_sm80`,
    description: 'memory-efficient attention (CUTLASS, mma.sync), one CTA per 64-row query tile, no split-KV',
    matrixPath: spec.compute.matrixFlopsPerSecond.mma_sync ? 'mma_sync' : spec.compute.defaultMatrixPath,
    tileQ: tile.tileQ,
    tileK: tile.tileK,
    threadsPerCta: tile.threads,
    registersPerThread: tile.registers,
    sharedBytesPerCta: tile.sharedBytes,
    kvSmemReaders: tile.threads / 32 / 2,
    softmaxOverlap: 0,
    persistent: false,
    order: 'm-h-b',
    keyOrder: 'ascending',
  });
  // Each key tile runs two GEMM mainloops (Q·Kᵀ, then P·V), and each fills its cp.async
  // pipeline anew: two round trips to memory per key tile that no earlier iteration prefetched
  // (CUTLASS's kernel_forward.h restarts the Mma prologue per key block).
  const stalled: KernelPlan = { ...plan, launches: plan.launches.map((l) => ({ ...l, iterationStallSeconds: PROLOGUES_PER_KEY_TILE * spec.memory.hbm.latencySeconds })) };
  if (!tile.accumulatorInGlobal) return stalled;
  // The gmem variant reads and writes its fp32 output tile once per key tile.
  const [launch] = stalled.launches;
  const work = launch!.work.map((cw) => {
    const traffic = Math.max(0, cw.iterations - 1) * tile.tileQ * w.valueHeadDim * ACCUMULATOR_BYTES;
    return { ...cw, globalReadBytes: cw.globalReadBytes + traffic, globalWriteBytes: cw.globalWriteBytes + traffic };
  });
  return { ...plan, launches: [{ ...launch!, work, revisitBytesPerTile: tile.tileQ * w.valueHeadDim * ACCUMULATOR_BYTES }] };
}
