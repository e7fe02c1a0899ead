import type { Mask } from './mask.js';

/**
 * The keys a query row keeps, as at most two disjoint, sorted, half-open intervals of key
 * indices: `fill(p, out)` writes [lo0, hi0, lo1, hi1] into `out` and returns how many intervals.
 * `p` is the query's absolute position (bottom-right alignment, see mask.ts). Only masks that are
 * unions of intervals per row are here; block-sparse masks are counted block by block.
 */
export type RowIntervals = (p: number, out: number[]) => number;

/** The masks whose rows are at most two intervals. */
export type IntervalMask = Extract<Mask, { kind: 'none' | 'causal' | 'sliding_window' | 'sink_window' | 'document' }>;

export function rowIntervals(mask: IntervalMask, kvLen: number): RowIntervals {
  const clip = (out: number[], n: number, lo: number, hi: number): number => {
    const l = Math.max(0, lo);
    const h = Math.min(kvLen, hi);
    if (l >= h) return n;
    out[2 * n] = l;
    out[2 * n + 1] = h;
    return n + 1;
  };
  switch (mask.kind) {
    case 'none':
      return (_p, out) => clip(out, 0, 0, kvLen);
    case 'causal':
      return (p, out) => clip(out, 0, 0, p + 1);
    case 'sliding_window': {
      const w = mask.window;
      return (p, out) => clip(out, 0, p - w + 1, p + 1);
    }
    case 'sink_window': {
      const { sinks, window } = mask;
      return (p, out) => {
        const windowLo = p - window + 1;
        if (windowLo <= sinks) return clip(out, 0, 0, p + 1); // sinks and window touch: one interval
        return clip(out, clip(out, 0, 0, Math.min(sinks, p + 1)), windowLo, p + 1);
      };
    }
    case 'document': {
      const starts: number[] = [];
      let acc = 0;
      for (const len of mask.lengths) {
        starts.push(acc);
        acc += len;
      }
      const causal = mask.causal === true;
      return (p, out) => {
        // Binary search for the document that holds position p.
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (starts[mid]! <= p) lo = mid;
          else hi = mid - 1;
        }
        const start = starts[lo]!;
        const end = start + mask.lengths[lo]!;
        return clip(out, 0, start, causal ? p + 1 : end);
      };
    }
  }
}
