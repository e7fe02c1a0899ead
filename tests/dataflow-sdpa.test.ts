import { describe, expect, it } from 'vitest';
import { runCompressed } from '../sim/engines/dataflow/compress.js';
import { runPipeline } from '../sim/engines/dataflow/engine.js';
import { fifoRequirements } from '../sim/engines/dataflow/sweep.js';
import type { PipelineParams, SdpaShape } from '../workloads/pipelines/builder.js';
import { withFifoDepths } from '../workloads/pipelines/graph.js';
import { SEED_PAPER_RATES, SEED_PAPER_STREAM } from '../workloads/pipelines/rates.js';
import { incrementalSdpaPipeline } from '../workloads/pipelines/sdpa-incremental.js';
import { naiveSdpaPipeline } from '../workloads/pipelines/sdpa-naive.js';
import { NAIVE_PHASES, naivePhasePipeline } from '../workloads/pipelines/sdpa-phases.js';

/**
 * Sohn, Zhang and Olukotun's streaming SDPA on their abstract hardware: one score per token,
 * every unit latency 1 and II 1, QKᵀ latency 1 + log2(d), generators one token per cycle.
 */
function seed(n: number, d: number, extra: Partial<PipelineParams> = {}, rows = n): PipelineParams {
  const shape: SdpaShape = { rows, keyBlocks: n, blockQ: 1, blockK: 1, headDim: d, valueHeadDim: d, elementBytes: 2, accumulatorBytes: 4 };
  return { shape, rates: SEED_PAPER_RATES, stream: () => SEED_PAPER_STREAM, ...extra };
}

const qkLatency = (d: number) => 1 + Math.log2(d);

describe('naive streaming SDPA (seed paper): bypass FIFOs need depth N+1', () => {
  it.each([4, 8, 16, 64])('N = %i: deadlock below N, stall at N, full rate at N+1', (n) => {
    const d = 16;
    const run = (depth: number) => runPipeline(naiveSdpaPipeline(seed(n, d, { bypassDepth: depth })));
    const full = run(n + 1);
    expect(full.completed).toBe(true);
    const stalled = run(n);
    expect(stalled.completed).toBe(true);
    expect(stalled.cycles).toBeGreaterThan(full.cycles);
    const dead = run(n - 1);
    expect(dead.completed).toBe(false);
    expect(dead.deadlock!.fullFifos.map((f) => f.name)).toContain('s>sub');
    expect(dead.deadlock!.waiting).toContainEqual(expect.objectContaining({ unit: 'qk', waitsOn: 'output', fifos: ['s>sub'] }));
    expect(dead.deadlock!.waiting).toContainEqual(expect.objectContaining({ unit: 'sub-exp', waitsOn: 'input', fifos: ['max'] }));
    // Deeper than N+1 buys nothing.
    expect(run(n + 5).cycles).toBe(full.cycles);
  });

  it('either bypass alone deadlocks when shallower than N (the other at N+1)', () => {
    const n = 12;
    const g = naiveSdpaPipeline(seed(n, 8));
    expect(runPipeline(withFifoDepths(g, { 's>sub': n - 1 })).deadlock?.fullFifos.map((f) => f.name)).toContain('s>sub');
    const second = runPipeline(withFifoDepths(g, { 'e>div': n - 1 }));
    expect(second.completed).toBe(false);
    expect(second.deadlock!.fullFifos.map((f) => f.name)).toContain('e>div');
    expect(second.deadlock!.waiting).toContainEqual(expect.objectContaining({ unit: 'sub-exp', waitsOn: 'output', fifos: ['e>div'] }));
  });

  it.each([
    [4, 4],
    [8, 16],
    [16, 64],
    [32, 128],
  ])('N = %i, d = %i: cycles = N² + 2N + (1 + log2 d) + 4, exactly', (n, d) => {
    // Hand derivation (all FIFOs deep enough), Lq = 1 + log2 d: QKᵀ fires at 1 + iN + j for
    // score (i, j) (K arrives a cycle after it is generated). Row i's max arrives at
    // iN + N + Lq + 1, so subtract/exp fires (i, j) at (i+1)N + Lq + 1 + j: one row behind.
    // Row i's sum arrives at (i+2)N + Lq + 2, so divide fires (i, j) at (i+2)N + Lq + 2 + j:
    // two rows behind. ·V takes (i, j) a cycle later and emits row i at (i+3)N + Lq + 3; the
    // write finishes a cycle after. Last row i = N−1: N² + 2N + Lq + 4.
    const r = runPipeline(naiveSdpaPipeline(seed(n, d)));
    expect(r.cycles).toBe(n * n + 2 * n + qkLatency(d) + 4);
  });

  it('peak occupancy of each bypass is N+1 with unbounded FIFOs; fifoRequirements finds N+1 (full rate) and N (runs)', () => {
    const n = 16;
    const req = fifoRequirements((rows) => naiveSdpaPipeline(seed(n, 8, {}, rows)), n);
    for (const name of ['s>sub', 'e>div']) {
      expect(req.fifos.find((f) => f.name === name)).toMatchObject({ bypass: true, peakUnbounded: n + 1, minFullRateDepth: n + 1, minRunningDepth: n });
    }
    for (const f of req.fifos.filter((x) => !x.bypass)) expect(f.minFullRateDepth).toBe(1);
  });
});

describe('incremental streaming SDPA (seed paper): O(1) FIFOs at full rate', () => {
  it.each([4, 16, 64, 256])('N = %i: every FIFO of depth 1 or 2 runs at full rate, cycles = N² + (1 + log2 d) + 4', (n) => {
    const d = 16;
    // Hand derivation: QKᵀ fires at 1 + j; the running max 1 + log2 d later; running sum and
    // running ·V one cycle after that; their row results 1 later; divide 1; write 1.
    const expected = n * n + qkLatency(d) + 4;
    for (const depth of [1, 2]) {
      const r = runPipeline(incrementalSdpaPipeline(seed(n, d, { streamDepth: depth })));
      expect(r.completed).toBe(true);
      expect(r.cycles).toBe(expected);
    }
  });

  it('its FIFO needs do not grow with N', () => {
    const needs = [8, 32, 128].map((n) => {
      const req = fifoRequirements((rows) => incrementalSdpaPipeline(seed(n, 16, {}, rows)), n, { exactRowLimit: 8 });
      return Math.max(...req.fifos.map((f) => f.minFullRateDepth));
    });
    expect(needs).toEqual([1, 1, 1]);
  });

  it('naive minus incremental is the two rows the row reductions hold back: 2N cycles', () => {
    const n = 24;
    const naive = runPipeline(naiveSdpaPipeline(seed(n, 32))).cycles;
    const incremental = runPipeline(incrementalSdpaPipeline(seed(n, 32))).cycles;
    expect(naive - incremental).toBe(2 * n);
  });

  it('one query row of N keys on units narrower than d: cycles = fill + N · d / (MACs per cycle)', () => {
    const n = 50;
    const d = 64;
    const macs = 8;
    const r = runPipeline(incrementalSdpaPipeline(seed(n, d, { rates: { ...SEED_PAPER_RATES, macsPerCycle: macs } }, 1)));
    // QKᵀ and running ·V both do d MACs per key: II = d/macs = 8. QKᵀ's latency is
    // (8 − 1) + 1 + log2 d = 14, running ·V's (8 − 1) + 1 = 8 (no adder tree). QKᵀ fires at
    // 1, 9, ..., 1 + 8(N − 1); the last score then passes QKᵀ (14), the running max (1), the
    // running ·V (8), divide (1) and the write (1).
    const ii = d / macs;
    expect(r.cycles).toBe(1 + (n - 1) * ii + 14 + 1 + 8 + 1 + 1);
    expect(r.cycles).toBe((n * d) / macs + 18);
  });
});

describe('spatial replicas and compression agree with the full simulation', () => {
  it('three explicit replicas sharing K/V take the cycles of one replica', () => {
    const one = runPipeline(incrementalSdpaPipeline(seed(10, 16)));
    const three = runPipeline(incrementalSdpaPipeline(seed(10, 16, { replicas: 3 })));
    expect(three.cycles).toBe(one.cycles);
    expect(three.units.filter((u) => u.name.startsWith('qk['))).toHaveLength(3);
    expect(three.fifos.filter((f) => f.name.startsWith('k['))).toHaveLength(3);
  });

  it.each(['naive', 'incremental'] as const)('%s: a compressed long run equals the full run', (kind) => {
    const make = kind === 'naive' ? naiveSdpaPipeline : incrementalSdpaPipeline;
    const build = (rows: number) => make(seed(16, 8, {}, rows));
    const full = runPipeline(build(200));
    const compressed = runCompressed(build, 200);
    expect(compressed.simulatedRows).toBeLessThan(50);
    expect(compressed.result.cycles).toBe(full.cycles);
  });

  it('the time-multiplexed naive phases need no bypass and run with depth-2 FIFOs', () => {
    for (const phase of NAIVE_PHASES) {
      const g = naivePhasePipeline(phase, seed(16, 8));
      expect(g.fifos.some((f) => f.bypass)).toBe(false);
      const r = runPipeline(g);
      expect(r.completed).toBe(true);
      expect(r.cycles).toBeLessThan(16 * 16 + 40);
    }
  });
});
