import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCases, type MeasuredCase } from '../sim/validate/format.js';
import type { CaseResult } from '../sim/validate/case-result.js';
import { predictCase } from '../sim/validate/run.js';
import { mape, relativeError } from '../sim/validate/stats.js';

/**
 * The flex targets on the shipped FlexAttention measurements (H200): latency MAPE ≤ 10%,
 * and the predicted speedup over the same kernel's dense run (same shape, mask none) within
 * 10% of the measured one. Errors are relative: predicted / measured − 1.
 */
const FILE = new URL('../validation/data/h200-sxm/flex.jsonl', import.meta.url);
const ACCEPTED_MAPE = 0.1;
/** Below this length the calls take well under a millisecond and fixed costs dominate; see docs/sparse.md. */
const SHORT_SEQ = 4096;

const { cases } = parseCases(readFileSync(FILE, 'utf8'), 'flex.jsonl');
const results = cases.map((c) => ({ c, r: predictCase(c, 'analytical') as CaseResult }));
const shape = (c: MeasuredCase) => c.id.split('/')[1]!;
const dense = new Map(results.filter(({ c }) => c.workload.mask.kind === 'none').map(({ c, r }) => [shape(c), r]));
// A speedup needs the dense run of the same shape (the GQA head-order series has masked runs
// without one).
const speedups = results
  .filter(({ c }) => c.workload.mask.kind !== 'none' && dense.has(shape(c)))
  .map(({ c, r }) => {
    const d = dense.get(shape(c))!;
    const measured = d.measured.latency! / r.measured.latency!;
    const predicted = d.predicted.latency! / r.predicted.latency!;
    return { id: c.id, qLen: c.workload.qLen, measured, predicted, error: relativeError(predicted, measured) };
  });

describe('flex validation: latency and sparse/dense speedup targets', () => {
  it('predictCase(flex.jsonl): every case is modeled, latency MAPE ≤ 10%', () => {
    expect(results.every(({ r }) => 'predicted' in r)).toBe(true);
    expect(results.length).toBeGreaterThanOrEqual(70);
    expect(mape(results.map(({ r }) => r.error.latency!))).toBeLessThanOrEqual(ACCEPTED_MAPE * 100);
  });

  it('predictCase(flex.jsonl): sparse/dense speedup MAPE ≤ 10%, every case above 4K within 10%', () => {
    // Dense runs at 8 shapes, each with its masked runs beside it.
    expect(dense.size).toBeGreaterThanOrEqual(8);
    expect(speedups.length).toBeGreaterThanOrEqual(60);
    expect(mape(speedups.map((s) => s.error))).toBeLessThanOrEqual(ACCEPTED_MAPE * 100);
    for (const s of speedups.filter((x) => x.qLen > SHORT_SEQ)) expect(Math.abs(s.error), s.id).toBeLessThanOrEqual(ACCEPTED_MAPE);
  });

  it('the dense runs are a separately calibrated kernel (flex-dense) and some of them calibrate it', () => {
    const denseCases = results.filter(({ c }) => c.workload.mask.kind === 'none');
    expect(denseCases.some(({ r }) => r.split === 'calibration')).toBe(true);
    expect(denseCases.some(({ r }) => r.split === 'held-out')).toBe(true);
  });
});
