/**
 * Kept (query, key) pairs of the tile whose first query row is `q0` (rows long) and first key
 * `k0` (cols wide): masks that are not unions of intervals per row count tiles this way.
 * `reach` gives, for a query tile, the key range [lo, hi) outside which it keeps nothing.
 */
export interface KeptCounter {
  count: (q0: number, rows: number, k0: number, cols: number) => number;
  reach: (q0: number, rows: number) => [number, number];
  /** Inner steps one `count` call takes (blocks of a grid it overlaps); unset: 1. */
  stepsPerCount?: number;
}
