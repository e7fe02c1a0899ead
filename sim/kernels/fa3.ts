import { chosenTileField } from './fa2.js';
import type { GpuSpec } from '../../hardware/schema.js';
import type { Workload } from '../../workloads/workload.js';
import { InputError } from '../../hardware/errors.js';
import { fusedSharedBytes, lowerFused } from './fused.js';
import type { KernelOptions } from './options.js';
import type { KernelPlan } from './plan.js';
import { lowerSplitKv, splitHeuristic } from './split-kv.js';

/**
 * FlashAttention-3 (Shah et al. 2024) on Hopper: TMA loads by a producer warp group, wgmma by
 * two or three consumer warp groups that ping-pong so that one group's softmax hides under the
 * other's GEMMs; a persistent tile scheduler with one CTA per SM.
 */
interface Fa3Tile {
  maxHeadDim: number;
  tileQ: number;
  /** Key tile for causal / local masks, where the smaller tile wastes less on the diagonal. */
  tileKMasked: number;
  tileK: number;
  consumerWarpGroups: number;
  registersPerThread: number;
}

/**
 * hopper/flash_fwd_launch_template.h (run_mha_fwd_hdimN): query tile = 64 × consumer warp
 * groups. Registers: setmaxnreg splits 240 (consumers) / 24–32 (producer); the launch reports
 * the average the register file allows at one CTA per SM (65536 / threads, rounded down to 8).
 */
const FA3_TILES: readonly Fa3Tile[] = [
  { maxHeadDim: 64, tileQ: 192, tileKMasked: 128, tileK: 128, consumerWarpGroups: 3, registersPerThread: 128 },
  { maxHeadDim: 96, tileQ: 128, tileKMasked: 128, tileK: 160, consumerWarpGroups: 2, registersPerThread: 168 },
  { maxHeadDim: 128, tileQ: 128, tileKMasked: 128, tileK: 176, consumerWarpGroups: 2, registersPerThread: 168 },
  { maxHeadDim: 192, tileQ: 128, tileKMasked: 96, tileK: 96, consumerWarpGroups: 2, registersPerThread: 168 },
  { maxHeadDim: 256, tileQ: 128, tileKMasked: 80, tileK: 80, consumerWarpGroups: 2, registersPerThread: 168 },
];
const WARP_GROUP_THREADS = 128;
/** K/V pipeline stages in shared memory. */
const FA3_KV_STAGES = 2;
/** Below this many query rows per head a decode-style split-KV launch is used. */
const FA3_DECODE_MAX_QUERY_ROWS = 64;

export function lowerFa3(w: Workload, spec: GpuSpec, options: KernelOptions = {}): KernelPlan {
  if (!spec.compute.matrixFlopsPerSecond.wgmma) {
    const paths = Object.keys(spec.compute.matrixFlopsPerSecond).join(', ');
    throw new InputError('kernel', `fa3 needs Hopper's wgmma instruction path; ${spec.id} has ${paths}`);
  }
  const d = Math.max(w.headDim, w.valueHeadDim);
  const row = FA3_TILES.find((t) => d <= t.maxHeadDim);
  if (!row) throw new InputError('headDim', `FlashAttention-3 supports head dims up to 256, got ${d}`);
  const masked = w.mask.kind !== 'none';
  const tileQ = options.tileQ ?? row.tileQ;
  const tileK = options.tileK ?? (masked ? row.tileKMasked : row.tileK);
  const threads = (row.consumerWarpGroups + 1) * WARP_GROUP_THREADS;
  const shared = fusedSharedBytes(w, tileQ, tileK, FA3_KV_STAGES);
  if (shared > spec.compute.maxSharedMemoryBytesPerCta) {
    throw new InputError(
      options.tileQ || options.tileK ? chosenTileField(options) : 'headDim',
      `FlashAttention-3 ${tileQ}×${tileK} tiles for head dim ${d} need ${shared} B of shared memory; ${spec.id} allows ${spec.compute.maxSharedMemoryBytesPerCta} B per CTA`,
    );
  }
  const description = 'FlashAttention-3: TMA + wgmma, warp-specialized producer/consumers, ping-pong softmax, persistent tiles';
  if (w.qLen <= FA3_DECODE_MAX_QUERY_ROWS && w.phase === 'decode') {
    const splitTileK = tileK;
    const units = w.batch * w.kvHeads;
    const splits = options.splits ?? splitHeuristic(units, spec.compute.sms, Math.ceil(w.kvLen / splitTileK));
    return lowerSplitKv(w, spec, {
      kernelName: 'flash_fwd_fa3_splitkv',
      description: `${description}; decode packs GQA query heads, ${splits} KV split(s)`,
      matrixPath: 'wgmma',
      tileQ: 64,
      tileK: splitTileK,
      threadsPerCta: 2 * WARP_GROUP_THREADS,
      registersPerThread: row.registersPerThread,
      kvSmemReaders: 1,
      softmaxOverlap: 1,
      splits,
      combineRowsPerCta: 16,
      combineThreadsPerCta: 128,
    });
  }
  return lowerFused(w, spec, {
    kernelName: 'flash_fwd_fa3',
    description,
    matrixPath: 'wgmma',
    tileQ,
    tileK,
    threadsPerCta: threads,
    registersPerThread: row.registersPerThread,
    sharedBytesPerCta: shared,
    kvSmemReaders: row.consumerWarpGroups,
    softmaxOverlap: 1,
    persistent: true,
    order: 'm-h-b',
    keyOrder: 'descending',
    kvEvictLast: true,
  });
}
