import { InputError } from '../../hardware/errors.js';
import type { Mask } from './mask.js';
import type { KeptCounter } from './kept-counter.js';
import { intersectRanges, rangesLength, unionRanges, type Ranges } from './ranges.js';
import { neighborhoodKeptCounter } from './neighborhood.js';
import { relativeKeptCounter } from './relative.js';
import { rowIntervals, type IntervalMask } from './rows.js';

/** Query tiles (of one batch × head) that do exactly the same work. */
export interface QTileClass {
  /** How many query tiles are in this class. */
  count: number;
  /** Query rows per tile (the last tile may be short). */
  rows: number;
  /** Key tiles computed: fully kept plus partially kept ones (computed in full, then masked). */
  visitedTiles: number;
  /** Of those, how many are partially kept (they pay the mask's element-wise work). */
  partialTiles: number;
  /** Keys in the visited tiles (the last key tile may be short). */
  visitedKeys: number;
  /** Kept (query, key) pairs over all tiles of the class. */
  keptElements: number;
}

/** How a mask falls on a tile grid, for one batch × head. */
export interface TileCoverage {
  tileQ: number;
  tileK: number;
  qTiles: number;
  kTiles: number;
  fullTiles: number;
  partialTiles: number;
  skippedTiles: number;
  /** (query, key) pairs the mask keeps. */
  keptElements: number;
  /** (query, key) pairs inside visited tiles: what a tiled kernel actually computes. */
  computedElements: number;
  /** qLen × kvLen. */
  totalElements: number;
  classes: QTileClass[];
}

/**
 * Most query tiles a mask is classified over, one by one: 2^18 (32M tokens in 128-row tiles)
 * takes seconds; the 2M tiles of a 256M-token call took minutes.
 */
export const MAX_QUERY_TILES = 2 ** 18;

const cache = new Map<string, TileCoverage>();
const CACHE_LIMIT = 512;

/**
 * Classify every (query tile × key tile) of a qLen × kvLen attention as fully kept, partially
 * kept or skipped under `mask`. Exact, memoized (sweeps ask for the same few tilings often).
 */
export function tileCoverage(mask: Mask, qLen: number, kvLen: number, tileQ: number, tileK: number): TileCoverage {
  for (const [name, v] of [
    ['qLen', qLen],
    ['kvLen', kvLen],
    ['tileQ', tileQ],
    ['tileK', tileK],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new InputError(name, `must be a positive integer, got ${v}`);
  }
  const qTiles = Math.ceil(qLen / tileQ);
  if (qTiles > MAX_QUERY_TILES) {
    throw new InputError(
      'qLen',
      `${qLen} queries in ${tileQ}-row tiles are ${qTiles} query tiles, above the limit of ${MAX_QUERY_TILES} (2^18) that the mask is classified over; use a shorter sequence`,
    );
  }
  const key = JSON.stringify([mask, qLen, kvLen, tileQ, tileK]);
  const hit = cache.get(key);
  if (hit) return hit;
  const result = computeCoverage(mask, qLen, kvLen, tileQ, tileK);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, result);
  return result;
}

function computeCoverage(mask: Mask, qLen: number, kvLen: number, tileQ: number, tileK: number): TileCoverage {
  switch (mask.kind) {
    case 'per_head':
      return perHeadCoverage(mask, qLen, kvLen, tileQ, tileK);
    case 'block_sparse':
      return blockSparseCoverage(mask, qLen, kvLen, tileQ, tileK);
    case 'block_list':
      return blockGridCoverage(() => blockListPattern(mask, qLen, kvLen), mask.blockSize, qLen, kvLen, tileQ, tileK);
    case 'dilated':
    case 'strided':
      return countedCoverage(relativeKeptCounter(mask, qLen, kvLen, tileQ, tileK), qLen, kvLen, tileQ, tileK);
    case 'neighborhood':
      return countedCoverage(neighborhoodKeptCounter(mask, qLen, kvLen, tileQ, tileK), qLen, kvLen, tileQ, tileK);
    default:
      return intervalCoverage(mask, qLen, kvLen, tileQ, tileK);
  }
}

/**
 * Per-head masks: the average head of one cycle of groups. Class counts and tile totals are
 * weighted by each group's share of heads, so they can be fractional; kernels multiply them by
 * batch × heads, which is exact when the head count is a multiple of the cycle.
 */
function perHeadCoverage(mask: Extract<Mask, { kind: 'per_head' }>, qLen: number, kvLen: number, tileQ: number, tileK: number): TileCoverage {
  const cycle = mask.groups.reduce((a, g) => a + g.count, 0);
  const parts = mask.groups.map((g) => ({ share: g.count / cycle, c: tileCoverage(g.mask, qLen, kvLen, tileQ, tileK) }));
  const sum = (key: 'fullTiles' | 'partialTiles' | 'keptElements' | 'computedElements') => parts.reduce((a, p) => a + p.share * p.c[key], 0);
  const first = parts[0]!.c;
  const fullTiles = sum('fullTiles');
  const partialTiles = sum('partialTiles');
  return {
    tileQ,
    tileK,
    qTiles: first.qTiles,
    kTiles: first.kTiles,
    fullTiles,
    partialTiles,
    skippedTiles: first.qTiles * first.kTiles - fullTiles - partialTiles,
    keptElements: sum('keptElements'),
    computedElements: sum('computedElements'),
    totalElements: qLen * kvLen,
    classes: parts.flatMap((p) => p.c.classes.map((cls) => ({ ...cls, count: cls.count * p.share, keptElements: cls.keptElements * p.share }))),
  };
}

/**
 * Most inner steps a tile-by-tile count may take: about ten seconds on one core of the
 * reference machine (~2·10⁷ steps/s measured on block grids and strided masks). A mask that
 * would need more is refused up front, naming the limit, instead of running for minutes.
 */
export const MAX_COVERAGE_STEPS = 2e8;

/** Most cells a kept-block grid may have: one byte each, so 128 MiB (a 128K-token call in 16-token blocks fits). */
export const MAX_MASK_GRID_CELLS = 2 ** 27;

function checkCountingWork(counter: KeptCounter, qLen: number, kvLen: number, tileQ: number, tileK: number): void {
  const qTiles = Math.ceil(qLen / tileQ);
  const kTiles = Math.ceil(kvLen / tileK);
  let pairs = 0;
  for (let t = 0; t < qTiles; t++) {
    const [lo, hi] = counter.reach(t * tileQ, tileWidth(t, tileQ, qLen));
    pairs += Math.max(0, Math.min(kTiles, Math.ceil(hi / tileK)) - Math.max(0, Math.floor(lo / tileK)));
  }
  const steps = pairs * (counter.stepsPerCount ?? 1);
  if (steps > MAX_COVERAGE_STEPS) {
    throw new InputError(
      'mask',
      `counting this mask tile by tile takes ~${steps.toExponential(1)} steps (${pairs.toExponential(1)} tile pairs of ${tileQ}×${tileK} at qLen ${qLen}, kvLen ${kvLen}), above the limit of ${MAX_COVERAGE_STEPS.toExponential(0)}; use larger blocks or a shorter sequence`,
    );
  }
}

function countedCoverage(counter: KeptCounter, qLen: number, kvLen: number, tileQ: number, tileK: number): TileCoverage {
  checkCountingWork(counter, qLen, kvLen, tileQ, tileK);
  const qTiles = Math.ceil(qLen / tileQ);
  const kTiles = Math.ceil(kvLen / tileK);
  const collector = new ClassCollector();
  for (let t = 0; t < qTiles; t++) {
    const q0 = t * tileQ;
    const rows = tileWidth(t, tileQ, qLen);
    const [lo, hi] = counter.reach(q0, rows);
    let visited = 0;
    let partialHere = 0;
    let visitedKeys = 0;
    let keptHere = 0;
    for (let u = Math.max(0, Math.floor(lo / tileK)); u < Math.min(kTiles, Math.ceil(hi / tileK)); u++) {
      const cols = tileWidth(u, tileK, kvLen);
      const n = counter.count(q0, rows, u * tileK, cols);
      if (n === 0) continue;
      visited += 1;
      visitedKeys += cols;
      keptHere += n;
      if (n < rows * cols) partialHere += 1;
    }
    collector.add(rows, visited, partialHere, visitedKeys, keptHere);
  }
  return finish(tileQ, tileK, qTiles, kTiles, qLen * kvLen, collector);
}

/** Keys in key tile `t` (only the last tile can be short). */
function tileWidth(t: number, tile: number, len: number): number {
  return Math.min(tile, len - t * tile);
}

function visitedKeysOf(touched: Ranges, tileK: number, kvLen: number): number {
  let keys = 0;
  for (let i = 0; i < touched.length; i += 2) {
    const s = touched[i]!;
    const e = touched[i + 1]!;
    keys += Math.min(e * tileK, kvLen) - s * tileK;
  }
  return keys;
}

/** The query tiles of one classification, grouped into classes, with the totals over all of them. */
class ClassCollector {
  private readonly byKey = new Map<string, QTileClass>();
  fullTiles = 0;
  partialTiles = 0;
  keptElements = 0;
  computedElements = 0;
  add(rows: number, visitedTiles: number, partialTiles: number, visitedKeys: number, kept: number): void {
    this.fullTiles += visitedTiles - partialTiles;
    this.partialTiles += partialTiles;
    this.keptElements += kept;
    // A visited tile is computed whole: every row against every key it holds.
    this.computedElements += rows * visitedKeys;
    const key = `${rows}/${visitedTiles}/${partialTiles}/${visitedKeys}`;
    const c = this.byKey.get(key);
    if (c) {
      c.count += 1;
      c.keptElements += kept;
    } else {
      this.byKey.set(key, { count: 1, rows, visitedTiles, partialTiles, visitedKeys, keptElements: kept });
    }
  }
  classes(): QTileClass[] {
    return [...this.byKey.values()];
  }
}

function intervalCoverage(mask: IntervalMask, qLen: number, kvLen: number, tileQ: number, tileK: number): TileCoverage {
  if (mask.kind === 'document') {
    const total = mask.lengths.reduce((a, b) => a + b, 0);
    if (total !== kvLen || qLen !== kvLen) {
      throw new InputError('mask.lengths', `document lengths sum to ${total}; they must equal qLen = kvLen (${qLen}, ${kvLen})`);
    }
  }
  const fill = rowIntervals(mask, kvLen);
  const qTiles = Math.ceil(qLen / tileQ);
  const kTiles = Math.ceil(kvLen / tileK);
  const offset = kvLen - qLen;
  const out = [0, 0, 0, 0];
  const collector = new ClassCollector();
  for (let t = 0; t < qTiles; t++) {
    const rows = tileWidth(t, tileQ, qLen);
    let fullSet: Ranges | null = null;
    let touched: Ranges = [];
    let tileKept = 0;
    for (let r = 0; r < rows; r++) {
      const n = fill(t * tileQ + r + offset, out);
      const rowFull: Ranges = [];
      const rowTouched: Ranges = [];
      for (let k = 0; k < n; k++) {
        const lo = out[2 * k]!;
        const hi = out[2 * k + 1]!;
        tileKept += hi - lo;
        // A key tile is fully kept by this row when the interval covers every key it holds.
        const fs = Math.ceil(lo / tileK);
        const fe = hi >= kvLen ? kTiles : Math.floor(hi / tileK);
        if (fs < fe) rowFull.push(fs, fe);
        rowTouched.push(Math.floor(lo / tileK), Math.ceil(hi / tileK));
      }
      fullSet = fullSet === null ? rowFull : intersectRanges(fullSet, rowFull);
      touched = unionRanges(touched, rowTouched);
    }
    const fullTiles = rangesLength(fullSet ?? []);
    const visitedTiles = rangesLength(touched);
    const visitedKeys = visitedKeysOf(touched, tileK, kvLen);
    collector.add(rows, visitedTiles, visitedTiles - fullTiles, visitedKeys, tileKept);
  }
  return finish(tileQ, tileK, qTiles, kTiles, qLen * kvLen, collector);
}

function finish(tileQ: number, tileK: number, qTiles: number, kTiles: number, total: number, collector: ClassCollector): TileCoverage {
  return {
    tileQ,
    tileK,
    qTiles,
    kTiles,
    fullTiles: collector.fullTiles,
    partialTiles: collector.partialTiles,
    skippedTiles: qTiles * kTiles - collector.fullTiles - collector.partialTiles,
    keptElements: collector.keptElements,
    computedElements: collector.computedElements,
    totalElements: total,
    classes: collector.classes(),
  };
}

/** A small seeded generator (mulberry32): the same pattern for the same seed, everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Kept blocks per query-block row: the rule of mask.ts. */
export function blocksKeptPerRow(blockDensity: number, kvBlocks: number): number {
  return Math.min(kvBlocks, Math.max(1, Math.round(blockDensity * kvBlocks)));
}

/**
 * Key blocks a query-block row of a causal block mask may choose among: those holding a key at or
 * before the row's last query (causal keeps key k for query q when k ≤ q + kvLen − qLen).
 */
function causalEligibleBlocks(rb: number, B: number, qLen: number, kvLen: number): number {
  const lastKey = Math.min(qLen, (rb + 1) * B) - 1 + (kvLen - qLen);
  return lastKey < 0 ? 0 : Math.min(Math.ceil(kvLen / B), Math.floor(lastKey / B) + 1);
}

/** The kept-block grid (row-major, qBlocks × kvBlocks) of a block-sparse mask. */
export function blockSparsePattern(mask: Extract<Mask, { kind: 'block_sparse' }>, qLen: number, kvLen: number): { qBlocks: number; kvBlocks: number; kept: Uint8Array } {
  const { qBlocks, kvBlocks } = gridSize(mask.blockSize, qLen, kvLen);
  const kept = new Uint8Array(qBlocks * kvBlocks);
  const random = mulberry32(mask.seed ?? 0);
  const columns = Array.from({ length: kvBlocks }, (_, i) => i);
  for (let r = 0; r < qBlocks; r++) {
    let eligible = kvBlocks;
    let perRow = blocksKeptPerRow(mask.blockDensity, kvBlocks);
    if (mask.causal === true) {
      eligible = causalEligibleBlocks(r, mask.blockSize, qLen, kvLen);
      if (eligible === 0) continue;
      // The diagonal block is always kept; the rest are drawn from the blocks before it.
      kept[r * kvBlocks + eligible - 1] = 1;
      perRow = blocksKeptPerRow(mask.blockDensity, eligible) - 1;
      eligible -= 1;
      for (let i = 0; i < eligible; i++) columns[i] = i;
    }
    // Partial Fisher–Yates: the first `perRow` entries become a uniform random subset.
    for (let i = 0; i < perRow; i++) {
      const j = i + Math.floor(random() * (eligible - i));
      [columns[i], columns[j]] = [columns[j]!, columns[i]!];
      kept[r * kvBlocks + columns[i]!] = 1;
    }
  }
  return { qBlocks, kvBlocks, kept };
}

/** (query, key) pairs of the rectangle [q0, q1) × [k0, k1) with k ≤ q + offset: a causal mask's. */
export function causalPairs(q0: number, q1: number, k0: number, k1: number, offset: number): number {
  const width = k1 - k0;
  if (width <= 0 || q1 <= q0) return 0;
  // Row q keeps clamp(q + offset + 1 − k0, 0, width) keys: none, then a ramp, then all of them.
  const lo = Math.max(q0, k0 - offset);
  if (lo >= q1) return 0;
  const mid = Math.min(q1, Math.max(lo, k1 - offset - 1));
  const ramp = mid > lo ? ((mid - lo) * (lo + offset + 1 - k0 + (mid - 1 + offset + 1 - k0))) / 2 : 0;
  return ramp + (q1 - mid) * width;
}

function blockSparseCoverage(mask: Extract<Mask, { kind: 'block_sparse' }>, qLen: number, kvLen: number, tileQ: number, tileK: number): TileCoverage {
  const B = mask.blockSize;
  const aligned = qLen % B === 0 && kvLen % B === 0 && B % tileQ === 0 && B % tileK === 0;
  // Whole blocks made of whole tiles: every query tile visits the same count of full tiles, so
  // the pattern's placement does not matter (closed form; sweeps at 1M tokens need it).
  if (aligned && mask.causal !== true) {
    const kvBlocks = kvLen / B;
    const keys = blocksKeptPerRow(mask.blockDensity, kvBlocks) * B;
    const qTiles = qLen / tileQ;
    const visited = keys / tileK;
    const collector = new ClassCollector();
    for (let t = 0; t < qTiles; t++) collector.add(tileQ, visited, 0, keys, tileQ * keys);
    return finish(tileQ, tileK, qTiles, kvLen / tileK, qLen * kvLen, collector);
  }
  if (aligned && kvLen >= qLen && (kvLen - qLen) % B === 0) return alignedCausalBlockCoverage(mask, qLen, kvLen, tileQ, tileK);
  return blockGridCoverage(() => blockSparsePattern(mask, qLen, kvLen), B, qLen, kvLen, tileQ, tileK, mask.causal === true ? kvLen - qLen : null);
}

/**
 * A causal block mask on whole blocks of whole tiles, in closed form: a tile row visits its row's
 * off-diagonal blocks in full and, of its diagonal block, the tiles a causal mask of one block
 * visits. Where the off-diagonal blocks lie does not change the counts.
 */
function alignedCausalBlockCoverage(mask: Extract<Mask, { kind: 'block_sparse' }>, qLen: number, kvLen: number, tileQ: number, tileK: number): TileCoverage {
  const B = mask.blockSize;
  const qTiles = qLen / tileQ;
  const tilesPerBlockRow = B / tileQ;
  const tilesPerBlock = B / tileK;
  const collector = new ClassCollector();
  for (let t = 0; t < qTiles; t++) {
    const rb = Math.floor(t / tilesPerBlockRow);
    const j = t % tilesPerBlockRow;
    const offDiagonal = blocksKeptPerRow(mask.blockDensity, causalEligibleBlocks(rb, B, qLen, kvLen)) - 1;
    // Inside the diagonal block, local key tile i is full when its last key is at or before the
    // tile row's first query, touched when its first key is at or before the row's last query.
    const diagonalFull = Math.floor((j * tileQ + 1) / tileK);
    const diagonalTouched = Math.min(tilesPerBlock, Math.ceil(((j + 1) * tileQ) / tileK));
    const visitedTiles = offDiagonal * tilesPerBlock + diagonalTouched;
    const partialTiles = diagonalTouched - diagonalFull;
    const visitedKeys = visitedTiles * tileK;
    const tileKept = tileQ * offDiagonal * B + causalPairs(j * tileQ, (j + 1) * tileQ, 0, B, 0);
    collector.add(tileQ, visitedTiles, partialTiles, visitedKeys, tileKept);
  }
  return finish(tileQ, tileK, qTiles, kvLen / tileK, qLen * kvLen, collector);
}

/** The kept-block grid of an explicit block list; a block outside the grid is an input error. */
export function blockListPattern(mask: Extract<Mask, { kind: 'block_list' }>, qLen: number, kvLen: number): { qBlocks: number; kvBlocks: number; kept: Uint8Array } {
  const { qBlocks, kvBlocks } = gridSize(mask.blockSize, qLen, kvLen);
  const kept = new Uint8Array(qBlocks * kvBlocks);
  for (const [r, c] of mask.blocks) {
    if (r >= qBlocks || c >= kvBlocks) {
      throw new InputError('mask.blocks', `block [${r}, ${c}] is outside the ${qBlocks} × ${kvBlocks} grid of ${mask.blockSize}-token blocks (qLen ${qLen}, kvLen ${kvLen})`);
    }
    kept[r * kvBlocks + c] = 1;
  }
  return { qBlocks, kvBlocks, kept };
}

function gridSize(blockSize: number, qLen: number, kvLen: number): { qBlocks: number; kvBlocks: number } {
  const qBlocks = Math.ceil(qLen / blockSize);
  const kvBlocks = Math.ceil(kvLen / blockSize);
  if (qBlocks * kvBlocks > MAX_MASK_GRID_CELLS) {
    throw new InputError(
      'mask',
      `a grid of ${blockSize}-token blocks over ${qLen} × ${kvLen} tokens has ${qBlocks} × ${kvBlocks} blocks, above the limit of ${MAX_MASK_GRID_CELLS} (2^27); use larger blocks or a shorter sequence`,
    );
  }
  return { qBlocks, kvBlocks };
}

/**
 * Coverage of any kept-block grid (row-major, kvBlocks wide) of B × B blocks: a tile's kept
 * count is the area of the kept blocks it overlaps, counted block by block.
 */
/** `causalOffset`: kept blocks keep only keys k ≤ q + causalOffset; null: kept blocks are kept whole. */
function blockGridCoverage(
  makeGrid: () => { kvBlocks: number; kept: Uint8Array },
  B: number,
  qLen: number,
  kvLen: number,
  tileQ: number,
  tileK: number,
  causalOffset: number | null = null,
): TileCoverage {
  const stepsPerCount = (Math.ceil(tileQ / B) + 1) * (Math.ceil(tileK / B) + 1);
  // The work is known before the grid is drawn: refuse a too-large one before paying for it.
  checkCountingWork({ count: () => 0, reach: () => [0, kvLen], stepsPerCount }, qLen, kvLen, tileQ, tileK);
  const { kvBlocks, kept } = makeGrid();
  const counter: KeptCounter = {
    count: (q0, rows, k0, cols) => {
      const q1 = q0 + rows;
      const k1 = k0 + cols;
      let n = 0;
      for (let rb = Math.floor(q0 / B); rb * B < q1; rb++) {
        for (let cb = Math.floor(k0 / B); cb * B < k1; cb++) {
          if (kept[rb * kvBlocks + cb] !== 1) continue;
          const qa = Math.max(q0, rb * B);
          const qb = Math.min(q1, (rb + 1) * B);
          const ka = Math.max(k0, cb * B);
          const kb = Math.min(k1, (cb + 1) * B);
          n += causalOffset === null ? (qb - qa) * (kb - ka) : causalPairs(qa, qb, ka, kb, causalOffset);
        }
      }
      return n;
    },
    reach: () => [0, kvLen],
    stepsPerCount,
  };
  return countedCoverage(counter, qLen, kvLen, tileQ, tileK);
}
