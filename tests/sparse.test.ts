import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getDevicePreset } from '../hardware/device.js';
import { getPreset, listPresets } from '../hardware/index.js';
import { sparseBounds, predictedAt, type SparseQuery } from '../sim/sparse/bounds.js';
import { blockSparseKernel } from '../sim/sparse/kernel.js';
import { operatorTiming } from '../sim/sparse/operator-cost.js';
import { sweepDensity } from '../sim/sparse/sweep.js';
import { InputError } from '../hardware/errors.js';
import { tileCoverage } from '../workloads/masks/coverage.js';
import { parseMask, type Mask } from '../workloads/masks/mask.js';
import { buildSparseGraph } from '../workloads/sparse/graph.js';
import { oracleMethod, type SparseMethod } from '../workloads/sparse/method.js';
import { getMethod, listMethods } from '../workloads/sparse/presets.js';
import { makeWorkload, type Workload } from '../workloads/workload.js';
import { expectClose, runCli } from './helpers.js';

const h200 = getPreset('h200-sxm');
const prefill = (n: number, mask: Mask = { kind: 'none' }): Workload => makeWorkload({ heads: 32, kvHeads: 8, qLen: n, headDim: 128, mask });

function query(n: number, pattern: SparseQuery['pattern'], base: Mask = { kind: 'none' }): SparseQuery {
  return { hardware: h200, workload: prefill(n, base), kernel: 'flex', pattern, breakEven: false };
}

/** Total seconds of the estimator's operators of `method` on `w`. */
function estimatorSeconds(method: SparseMethod, w: Workload): number {
  return buildSparseGraph(method, w, 0.1).operators.reduce((a, op) => a + operatorTiming(op, h200, 1).seconds, 0);
}

describe('sparseBounds', () => {
  it("sparseBounds(window) on flex: kept fraction by the closed form Σ min(p + 1, W); ideal = 1/kept × the dense run's saveable stretch", () => {
    const n = 8192;
    const w = 1024;
    let kept = 0;
    for (let p = 0; p < n; p++) kept += Math.min(p + 1, w);
    const b = sparseBounds(query(n, { kind: 'static', mask: { kind: 'sliding_window', window: w } }));
    expectClose(b.keptFraction, kept / (n * n), 1e-12);
    // Time the dense run spends beyond its tiles' work (power limit, idle SMs, launch costs) a
    // sparse run could avoid at best: the ideal bound carries that stretch, and a note says so.
    expect(b.ideal).toBeGreaterThanOrEqual(1 / b.keptFraction);
    if (b.ideal > (1 / b.keptFraction) * 1.01) expect(b.notes.join(' ')).toMatch(/power limit|idle|fixed launch/);
    else expectClose(b.ideal, 1 / b.keptFraction, 0.01);
    expect(b.tiles!.tileQ).toBe(128);
    // Tiles on the band's two edges are partial: (b) is below (a) by about one tile per row.
    expect(b.tileLevel).toBeLessThan(b.ideal);
    expect(b.tileLevel).toBeGreaterThan(b.predicted);
  });

  it('sparseBounds on a power-limited dense run (cuDNN, 8K): (a) carries the power stretch, and a note says so', () => {
    const b = sparseBounds({ ...query(8192, { kind: 'static', mask: { kind: 'sliding_window', window: 1024 } }), kernel: 'sdpa-cudnn' });
    expect(b.ideal).toBeGreaterThan((1 / b.keptFraction) * 1.01);
    expect(b.notes.join(' ')).toMatch(/power limit/);
  });

  it('sparseBounds: (a) ≥ (b) ≥ (c) over static masks, densities and presets', () => {
    const patternArb: fc.Arbitrary<SparseQuery['pattern']> = fc.oneof(
      fc
        .constantFrom('window:256', 'window:2048', 'sinks:4,window:1024', 'causal', 'strided:512', 'window:256,dilation:4', 'perhead:causal*2|window:512*6')
        .map((text) => ({ kind: 'static' as const, mask: parseMask(text) })),
      fc.double({ min: 0.02, max: 1, noNaN: true }).map((density) => ({ kind: 'dynamic' as const, method: oracleMethod(128, 'none'), density })),
      fc.tuple(fc.constantFrom('sale', 'spargeattn'), fc.double({ min: 0.02, max: 1, noNaN: true })).map(([id, density]) => ({ kind: 'dynamic' as const, method: getMethod(id), density })),
    );
    fc.assert(
      fc.property(fc.constantFrom(4096, 8192, 16384), patternArb, (n, pattern) => {
        const base: Mask = pattern.kind === 'dynamic' && pattern.method.baseMask === 'causal' ? { kind: 'causal' } : { kind: 'none' };
        const b = sparseBounds(query(n, pattern, base));
        expect(b.ideal).toBeGreaterThanOrEqual(b.tileLevel);
        expect(b.tileLevel).toBeGreaterThanOrEqual(b.predicted);
      }),
      { numRuns: 40 },
    );
  });

  it('sparseBounds: (c) ≤ (b) ≤ (a) at any block size, odd ones and single tokens included (the kernel blockSparseKernel picks)', () => {
    // Short calls included (256 tokens): there the dense run's fixed launch costs weigh, which
    // (a) and (b) count as saveable; over a causal base, the blocks are chosen at or before the
    // diagonal, where the dense run's tiles are.
    const blockArb = fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constantFrom(1, 7, 128, 256));
    fc.assert(
      fc.property(
        blockArb,
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.constantFrom(256, 1000, 2048, 4096),
        fc.constantFrom(64, 128),
        fc.constantFrom(1, 8),
        fc.constantFrom('bf16', 'fp16'),
        fc.constantFrom('none', 'causal') as fc.Arbitrary<'none' | 'causal'>,
        (block, density, n, headDim, heads, dtype, base) => {
          const b = sparseBounds({
            hardware: h200,
            workload: makeWorkload({ heads, qLen: n, headDim, dtype, mask: { kind: base } }),
            ...blockSparseKernel(block, dtype),
            pattern: { kind: 'dynamic', method: oracleMethod(block, base), density },
            breakEven: false,
          });
          expect(b.predicted).toBeLessThanOrEqual(b.tileLevel * (1 + 1e-12));
          expect(b.tileLevel).toBeLessThanOrEqual(b.ideal * (1 + 1e-12));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sparseBounds: (c) ≤ (b) ≤ (a) for every method preset over its own base, on every GPU preset, kernel and engine, under-filled launches included', () => {
    // Few heads on many SMs (8 heads of 4K on MI300X's 304): the dense causal run waits for its
    // longest row of tiles, and a sparse run shortens that row as well as the tile count.
    fc.assert(
      fc.property(
        fc.constantFrom(...listMethods()),
        fc.constantFrom(...listPresets()),
        fc.constantFrom('flex', 'fa2', 'sdpa-flash', 'fa3'),
        fc.constantFrom('analytical', 'cycle') as fc.Arbitrary<'analytical' | 'cycle'>,
        fc.constantFrom(1000, 2048, 4096),
        fc.constantFrom(8, 32),
        fc.option(fc.double({ min: 0.02, max: 1, noNaN: true }), { nil: undefined }),
        (method, hw, kernel, engine, n, heads, density) => {
          let b;
          try {
            b = sparseBounds({
              hardware: getPreset(hw),
              workload: makeWorkload({ heads, kvHeads: 8, qLen: n, headDim: 128, mask: { kind: method.baseMask } }),
              kernel,
              engine,
              pattern: { kind: 'dynamic', method, ...(density === undefined ? {} : { density }) },
              breakEven: false,
            });
          } catch (e) {
            // A kernel a chip does not run (fa3 off Hopper), or a block size it cannot visit, is refused.
            expect(e).toBeInstanceOf(InputError);
            return;
          }
          expect(b.predicted).toBeLessThanOrEqual(b.tileLevel * (1 + 1e-12));
          expect(b.tileLevel).toBeLessThanOrEqual(b.ideal * (1 + 1e-12));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('sparseBounds on a dataflow device (sn40l-like): (c) ≤ (b) ≤ (a) for block densities and static masks; an estimator method is refused', () => {
    const sn40l = getDevicePreset('sn40l-like');
    for (const base of ['none', 'causal'] as const) {
      for (const pattern of [
        { kind: 'dynamic' as const, method: oracleMethod(128, base), density: 0.2 },
        { kind: 'dynamic' as const, method: oracleMethod(128, base), density: 0.6 },
        { kind: 'static' as const, mask: parseMask('window:512') },
      ]) {
        const b = sparseBounds({ hardware: sn40l, workload: makeWorkload({ heads: 8, qLen: 4096, headDim: 64, mask: { kind: base } }), kernel: 'incremental', pattern, breakEven: false });
        expect(b.predicted).toBeLessThanOrEqual(b.tileLevel * (1 + 1e-12));
        expect(b.tileLevel).toBeLessThanOrEqual(b.ideal * (1 + 1e-12));
        expect(b.predicted).toBeGreaterThan(1);
      }
    }
    expect(() => sparseBounds({ hardware: sn40l, workload: prefill(4096), kernel: 'incremental', pattern: { kind: 'dynamic', method: getMethod('sale') }, breakEven: false })).toThrow(
      /sale's estimator runs as GPU kernels; on a dataflow device/,
    );
  });

  it('attnsim sparse --block 7 and --block 1: fa2 on 16 × 16 tiles (whole mma instructions), the predicted speedup within the tile-level bound', async () => {
    for (const block of ['1', '7']) {
      const r = await runCli(['sparse', '--heads', '8', '--q-len', '4096', '--head-dim', '64', '--density', '0.142857', '--block', block, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const b = JSON.parse(r.stdout);
      expect([b.tiles.tileQ, b.tiles.tileK]).toEqual([16, 16]);
      expect(b.predicted).toBeLessThanOrEqual(b.tileLevel);
      expect(b.tileLevel).toBeLessThanOrEqual(b.ideal);
    }
  });

  it('sparseBounds on a short flex call: the mask-free dense run launches two more kernels; (a) and (b) count its fixed costs as saveable, and a note says so', () => {
    const b = sparseBounds({
      hardware: getPreset('b200'),
      workload: makeWorkload({ heads: 8, qLen: 256, headDim: 128 }),
      kernel: 'flex',
      pattern: { kind: 'dynamic', method: oracleMethod(256, 'none'), density: 0.5 },
      breakEven: false,
    });
    expect(b.predicted).toBeGreaterThan(1);
    expect(b.predicted).toBeLessThanOrEqual(b.tileLevel);
    expect(b.tileLevel).toBeLessThanOrEqual(b.ideal);
    expect(b.notes.join(' ')).toMatch(/fixed launch costs; \(a\) and \(b\) count that time as saveable/);
  });

  it('blockSparseKernel: flex at multiples of 128, else fa2 tiles rounded up to whole instructions (16 rows; 16 keys of bf16, 32 of fp8, 8 of fp32)', () => {
    expect(blockSparseKernel(256, 'bf16')).toEqual({ kernel: 'flex', kernelOptions: {} });
    expect(blockSparseKernel(7, 'bf16')).toEqual({ kernel: 'fa2', kernelOptions: { tileQ: 16, tileK: 16 } });
    expect(blockSparseKernel(100, 'fp8')).toEqual({ kernel: 'fa2', kernelOptions: { tileQ: 112, tileK: 128 } });
    expect(blockSparseKernel(20, 'fp32')).toEqual({ kernel: 'fa2', kernelOptions: { tileQ: 32, tileK: 24 } });
  });

  it('predictedAt: lower density is never slower (flex, fa2 and a causal base)', () => {
    for (const [kernel, base] of [
      ['flex', { kind: 'none' }],
      ['fa2', { kind: 'causal' }],
    ] as const) {
      fc.assert(
        fc.property(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), (x, y) => {
          const q: SparseQuery = { ...query(16384, { kind: 'dynamic', method: getMethod('sale') }, base), kernel };
          const [lo, hi] = x < y ? [x, y] : [y, x];
          expect(predictedAt(q, lo, 1, 128)).toBeGreaterThanOrEqual(predictedAt(q, hi, 1, 128));
        }),
        { numRuns: 25 },
      );
    }
  });

  it('simulate(flex, per-head mask): latency lies between the all-causal and all-window runs, weighted by heads', () => {
    const time = (mask: string) => sparseBounds(query(16384, { kind: 'static', mask: parseMask(mask) })).seconds.attend;
    const mixed = time('perhead:causal*8|window:1024*24');
    expect(mixed).toBeGreaterThan(time('window:1024'));
    expect(mixed).toBeLessThan(time('causal'));
  });

  it('sparseBounds: the break-even density is where the predicted speedup crosses 1', () => {
    const q = { ...query(16384, { kind: 'dynamic', method: getMethod('sale') }, { kind: 'causal' }), breakEven: true };
    const b = sparseBounds(q);
    const d = b.breakEvenDensity!;
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(1);
    expect(predictedAt(q, d, b.seconds.dense, 128)).toBeGreaterThanOrEqual(1);
    expect(predictedAt(q, Math.min(1, d + 0.02), b.seconds.dense, 128)).toBeLessThan(1);
  });

  it('sweepDensity: the ideal bound is 1/kept (× one dense stretch) at every density and the curve falls as density rises', () => {
    const rows = sweepDensity(query(8192, { kind: 'dynamic', method: oracleMethod(128, 'none'), density: 0.1 }), [0.05, 0.1, 0.25, 0.5, 1]);
    const stretch = rows[0]!.ideal * rows[0]!.keptFraction;
    expect(stretch).toBeGreaterThanOrEqual(1);
    for (const r of rows) expectClose(r.ideal * r.keptFraction, stretch, 1e-12);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.predicted).toBeLessThanOrEqual(rows[i - 1]!.predicted);
    expectClose(rows[rows.length - 1]!.keptFraction, 1, 1e-12);
  });
});

describe('estimator operators', () => {
  const w = prefill(65536, { kind: 'causal' });
  const sale = getMethod('sale');
  const withScore = (score: SparseMethod['score']): SparseMethod => ({ ...sale, score });

  it('buildSparseGraph(lowbit_qk): overhead grows with bit width (4 ≤ 8 < 16 bits)', () => {
    const t4 = estimatorSeconds(withScore({ kind: 'lowbit_qk', bits: 4 }), w);
    const t8 = estimatorSeconds(withScore({ kind: 'lowbit_qk', bits: 8 }), w);
    const t16 = estimatorSeconds(withScore({ kind: 'lowbit_qk', bits: 16 }), w);
    expect(t4).toBeLessThanOrEqual(t8);
    expect(t8).toBeLessThan(t16);
    // 16-bit operands run at half the 8-bit tensor rate: the GEMM-bound estimate about doubles.
    expect(t16 / t8).toBeGreaterThan(1.5);
  });

  it('buildSparseGraph(pooled_qk): overhead grows with resolution (smaller pools) and with bits', () => {
    const at = (pool: number, bits: 4 | 8 | 16) => estimatorSeconds(withScore({ kind: 'pooled_qk', poolQ: pool, poolK: pool, bits }), w);
    expect(at(16, 16)).toBeGreaterThan(at(64, 16));
    expect(at(64, 16)).toBeGreaterThan(at(256, 16));
    expect(at(16, 16)).toBeGreaterThan(at(16, 8));
    // Pooled estimation is far cheaper than full-resolution low-bit estimation.
    expect(at(64, 8)).toBeLessThan(estimatorSeconds(withScore({ kind: 'lowbit_qk', bits: 8 }), w));
  });

  it('buildSparseGraph(lowrank_k) and last_q: cost grows with rank and with sampled queries', () => {
    const rank = (r: number) => estimatorSeconds(withScore({ kind: 'lowrank_k', rank: r, bits: 16 }), w);
    expect(rank(64)).toBeGreaterThan(rank(16));
    const lastQ = (q: number) => estimatorSeconds(withScore({ kind: 'last_q', queries: q, bits: 16 }), w);
    expect(lastQ(256)).toBeGreaterThan(lastQ(64));
  });

  it('buildSparseGraph(causal base): estimator FLOPs cover only the blocks the base mask visits', () => {
    const dense = buildSparseGraph(sale, prefill(8192), 0.2).operators[1]!.matrixFlops;
    const causal = buildSparseGraph(sale, prefill(8192, { kind: 'causal' }), 0.2).operators[1]!.matrixFlops;
    const c = tileCoverage({ kind: 'causal' }, 8192, 8192, 128, 128);
    expectClose(causal / dense, (c.fullTiles + c.partialTiles) / (c.qTiles * c.kTiles), 1e-12);
  });

  it('listMethods: every preset has a source and builds a graph on an 8B prefill', () => {
    for (const m of listMethods()) {
      expect(m.source.length).toBeGreaterThan(20);
      const g = buildSparseGraph(m, prefill(16384, { kind: 'causal' }), 0.1);
      expect(g.operators.length).toBeGreaterThan(0);
    }
  });
});

describe('attnsim sparse', () => {
  it('attnsim sparse --mask window:4096 prints (a) to (d)', async () => {
    const r = await runCli(['sparse', '--heads', '32', '--kv-heads', '8', '--q-len', '16k', '--head-dim', '128', '--mask', 'window:4096']);
    expect(r.code).toBe(0);
    for (const label of ['(a) ideal', '(b) tile level', '(c) predicted', '(d) break-even density']) expect(r.stdout).toContain(label);
  });

  it('attnsim sparse --method sale --sweep seq --csv gives one CSV row per length', async () => {
    const r = await runCli(['sparse', '--heads', '32', '--kv-heads', '8', '--q-len', '8k', '--head-dim', '128', '--method', 'sale', '--sweep', 'seq', '--points', '4k,8k,16k', '--csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('density,seqLen,keptFraction,ideal,tileLevel,predicted,denseSeconds,sparseSeconds,estimatorSeconds,breakEvenDensity');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['4096', '8192', '16384']);
  });

  it('attnsim sparse --density 0.1 --sweep density prints a table', async () => {
    const r = await runCli(['sparse', '--heads', '8', '--q-len', '8k', '--head-dim', '128', '--density', '0.1', '--sweep', 'density', '--points', '0.1,0.5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\(c\) predicted/);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
  });

  it.each([
    [['--mask', 'window:0'], /window/],
    [['--mask', 'window:-3'], /window/],
    [['--density', '1.5'], /density must be in \(0, 1\]/],
    [['--density', '0'], /density must be in \(0, 1\]/],
    [['--mask', 'block:128,density:0'], /density/],
    [['--mask', 'blocks:128,list:0-0/99-1'], /outside the 64 × 64 grid/],
    [['--method', 'nope'], /unknown sparse method/],
    [['--mask', 'window:64', '--sweep', 'density'], /density sweep needs/],
    [['--mask', 'nbhd:64x64,window:7x7'], /qLen = kvLen = 4096/],
  ])('attnsim sparse %j is a clear one-line error, exit 2', async (args, pattern) => {
    const r = await runCli(['sparse', '--heads', '8', '--q-len', '8k', '--head-dim', '128', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
