import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockSparsePattern, tileCoverage } from '../workloads/masks/coverage.js';
import { parseMask, type Mask } from '../workloads/masks/mask.js';

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
      mask.lengths.forEach((len, d) => { for (let k = 0; k < len; k++) doc.push(d); });
      return (i, j) => doc[i] === doc[j] && (!mask.causal || j <= i);
    }
    case 'block_sparse': {
      const { kvBlocks, kept } = blockSparsePattern(mask, qLen, kvLen);
      const b = mask.blockSize;
      return (i, j) => kept[Math.floor(i / b) * kvBlocks + Math.floor(j / b)] === 1;
    }
  }
}

/** Brute-force tile classification by visiting every element. */
function bruteForce(mask: Mask, qLen: number, kvLen: number, tq: number, tk: number) {
  const keep = keeps(mask, qLen, kvLen);
  let full = 0, partial = 0, skipped = 0, kept = 0, computed = 0;
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
    fc.record({ blockSize: fc.integer({ min: 1, max: 16 }), blockDensity: fc.double({ min: 0.01, max: 1, noNaN: true }), seed: fc.nat(1000) })
      .map((r): Mask => ({ kind: 'block_sparse', ...r })),
  );

describe('tileCoverage', () => {
  it('tileCoverage(mask) equals brute-force element counting on random small shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }),
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
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }), fc.boolean(), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }),
        (lengths, causal, tq, tk) => {
          const n = lengths.reduce((a, b) => a + b, 0);
          const mask: Mask = { kind: 'document', lengths, causal };
          const got = tileCoverage(mask, n, n, tq, tk);
          const want = bruteForce(mask, n, n, tq, tk);
          expect([got.fullTiles, got.partialTiles, got.skippedTiles, got.keptElements, got.computedElements]).toEqual([want.full, want.partial, want.skipped, want.kept, want.computed]);
        }),
      { numRuns: 200 },
    );
  });

  it('tileCoverage(causal) of 8×8 with 4×4 tiles: 1 full, 2 partial (diagonal), 1 skipped', () => {
    const c = tileCoverage({ kind: 'causal' }, 8, 8, 4, 4);
    expect([c.fullTiles, c.partialTiles, c.skippedTiles]).toEqual([1, 2, 1]);
    expect(c.keptElements).toBe(36); // 8·9/2
    expect(c.computedElements).toBe(48); // three 4×4 tiles
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
    expect(parseMask('doc:1024x4,causal')).toEqual({ kind: 'document', lengths: [1024, 1024, 1024, 1024], causal: true });
  });

  it.each([
    ['window:0', /window/],
    ['window:-5', /window/],
    ['block:128,density:1.5', /density/],
    ['block:128,density:0', /density/],
    ['sinks:4', /window/],
    ['zigzag', /unknown mask/],
  ])('parseMask(%s) is a clear error naming the field', (text, pattern) => {
    expect(() => parseMask(text)).toThrow(pattern);
  });
});
