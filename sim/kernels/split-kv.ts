import type { GpuSpec } from '../../hardware/schema.js';
import { ACCUMULATOR_BYTES, bytesPerElement } from '../../workloads/dtype.js';
import { tileCoverage } from '../../workloads/masks/coverage.js';
import { groupSize, type Workload } from '../../workloads/workload.js';
import { tiledCtaWork, type TiledLoop } from './attention-work.js';
import { occupancy } from './occupancy.js';
import type { CtaWork, KernelPlan, LaunchPlan, MainLoopConfig } from './plan.js';
import { COMBINE_FLOPS_PER_PARTIAL_OUTPUT } from './softmax-costs.js';

/** Registers per thread of the combine kernel: a small element-wise kernel (estimate). */
const COMBINE_REGISTERS_PER_THREAD = 64;

/**
 * Flash-decoding (Dao et al. 2023): the key range of each (batch, head) is cut into `splits`
 * pieces that run as separate CTAs, each writing an fp32 partial output and its log-sum-exp;
 * a second kernel merges the partials. This fills the GPU when batch × heads is small.
 */

/** FlashAttention-2's rule for the number of splits (flash_api.cpp, num_splits_heuristic), over `slots` CTA slots. */
export function splitHeuristic(units: number, slots: number, keyBlocks: number, maxSplits = 128): number {
  // Enough work already to nearly fill the slots: no split.
  if (units >= 0.8 * slots) return 1;
  const limit = Math.min(maxSplits, slots, keyBlocks);
  const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
  // A split count that gives the same blocks per split as one fewer is not a real choice.
  const eligible = (s: number) => s === 1 || ceilDiv(keyBlocks, s) !== ceilDiv(keyBlocks, s - 1);
  const efficiency: number[] = [];
  let best = 0;
  for (let s = 1; s <= limit; s++) {
    const waves = (units * s) / slots;
    const eff = eligible(s) ? waves / Math.ceil(waves) : 0;
    efficiency.push(eff);
    best = Math.max(best, eff);
  }
  // The fewest splits within 85% of the best wave efficiency.
  for (let s = 1; s <= limit; s++) if (eligible(s) && efficiency[s - 1]! >= 0.85 * best) return s;
  return 1;
}

export interface SplitKvConfig extends MainLoopConfig {
  /** Fixed split count, or undefined for the FlashAttention-2 heuristic. */
  splits?: number;
  /** Rows of the combine kernel's CTA. */
  combineRowsPerCta: number;
  combineThreadsPerCta: number;
  /** The combine kernel reads the splits' partials one after another (LaunchPlan.serialLoadsPerCta). */
  combineLoadsSplitsSerially?: boolean;
}

/** Query heads that share a kv head are packed as the rows of one tile when decoding one token. */
export function packsGqaGroup(w: Workload): boolean {
  return w.qLen === 1 && w.heads > w.kvHeads;
}

export function lowerSplitKv(w: Workload, spec: GpuSpec, config: SplitKvConfig): KernelPlan {
  const e = bytesPerElement(w.dtype);
  const packed = packsGqaGroup(w);
  const headsPerUnit = packed ? groupSize(w) : 1;
  const unitHeads = packed ? w.kvHeads : w.heads;
  const rowsPerUnit = packed ? headsPerUnit * w.qLen : Math.min(w.qLen, config.tileQ);
  const coverage = tileCoverage(w.mask, w.qLen, w.kvLen, packed ? w.qLen : config.tileQ, config.tileK);
  const qTiles = packed ? 1 : coverage.qTiles;
  const units = w.batch * unitHeads * qTiles;
  // A split needs at least one key tile: more splits than tiles would be empty CTAs.
  const splits = Math.min(coverage.kTiles, config.splits ?? splitHeuristic(units, spec.compute.sms, coverage.kTiles));
  const tilesPerSplit = Math.ceil(coverage.kTiles / splits);

  const loop: TiledLoop = {
    tileQ: config.tileQ,
    tileK: config.tileK,
    headDim: w.headDim,
    valueHeadDim: w.valueHeadDim,
    elementBytes: e,
    kvSmemReaders: config.kvSmemReaders,
    outputBytes: splits > 1 ? ACCUMULATOR_BYTES : e,
  };
  const work: CtaWork[] = [];
  for (const cls of coverage.classes) {
    // Visited key tiles are taken as the last `visitedTiles` tiles (causal, windowed decode).
    const first = coverage.kTiles - cls.visitedTiles;
    for (let s = 0; s < splits; s++) {
      const lo = Math.max(first, s * tilesPerSplit);
      const hi = Math.min(coverage.kTiles, (s + 1) * tilesPerSplit);
      const tiles = Math.max(0, hi - lo);
      const keys = cls.visitedTiles > 0 ? (tiles / cls.visitedTiles) * cls.visitedKeys : 0;
      const rows = packed ? rowsPerUnit : cls.rows;
      work.push(
        tiledCtaWork(
          loop,
          {
            rows,
            visitedTiles: tiles,
            partialTiles: Math.min(tiles, cls.partialTiles),
            visitedKeys: keys,
          },
          cls.count * w.batch * unitHeads,
        ),
      );
    }
  }
  const sharedBytes = (config.tileQ * w.headDim + config.tileK * (w.headDim + w.valueHeadDim)) * e;
  const kvBytes = w.kvLen * (w.headDim + w.valueHeadDim) * e;
  const qBytes = w.batch * w.heads * w.qLen * w.headDim * e;
  const oBytes = w.batch * w.heads * w.qLen * w.valueHeadDim * e;
  const useful = 2 * coverage.keptElements * (w.headDim + w.valueHeadDim) * w.batch * w.heads;

  const main: LaunchPlan = {
    name: config.kernelName,
    role: splits > 1 ? 'split-attention' : 'attention',
    matrixPath: config.matrixPath,
    dtype: w.dtype,
    tileQ: config.tileQ,
    tileK: config.tileK,
    threadsPerCta: config.threadsPerCta,
    sharedBytesPerCta: sharedBytes,
    registersPerThread: config.registersPerThread,
    ctaCount: units * splits,
    persistent: false,
    ...occupancy(spec, config.threadsPerCta, config.registersPerThread, sharedBytes),
    work,
    softmaxOverlap: config.softmaxOverlap,
    compulsoryReadBytes: qBytes + w.batch * w.kvHeads * kvBytes,
    compulsoryWriteBytes: splits > 1 ? w.batch * w.heads * w.qLen * splits * (w.valueHeadDim + 1) * ACCUMULATOR_BYTES : oBytes + w.batch * w.heads * w.qLen * ACCUMULATOR_BYTES,
    sharedOperands: [
      {
        label: 'K/V slice of one kv head and split',
        instances: w.batch * w.kvHeads * splits,
        bytes: kvBytes / splits,
        // Unpacked GQA: the group's query heads each read the same K/V slice; the grid runs
        // query tiles fastest, then splits, then heads.
        readersPerInstance: packed ? qTiles : headsPerUnit * qTiles,
        readerSpan: packed ? qTiles : ((headsPerUnit - 1) * splits + 1) * qTiles,
      },
    ],
    usefulFlops: useful,
  };
  const launches: LaunchPlan[] = [main];
  if (splits > 1) launches.push(combineLaunch(w, spec, splits, config));
  return { kernel: config.kernelName, description: config.description, launches, coverage };
}

function combineLaunch(w: Workload, spec: GpuSpec, splits: number, config: SplitKvConfig): LaunchPlan {
  const e = bytesPerElement(w.dtype);
  const rows = w.batch * w.heads * w.qLen;
  const ctas = Math.ceil(rows / config.combineRowsPerCta);
  const rowsPerCta = rows / ctas;
  const partialBytes = splits * (w.valueHeadDim + 1) * ACCUMULATOR_BYTES;
  const perCta: CtaWork = {
    count: ctas,
    iterations: splits,
    matrixFlops: 0,
    vectorFlops: rowsPerCta * splits * (w.valueHeadDim * COMBINE_FLOPS_PER_PARTIAL_OUTPUT + 2),
    exps: rowsPerCta * splits,
    globalReadBytes: rowsPerCta * partialBytes,
    globalWriteBytes: rowsPerCta * w.valueHeadDim * e,
    smemReadBytes: rowsPerCta * splits * ACCUMULATOR_BYTES,
    smemWriteBytes: rowsPerCta * splits * ACCUMULATOR_BYTES,
  };
  const sharedBytes = config.combineRowsPerCta * splits * ACCUMULATOR_BYTES;
  return {
    name: `${config.kernelName}_combine`,
    role: 'combine',
    matrixPath: null,
    dtype: w.dtype,
    tileQ: null,
    tileK: null,
    threadsPerCta: config.combineThreadsPerCta,
    sharedBytesPerCta: sharedBytes,
    registersPerThread: COMBINE_REGISTERS_PER_THREAD,
    ctaCount: ctas,
    persistent: false,
    ...occupancy(spec, config.combineThreadsPerCta, COMBINE_REGISTERS_PER_THREAD, sharedBytes),
    work: [perCta],
    softmaxOverlap: 0,
    compulsoryReadBytes: rows * partialBytes,
    compulsoryWriteBytes: rows * w.valueHeadDim * e,
    sharedOperands: [],
    usefulFlops: 0,
    ...(config.combineLoadsSplitsSerially ? { serialLoadsPerCta: splits } : {}),
  };
}
