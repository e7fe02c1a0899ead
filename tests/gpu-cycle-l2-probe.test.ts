import { describe, expect, it } from 'vitest';
import { getPreset } from '../hardware/index.js';
import { shippedL2Probe } from '../sim/validate/node/data-files.js';
import { InputError } from '../hardware/errors.js';
import { cycleCalibrationFor, modelLostFraction, parseL2Probe, type L2ProbePoint } from '../sim/engines/gpu-cycle/index.js';
import { fitL2FromProbe } from '../sim/calibrate/index.js';

/**
 * The cycle engine's L2 capacity, edge and room for shared data come from the L2 probe
 * (validation/harness/probe_l2.py), not from attention cases: the engine's own L2Cache, run
 * through the probe's sequence, must reproduce what the H200 lost.
 */
const h200 = getPreset('h200-sxm');

describe('L2 constants from the L2 probe', () => {
  const { points } = shippedL2Probe('h200-sxm');
  const calibration = cycleCalibrationFor('h200-sxm')!;
  const constants = { fraction: calibration.l2EffectiveFraction, spread: calibration.l2SurvivalSpread!, sharedRoom: calibration.l2SharedRoom! };

  it('the shipped calibration was taken from every shipped probe table', () => {
    expect(calibration.l2FittedOn?.points).toBe(points.length);
  });

  it("with the shipped constants, the engine's L2 loses what the H200 lost in the probe", () => {
    const errors = points.map((p) => modelLostFraction(p, h200.memory.l2.bytes, constants) - p.lostFraction);
    const rms = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    expect(rms).toBeLessThan(0.05);
    expect(Math.max(...errors.map(Math.abs))).toBeLessThan(0.3);
    // Data every SM reads goes sooner than private data of the same size (both partitions keep it).
    const at = (by: L2ProbePoint['hotReadBy']) => points.find((p) => p.hotReadBy === by && p.hotBytes === 32 * 2 ** 20 && p.streamBytes === 0)!;
    expect(at('every CTA').lostFraction).toBeGreaterThan(at('split').lostFraction + 0.3);
    expect(modelLostFraction(at('every CTA'), h200.memory.l2.bytes, constants)).toBeGreaterThan(modelLostFraction(at('split'), h200.memory.l2.bytes, constants) + 0.3);
  });

  it('fitL2FromProbe recovers the constants that made a synthetic probe table', () => {
    const truth = { fraction: 0.6, spread: 0.1, sharedRoom: 1.3 };
    const mib = 2 ** 20;
    const synthetic: L2ProbePoint[] = [];
    for (const hotReadBy of ['split', 'every CTA'] as const) {
      for (const hot of [8, 16, 24, 32]) {
        for (const stream of [0, 8, 12, 16, 24]) {
          const p = { hotBytes: hot * mib, streamBytes: stream * mib, stream: 'read' as const, hotReadBy, ctas: 132, lostFraction: 0 };
          synthetic.push({ ...p, lostFraction: modelLostFraction(p, h200.memory.l2.bytes, truth) });
        }
      }
    }
    const fitted = fitL2FromProbe(synthetic, h200.memory.l2.bytes);
    expect([fitted.fraction, fitted.spread, fitted.sharedRoom]).toEqual([truth.fraction, truth.spread, truth.sharedRoom]);
    expect(fitted.rmsError).toBeLessThan(1e-9);
  });

  it('a corrupt probe line names its line and field', () => {
    const good = JSON.stringify({ hotBytes: 8, streamBytes: 0, stream: 'read', hotReadBy: 'split', ctas: 132, lostFraction: 0 });
    const bad = JSON.stringify({ hotBytes: 8, streamBytes: 0, stream: 'read', hotReadBy: 'split', ctas: 132, lostFraction: 1.5 });
    expect(() => parseL2Probe(`${good}\n${bad}\n`, 'probe.jsonl')).toThrow(InputError);
    expect(() => parseL2Probe(`${good}\n${bad}\n`, 'probe.jsonl')).toThrow(/probe\.jsonl:2: lostFraction/);
    expect(() => parseL2Probe('{not json', 'probe.jsonl')).toThrow(/probe\.jsonl:1: not valid JSON/);
    const reread = JSON.stringify({ hotBytes: 8, streamBytes: 0, stream: 'read', hotReadBy: 'split', hotReads: 2, ctas: 132, lostFraction: 0 });
    expect(() => parseL2Probe(reread, 'probe.jsonl')).toThrow(/probe\.jsonl:1: hotReads: only cases with the hot buffer read once/);
  });
});
