import { describe, expect, it } from 'vitest';
import { getPreset } from '../hardware/index.js';
import { simulate } from '../sim/simulate.js';
import { modelWorkload } from '../workloads/models/index.js';
import { compute } from '../visualizer/app/compute.js';
import { hardwareFor, initialState, workloadFor } from '../visualizer/app/state.js';
import { breakdownItem } from '../visualizer/data/breakdown-data.js';
import { paretoRows } from '../visualizer/data/pareto.js';
import { parseResultsJsonl, plottableRows } from '../visualizer/data/results-file.js';
import { ceilingsOf, rooflineSeries } from '../visualizer/data/roofline-data.js';
import { sparseBounds } from '../sim/sparse/bounds.js';
import { sparseSpeedupCurve } from '../visualizer/data/sparse-data.js';
import { oracleMethod } from '../workloads/sparse/method.js';
import { expectClose } from './helpers.js';

const h100 = getPreset('h100-sxm');
const prefill8k = modelWorkload({ model: 'llama-3.1-8b', context: 8192 });

describe('rooflineSeries', () => {
  it('ceilingsOf(h100): bandwidth per level; tensor paths by dtype, equal rates merged; vector and exp', () => {
    const { memory, compute } = ceilingsOf(h100);
    expect(memory.map((m) => [m.level, m.bandwidthBytesPerSecond])).toEqual([['smem', h100.memory.smem.bandwidthBytesPerSecond], ['l2', h100.memory.l2.bandwidthBytesPerSecond], ['hbm', h100.memory.hbm.bandwidthBytesPerSecond]]);
    expect(compute.map((c) => c.label)).toContain('wgmma bf16/fp16');
    expect(compute.find((c) => c.kind === 'exp')?.opsPerSecond).toBe(h100.compute.expPerSecond);
    expect(compute.find((c) => c.kind === 'vector')?.opsPerSecond).toBe(h100.compute.vectorFlopsPerSecond.fp32);
  });

  it('rooflineSeries(fa2): a point per launch and level at executed FLOPs over that level\'s bytes', () => {
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
    expectClose(Object.values(item.energyJoules).reduce((a, b) => a + b, 0), report.energyJoules, 1e-9);
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
        hardware: h100, workload: { ...prefill8k, mask: { kind: 'none' } }, kernel: 'fa2',
        pattern: { kind: 'dynamic', method: oracleMethod(64, 'none'), density: p.density }, breakEven: false,
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
    const table = parseResultsJsonl([
      '{"workload":"8k","status":"ok","latencySeconds":1,"energyJoules":2}',
      '{"workload":"32k","status":"infeasible","latencySeconds":null,"energyJoules":null}',
      '{"workload":"32k","status":"ok","latencySeconds":3,"energyJoules":1}',
    ].join('\n'));
    expect(table.numericFields).toEqual(['latencySeconds', 'energyJoules']);
    expect(table.filters).toContainEqual({ field: 'workload', value: '32k' });
    expect(plottableRows(table, 'latencySeconds', 'energyJoules', null)).toHaveLength(2);
    expect(plottableRows(table, 'latencySeconds', 'energyJoules', { field: 'workload', value: '32k' })).toEqual([table.rows[2]]);
  });

  it('paretoRows: the rows no other row beats on both fields', () => {
    const rows = [{ x: 1, y: 5 }, { x: 2, y: 2 }, { x: 3, y: 3 }, { x: 4, y: 1 }];
    expect(paretoRows(rows, 'x', 'y').sort()).toEqual([0, 1, 3]);
  });
});

describe('visualizer state', () => {
  it('hardwareFor: sliders scale a new spec and leave the preset untouched', () => {
    const spec = hardwareFor({ ...initialState, hardware: 'h100-sxm', hbmBandwidthScale: 2, smCountScale: 0.5 });
    expect(spec.memory.hbm.bandwidthBytesPerSecond).toBe(2 * h100.memory.hbm.bandwidthBytesPerSecond);
    expect(spec.compute.sms).toBe(h100.compute.sms / 2);
    expect(getPreset('h100-sxm').compute.sms).toBe(h100.compute.sms);
  });

  it('workloadFor: model layer with its own mask, or shapes with a chosen mask', () => {
    expect(workloadFor(initialState)).toEqual(modelWorkload({ model: 'llama-3.1-8b', context: 8192 }));
    const shaped = workloadFor({ ...initialState, workloadMode: 'shapes', heads: 16, kvHeads: 4, headDim: 64, mask: 'block_sparse', density: 0.2 });
    expect(shaped).toMatchObject({ heads: 16, kvHeads: 4, headDim: 64, qLen: 8192, mask: { kind: 'block_sparse', blockDensity: 0.2 } });
  });

  it('compute: the page gets the same report the CLI\'s simulate gives', () => {
    const computed = compute({ ...initialState, compare: ['h100-sxm'] });
    expect(computed.reports).toHaveLength(2);
    expect(computed.reports[0]).toEqual(simulate({ hardware: getPreset('h200-sxm'), workload: workloadFor(initialState), kernel: 'fa2' }));
  });
});
