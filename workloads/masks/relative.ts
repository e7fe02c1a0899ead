import type { Mask } from './mask.js';
import type { KeptCounter } from './kept-counter.js';

/**
 * Masks that keep key j for the query at position p by the distance δ = p − j alone (dilated
 * windows, Sparse Transformers' strided pattern). A tile's kept count then depends only on its
 * diagonal offset and shape, so tiles on one diagonal are counted once.
 */
type RelativeMask = Extract<Mask, { kind: 'dilated' | 'strided' }>;

/** How many kept distances lie in [0, x] (0 for x < 0): the closed form of each pattern. */
export function keptDistancesUpTo(mask: RelativeMask, x: number): number {
  if (x < 0) return 0;
  switch (mask.kind) {
    case 'dilated':
      return Math.min(mask.window, Math.floor(x / mask.dilation) + 1);
    case 'strided':
      // The `stride` most recent keys, plus distances stride, 2·stride, … beyond them.
      return Math.min(x + 1, mask.stride) + Math.floor(x / mask.stride);
  }
}

/** The largest kept distance, or Infinity when every earlier key can be reached. */
function reachOf(mask: RelativeMask): number {
  return mask.kind === 'dilated' ? (mask.window - 1) * mask.dilation : Infinity;
}

export function relativeKeptCounter(mask: RelativeMask, qLen: number, kvLen: number, _tileQ: number, _tileK: number): KeptCounter {
  const offset = kvLen - qLen;
  const memo = new Map<string, number>();
  const reach = reachOf(mask);
  return {
    reach: (q0, rows) => [Math.max(0, q0 + offset - reach), Math.min(kvLen, q0 + offset + rows)],
    count: (q0, rows, k0, cols) => {
      const diagonal = q0 + offset - k0;
      const key = `${diagonal}/${rows}/${cols}`;
      const hit = memo.get(key);
      if (hit !== undefined) return hit;
      let n = 0;
      for (let r = 0; r < rows; r++) {
        const d = diagonal + r; // distance to the tile's first key
        n += keptDistancesUpTo(mask, d) - keptDistancesUpTo(mask, d - cols);
      }
      memo.set(key, n);
      return n;
    },
  };
}
