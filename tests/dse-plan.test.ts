import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getPreset } from '../hardware/index.js';
import { withClockHz, withSpecNumber, withSramBytesPerSm } from '../sim/dse/derive.js';
import { buildDesign, PointEvaluator } from '../sim/dse/evaluate.js';
import { readSweepInput } from '../sim/dse/node/read-sweep.js';
import { designIndexOf, designValueIndices } from '../sim/dse/numbering.js';
import { planSweep, type SweepInput } from '../sim/dse/plan.js';
import { areaProxyMm2, costProxyDollars, SM_LOGIC_AREA_MM2, SRAM_AREA_MM2_PER_MIB } from '../sim/dse/proxies.js';
import { encodeRow, parseResults, type ResultRow } from '../sim/dse/rows.js';
import { shardRange } from '../sim/dse/shard.js';
import { expectClose } from './helpers.js';

const SMALL = new URL('./fixtures/dse/small.yaml', import.meta.url).pathname;
const MIB = 1024 * 1024;

function plan(sweep: object) {
  return planSweep({ sweep, hardwareFiles: {} } satisfies SweepInput);
}

describe('planSweep', () => {
  it('planSweep(small.yaml): designs × workloads points, columns in a fixed order', () => {
    const p = planSweep(readSweepInput(SMALL));
    expect(p.designCount).toBe(8);
    expect(p.pointCount).toBe(24);
    expect(p.parameters.map((x) => x.values)).toEqual([
      [2e12, 4e12],
      [66, 132],
      [96 * 1024, 228 * 1024],
    ]);
    expect(p.columns).toEqual([
      'index',
      'design',
      'workload',
      'hbmBandwidthBytesPerSecond',
      'sms',
      'sramBytesPerSm',
      'hardware',
      'kernel',
      'workloadLabel',
      'status',
      'bound',
      'latencySeconds',
      'energyJoules',
      'edpJouleSeconds',
      'areaMm2',
      'costDollars',
      'report.bytes.hbm.read',
      'reason',
    ]);
  });

  it('planSweep: integer targets round what ranges give and drop the duplicates', () => {
    const p = plan({ base: 'h100-sxm', parameters: [{ path: 'sms', values: { from: 60, to: 61, steps: 4 } }], workloads: [{ model: 'llama-3.1-8b', contexts: [1024] }] });
    expect(p.parameters[0]!.values).toEqual([60, 61]);
  });

  it('designValueIndices and designIndexOf are inverse (last parameter fastest)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 5 }), fc.nat(), (radices, seed) => {
        const p = { parameters: radices.map((n) => ({ values: Array.from({ length: n }, (_, i) => i) })) } as never;
        const designs = radices.reduce((a, b) => a * b, 1);
        const d = seed % designs;
        expect(designIndexOf(p, designValueIndices(p, d))).toBe(d);
      }),
    );
    const p = { parameters: [{ values: [0, 1] }, { values: [0, 1, 2] }] } as never;
    expect(designValueIndices(p, 4)).toEqual([1, 1]);
  });

  it('shardRange: the shards of a sweep cover every point exactly once', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.integer({ min: 1, max: 64 }), (points, count) => {
        let next = 0;
        for (let index = 0; index < count; index++) {
          const r = shardRange(points, { index, count });
          expect(r.start).toBe(next);
          next = r.end;
        }
        expect(next).toBe(points);
      }),
    );
  });
});

describe('design derivation', () => {
  const h100 = getPreset('h100-sxm');

  it('buildDesign: sms scales whole-chip compute through withSmCount; HBM stays', () => {
    const p = plan({ base: 'h100-sxm', parameters: [{ path: 'sms', values: [66] }], workloads: [{ model: 'llama-3.1-8b', contexts: [1024] }] });
    const spec = buildDesign(p, 0).spec as typeof h100;
    expect(spec.compute.sms).toBe(66);
    expectClose(spec.compute.matrixFlopsPerSecond.wgmma!.bf16!, h100.compute.matrixFlopsPerSecond.wgmma!.bf16! / 2, 1e-12);
    expect(spec.memory.hbm).toEqual(h100.memory.hbm);
  });

  it('withClockHz: SM-clocked rates scale with the clock, L2 and HBM do not', () => {
    const faster = withClockHz(h100, h100.compute.clockHz * 1.5);
    expectClose(faster.compute.expPerSecond, h100.compute.expPerSecond * 1.5, 1e-12);
    expectClose(faster.memory.smem.bandwidthBytesPerSecond, h100.memory.smem.bandwidthBytesPerSecond * 1.5, 1e-12);
    expect(faster.memory.l2).toEqual(h100.memory.l2);
    expect(faster.memory.hbm).toEqual(h100.memory.hbm);
  });

  it('withSramBytesPerSm: the per-CTA limit moves with the per-SM size, keeping what the chip reserves', () => {
    const bigger = withSramBytesPerSm(h100, 512 * 1024);
    expect(bigger.compute.sharedMemoryBytesPerSm).toBe(512 * 1024);
    expect(bigger.compute.sharedMemoryBytesPerSm - bigger.compute.maxSharedMemoryBytesPerCta).toBe(h100.compute.sharedMemoryBytesPerSm - h100.compute.maxSharedMemoryBytesPerCta);
    expect(() => withSramBytesPerSm(h100, 512)).toThrow(/reserves per SM/);
  });

  it('withSpecNumber: a new spec with one number changed; the preset is untouched', () => {
    const before = JSON.stringify(h100);
    const changed = withSpecNumber(h100, ['memory', 'hbm', 'bandwidthBytesPerSecond'], 6e12);
    expect(changed.memory.hbm.bandwidthBytesPerSecond).toBe(6e12);
    expect(changed.memory.l2).toBe(h100.memory.l2); // untouched branches are shared, not copied
    expect(JSON.stringify(h100)).toBe(before);
  });

  it('PointEvaluator: the same point evaluates to the same row in any order', () => {
    const p = planSweep(readSweepInput(SMALL));
    const forward = Array.from({ length: p.pointCount }, (_, i) => new PointEvaluator(p).evaluate(i));
    const evaluator = new PointEvaluator(p);
    const backward = Array.from({ length: p.pointCount }, (_, i) => evaluator.evaluate(p.pointCount - 1 - i)).reverse();
    expect(backward).toEqual(forward);
  });
});

describe('area and cost proxies', () => {
  const h100 = getPreset('h100-sxm');

  it('areaProxyMm2(h100): SMs with their shared memory, plus L2, at the named densities', () => {
    const expected = h100.compute.sms * (SM_LOGIC_AREA_MM2 + (h100.compute.sharedMemoryBytesPerSm / MIB) * SRAM_AREA_MM2_PER_MIB) + (h100.memory.l2.bytes / MIB) * SRAM_AREA_MM2_PER_MIB;
    expectClose(areaProxyMm2(h100), expected, 1e-12);
  });

  it('the proxies grow with SMs, SRAM, L2, HBM capacity and HBM bandwidth', () => {
    const more = [withSpecNumber(h100, ['compute', 'sms'], 200), withSramBytesPerSm(h100, 256 * 1024), withSpecNumber(h100, ['memory', 'l2', 'bytes'], 100 * MIB)];
    for (const spec of more) expect(areaProxyMm2(spec)).toBeGreaterThan(areaProxyMm2(h100));
    expect(costProxyDollars(withSpecNumber(h100, ['memory', 'hbm', 'bytes'], 2 * h100.memory.hbm.bytes))).toBeGreaterThan(costProxyDollars(h100));
    expect(costProxyDollars(withSpecNumber(h100, ['memory', 'hbm', 'bandwidthBytesPerSecond'], 8e12))).toBeGreaterThan(costProxyDollars(h100));
  });
});

describe('result rows', () => {
  it('encodeRow then parseResults gives the row back, in JSONL and CSV, whatever the text', () => {
    const text = fc.string().filter((s) => !/[\r\n]/.test(s));
    const cell = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), text, fc.constant(null));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 6 }), fc.nat(), (cells, index) => {
        const columns = ['index', ...cells.map((_, i) => `c${i}`)];
        const row: ResultRow = { index, ...Object.fromEntries(cells.map((c, i) => [`c${i}`, Object.is(c, -0) ? 0 : c])) };
        for (const format of ['jsonl', 'csv'] as const) {
          const header = format === 'csv' ? `${columns.join(',')}\n` : '';
          const parsed = parseResults(`${header}${encodeRow(row, columns, format)}\n`, format, 'test');
          expect(parsed.rows).toEqual([row]);
          expect(parsed.partialTail).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
