import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getDataflowPreset, listDataflowPresets } from '../hardware/dataflow/index.js';
import { runPipeline } from '../sim/engines/dataflow/engine.js';
import { simulateDataflow } from '../sim/engines/dataflow/simulate.js';
import type { PipelineParams } from '../workloads/pipelines/builder.js';
import { withFifoDepths, type PipelineGraph } from '../workloads/pipelines/graph.js';
import { SEED_PAPER_RATES } from '../workloads/pipelines/rates.js';
import { incrementalSdpaPipeline } from '../workloads/pipelines/sdpa-incremental.js';
import { naiveSdpaPipeline } from '../workloads/pipelines/sdpa-naive.js';
import { makeWorkload } from '../workloads/workload.js';

/** Small random SDPA pipelines: either kind, random sizes, stream bandwidths and stage widths. */
const pipelineCase = fc.record({
  kind: fc.constantFrom('naive', 'incremental'),
  n: fc.integer({ min: 2, max: 9 }),
  rows: fc.integer({ min: 1, max: 6 }),
  d: fc.constantFrom(4, 16, 64),
  macsPerCycle: fc.constantFrom(4, 16, 128),
  // Bytes per cycle of each stream: below a token per cycle gives fractional intervals.
  streamBytesPerCycle: fc.constantFrom(16, 50, 1000),
  memoryLatency: fc.integer({ min: 1, max: 6 }),
  streamDepth: fc.integer({ min: 1, max: 3 }),
  bypassSlack: fc.integer({ min: -1, max: 2 }),
  qkUnits: fc.integer({ min: 1, max: 3 }),
});
type Case = typeof pipelineCase extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case, unitsPerStage: Record<string, number> = {}): PipelineGraph {
  const params: PipelineParams = {
    shape: { rows: c.rows, keyBlocks: c.n, blockQ: 1, blockK: 1, headDim: c.d, valueHeadDim: c.d, elementBytes: 2, accumulatorBytes: 4 },
    rates: { ...SEED_PAPER_RATES, macsPerCycle: c.macsPerCycle },
    stream: () => ({ level: 'hbm', bytesPerCycle: c.streamBytesPerCycle, latencyCycles: c.memoryLatency }),
    unitsPerStage: { qk: c.qkUnits, ...unitsPerStage },
    streamDepth: c.streamDepth,
    bypassDepth: c.n + c.bypassSlack,
  };
  return c.kind === 'naive' ? naiveSdpaPipeline(params) : incrementalSdpaPipeline(params);
}

/** Cycles, with a deadlock as infinitely slow. */
function cyclesOf(g: PipelineGraph): number {
  const r = runPipeline(g);
  return r.completed ? r.cycles : Number.POSITIVE_INFINITY;
}

describe('dataflow engine properties', () => {
  it('property: a deeper FIFO is never slower (and never deadlocks where the shallower one runs)', () => {
    fc.assert(
      fc.property(pipelineCase, fc.nat(), fc.integer({ min: 1, max: 4 }), (c, pick, extra) => {
        const g = build(c);
        const fifo = g.fifos[pick % g.fifos.length]!;
        const deeper = withFifoDepths(g, { [fifo.name]: fifo.depth + extra });
        expect(cyclesOf(deeper)).toBeLessThanOrEqual(cyclesOf(g));
      }),
      { numRuns: 150 },
    );
  });

  it('property: more parallel units on a stage are never slower', () => {
    const stages = { naive: ['qk', 'row-max', 'sub-exp', 'row-sum', 'divide', 'pv'], incremental: ['qk', 'running-max', 'running-sum', 'running-pv', 'divide'] };
    fc.assert(
      fc.property(pipelineCase, fc.nat(), fc.integer({ min: 1, max: 8 }), (c, pick, more) => {
        const list = stages[c.kind as 'naive' | 'incremental'];
        const stage = list[pick % list.length]!;
        const base = stage === 'qk' ? c.qkUnits : 1;
        expect(cyclesOf(build(c, { [stage]: base + more }))).toBeLessThanOrEqual(cyclesOf(build(c)));
      }),
      { numRuns: 150 },
    );
  });

  it('property: more spatial replicas are never slower', () => {
    const device = getDataflowPreset('streaming-dataflow-generic');
    fc.assert(
      fc.property(
        fc.constantFrom('naive', 'incremental'),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 4, max: 40 }),
        fc.constantFrom(16, 64),
        fc.integer({ min: 1, max: 6 }),
        (kernel, heads, qLen, headDim, replicas) => {
          const w = makeWorkload({ heads, qLen, headDim });
          const at = (maxReplicas: number) => simulateDataflow({ hardware: device, workload: w, kernel, options: { maxReplicas } }).latencySeconds;
          expect(at(replicas + 1)).toBeLessThanOrEqual(at(replicas) * (1 + 1e-12));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: energy and each of its parts are ≥ 0 on every dataflow preset', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...listDataflowPresets()),
        fc.constantFrom('naive', 'incremental'),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 600 }),
        fc.constantFrom(32, 64, 128),
        fc.constantFrom('none', 'causal'),
        (id, kernel, heads, qLen, headDim, mask) => {
          const w = makeWorkload({ heads, qLen, headDim, mask: { kind: mask } as { kind: 'none' } });
          const r = simulateDataflow({ hardware: getDataflowPreset(id), workload: w, kernel });
          expect(r.energyJoules).toBeGreaterThanOrEqual(0);
          for (const part of Object.values(r.energy)) expect(part).toBeGreaterThanOrEqual(0);
          expect(r.latencySeconds).toBeGreaterThan(0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
