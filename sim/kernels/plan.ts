import type { Dtype, MatrixPath } from '../../hardware/schema.js';
import type { TileCoverage } from '../../workloads/masks/coverage.js';

/**
 * What a kernel lowering hands to every engine: the launches, and for each the tiling, the
 * CTAs and their per-CTA work. Engines count and cost from these facts and nothing else.
 */

/** CTAs (or, for persistent kernels, work tiles) that do exactly the same work. */
export interface CtaWork {
  /** How many CTAs (or tiles) do this work. */
  count: number;
  /** Main-loop iterations (key tiles) of one. */
  iterations: number;
  /** Action counts of one. FLOPs on the tensor cores, padding and masked elements included. */
  matrixFlops: number;
  /**
   * Of those, the FLOPs on real rows (not the zero padding of a short query tile). Padding costs
   * issue time but little energy: zero operands barely toggle the datapath. Unset: all real.
   */
  activeMatrixFlops?: number;
  /** Non-tensor arithmetic (softmax scaling, max, sums, rescales, masking). */
  vectorFlops: number;
  /** Special-function-unit exponentials. */
  exps: number;
  /** Global-memory traffic it requests, which reaches L2 (hits or misses). */
  globalReadBytes: number;
  globalWriteBytes: number;
  /** Shared-memory traffic. */
  smemReadBytes: number;
  smemWriteBytes: number;
}

/**
 * An operand that many CTAs read (the K/V of one kv head, say). Whether the second and later
 * readers find it in L2 depends on how far apart they run; that is the engines' business.
 */
export interface SharedOperand {
  label: string;
  /** Distinct copies (e.g. batch × kvHeads). */
  instances: number;
  /** Bytes of one copy. */
  bytes: number;
  /** CTAs that read one copy in full. */
  readersPerInstance: number;
  /** Launch-order distance from the first reader of a copy to its last, plus one. */
  readerSpan: number;
  /** Bytes of the copy one reader reads on average (less than `bytes` under a sparse mask). Unset: all. */
  bytesPerReader?: number;
  /**
   * How far the part a reader reads moves from one query tile to the next: a tile of keys under
   * causal and windowed masks, nothing when every reader reads everything, a whole new set of
   * blocks under a random block-sparse mask. Unset: 0.
   */
  readerAdvanceBytes?: number;
  /** Distinct query tiles among the readers (GQA heads of a group read at the same positions). */
  readerPositions?: number;
}

export type LaunchRole = 'attention' | 'split-attention' | 'combine' | 'gemm' | 'softmax';

export interface LaunchPlan {
  name: string;
  role: LaunchRole;
  /** Tensor-core instruction path of its matrix work, or null for none. */
  matrixPath: MatrixPath | null;
  dtype: Dtype;
  /** Query-tile × key-tile (Br × Bc) shape of the main loop, when it has one. */
  tileQ: number | null;
  tileK: number | null;
  threadsPerCta: number;
  sharedBytesPerCta: number;
  registersPerThread: number;
  /** Grid size. For a persistent kernel, the persistent CTAs (work tiles are in `work`). */
  ctaCount: number;
  persistent: boolean;
  /** Resident CTAs per SM, and what limits it. */
  ctasPerSm: number;
  occupancyLimiter: 'shared memory' | 'registers' | 'threads' | 'CTA slots';
  work: CtaWork[];
  /**
   * Fraction of softmax (exp and vector) time hidden under tensor-core time inside one CTA:
   * 0 when a warp does them in turn (FlashAttention-2), 1 with warp-group ping-pong (FA-3).
   */
  softmaxOverlap: number;
  /**
   * The direction of the key loop of each work tile: FlashAttention-2 and -3 start at the last
   * key tile a query tile keeps (the diagonal under a causal mask) and walk back to the first
   * (flash_fwd_kernel.h: "We iterate over the blocks in reverse order", so only the first
   * iteration needs the mask); Triton's flex and CUTLASS's memory-efficient kernel walk
   * forward. Which K/V tiles are live in L2 at once follows from it. 'diagonal-first': flex
   * visits a query tile's partial blocks (those its mask function must evaluate) before its full
   * ones (PyTorch's flex_attention template: the loop over kv_indices with IS_FULL_BLOCKS=False
   * precedes the one over full_kv_indices), so under a causal-type mask it reads the block on
   * the diagonal first, then the rest forward. Unset: ascending.
   */
  keyOrder?: 'ascending' | 'descending' | 'diagonal-first';
  /**
   * Bytes of its own that each work tile reads back and rewrites once per key tile after the
   * first: the fp32 output accumulator that CUTLASS's memory-efficient kernel keeps in global
   * memory at head dim 256. The cycle engine lets them compete for L2 like any data (what is
   * pushed out between two key tiles is written back and read again). Unset: none.
   */
  revisitBytesPerTile?: number;
  /**
   * The main loop loads K and V with the L2 evict-last hint and Q with evict-first, as
   * FlashAttention-3's TMA loads do (hopper/mainloop_fwd_sm90_tma_gmma_ws.hpp: load_K and load_V
   * pass TMA::CacheHintSm90::EVICT_LAST, Q EVICT_FIRST): the query and output streams pass
   * through the L2 without pushing the K/V out. Unset: no hints (cp.async, Triton loads).
   */
  kvEvictLast?: boolean;
  /** Each input read once and each output written once: the floor of HBM traffic. */
  compulsoryReadBytes: number;
  compulsoryWriteBytes: number;
  sharedOperands: SharedOperand[];
  /** Kept (query, key) pairs: the useful work, for achieved-throughput figures. */
  usefulFlops: number;
  /**
   * Fraction of the instruction path's tensor rate the main loop sustains (issue, sync and
   * pipeline bubbles). Unset means 1; kernel profiles set it from a fitted calibration constant.
   */
  matrixEfficiency?: number;
  /** Fixed time per launch beyond the hardware's launch overhead, likewise calibrated. */
  extraFixedSeconds?: number;
  /**
   * Time each work tile spends outside its main loop (loading Q and the first K/V tile before
   * any math can start, normalizing and storing O after), likewise calibrated. Short tiles
   * (causal diagonals, small problems) pay it on less work.
   */
  tileOverheadSeconds?: number;
  /**
   * SM time each main-loop iteration spends beyond its GEMMs and its softmax arithmetic (barriers,
   * the pipeline's issue and bookkeeping, row reductions across threads), likewise calibrated.
   * A kernel with small tiles or a small head dim does less math per iteration and pays it
   * more often per FLOP. Unset means 0.
   */
  iterationOverheadSeconds?: number;
  /**
   * Seconds each main-loop iteration waits on a load the software pipeline cannot run ahead of:
   * a block-sparse kernel reads the next visited block's index before it can address that
   * block's K/V (block-sparse metadata). Unset means 0 (dense loops compute addresses).
   */
  iterationStallSeconds?: number;
  /**
   * Loads each CTA issues one after another, each waiting for the data of the one before:
   * FlashAttention-2's combine kernel walks the splits' partial outputs in a loop whose bound is
   * a runtime value (flash_fwd_kernel.h, combine_attn_seqk_parallel: load a split's partial O,
   * scale and add it, step to the next split), so every split costs one round trip to wherever
   * its partial is (L2 right after the split launch wrote it). Unset means 0.
   */
  serialLoadsPerCta?: number;
  /**
   * Cycle engine: the fraction of an SM's rate one CTA of this launch reaches when it runs alone
   * on the SM (fluid-sms.ts, soloFraction), calibrated per kernel family. Unset means 1.
   */
  ctaSoloFraction?: number;
  /**
   * Multiplier on the launch's dynamic energy: kernels differ in energy per action (extra
   * instructions, spills, redundant traffic) beyond what the counts see. Unset means 1.
   */
  dynamicEnergyScale?: number;
}

/** What every fused-attention main loop states about itself, whatever the kernel. */
export interface MainLoopConfig {
  kernelName: string;
  description: string;
  matrixPath: MatrixPath;
  /** Query rows (Br) and keys (Bc) per tile. */
  tileQ: number;
  tileK: number;
  threadsPerCta: number;
  registersPerThread: number;
  /** Warps or warp groups that each read the whole K and V tile from shared memory. */
  kvSmemReaders: number;
  /** See LaunchPlan.softmaxOverlap. */
  softmaxOverlap: number;
}

export interface KernelPlan {
  kernel: string;
  description: string;
  launches: LaunchPlan[];
  /**
   * The calibration entry whose constants the plan takes, when it is a separately compiled
   * specialization of its profile (flex without a mask runs another Triton kernel than flex
   * with one). Unset: the profile's own entry.
   */
  calibrationFamily?: string;
  /** The mask on the main loop's tile grid, for reports (null for unfused kernels). */
  coverage: TileCoverage | null;
}

export function totalOf(work: readonly CtaWork[], key: Exclude<keyof CtaWork, 'count' | 'activeMatrixFlops'>): number {
  let sum = 0;
  for (const w of work) sum += w.count * w[key];
  return sum;
}

/** Σ active (unpadded) tensor FLOPs of a launch's work. */
export function activeMatrixFlopsOf(work: readonly CtaWork[]): number {
  let sum = 0;
  for (const w of work) sum += w.count * (w.activeMatrixFlops ?? w.matrixFlops);
  return sum;
}

/** The calibrated constants a kernel family sets on its main-loop (tensor-core) launches. */
export interface MainLoopConstants {
  matrixEfficiency: number;
  extraFixedSeconds: number;
  tileOverheadSeconds: number;
  ctaSoloFraction?: number;
  iterationOverheadSeconds?: number;
}

/** The launch with a family's main-loop constants, if it runs a main loop (others are left as they are). */
export function withMainLoopConstants(l: LaunchPlan, c: MainLoopConstants): LaunchPlan {
  if (!l.matrixPath) return l;
  return {
    ...l,
    matrixEfficiency: c.matrixEfficiency,
    extraFixedSeconds: c.extraFixedSeconds,
    tileOverheadSeconds: c.tileOverheadSeconds,
    ...(c.ctaSoloFraction !== undefined ? { ctaSoloFraction: c.ctaSoloFraction } : {}),
    ...(c.iterationOverheadSeconds !== undefined ? { iterationOverheadSeconds: c.iterationOverheadSeconds } : {}),
  };
}
