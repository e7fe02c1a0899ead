import { describe, expect, it } from 'vitest';
import { loadCaseFiles } from '../sim/cli/commands/validate.js';
import { shippedDataFiles, shippedRepeatFiles } from '../sim/validate/node/data-files.js';
import { processIo } from '../sim/cli/io.js';
import { validateCases } from '../sim/validate/run.js';

/**
 * The cycle engine's targets on the shipped H200 data, held-out split: it beats the
 * analytical engine on latency, DRAM and L2 bytes and reaches latency ≤ 7%, DRAM ≤ 10%,
 * L2 ≤ 15%; and it names the kernel that reads more DRAM in every pair of kernels measured on
 * one workload (pairs.ts: pairs closer than the measurement's run-to-run spread are ties; with
 * the shipped repeat passes, a pair must be more than the tie fraction apart in every pass).
 */
const { cases } = loadCaseFiles(shippedDataFiles(), processIo);
const repeats = shippedRepeatFiles().map((f) => loadCaseFiles([f], processIo).cases);
const cycle = validateCases(cases, 'cycle', repeats);
const analytical = validateCases(cases, 'analytical', repeats);
const held = cycle.summary.heldOut;
const heldAnalytical = analytical.summary.heldOut;

describe('cycle engine on the shipped H200 data: held-out targets', () => {
  it('models every case', () => {
    expect(cycle.unsupported).toEqual([]);
  });

  it('held-out DRAM bytes: MAPE ≤ 10% and below the analytical engine', () => {
    expect(held.dramBytes!.mape).toBeLessThanOrEqual(10);
    expect(held.dramBytes!.mape).toBeLessThan(heldAnalytical.dramBytes!.mape);
  });

  it('held-out L2 bytes: MAPE ≤ 15% and below the analytical engine', () => {
    expect(held.l2Bytes!.mape).toBeLessThanOrEqual(15);
    expect(held.l2Bytes!.mape).toBeLessThan(heldAnalytical.l2Bytes!.mape);
  });

  it('held-out energy stays within 10% (regression guard)', () => {
    expect(held.energy!.mape).toBeLessThanOrEqual(10);
  });

  it('orders DRAM bytes right in at least 95% of the distinguishable kernel pairs, and most ties as ties (regression guard)', () => {
    const o = cycle.summary.dramOrdering;
    expect(o.scored).toBeGreaterThanOrEqual(80);
    expect(o.ordered / o.scored).toBeGreaterThanOrEqual(0.95);
    expect(o.tiesAgreed / o.ties).toBeGreaterThanOrEqual(0.85);
    // The analytical engine, which sees no schedule, does worse.
    expect(o.ordered).toBeGreaterThan(analytical.summary.dramOrdering.ordered);
  });

  it('held-out latency: MAPE ≤ 7% and below the analytical engine', () => {
    expect(held.latency!.mape).toBeLessThanOrEqual(7);
    expect(held.latency!.mape).toBeLessThan(heldAnalytical.latency!.mape);
  });

  it('every distinguishable kernel pair ordered right', () => {
    expect(cycle.summary.dramOrdering.wrong).toEqual([]);
  });
});
