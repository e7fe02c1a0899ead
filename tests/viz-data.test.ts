import { describe, expect, it } from 'vitest';
import { getDataflowPreset } from '../hardware/dataflow/index.js';
import { summarizeDevice } from '../hardware/device.js';
import { getPreset } from '../hardware/index.js';
import { simulate } from '../sim/simulate.js';
import { modelWorkload } from '../workloads/models/index.js';
import { compute } from '../visualizer/app/compute.js';
import { hardwareFor, initialState, slidersFor, workloadFor } from '../visualizer/app/state.js';
import { breakdownItem } from '../visualizer/data/breakdown-data.js';
import { paretoRows } from '../visualizer/data/pareto.js';
import { parseResultsJsonl, plottableRows } from '../visualizer/data/results-file.js';
import { ceilingsOf, levelNamesFor, rooflineSeries } from '../visualizer/data/roofline-data.js';
import { sparseBounds } from '../sim/sparse/bounds.js';
import { sparseSpeedupCurve } from '../visualizer/data/sparse-data.js';
import { oracleMethod } from '../workloads/sparse/method.js';
import { expectClose } from './helpers.js';

const h100 = getPreset('h100-sxm');
const prefill8k = modelWorkload({ model: 'llama-3.1-8b', context: 8192 });

describe('rooflineSeries', () => {
  it('ceilingsOf(h100): bandwidth per level; tensor paths by dtype, equal rates merged; vector and exp', () => {
    const { memory, compute } = ceilingsOf(h100);
    expect(memory.map((m) => [m.level, m.bandwidthBytesPerSecond])).toEqual([
      ['smem', h100.memory.smem.bandwidthBytesPerSecond],
      ['l2', h100.memory.l2.bandwidthBytesPerSecond],
      ['hbm', h100.memory.hbm.bandwidthBytesPerSecond],
    ]);
    expect(compute.map((c) => c.label)).toContain('wgmma bf16/fp16');
    expect(compute.find((c) => c.kind === 'exp')?.opsPerSecond).toBe(h100.compute.expPerSecond);
    expect(compute.find((c) => c.kind === 'vector')?.opsPerSecond).toBe(h100.compute.vectorFlopsPerSecond.fp32);
  });

  it("rooflineSeries(fa2): a point per launch and level at executed FLOPs over that level's bytes", () => {
    const report = simulate({ hardware: h100, workload: prefill8k, kernel: 'fa2' });
    const series = rooflineSeries(h100, report);
    const launch = report.breakdown[0]!;
    const flops = launch.flops.matrix + launch.flops.vector;
    const hbm = series.points.find((p) => p.level === 'hbm')!;
    expect(series.points).toHaveLength(3 * report.breakdown.length);
    expectClose(hbm.intensityFlopsPerByte, flops / (launch.bytes.hbm.read + launch.bytes.hbm.write), 1e-12);
    expectClose(hbm.achievedFlopsPerSecond, flops / launch.latencySeconds, 1e-12);
  });

  it('rooflineSeries(split-kv decode): the split launch and the combine launch each get a point per level', () => {
    const decode = modelWorkload({ model: 'llama-3.1-8b', context: 32768, phase: 'decode', batch: 8 });
    const report = simulate({ hardware: h100, workload: decode, kernel: 'split-kv' });
    const launches = new Set(rooflineSeries(h100, report).points.map((p) => p.launch));
    expect([...launches]).toEqual(report.breakdown.map((b) => b.name));
    expect(launches.size).toBe(2);
  });

  it('breakdownItem: bytes per level and the energy parts without the total', () => {
    const report = simulate({ hardware: h100, workload: prefill8k, kernel: 'fa2' });
    const item = breakdownItem(report);
    expect(item.bytes.hbm).toEqual(report.bytes.hbm);
    expectClose(
      Object.values(item.energyJoules).reduce((a, b) => a + b, 0),
      report.energyJoules,
      1e-9,
    );
  });
});

describe('rooflineSeries and breakdownItem of dataflow devices', () => {
  const sn40l = getDataflowPreset('sn40l-like');
  const wafer = getDataflowPreset('wafer-mesh-like');
  const prefill4k = modelWorkload({ model: 'llama-3.1-8b', context: 4096 });

  it('ceilingsOf(sn40l-like): the peak bf16 matrix rate under its HBM (main memory) and on-chip bandwidths', () => {
    const { memory, compute } = ceilingsOf(sn40l);
    const summary = summarizeDevice(sn40l);
    const onChip = sn40l.units.memory.count * sn40l.units.memory.portBytesPerCycle * sn40l.clockHz;
    expect(memory).toEqual([
      { level: 'smem', label: 'on-chip SRAM', bandwidthBytesPerSecond: onChip },
      { level: 'hbm', label: summary.mainMemory.name, bandwidthBytesPerSecond: summary.mainMemory.bandwidthBytesPerSecond },
    ]);
    expect(compute).toEqual([{ kind: 'tensor', label: 'matrix bf16', opsPerSecond: summary.peakBf16MatrixFlopsPerSecond }]);
  });

  it('ceilingsOf(wafer-mesh-like): inputs live on chip, so on-chip bandwidth is its one memory ceiling', () => {
    expect(ceilingsOf(wafer).memory.map((m) => m.level)).toEqual(['smem']);
  });

  it('rooflineSeries(sn40l-like): the report is one point per level, executed FLOPs over its on-chip and DRAM bytes', () => {
    const report = simulate({ hardware: sn40l, workload: prefill4k, kernel: 'fa2' });
    const series = rooflineSeries(sn40l, report);
    const flops = report.flops.matrix + report.flops.vector;
    expect(series.kind).toBe('dataflow');
    expect(series.points.map((p) => [p.launch, p.level])).toEqual([
      [report.kernel.id, 'smem'],
      [report.kernel.id, 'hbm'],
    ]);
    const hbm = series.points.find((p) => p.level === 'hbm')!;
    expectClose(hbm.intensityFlopsPerByte, flops / (report.bytes.hbm.read + report.bytes.hbm.write), 1e-12);
    expectClose(hbm.achievedFlopsPerSecond, flops / report.latencySeconds, 1e-12);
    expect(hbm.bound).toBe(report.bound);
    // Under its own ceilings: no point above the matrix peak.
    for (const p of series.points) expect(p.achievedFlopsPerSecond).toBeLessThanOrEqual(series.compute[0]!.opsPerSecond);
  });

  it('breakdownItem(sn40l-like): kind dataflow, DRAM bytes under hbm and on-chip bytes under smem', () => {
    const report = simulate({ hardware: sn40l, workload: prefill4k, kernel: 'fa2' });
    const item = breakdownItem(report);
    expect(item.kind).toBe('dataflow');
    expect(item.bytes.hbm).toEqual(report.bytes.hbm);
    expect(item.bytes.smem).toEqual(report.bytes.smem);
    expectClose(
      Object.values(item.energyJoules).reduce((a, b) => a + b, 0),
      report.energyJoules,
      1e-9,
    );
  });

  it('levelNamesFor: a level named for each kind shown that has it', () => {
    expect(levelNamesFor(['gpu'])).toEqual([
      ['smem', 'shared memory'],
      ['l2', 'L2'],
      ['hbm', 'HBM'],
    ]);
    expect(levelNamesFor(['dataflow'])).toEqual([
      ['smem', 'on-chip'],
      ['hbm', 'DRAM'],
    ]);
    expect(levelNamesFor(['dataflow', 'gpu'])).toEqual([
      ['smem', 'smem / on-chip'],
      ['l2', 'L2'],
      ['hbm', 'HBM / DRAM'],
    ]);
  });
});

describe('sparseSpeedupCurve', () => {
  it('sparseSpeedupCurve(fa2, 64-token blocks): simulated ≤ tile bound ≤ ideal, and density 1 is no speedup', () => {
    const points = sparseSpeedupCurve({ hardware: h100, workload: prefill8k, kernel: 'fa2', densities: [0.1, 0.5, 1], blockSizeTokens: 64 });
    for (const p of points) {
      expect(p.tileBoundSpeedup).toBeLessThanOrEqual(p.idealSpeedup * (1 + 1e-9));
      expect(p.simulatedSpeedup).toBeLessThanOrEqual(p.tileBoundSpeedup * (1 + 1e-9));
    }
    // At density 1 every computed pair is kept: (a) = (b), and the sparse run is the dense one.
    expectClose(points[2]!.idealSpeedup, points[2]!.tileBoundSpeedup, 1e-12);
    expectClose(points[2]!.simulatedSpeedup, 1, 0.02);
    expect(points[0]!.idealSpeedup).toBeGreaterThan(5);
  });

  it('sparseSpeedupCurve is the bounds `attnsim sparse --density D --block B` prints, point by point', () => {
    const points = sparseSpeedupCurve({ hardware: h100, workload: prefill8k, kernel: 'fa2', densities: [0.05, 0.3], blockSizeTokens: 64 });
    for (const p of points) {
      const b = sparseBounds({
        hardware: h100,
        workload: { ...prefill8k, mask: { kind: 'none' } },
        kernel: 'fa2',
        pattern: { kind: 'dynamic', method: oracleMethod(64, 'none'), density: p.density },
        breakEven: false,
      });
      expect([p.idealSpeedup, p.tileBoundSpeedup, p.simulatedSpeedup]).toEqual([b.ideal, b.tileLevel, b.predicted]);
    }
  });
});

describe('parseResultsJsonl', () => {
  it('parseResultsJsonl: numeric fields in every row are axes, objectives first; blank lines skipped', () => {
    const table = parseResultsJsonl('{"sms":1,"hw":"a","energyJoules":2,"latencySeconds":3}\n\n{"sms":2,"hw":"b","energyJoules":1,"latencySeconds":4}\n');
    expect(table.rows).toHaveLength(2);
    expect(table.numericFields).toEqual(['latencySeconds', 'energyJoules', 'sms']);
  });

  it('parseResultsJsonl: malformed input names the line and what is wrong', () => {
    expect(() => parseResultsJsonl('{"a":1,"b":2}\n{oops', 'r.jsonl')).toThrow(/^r\.jsonl line 2: not valid JSON/);
    expect(() => parseResultsJsonl('[1,2]', 'r.jsonl')).toThrow('r.jsonl line 1: expected a JSON object per line');
    expect(() => parseResultsJsonl('{"a":{"b":1}}', 'r.jsonl')).toThrow('r.jsonl line 1: field "a" is nested; results rows hold plain values');
    expect(() => parseResultsJsonl('\n', 'r.jsonl')).toThrow('r.jsonl: no result rows');
    expect(() => parseResultsJsonl('{"a":1,"b":"x"}', 'r.jsonl')).toThrow('r.jsonl: needs at least two numeric fields to plot, found 1');
  });

  it('parseResultsJsonl: null objectives (infeasible designs) keep the field an axis; text fields with few values become filters', () => {
    const table = parseResultsJsonl(
      [
        '{"workload":"8k","status":"ok","latencySeconds":1,"energyJoules":2}',
        '{"workload":"32k","status":"infeasible","latencySeconds":null,"energyJoules":null}',
        '{"workload":"32k","status":"ok","latencySeconds":3,"energyJoules":1}',
      ].join('\n'),
    );
    expect(table.numericFields).toEqual(['latencySeconds', 'energyJoules']);
    expect(table.filters).toContainEqual({ field: 'workload', value: '32k' });
    expect(plottableRows(table, 'latencySeconds', 'energyJoules', null)).toHaveLength(2);
    expect(plottableRows(table, 'latencySeconds', 'energyJoules', { field: 'workload', value: '32k' })).toEqual([table.rows[2]]);
  });

  it('paretoRows: the rows no other row beats on both fields', () => {
    const rows = [
      { x: 1, y: 5 },
      { x: 2, y: 2 },
      { x: 3, y: 3 },
      { x: 4, y: 1 },
    ];
    expect(paretoRows(rows, 'x', 'y').sort()).toEqual([0, 1, 3]);
  });
});

describe('visualizer state', () => {
  it('hardwareFor: sliders scale a new spec and leave the preset untouched', () => {
    const spec = hardwareFor({ ...initialState, hardware: 'h100-sxm', hbmBandwidthScale: 2, smCountScale: 0.5 });
    if (spec.kind !== 'gpu') throw new Error('h100-sxm is a GPU');
    expect(spec.memory.hbm.bandwidthBytesPerSecond).toBe(2 * h100.memory.hbm.bandwidthBytesPerSecond);
    expect(spec.compute.sms).toBe(h100.compute.sms / 2);
    expect(getPreset('h100-sxm').compute.sms).toBe(h100.compute.sms);
  });

  it('hardwareFor(sn40l-like): the main-memory slider scales its HBM tier; the GPU-only sliders are ignored and hidden', () => {
    const preset = getDataflowPreset('sn40l-like');
    const spec = hardwareFor({ ...initialState, hardware: 'sn40l-like', hbmBandwidthScale: 2, l2BandwidthScale: 4, smCountScale: 0.25, sharedMemoryScale: 0.5 });
    if (spec.kind !== 'dataflow') throw new Error('sn40l-like is a dataflow device');
    expect(spec.memory.dram.hbm!.bandwidthBytesPerSecond).toBe(2 * preset.memory.dram.hbm!.bandwidthBytesPerSecond);
    expect({ ...spec, memory: preset.memory, provenance: preset.provenance }).toEqual(preset);
    expect(slidersFor(preset)).toEqual({ mainMemory: { name: 'HBM3', bandwidthBytesPerSecond: preset.memory.dram.hbm!.bandwidthBytesPerSecond }, l2: false, sms: false, sharedMemory: false });
    // Inputs on chip: no main-memory slider either, and the spec is the preset.
    expect(slidersFor(getDataflowPreset('wafer-mesh-like')).mainMemory).toBeNull();
    expect(hardwareFor({ ...initialState, hardware: 'wafer-mesh-like', hbmBandwidthScale: 2 })).toBe(getDataflowPreset('wafer-mesh-like'));
  });

  it('workloadFor: model layer with its own mask, or shapes with a chosen mask', () => {
    expect(workloadFor(initialState)).toEqual(modelWorkload({ model: 'llama-3.1-8b', context: 8192 }));
    const shaped = workloadFor({ ...initialState, workloadMode: 'shapes', heads: 16, kvHeads: 4, headDim: 64, mask: 'block_sparse', density: 0.2 });
    expect(shaped).toMatchObject({ heads: 16, kvHeads: 4, headDim: 64, qLen: 8192, mask: { kind: 'block_sparse', blockDensity: 0.2 } });
  });

  it("compute: the page gets the same report the CLI's simulate gives", () => {
    const computed = compute({ ...initialState, compare: ['h100-sxm'] });
    expect(computed.reports).toHaveLength(2);
    expect(computed.reports[0]).toEqual(simulate({ hardware: getPreset('h200-sxm'), workload: workloadFor(initialState), kernel: 'fa2' }));
  });

  it('compute(sn40l-like with h200-sxm overlaid): the dataflow engine for it, the GPU one for the overlay; no sparse curve', () => {
    const state = { ...initialState, hardware: 'sn40l-like', compare: ['h200-sxm'], sequenceTokens: 4096 };
    const computed = compute(state);
    expect(computed.reports.map((r) => r.engine)).toEqual(['dataflow-cycle', 'analytical']);
    expect(computed.reports[0]).toEqual(simulate({ hardware: getDataflowPreset('sn40l-like'), workload: workloadFor(state), kernel: 'fa2' }));
    expect(computed.series.map((s) => [s.hardwareId, s.kind])).toEqual([
      ['sn40l-like', 'dataflow'],
      ['h200-sxm', 'gpu'],
    ]);
    expect(computed.breakdown.map((b) => b.kind)).toEqual(['dataflow', 'gpu']);
    expect(computed.sparse).toBeNull();
  });
});
