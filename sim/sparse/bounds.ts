import { getCalibration } from '../../hardware/calibration.js';
import type { DeviceSpec } from '../../hardware/device.js';
import { InputError } from '../../hardware/errors.js';
import { tileCoverage } from '../../workloads/masks/coverage.js';
import { describeMask, type Mask } from '../../workloads/masks/mask.js';
import { buildSparseGraph, methodDensity } from '../../workloads/sparse/graph.js';
import { checkDensity, oracleMethod, type SparseMethod } from '../../workloads/sparse/method.js';
import { INDEX_BYTES } from '../../workloads/sparse/operators.js';
import type { Workload } from '../../workloads/workload.js';
import type { KernelOptions } from '../kernels/options.js';
import type { Report } from '../report.js';
import { simulate, type EngineId, type SimulateRequest } from '../simulate.js';
import { operatorTiming, type OperatorTiming } from './operator-cost.js';

/**
 * How much sparse attention can buy, four ways, all against the same kernel's dense run (the
 * workload with its base mask, none or causal):
 * (a) ideal: 1 / kept fraction, every kept element computed, nothing else;
 * (b) tile-level: the kernel's tiles that hold a kept element are computed in full (partial
 *     tiles, and edge tiles past the end of the sequence, too): what the kernel's tile
 *     granularity alone loses. The block-sparse metadata (an index per visited tile, a count
 *     per tile row) is reported but not counted here: the kernel's own loads read it, overlapped with the tile's math, and where its loop cannot
 *     run ahead of an index (flex: one L2 round trip per visited block) the kernel model
 *     charges that stall in (c). Counted again here, serially at the peak tensor rate, it
 *     would put (b) below (c) for small blocks, where an index is as large as a tile's work;
 * (c) predicted: the simulator's latency of the sparse kernel plus the estimator's operators,
 *     fixed costs included, against the simulated dense run;
 * (d) break-even: the largest block density at which (c) is still ≥ 1.
 * (a) ≥ (b) by construction (computed ⊇ kept). Both are bounds on (c) for the time the dense run
 * spends on its tiles: a sparse run computes its tiles at best at the dense run's rate per tile
 * (its tiles are the same size, with block indices and masking on top) and could at best avoid
 * all of the dense run's other time: the power limit's slowdown (latency / latency at full
 * clocks), its fixed launch costs (the mask-free flex launches two more kernels than a
 * block-sparse one) and its idle SMs (a causal launch with fewer CTAs than slots waits for its
 * longest row of tiles; a sparser mask shortens that row too). So (a) and (b) are multiplied by
 * the dense run's latency over the time of its tiles spread evenly over every SM; without that,
 * (c) could exceed them on short, power-limited or under-filled calls.
 */
export type SparsePattern =
  | { kind: 'static'; mask: Mask }
  /** `density` of the base mask's blocks; absent: the method's own (its default or key budget). */
  | { kind: 'dynamic'; method: SparseMethod; density?: number };

export interface SparseQuery {
  /** A GPU, or a dataflow device for patterns without an estimator (its kernels are GPU kernels). */
  hardware: DeviceSpec;
  /** The dense run: its mask is the base mask (none or causal). */
  workload: Workload;
  kernel: string;
  kernelOptions?: KernelOptions;
  /** Engine of both runs (default analytical). */
  engine?: EngineId;
  pattern: SparsePattern;
  /** Compute (d) (a search: a dozen simulations). Default true. */
  breakEven?: boolean;
}

export interface SparseBounds {
  /** The density the dynamic pattern ran at (null for a static mask). */
  density: number | null;
  /** Kept (query, key) pairs over the pairs the dense kernel computes. */
  keptFraction: number;
  ideal: number;
  tileLevel: number;
  predicted: number;
  /** Largest density (of the base mask's blocks) with predicted ≥ 1; null if none; undefined if not asked. */
  breakEvenDensity?: number | null;
  /** Block size of the density (d) is searched over. */
  breakEvenBlockSize: number;
  seconds: { dense: number; attend: number; estimator: number; total: number };
  tiles: { tileQ: number; tileK: number; visited: number; partial: number; skipped: number; denseVisited: number; metadataBytes: number } | null;
  operators: OperatorTiming[];
  attendMask: string;
  notes: string[];
}

/** Block size of the break-even search for static masks: FlexAttention's 128-token block mask. */
const STATIC_BREAK_EVEN_BLOCK = 128;
/** Power-limit stretches below this (0.1%) are not worth a note. */
const STRETCH_NOTE_THRESHOLD = 1e-3;
/** Fixed costs below this share (1%) of the dense run are not worth a note: every call has some. */
const FIXED_NOTE_THRESHOLD = 1e-2;
/** Bisection steps of the break-even search: density resolved to 1/4096. */
const BREAK_EVEN_STEPS = 12;

interface Run {
  report: Report;
  operators: OperatorTiming[];
  attend: Workload;
}

function estimatorEfficiency(spec: DeviceSpec, kernel: string): number {
  return getCalibration(spec.id)?.kernels[kernel]?.matrixEfficiency ?? 1;
}

/** The simulator's request for one run of the query's kernel on `workload`. */
function request(q: SparseQuery, workload: Workload): SimulateRequest {
  return { hardware: q.hardware, workload, kernel: q.kernel, ...(q.kernelOptions ? { kernelOptions: q.kernelOptions } : {}), ...(q.engine ? { engine: q.engine } : {}) };
}

/**
 * A method that estimates and selects runs those steps as GPU kernels (their operators are
 * costed on a GPU's rates); on another kind only given masks and block densities can run.
 */
export function checkPatternRunsOn(spec: DeviceSpec, pattern: SparsePattern): void {
  if (spec.kind === 'gpu' || pattern.kind === 'static') return;
  if (pattern.method.score || pattern.method.selection) {
    throw new InputError('method', `${pattern.method.id}'s estimator runs as GPU kernels; on a ${spec.kind} device give a static mask or a block density`);
  }
}

function runPattern(q: SparseQuery, pattern: SparsePattern): Run {
  if (pattern.kind === 'static') {
    const attend = { ...q.workload, mask: pattern.mask };
    return { report: simulate(request(q, attend)), operators: [], attend };
  }
  const density = pattern.density ?? methodDensity(pattern.method, q.workload, q.workload.mask);
  const graph = buildSparseGraph(pattern.method, q.workload, density);
  const spec = q.hardware;
  checkPatternRunsOn(spec, pattern);
  const efficiency = estimatorEfficiency(spec, q.kernel);
  const operators = spec.kind === 'gpu' ? graph.operators.map((op) => operatorTiming(op, spec, efficiency)) : [];
  return { report: simulate(request(q, graph.attend)), operators, attend: graph.attend };
}

function totalSeconds(run: Run): number {
  return run.report.latencySeconds + run.operators.reduce((a, o) => a + o.seconds, 0);
}

/** Elements per head a run keeps and computes, and its metadata bytes, on the kernel's tiles. */
function workOf(w: Workload, report: Report, blockSparse: boolean) {
  const total = w.qLen * w.kvLen;
  const t = report.tiles;
  if (!t) {
    // Unfused kernels compute every score whatever the mask.
    const kept = tileCoverage(w.mask, w.qLen, w.kvLen, w.qLen, w.kvLen).keptElements;
    return { kept, computed: total, metadataBytes: 0, tiles: null };
  }
  const visited = t.full + t.partial;
  const qTiles = Math.ceil(w.qLen / t.tileQ);
  // A block-sparse kernel reads an index per visited tile and a count per tile row.
  const metadataBytes = blockSparse ? (visited + qTiles) * INDEX_BYTES : 0;
  // A visited tile is computed whole, as the kernel model costs it: the rows and keys an edge
  // tile has past the end of the sequence are padding the tensor cores multiply all the same.
  return { kept: t.keptFraction * total, computed: visited * t.tileQ * t.tileK, metadataBytes, tiles: t };
}

export function sparseBounds(q: SparseQuery): SparseBounds {
  const notes: string[] = [];
  checkPatternRunsOn(q.hardware, q.pattern);
  const dense = simulate(request(q, q.workload));
  const sparse = runPattern(q, q.pattern);
  const denseWork = workOf(q.workload, dense, false);
  const gathered = q.pattern.kind === 'dynamic' && q.pattern.method.attend.gather === true;
  // A mask other than the dense run's needs a block mask (gathered keys are attended densely).
  const sparseWork = workOf(sparse.attend, sparse.report, !gathered && q.workload.mask.kind !== sparse.attend.mask.kind);
  if (gathered) {
    // Gathered keys are attended densely; kept pairs are the selected (query, key) pairs.
    sparseWork.kept = q.workload.qLen * sparse.attend.kvLen;
  }
  const w = q.workload;
  const keptFraction = sparseWork.kept / denseWork.computed;
  const { power: stretch, idle } = stretches(dense);
  const fixed = fixedStretch(dense);
  const saveable = stretch * fixed * idle;
  // The same expression for both, so that (a) = (b) exactly when every computed pair is kept.
  const ideal = (saveable * denseWork.computed) / sparseWork.kept;
  const tileLevel = (saveable * denseWork.computed) / sparseWork.computed;
  const estimator = sparse.operators.reduce((a, o) => a + o.seconds, 0);
  const total = sparse.report.latencySeconds + estimator;
  const predicted = dense.latencySeconds / total;
  if (stretch > 1 + STRETCH_NOTE_THRESHOLD) notes.push(`the dense run is slowed ${stretch.toFixed(3)}× by the power limit; (a) and (b) include that factor`);
  if (idle > 1 + FIXED_NOTE_THRESHOLD)
    notes.push(
      `the dense run's SMs are idle for ${(100 * (1 - 1 / idle)).toFixed(1)}% of its tiles' time (a wave's tail, or its longest CTA); (a) and (b) count that time as saveable (× ${idle.toFixed(3)})`,
    );
  if (fixed > 1 + FIXED_NOTE_THRESHOLD)
    notes.push(`the dense run spends ${(100 * (1 - 1 / fixed)).toFixed(1)}% of its time at full clocks on fixed launch costs; (a) and (b) count that time as saveable (× ${fixed.toFixed(3)})`);
  if (w.mask.kind === 'per_head' || sparse.attend.mask.kind === 'per_head') {
    const cycle = (sparse.attend.mask.kind === 'per_head' ? sparse.attend.mask.groups : []).reduce((a, g) => a + g.count, 0);
    if (cycle > 0 && w.heads % cycle !== 0) notes.push(`per-head groups cycle every ${cycle} heads; ${w.heads} heads is not a multiple, so counts are the cycle's average`);
  }
  for (const warning of [...dense.warnings, ...sparse.report.warnings]) {
    const note = warning.replace(/: the work needs .* limit; /, ': power-limited; ');
    // The dense and sparse runs often share a note (the same plan's last wave): say it once.
    if (!notes.includes(note)) notes.push(note);
  }
  const t = sparseWork.tiles;
  const breakEvenBlockSize = q.pattern.kind === 'dynamic' ? q.pattern.method.attend.blockSize : STATIC_BREAK_EVEN_BLOCK;
  return {
    density: q.pattern.kind === 'dynamic' ? (q.pattern.density ?? methodDensity(q.pattern.method, w, w.mask)) : null,
    keptFraction,
    ideal,
    tileLevel,
    predicted,
    ...(q.breakEven === false ? {} : { breakEvenDensity: breakEvenDensity(q, breakEvenBlockSize, dense.latencySeconds) }),
    breakEvenBlockSize,
    seconds: { dense: dense.latencySeconds, attend: sparse.report.latencySeconds, estimator, total },
    tiles: t
      ? {
          tileQ: t.tileQ,
          tileK: t.tileK,
          visited: t.full + t.partial,
          partial: t.partial,
          skipped: t.skipped,
          denseVisited: dense.tiles ? dense.tiles.full + dense.tiles.partial : 0,
          metadataBytes: sparseWork.metadataBytes,
        }
      : null,
    operators: sparse.operators,
    attendMask: describeMask(sparse.attend.mask),
    notes,
  };
}

/** The time of a launch's tiles at full clocks: its slowest resource, without its fixed costs. */
const tileSeconds = (l: Report['breakdown'][number]) => Math.max(l.boundSeconds.compute, l.boundSeconds.hbm, l.boundSeconds.l2, l.boundSeconds.smem);
/** The same with the compute spread evenly over every SM. */
const balancedTileSeconds = (l: Report['breakdown'][number]) => Math.max(l.balancedComputeSeconds, l.boundSeconds.hbm, l.boundSeconds.l2, l.boundSeconds.smem);

/**
 * How much the power limit slows a run (latency over latency at full clocks) and how much idle
 * SMs do (its tiles' time over the same spread evenly); 1 where they do not. An engine whose
 * compute term is already balanced (the cycle engine) leaves its idle time in the latency: when
 * no launch is power-limited, that excess is idle time, not power.
 */
function stretches(r: Report): { power: number; idle: number } {
  const unthrottled = r.breakdown.reduce((a, l) => a + l.boundSeconds.fixed + tileSeconds(l), 0);
  const tiles = r.breakdown.reduce((a, l) => a + tileSeconds(l), 0);
  const balanced = r.breakdown.reduce((a, l) => a + balancedTileSeconds(l), 0);
  const excess = unthrottled > 0 ? Math.max(1, r.latencySeconds / unthrottled) : 1;
  const idle = balanced > 0 ? Math.max(1, tiles / balanced) : 1;
  const powerLimited = r.breakdown.some((l) => l.bound === 'power');
  return powerLimited ? { power: excess, idle } : { power: 1, idle: idle * excess };
}

/** Latency at full clocks over the time of the tiles alone: the share of fixed launch costs (1 without any). */
function fixedStretch(r: Report): number {
  const tiles = r.breakdown.reduce((a, l) => a + tileSeconds(l), 0);
  const unthrottled = r.breakdown.reduce((a, l) => a + l.boundSeconds.fixed + tileSeconds(l), 0);
  return tiles > 0 ? unthrottled / tiles : 1;
}

/** The method whose density (d) varies: the dynamic one, or block-sparse with given blocks. */
function densityMethod(q: SparseQuery, blockSize: number): SparseMethod {
  return q.pattern.kind === 'dynamic' ? q.pattern.method : oracleMethod(blockSize, q.workload.mask.kind === 'causal' ? 'causal' : 'none');
}

/** Predicted speedup of the query's method (or a given block mask) at `density`. */
export function predictedAt(q: SparseQuery, density: number, denseSeconds: number, blockSize: number): number {
  checkDensity(density);
  const run = runPattern(q, { kind: 'dynamic', method: densityMethod(q, blockSize), density });
  return denseSeconds / totalSeconds(run);
}

/**
 * (d): the largest density with predicted speedup ≥ 1, by bisection (the speedup never rises
 * with density: more blocks, same estimator). Null when even one block per row loses.
 */
export function breakEvenDensity(q: SparseQuery, blockSize: number, denseSeconds: number): number | null {
  const kvBlocks = Math.ceil(q.workload.kvLen / blockSize);
  let lo = 1 / kvBlocks;
  let hi = 1;
  if (predictedAt(q, hi, denseSeconds, blockSize) >= 1) return 1;
  if (predictedAt(q, lo, denseSeconds, blockSize) < 1) return null;
  for (let i = 0; i < BREAK_EVEN_STEPS; i++) {
    const mid = (lo + hi) / 2;
    if (predictedAt(q, mid, denseSeconds, blockSize) >= 1) lo = mid;
    else hi = mid;
  }
  return lo;
}
