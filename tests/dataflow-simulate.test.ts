import { describe, expect, it } from 'vitest';
import { deriveDataflowSpec, getDataflowPreset } from '../hardware/dataflow/index.js';
import { simulateDataflow } from '../sim/engines/dataflow/simulate.js';
import { modelWorkload } from '../workloads/models/index.js';
import { makeWorkload } from '../workloads/workload.js';

const sn40l = () => getDataflowPreset('sn40l-like');
const generic = () => getDataflowPreset('streaming-dataflow-generic');

describe('simulateDataflow fills the report contract', () => {
  it('simulateDataflow(sn40l-like, incremental): latency, energy, bytes per level, bound, dataflow details', () => {
    const w = makeWorkload({ heads: 8, qLen: 4096, headDim: 128 });
    const r = simulateDataflow({ hardware: sn40l(), workload: w, kernel: 'incremental' });
    expect(r.engine).toBe('dataflow-cycle');
    expect(r.kernel.id).toBe('dataflow-incremental');
    expect(r.latencySeconds).toBeGreaterThan(0);
    expect(r.energyJoules).toBeGreaterThan(0);
    expect(['compute', 'softmax', 'dram', 'fifo', 'smem']).toContain(r.bound);
    // Q, K, V and O cross HBM at least once.
    expect(r.bytes.hbm.read).toBeGreaterThanOrEqual(r.compulsoryBytes.read);
    expect(r.bytes.hbm.write).toBe(r.compulsoryBytes.write);
    expect(r.bytes.smem.read).toBeGreaterThan(0);
    expect(r.flops.useful).toBe(2 * 256 * 4096 * 4096 * 8);
    const d = r.dataflow!;
    expect(d.bytesByLevel.hbm!.read).toBe(r.bytes.hbm.read);
    expect(d.replicas).toBeGreaterThan(1);
    expect(d.phases[0]!.units.find((u) => u.name === 'qk')!.utilization).toBeGreaterThan(0.5);
    expect(d.phases[0]!.fifos.every((f) => f.peakOccupancy <= f.depth)).toBe(true);
    expect(r.achievedFlopsPerSecond).toBeLessThanOrEqual(2 * 1040 * 192 * 1.6e9);
  });

  it('a 64K-token attention on the SN40L-like preset simulates in a few hundred thousand events (event compression)', () => {
    const w = modelWorkload({ model: 'llama-3.1-8b', context: 65536 });
    const r = simulateDataflow({ hardware: sn40l(), workload: w, kernel: 'incremental' });
    const phase = r.dataflow!.phases[0]!;
    expect(phase.method).toBe('periodic');
    expect(phase.simulatedRows).toBeLessThan(phase.rowsPerReplica);
    expect(phase.events).toBeLessThan(1_000_000);
    expect(r.latencySeconds).toBeGreaterThan(0.01);
    expect(r.latencySeconds).toBeLessThan(1);
  });

  it('naive on the SN40L-like preset: the N+1 bypasses cost replicas, so it is slower than incremental', () => {
    const w = makeWorkload({ heads: 8, qLen: 16384, headDim: 128 });
    const inc = simulateDataflow({ hardware: sn40l(), workload: w, kernel: 'incremental' });
    const naive = simulateDataflow({ hardware: sn40l(), workload: w, kernel: 'naive' });
    expect(naive.dataflow!.strategy).toBe('streaming');
    const bypass = naive.dataflow!.phases[0]!.fifos.find((f) => f.name === 's>sub')!;
    expect(bypass.depth).toBe(16384 / 64 + 1);
    expect(naive.dataflow!.replicas).toBeLessThan(inc.dataflow!.replicas);
    expect(naive.latencySeconds).toBeGreaterThan(inc.latencySeconds);
  });

  it('naive without FIFO budget for the bypasses is time-multiplexed into 3 configurations with S and E in DRAM', () => {
    const small = deriveDataflowSpec(sn40l(), { 'memory.fifoBudgetBytes': '4 MB' });
    const w = makeWorkload({ heads: 4, qLen: 8192, headDim: 128 });
    const r = simulateDataflow({ hardware: small, workload: w, kernel: 'naive' });
    const d = r.dataflow!;
    expect(d.strategy).toBe('time-multiplexed');
    expect(d.phases.map((p) => p.name)).toEqual(['scores', 'exp-sum', 'normalize-pv']);
    expect(d.reconfigurations).toBe(2);
    expect(r.warnings.join(' ')).toMatch(/exceed the FIFO budget: time-multiplexed/);
    // S and E each written and read once: 4 · N² · heads · 4 B more HBM traffic than streaming.
    const streaming = simulateDataflow({ hardware: sn40l(), workload: w, kernel: 'naive' });
    const extra = r.bytes.hbm.read + r.bytes.hbm.write - (streaming.bytes.hbm.read + streaming.bytes.hbm.write);
    expect(extra).toBeGreaterThan(4 * 8192 * 8192 * 4 * 4 * 0.9);
  });

  it('a bypass FIFO forced below N deadlocks and the error names it', () => {
    const w = makeWorkload({ heads: 1, qLen: 64, headDim: 64 });
    expect(() => simulateDataflow({ hardware: generic(), workload: w, kernel: 'naive', options: { bypassDepth: 40, maxReplicas: 1 } })).toThrow(
      /fifo: sdpa-naive: deadlock at cycle \d+: full FIFOs: .*s>sub \(40\/40\)/,
    );
  });

  it('bound is "fifo" when bypass FIFOs of depth N stall the pipeline', () => {
    const w = makeWorkload({ heads: 1, qLen: 64, headDim: 64 });
    const r = simulateDataflow({ hardware: generic(), workload: w, kernel: 'naive', options: { bypassDepth: 64, maxReplicas: 1 } });
    expect(r.bound).toBe('fifo');
    const ok = simulateDataflow({ hardware: generic(), workload: w, kernel: 'naive', options: { maxReplicas: 1 } });
    expect(ok.bound).not.toBe('fifo');
    expect(ok.dataflow!.cycles).toBe(64 * 64 + 2 * 64 + (1 + 6) + 4);
  });

  it('the generic device with one replica reproduces the seed paper cycle counts', () => {
    const w = makeWorkload({ heads: 1, qLen: 32, headDim: 16 });
    const r = simulateDataflow({ hardware: generic(), workload: w, kernel: 'incremental', options: { maxReplicas: 1 } });
    expect(r.dataflow!.cycles).toBe(32 * 32 + (1 + 4) + 4);
    expect(r.latencySeconds).toBeCloseTo(r.dataflow!.cycles / 1e9, 15);
  });

  it('explicit replicas give the cycles of the one representative replica', () => {
    const w = makeWorkload({ heads: 1, qLen: 48, headDim: 16 });
    const one = simulateDataflow({ hardware: generic(), workload: w, kernel: 'incremental', options: { maxReplicas: 4 } });
    const all = simulateDataflow({ hardware: generic(), workload: w, kernel: 'incremental', options: { maxReplicas: 4, explicitReplicas: true } });
    expect(all.dataflow!.phases[0]!.simulatedReplicas).toBe(4);
    expect(all.dataflow!.cycles).toBe(one.dataflow!.cycles);
  });

  it('the wafer-scale preset keeps everything on chip', () => {
    const w = makeWorkload({ heads: 8, qLen: 8192, headDim: 128 });
    const r = simulateDataflow({ hardware: getDataflowPreset('wafer-mesh-like'), workload: w, kernel: 'incremental' });
    expect(r.bytes.hbm).toEqual({ read: 0, write: 0 });
    expect(r.energy.hbm).toBe(0);
    expect(Object.keys(r.dataflow!.bytesByLevel)).toEqual(['onChip']);
  });

  it.each([['fa9', /unknown pipeline "fa9" for a dataflow device/]])('kernel %s is refused', (kernel, pattern) => {
    expect(() => simulateDataflow({ hardware: generic(), workload: makeWorkload({ heads: 1, qLen: 8, headDim: 8 }), kernel })).toThrow(pattern);
  });
});
