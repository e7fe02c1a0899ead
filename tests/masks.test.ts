import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockListPattern, blockSparsePattern, tileCoverage } from '../workloads/masks/coverage.js';
import { parseMask, type Mask } from '../workloads/masks/mask.js';
import { window1d } from '../workloads/masks/neighborhood.js';

/** Element-by-element truth: does query row i keep key j? */
function keeps(mask: Mask, qLen: number, kvLen: number): (i: number, j: number) => boolean {
  const off = kvLen - qLen;
  switch (mask.kind) {
    case 'none':
      return () => true;
    case 'causal':
      return (i, j) => j <= i + off;
    case 'sliding_window':
      return (i, j) => j <= i + off && i + off - j < mask.window;
    case 'sink_window':
      return (i, j) => j <= i + off && (j < mask.sinks || i + off - j < mask.window);
    case 'document': {
      const doc: number[] = [];
      mask.lengths.forEach((len, d) => {
        for (let k = 0; k < len; k++) doc.push(d);
      });
      return (i, j) => doc[i] === doc[j] && (!mask.causal || j <= i);
    }
    case 'block_sparse':
    case 'block_list': {
      const { kvBlocks, kept } = mask.kind === 'block_sparse' ? blockSparsePattern(mask, qLen, kvLen) : blockListPattern(mask, qLen, kvLen);
      const b = mask.blockSize;
      const causal = mask.kind === 'block_sparse' && mask.causal === true;
      return (i, j) => kept[Math.floor(i / b) * kvBlocks + Math.floor(j / b)] === 1 && (!causal || j <= i + off);
    }
    case 'dilated':
      return (i, j) => {
        const d = i + off - j;
        return d >= 0 && d % mask.dilation === 0 && d / mask.dilation < mask.window;
      };
    case 'strided':
      return (i, j) => {
        const d = i + off - j;
        return d >= 0 && (d < mask.stride || d % mask.stride === 0);
      };
    case 'neighborhood': {
      const coords = tokenCoordinates(mask.grid, mask.tile);
      return (i, j) =>
        coords[i]!.every((qc, d) => {
          const [lo, hi] = window1d(qc, mask.grid[d]!, mask.window[d]!, mask.causal?.[d] === true);
          const kc = coords[j]![d]!;
          return kc >= lo && kc < hi;
        });
    }
    case 'per_head':
      throw new Error('per-head masks are checked head by head');
  }
}

/** Grid coordinates of each token in layout order, built by walking the layout explicitly. */
function tokenCoordinates(grid: number[], tile?: number[]): number[][] {
  const t = tile ?? grid;
  const patches = grid.map((g, d) => g / t[d]!);
  const walk = (extents: number[]): number[][] => extents.reduce<number[][]>((acc, e) => acc.flatMap((c) => Array.from({ length: e }, (_, k) => [...c, k])), [[]]);
  return walk(patches).flatMap((p) => walk(t).map((c) => c.map((x, d) => p[d]! * t[d]! + x)));
}

/** Brute-force tile classification by visiting every element. */
function bruteForce(mask: Mask, qLen: number, kvLen: number, tq: number, tk: number) {
  const keep = keeps(mask, qLen, kvLen);
  let full = 0,
    partial = 0,
    skipped = 0,
    kept = 0,
    computed = 0;
  for (let qs = 0; qs < qLen; qs += tq) {
    for (let ks = 0; ks < kvLen; ks += tk) {
      let n = 0;
      let area = 0;
      for (let i = qs; i < Math.min(qs + tq, qLen); i++) {
        for (let j = ks; j < Math.min(ks + tk, kvLen); j++) {
          area += 1;
          if (keep(i, j)) n += 1;
        }
      }
      kept += n;
      if (n === 0) skipped += 1;
      else {
        computed += area;
        if (n === area) full += 1;
        else partial += 1;
      }
    }
  }
  return { full, partial, skipped, kept, computed };
}

const maskArb = (len: number): fc.Arbitrary<Mask> =>
  fc.oneof(
    fc.constant<Mask>({ kind: 'none' }),
    fc.constant<Mask>({ kind: 'causal' }),
    fc.integer({ min: 1, max: len + 4 }).map((window): Mask => ({ kind: 'sliding_window', window })),
    fc.record({ sinks: fc.integer({ min: 0, max: 8 }), window: fc.integer({ min: 1, max: len }) }).map((r): Mask => ({ kind: 'sink_window', ...r })),
    fc
      .record({ blockSize: fc.integer({ min: 1, max: 16 }), blockDensity: fc.double({ min: 0.01, max: 1, noNaN: true }), seed: fc.nat(1000), causal: fc.boolean() })
      .map((r): Mask => ({ kind: 'block_sparse', ...r })),
    fc.record({ window: fc.integer({ min: 1, max: 12 }), dilation: fc.integer({ min: 1, max: 6 }) }).map((r): Mask => ({ kind: 'dilated', ...r })),
    fc.integer({ min: 1, max: 12 }).map((stride): Mask => ({ kind: 'strided', stride })),
  );

describe('tileCoverage', () => {
  it('tileCoverage(mask) equals brute-force element counting on random small shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }).chain((len) => maskArb(len)),
        (qLen, extraKv, tq, tk, mask) => {
          const kvLen = qLen + extraKv;
          const got = tileCoverage(mask, qLen, kvLen, tq, tk);
          const want = bruteForce(mask, qLen, kvLen, tq, tk);
          expect({ full: got.fullTiles, partial: got.partialTiles, skipped: got.skippedTiles, kept: got.keptElements, computed: got.computedElements }).toEqual(want);
          // The per-query-tile classes add up to the totals.
          const classTiles = got.classes.reduce((a, c) => a + c.count * c.visitedTiles, 0);
          expect(classTiles).toBe(got.fullTiles + got.partialTiles);
          expect(got.classes.reduce((a, c) => a + c.count, 0)).toBe(got.qTiles);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('tileCoverage(document) equals brute force for causal and non-causal packing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (lengths, causal, tq, tk) => {
          const n = lengths.reduce((a, b) => a + b, 0);
          const mask: Mask = { kind: 'document', lengths, causal };
          const got = tileCoverage(mask, n, n, tq, tk);
          const want = bruteForce(mask, n, n, tq, tk);
          expect([got.fullTiles, got.partialTiles, got.skippedTiles, got.keptElements, got.computedElements]).toEqual([want.full, want.partial, want.skipped, want.kept, want.computed]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('tileCoverage(block_list) equals brute force; a block outside the grid is an input error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.nat(10_000), (len, blockSize, tq, tk, seed) => {
        const grid = Math.ceil(len / blockSize);
        const blocks: Array<[number, number]> = [
          [seed % grid, (seed >> 3) % grid],
          [(seed >> 5) % grid, (seed >> 7) % grid],
        ];
        const mask: Mask = { kind: 'block_list', blockSize, blocks };
        const got = tileCoverage(mask, len, len, tq, tk);
        const want = bruteForce(mask, len, len, tq, tk);
        expect([got.fullTiles, got.partialTiles, got.skippedTiles, got.keptElements, got.computedElements]).toEqual([want.full, want.partial, want.skipped, want.kept, want.computed]);
      }),
      { numRuns: 150 },
    );
    expect(() => tileCoverage({ kind: 'block_list', blockSize: 128, blocks: [[0, 8]] }, 1024, 1024, 128, 128)).toThrow(/outside the 8 × 8 grid/);
  });

  it('tileCoverage(neighborhood) equals brute force for 2-D and 3-D grids, 1-D and multi-dimensional tiling', () => {
    const gridArb = fc.oneof(
      fc
        .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
        .map(([a, b, ta, tb]) => ({ tile: [ta, tb], grid: [a * ta, b * tb] })),
      fc
        .tuple(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 2 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 2 }),
          fc.integer({ min: 1, max: 2 }),
          fc.integer({ min: 1, max: 3 }),
        )
        .map(([a, b, c, ta, tb, tc]) => ({ tile: [ta, tb, tc], grid: [a * ta, b * tb, c * tc] })),
    );
    fc.assert(
      fc.property(gridArb, fc.boolean(), fc.nat(1000), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), ({ grid, tile }, tiled, seed, tq, tk) => {
        const window = grid.map((g, d) => 1 + ((seed >> d) % g));
        const causal = grid.map((_, d) => ((seed >> (d + 4)) & 1) === 1);
        const mask: Mask = { kind: 'neighborhood', grid, window, causal, ...(tiled ? { tile } : {}) };
        const n = grid.reduce((a, b) => a * b, 1);
        const got = tileCoverage(mask, n, n, tq, tk);
        const want = bruteForce(mask, n, n, tq, tk);
        expect([got.fullTiles, got.partialTiles, got.skippedTiles, got.keptElements, got.computedElements]).toEqual([want.full, want.partial, want.skipped, want.kept, want.computed]);
      }),
      { numRuns: 200 },
    );
  });

  it('tileCoverage(neighborhood): multi-dimensional tiling computes less than 1-D tiling (GNA)', () => {
    const oneD = tileCoverage(parseMask('nbhd:64x64,window:9x9'), 4096, 4096, 64, 64);
    const tiled = tileCoverage(parseMask('nbhd:64x64,window:9x9,tile:8x8'), 4096, 4096, 64, 64);
    expect(tiled.keptElements).toBe(oneD.keptElements);
    expect(tiled.keptElements).toBe(4096 * 81);
    expect(tiled.computedElements).toBeLessThan(oneD.computedElements);
  });

  it('tileCoverage(per_head) is the head-weighted average of its groups', () => {
    const mask = parseMask('perhead:causal*1|window:16*3');
    const got = tileCoverage(mask, 64, 64, 8, 8);
    const causal = tileCoverage({ kind: 'causal' }, 64, 64, 8, 8);
    const window = tileCoverage({ kind: 'sliding_window', window: 16 }, 64, 64, 8, 8);
    expect(got.keptElements).toBe((causal.keptElements + 3 * window.keptElements) / 4);
    expect(got.computedElements).toBe((causal.computedElements + 3 * window.computedElements) / 4);
    expect(got.classes.reduce((a, c) => a + c.count, 0)).toBe(got.qTiles);
  });

  it('kept fractions match closed forms: dilated window keeps window keys, strided keeps stride + ⌊δ/stride⌋', () => {
    const n = 1024;
    const dilated = tileCoverage({ kind: 'dilated', window: 8, dilation: 4 }, n, n, 64, 64);
    // Row p keeps min(8, ⌊p/4⌋ + 1) keys.
    let want = 0;
    for (let p = 0; p < n; p++) want += Math.min(8, Math.floor(p / 4) + 1);
    expect(dilated.keptElements).toBe(want);
    const strided = tileCoverage({ kind: 'strided', stride: 32 }, n, n, 64, 64);
    want = 0;
    for (let p = 0; p < n; p++) want += Math.min(p + 1, 32) + Math.floor(p / 32);
    expect(strided.keptElements).toBe(want);
    // Every key tile at or before the diagonal holds a strided column: nothing is skipped there.
    expect(strided.fullTiles + strided.partialTiles).toBe(tileCoverage({ kind: 'causal' }, n, n, 64, 64).fullTiles + tileCoverage({ kind: 'causal' }, n, n, 64, 64).partialTiles);
  });

  it('tileCoverage(causal) of 8×8 with 4×4 tiles: 1 full, 2 partial (diagonal), 1 skipped', () => {
    const c = tileCoverage({ kind: 'causal' }, 8, 8, 4, 4);
    expect([c.fullTiles, c.partialTiles, c.skippedTiles]).toEqual([1, 2, 1]);
    expect(c.keptElements).toBe(36); // 8·9/2
    expect(c.computedElements).toBe(48); // three 4×4 tiles
  });

  it('tileCoverage(block_sparse, causal) on whole blocks of whole tiles (the closed form) equals brute force', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8, 16),
        fc.constantFrom(1, 2, 4, 8),
        fc.constantFrom(1, 2, 4, 8),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.nat(100),
        (B, tq, tk, qBlocks, extraBlocks, blockDensity, seed) => {
          const qLen = qBlocks * B;
          const kvLen = qLen + extraBlocks * B;
          const mask: Mask = { kind: 'block_sparse', blockSize: B, blockDensity, seed, causal: true };
          const got = tileCoverage(mask, qLen, kvLen, tq, tk);
          const want = bruteForce(mask, qLen, kvLen, tq, tk);
          expect({ full: got.fullTiles, partial: got.partialTiles, skipped: got.skippedTiles, kept: got.keptElements, computed: got.computedElements }).toEqual(want);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('tileCoverage(block_sparse, causal) at density 1 is the causal mask; at any density every row keeps its diagonal block', () => {
    const all = tileCoverage({ kind: 'block_sparse', blockSize: 128, blockDensity: 1, causal: true }, 4096, 4096, 128, 64);
    const causal = tileCoverage({ kind: 'causal' }, 4096, 4096, 128, 64);
    expect([all.fullTiles, all.partialTiles, all.keptElements]).toEqual([causal.fullTiles, causal.partialTiles, causal.keptElements]);
    // 32 block rows; row r may choose among r + 1 blocks and keeps max(1, round(0.1 (r + 1))),
    // the diagonal one among them.
    const { kvBlocks, kept } = blockSparsePattern({ kind: 'block_sparse', blockSize: 128, blockDensity: 0.1, causal: true }, 4096, 4096);
    for (let r = 0; r < 32; r++) {
      const row = kept.subarray(r * kvBlocks, (r + 1) * kvBlocks);
      expect(row[r]).toBe(1);
      expect(row.slice(r + 1).every((v) => v === 0)).toBe(true);
      expect(row.reduce((a, v) => a + v, 0)).toBe(Math.max(1, Math.round(0.1 * (r + 1))));
    }
  });

  it('tileCoverage(block_sparse) keeps exactly round(density × blocks) blocks per row', () => {
    const c = tileCoverage({ kind: 'block_sparse', blockSize: 128, blockDensity: 0.25, seed: 3 }, 4096, 4096, 128, 64);
    expect(c.fullTiles).toBe(32 * 8 * 2); // 32 block rows × 8 kept blocks × two 64-wide tiles
    expect(c.partialTiles).toBe(0);
    expect(c.keptElements / c.totalElements).toBe(0.25);
  });
});

describe('parseMask', () => {
  it('parseMask reads every CLI form', () => {
    expect(parseMask('causal')).toEqual({ kind: 'causal' });
    expect(parseMask('window:4096')).toEqual({ kind: 'sliding_window', window: 4096 });
    expect(parseMask('sinks:4,window:2048')).toEqual({ kind: 'sink_window', sinks: 4, window: 2048 });
    expect(parseMask('block:128,density:0.1')).toEqual({ kind: 'block_sparse', blockSize: 128, blockDensity: 0.1 });
    expect(parseMask('block:128,density:0.1,causal')).toEqual({ kind: 'block_sparse', blockSize: 128, blockDensity: 0.1, causal: true });
    expect(parseMask('doc:1024x4,causal')).toEqual({ kind: 'document', lengths: [1024, 1024, 1024, 1024], causal: true });
    expect(parseMask('window:512,dilation:4')).toEqual({ kind: 'dilated', window: 512, dilation: 4 });
    expect(parseMask('strided:128')).toEqual({ kind: 'strided', stride: 128 });
    expect(parseMask('blocks:128,list:0-0/1-0/1-1')).toEqual({
      kind: 'block_list',
      blockSize: 128,
      blocks: [
        [0, 0],
        [1, 0],
        [1, 1],
      ],
    });
    expect(parseMask('nbhd:16x32,window:7x7,tile:4x8,causal:1x0')).toEqual({ kind: 'neighborhood', grid: [16, 32], window: [7, 7], tile: [4, 8], causal: [true, false] });
    expect(parseMask('perhead:causal*8|sinks:4,window:1024*24')).toEqual({
      kind: 'per_head',
      groups: [
        { mask: { kind: 'causal' }, count: 8 },
        { mask: { kind: 'sink_window', sinks: 4, window: 1024 }, count: 24 },
      ],
    });
  });

  it.each([
    ['window:0', /window/],
    ['window:-5', /window/],
    ['block:128,density:1.5', /density/],
    ['block:128,density:0', /density/],
    ['sinks:4', /window/],
    ['zigzag', /unknown mask/],
    ['window:0,dilation:2', /window/],
    ['window:8,dilation:0', /dilation/],
    ['strided:0', /stride/],
    ['blocks:128,list:0-0/x', /list/],
    ['nbhd:16x16,window:17x3', /wider than grid/],
    ['nbhd:16x16,window:3x3,tile:5x4', /must divide/],
    ['nbhd:16x16,window:3', /2 entries/],
    ['perhead:causal*0', /positive whole/],
    ['perhead:window:0*4', /window/],
  ])('parseMask(%s) is a clear error naming the field', (text, pattern) => {
    expect(() => parseMask(text)).toThrow(pattern);
  });
});
