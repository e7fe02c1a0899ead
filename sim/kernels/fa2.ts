import type { GpuSpec, MatrixPath } from '../../hardware/schema.js';
import type { Workload } from '../../workloads/workload.js';
import { InputError } from '../../hardware/errors.js';
import { fusedSharedBytes, lowerFused } from './fused.js';
import type { KernelPlan } from './plan.js';
import { lowerSplitKv, packsGqaGroup, splitHeuristic } from './split-kv.js';
import type { KernelOptions } from './options.js';

/**
 * FlashAttention-2 (Dao 2023) as PyTorch's `flash` SDPA backend ships it: mma.sync tensor-core
 * instructions on every architecture, one CTA per (query tile, batch, head), 4 or 8 warps split
 * along the query rows, K/V tiles double-buffered through shared memory by cp.async, softmax
 * done by the same warps between the two GEMMs (no overlap inside a warp).
 */

interface TileChoice {
  tileQ: number;
  tileK: number;
  warps: number;
}

/**
 * Forward tile shapes by head dim for sm80/sm90 (flash_fwd_launch_template.h, run_mha_fwd_hdimN):
 * the first candidate whose Q + K + V tiles fit the per-CTA shared memory limit is used, as the
 * kernel does when it checks cudaDevAttrMaxSharedMemoryPerBlockOptin.
 */
const FA2_TILES: ReadonlyArray<{ maxHeadDim: number; candidates: TileChoice[] }> = [
  { maxHeadDim: 32, candidates: [{ tileQ: 128, tileK: 128, warps: 4 }] },
  {
    maxHeadDim: 64,
    candidates: [
      { tileQ: 128, tileK: 128, warps: 4 },
      { tileQ: 128, tileK: 64, warps: 4 },
    ],
  },
  {
    maxHeadDim: 96,
    candidates: [
      { tileQ: 128, tileK: 64, warps: 4 },
      { tileQ: 64, tileK: 64, warps: 4 },
    ],
  },
  {
    maxHeadDim: 128,
    candidates: [
      { tileQ: 128, tileK: 64, warps: 4 },
      { tileQ: 64, tileK: 64, warps: 4 },
    ],
  },
  {
    maxHeadDim: 160,
    candidates: [
      { tileQ: 128, tileK: 32, warps: 4 },
      { tileQ: 64, tileK: 32, warps: 4 },
    ],
  },
  {
    maxHeadDim: 192,
    candidates: [
      { tileQ: 128, tileK: 64, warps: 8 },
      { tileQ: 64, tileK: 64, warps: 4 },
    ],
  },
  // PyTorch's build runs 64×64 with 4 warps at head dim 256 on the H200 even though 128×64 fits:
  // ncu launch records in validation/data/h200-sxm (grid N/64 × B × H, 128 threads, 96 KiB).
  { maxHeadDim: 256, candidates: [{ tileQ: 64, tileK: 64, warps: 4 }] },
];

/** Split-KV kernel tiles (run_mha_fwd_splitkv_dispatch): 64 query rows, key tile by head dim. */
const FA2_SPLIT_TILE_Q = 64;
/**
 * The split heuristic counts two CTA slots per SM (flash_api.cpp passes multiProcessorCount * 2);
 * seen on the H200: decode of 8 kv heads over 4K keys launched 8 × 32 split CTAs.
 */
const FA2_SPLIT_SLOTS_PER_SM = 2;
function fa2SplitTileK(headDim: number): number {
  return headDim <= 64 ? 256 : headDim <= 128 ? 128 : 64;
}

/** FA2 kernels are compiled without a register cap: ptxas gives them the 255 maximum (estimate). */
export const FA2_REGISTERS_PER_THREAD = 255;
const WARP = 32;
/** Double-buffered K/V is not used by FA2's forward kernel: one K and one V tile in flight. */
const FA2_KV_STAGES = 1;
/** Head dims are rounded up to a multiple of 32 before dispatch (head_size_rounded). */
const HEAD_DIM_ROUNDING = 32;

export function fa2MatrixPath(spec: GpuSpec): MatrixPath {
  return spec.compute.matrixFlopsPerSecond.mma_sync ? 'mma_sync' : spec.compute.defaultMatrixPath;
}

/** The option a tile complaint is about: the one given, or both. */
export function chosenTileField(options: KernelOptions): string {
  if (options.tileQ !== undefined && options.tileK === undefined) return 'tileQ';
  if (options.tileK !== undefined && options.tileQ === undefined) return 'tileK';
  return 'tile';
}

function chooseTile(w: Workload, spec: GpuSpec, options: KernelOptions): TileChoice {
  const d = Math.max(w.headDim, w.valueHeadDim);
  const limit = spec.compute.maxSharedMemoryBytesPerCta;
  if (options.tileQ !== undefined || options.tileK !== undefined) {
    const tile = { tileQ: options.tileQ ?? 128, tileK: options.tileK ?? 64, warps: Math.max(1, Math.round((options.tileQ ?? 128) / 32)) };
    const bytes = fusedSharedBytes(w, tile.tileQ, tile.tileK, FA2_KV_STAGES);
    if (bytes > limit) throw new InputError(chosenTileField(options), `${tile.tileQ}×${tile.tileK} tiles need ${bytes} B of shared memory; ${spec.id} allows ${limit} B per CTA`);
    return tile;
  }
  const row = FA2_TILES.find((r) => d <= r.maxHeadDim);
  if (!row) throw new InputError('headDim', `FlashAttention-2 supports head dims up to 256, got ${d}`);
  const rounded = { ...w, headDim: Math.ceil(w.headDim / HEAD_DIM_ROUNDING) * HEAD_DIM_ROUNDING, valueHeadDim: Math.ceil(w.valueHeadDim / HEAD_DIM_ROUNDING) * HEAD_DIM_ROUNDING };
  for (const c of row.candidates) if (fusedSharedBytes(rounded, c.tileQ, c.tileK, FA2_KV_STAGES) <= limit) return c;
  const smallest = row.candidates[row.candidates.length - 1]!;
  throw new InputError(
    'headDim',
    `no FlashAttention-2 tile for head dim ${d} fits in ${limit} B of shared memory per CTA on ${spec.id} (the smallest, ${smallest.tileQ}×${smallest.tileK}, needs ${fusedSharedBytes(rounded, smallest.tileQ, smallest.tileK, FA2_KV_STAGES)} B)`,
  );
}

export function lowerFa2(w: Workload, spec: GpuSpec, options: KernelOptions = {}): KernelPlan {
  const tile = chooseTile(w, spec, options);
  const path = fa2MatrixPath(spec);
  const packed = packsGqaGroup(w);
  const splitTileK = fa2SplitTileK(Math.max(w.headDim, w.valueHeadDim));
  const units = w.batch * (packed ? w.kvHeads : w.heads) * Math.ceil((packed ? w.heads / w.kvHeads : w.qLen) / FA2_SPLIT_TILE_Q);
  // Tiles the user chose are the main kernel's: its split-KV kernel has tiles of its own, so
  // unless splits are asked for too, chosen tiles run unsplit.
  const tilesChosen = options.tileQ !== undefined || options.tileK !== undefined;
  const splits = options.splits ?? (tilesChosen ? 1 : splitHeuristic(units, spec.compute.sms * FA2_SPLIT_SLOTS_PER_SM, Math.ceil(w.kvLen / splitTileK)));
  const description = 'FlashAttention-2 (PyTorch flash backend): mma.sync, one CTA per query tile, softmax between GEMMs';
  if (splits > 1 || packed) {
    const split = splits > 1;
    return lowerSplitKv(w, spec, {
      kernelName: split ? 'flash_fwd_splitkv_kernel' : 'flash_fwd_kernel',
      description: `${description}; decode packs the query heads of a GQA group into one tile${split ? `, ${splits} KV splits + combine` : ''}`,
      matrixPath: path,
      tileQ: split ? FA2_SPLIT_TILE_Q : tile.tileQ,
      tileK: split ? splitTileK : tile.tileK,
      threadsPerCta: 4 * WARP,
      registersPerThread: FA2_REGISTERS_PER_THREAD,
      kvSmemReaders: 4,
      softmaxOverlap: 0,
      splits,
      combineRowsPerCta: w.valueHeadDim % 128 === 0 ? 4 : w.valueHeadDim % 64 === 0 ? 8 : 16,
      combineThreadsPerCta: 128,
      // The combine reads one split's partial output at a time, each load waiting on the one
      // before. On the H200 it grows by 0.42 µs per split with the L2 flushed (4.7–5.5 µs at
      // 2–4 splits, 17.6–17.7 µs at 32; raw/ncu-kernels.jsonl) and by 0.2 µs warm
      // (raw/combine-probe): one round trip to wherever the partial is.
      combineLoadsSplitsSerially: true,
    });
  }
  return lowerFused(w, spec, {
    kernelName: 'flash_fwd_kernel',
    description,
    matrixPath: path,
    tileQ: tile.tileQ,
    tileK: tile.tileK,
    threadsPerCta: tile.warps * WARP,
    registersPerThread: FA2_REGISTERS_PER_THREAD,
    sharedBytesPerCta: fusedSharedBytes(w, tile.tileQ, tile.tileK, FA2_KV_STAGES),
    kvSmemReaders: tile.warps,
    softmaxOverlap: 0,
    persistent: false,
    order: 'm-b-h',
    keyOrder: 'descending',
  });
}
