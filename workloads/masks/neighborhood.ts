import { InputError } from '../../hardware/errors.js';
import type { KeptCounter } from './kept-counter.js';
import type { Mask } from './mask.js';

/**
 * Neighborhood attention over a token grid (NATTEN, GNA). The kept set of a query is a box, one
 * interval per dimension, so the kept count of a (query set × key set) pair of boxes is the
 * product over dimensions of 1-D sums. A kernel tile is a run of consecutive tokens in the
 * layout's order: in row-major order a run of rows (1-D tiling), in tiled order a patch
 * (multi-dimensional tiling); either way it splits into a few boxes.
 */
type NeighborhoodMask = Extract<Mask, { kind: 'neighborhood' }>;
/** Per dimension, a half-open [lo, hi) range. */
type Box = Array<[number, number]>;

/** The window of coordinate i along a dimension of n (NATTEN's shifted-at-the-border window). */
export function window1d(i: number, n: number, k: number, causal: boolean): [number, number] {
  if (causal) return [Math.max(0, i - k + 1), i + 1];
  const start = Math.min(Math.max(i - Math.floor(k / 2), 0), n - k);
  return [start, start + k];
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/** The boxes that the flat row-major range [a, b) of a grid of `extents` covers. */
export function rowMajorBoxes(extents: readonly number[], a: number, b: number): Box[] {
  if (a >= b) return [];
  if (extents.length === 1) return [[[a, b]]];
  const inner = extents.slice(1);
  const size = product(inner);
  const prefix = (row: number, boxes: Box[]): Box[] => boxes.map((box) => [[row, row + 1] as [number, number], ...box]);
  const ra = Math.floor(a / size);
  const rb = Math.floor(b / size);
  if (ra === rb) return prefix(ra, rowMajorBoxes(inner, a - ra * size, b - ra * size));
  const out: Box[] = [];
  let firstFull = ra;
  if (a % size !== 0) {
    out.push(...prefix(ra, rowMajorBoxes(inner, a - ra * size, size)));
    firstFull = ra + 1;
  }
  if (rb > firstFull) out.push([[firstFull, rb], ...inner.map((e): [number, number] => [0, e])]);
  if (b % size !== 0) out.push(...prefix(rb, rowMajorBoxes(inner, 0, b - rb * size)));
  return out;
}

/** Grid coordinates of flat index i in row-major order. */
function unflatten(extents: readonly number[], i: number): number[] {
  const out = new Array<number>(extents.length);
  for (let d = extents.length - 1; d >= 0; d--) {
    out[d] = i % extents[d]!;
    i = Math.floor(i / extents[d]!);
  }
  return out;
}

/** Boxes of the flat range [a, b) when tokens are ordered patch by patch (patches of `tile`). */
export function tiledBoxes(grid: readonly number[], tile: readonly number[], a: number, b: number): Box[] {
  const patches = grid.map((g, d) => g / tile[d]!);
  const size = product(tile);
  const inPatch = (p: number, lo: number, hi: number): Box[] => {
    const origin = unflatten(patches, p).map((c, d) => c * tile[d]!);
    return rowMajorBoxes(tile, lo, hi).map((box) => box.map(([l, h], d): [number, number] => [origin[d]! + l, origin[d]! + h]));
  };
  const pa = Math.floor(a / size);
  const pb = Math.floor(b / size);
  if (pa === pb) return inPatch(pa, a - pa * size, b - pa * size);
  const out: Box[] = [];
  let firstFull = pa;
  if (a % size !== 0) {
    out.push(...inPatch(pa, a - pa * size, size));
    firstFull = pa + 1;
  }
  for (const box of rowMajorBoxes(patches, firstFull, pb)) out.push(box.map(([l, h], d): [number, number] => [l * tile[d]!, h * tile[d]!]));
  if (b % size !== 0) out.push(...inPatch(pb, 0, b - pb * size));
  return out;
}

export function neighborhoodKeptCounter(mask: NeighborhoodMask, qLen: number, kvLen: number, _tileQ: number, _tileK: number): KeptCounter {
  const tokens = product(mask.grid);
  if (qLen !== tokens || kvLen !== tokens) {
    throw new InputError('mask.grid', `a ${mask.grid.join('×')} grid has ${tokens} tokens; it needs qLen = kvLen = ${tokens} (got ${qLen}, ${kvLen})`);
  }
  const dims = mask.grid.length;
  const causal = (d: number) => mask.causal?.[d] === true;
  const boxesOf = (a: number, b: number): Box[] => (mask.tile ? tiledBoxes(mask.grid, mask.tile, a, b) : rowMajorBoxes(mask.grid, a, b));
  // Σ over query coordinates in [qa, qb) of |window(q) ∩ [ka, kb)| along dimension d, memoized.
  const memo = new Map<string, number>();
  const overlapSum = (d: number, qa: number, qb: number, ka: number, kb: number): number => {
    const key = `${d}/${qa}/${qb}/${ka}/${kb}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let n = 0;
    for (let q = qa; q < qb; q++) {
      const [lo, hi] = window1d(q, mask.grid[d]!, mask.window[d]!, causal(d));
      n += Math.max(0, Math.min(hi, kb) - Math.max(lo, ka));
    }
    memo.set(key, n);
    return n;
  };
  const boxCache = new Map<string, Box[]>();
  const cachedBoxes = (a: number, b: number): Box[] => {
    const key = `${a}/${b}`;
    let boxes = boxCache.get(key);
    if (!boxes) boxCache.set(key, (boxes = boxesOf(a, b)));
    return boxes;
  };
  /** The flat-index span of the keys a set of query boxes can reach (a bounding run). */
  const reachBox = (boxes: Box[]): Box =>
    Array.from({ length: dims }, (_, d): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const box of boxes) {
        lo = Math.min(lo, window1d(box[d]![0], mask.grid[d]!, mask.window[d]!, causal(d))[0]);
        hi = Math.max(hi, window1d(box[d]![1] - 1, mask.grid[d]!, mask.window[d]!, causal(d))[1]);
      }
      return [lo, hi];
    });
  const disjoint = (a: Box, b: Box) => a.some(([lo, hi], d) => hi <= b[d]![0] || b[d]![1] <= lo);
  const boundsOf = (boxes: Box[]): Box => Array.from({ length: dims }, (_, d): [number, number] => [Math.min(...boxes.map((b) => b[d]![0])), Math.max(...boxes.map((b) => b[d]![1]))]);
  return {
    // Key tiles are tested against the reach box in `count`; the flat range is all keys.
    reach: () => [0, kvLen],
    count: (q0, rows, k0, cols) => {
      const qBoxes = cachedBoxes(q0, q0 + rows);
      const kBoxes = cachedBoxes(k0, k0 + cols);
      if (disjoint(reachBox(qBoxes), boundsOf(kBoxes))) return 0;
      let n = 0;
      for (const qb of qBoxes) {
        for (const kb of kBoxes) {
          let term = 1;
          for (let d = 0; d < dims && term > 0; d++) term *= overlapSum(d, qb[d]![0], qb[d]![1], kb[d]![0], kb[d]![1]);
          n += term;
        }
      }
      return n;
    },
  };
}
