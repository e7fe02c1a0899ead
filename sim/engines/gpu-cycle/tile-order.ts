import type { TileCoverage } from '../../../workloads/masks/coverage.js';
import type { Workload } from '../../../workloads/workload.js';
import type { LaunchPlan, SharedOperand } from '../../kernels/plan.js';
import { MAX_CHUNKS_PER_OPERAND } from './constants.js';

/**
 * The launch order of a launch's work tiles, and for each tile what it reads: its work class,
 * the copy of the shared operand (K/V of one kv head) it reads, and which part of it along the
 * key axis. Computed per tile on demand from a few arrays, never materialized per tile, so a
 * 65 536-tile launch costs a few kilobytes.
 */
export interface TileOrder {
  tiles: number;
  /** The shared operand the tiles read, or null (combine kernels, unfused passes). */
  operand: SharedOperand | null;
  /** Key tiles along the operand (1 when it is read whole), and of them per tracked chunk. */
  keyTiles: number;
  tilesPerChunk: number;
  /** Chunks each operand copy is tracked in: ceil(keyTiles / tilesPerChunk). */
  chunks: number;
  workOf(tile: number): number;
  /** Operand copy read by the tile, 0 ≤ instance < operand.instances. */
  instanceOf(tile: number): number;
  /**
   * The tile's key tiles lie in [first, last) of its copy: all of them under a contiguous mask,
   * `visited` of them scattered evenly under a sparse one.
   */
  keyRange(tile: number): { first: number; last: number; visited: number };
  /** Its key loop walks from `last` back to `first` (LaunchPlan.keyOrder). */
  descending: boolean;
  /**
   * It reads the key tile on the diagonal (its last, the partial block of a causal-type mask)
   * first, then the others from `first` forward (LaunchPlan.keyOrder 'diagonal-first').
   */
  diagonalFirst: boolean;
}

/** The chunk a tile reads in its phase `index`, of the chunks [lo, hi) its key range spans, in its loop's order. */
export function chunkOfPhase(order: Pick<TileOrder, 'descending' | 'diagonalFirst'>, lo: number, hi: number, index: number): number {
  if (order.descending) return hi - 1 - index;
  if (order.diagonalFirst) return index === 0 ? hi - 1 : lo + index - 1;
  return lo + index;
}

/** Work class of each position when classes are laid out one after another in list order. */
function classIndex(counts: readonly number[]): (position: number) => number {
  const ends: number[] = [];
  let sum = 0;
  for (const c of counts) ends.push((sum += c));
  return (position) => {
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (position < ends[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/**
 * Copy read by each tile, from the operand's reader layout. Tiles run query tiles fastest
 * (`perUnit` tiles per batch × head unit). The readers of one copy are `groups` units of the GQA
 * group, consecutive when readerSpan = readersPerInstance (FA3 and cuDNN's m-h-b order), or
 * `stride` units apart (FA2's m-b-h grid puts the batch between the heads of one group).
 */
function instanceMapper(op: SharedOperand, perUnit: number): (tile: number) => number {
  const groups = Math.max(1, Math.round(op.readersPerInstance / perUnit));
  if (op.readerSpan <= op.readersPerInstance || groups === 1) {
    return (tile) => Math.min(op.instances - 1, Math.floor(tile / op.readersPerInstance));
  }
  const stride = Math.max(1, Math.round((op.readerSpan / perUnit - 1) / (groups - 1)));
  return (tile) => {
    const unit = Math.floor(tile / perUnit);
    return Math.min(op.instances - 1, (unit % stride) + stride * Math.floor(unit / (stride * groups)));
  };
}

/**
 * Masks whose kept key tiles are scattered rather than contiguous: random or listed blocks over
 * the whole row, strided keys and causal random blocks over everything up to the diagonal.
 * Null: contiguous (causal, windows, documents; sinks add one hot tile that every reader shares).
 */
function scatteredSpan(w: Workload): 'row' | 'prefix' | null {
  switch (w.mask.kind) {
    case 'block_sparse':
      return w.mask.causal === true ? 'prefix' : 'row';
    case 'block_list':
      return 'row';
    case 'strided':
      return 'prefix';
    default:
      return null;
  }
}

/**
 * Masks whose kept keys end at the diagonal inside a key tile, so that a query tile's last key
 * tile is a partial block: causal and windowed masks, causal documents.
 */
function endsOnPartialDiagonal(w: Workload): boolean {
  switch (w.mask.kind) {
    case 'causal':
    case 'sliding_window':
    case 'sink_window':
      return true;
    case 'document':
      return w.mask.causal ?? false;
    default:
      return false;
  }
}

/** Does this launch run the fused main loop whose tiles follow `coverage` query tile by query tile? */
function followsCoverage(launch: LaunchPlan, coverage: TileCoverage | null): coverage is TileCoverage {
  return coverage !== null && launch.role === 'attention' && launch.tileQ === coverage.tileQ && launch.tileK === coverage.tileK && launch.work.length === coverage.classes.length;
}

export function tileOrder(launch: LaunchPlan, coverage: TileCoverage | null, w: Workload): TileOrder {
  const counts = launch.work.map((c) => c.count);
  const tiles = counts.reduce((a, b) => a + b, 0);
  const operand = launch.sharedOperands[0] ?? null;
  if (!followsCoverage(launch, coverage)) {
    const workOf = classIndex(counts);
    const instanceOf = operand ? instanceMapper(operand, 1) : () => 0;
    return { tiles, operand, keyTiles: 1, tilesPerChunk: 1, chunks: 1, workOf, instanceOf, keyRange: () => ({ first: 0, last: 1, visited: 1 }), descending: false, diagonalFirst: false };
  }
  // One head's query tiles in order: class of each, and the key tiles it visits. Classes are in
  // first-occurrence order of query tiles and each is a run of neighbours (the mask's ramp, its
  // steady middle, a short last tile), so laying them out in order recovers each tile's class.
  const qTiles = coverage.qTiles;
  const kTiles = coverage.kTiles;
  const classOfQuery = classIndex(coverage.classes.map((c) => c.count));
  const offset = w.kvLen - w.qLen;
  const tilesPerChunk = Math.ceil(kTiles / MAX_CHUNKS_PER_OPERAND);
  const workOfQuery = new Int32Array(qTiles);
  const first = new Int32Array(qTiles);
  const last = new Int32Array(qTiles);
  const visitedOf = new Int32Array(qTiles);
  const scattered = scatteredSpan(w);
  for (let m = 0; m < qTiles; m++) {
    const c = classOfQuery(m);
    const visited = coverage.classes[c]!.visitedTiles;
    // Masks keep keys up to the diagonal (bottom-right aligned); the visited tiles end there.
    const diagonal = Math.ceil(((m + 1) * coverage.tileQ + offset) / coverage.tileK);
    workOfQuery[m] = c;
    visitedOf[m] = visited;
    last[m] = scattered === 'row' ? kTiles : Math.min(kTiles, Math.max(diagonal, visited));
    first[m] = scattered ? 0 : last[m]! - visited;
  }
  const instanceOf = operand ? instanceMapper(operand, qTiles) : () => 0;
  // A persistent tile scheduler hands out the query tiles of a head longest first when their
  // work differs (causal): the longest-processing-time rule that shortens the tail
  // (FlashAttention-3's hopper/tile_scheduler.hpp, SingleTileLPTScheduler; cuDNN's persistent
  // prefill is FA3-style). Longest-first also keeps the long tiles of a head in step, reading
  // the same K/V together.
  const longestFirst = launch.persistent && coverage.classes.length > 1;
  const queryOf = (tile: number) => (longestFirst ? qTiles - 1 - (tile % qTiles) : tile % qTiles);
  return {
    tiles,
    operand,
    keyTiles: kTiles,
    tilesPerChunk,
    chunks: Math.ceil(kTiles / tilesPerChunk),
    workOf: (tile) => workOfQuery[queryOf(tile)]!,
    instanceOf,
    descending: launch.keyOrder === 'descending',
    diagonalFirst: launch.keyOrder === 'diagonal-first' && endsOnPartialDiagonal(w),
    keyRange: (tile) => {
      const m = queryOf(tile);
      return { first: first[m]!, last: last[m]!, visited: visitedOf[m]! };
    },
  };
}
