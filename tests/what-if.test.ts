import { describe, expect, it } from 'vitest';
import { deriveSpec, getPreset, type GpuSpec } from '../hardware/index.js';
import { PointEvaluator } from '../sim/dse/evaluate.js';
import { PARAMETER_SHORTCUTS } from '../sim/dse/parameters.js';
import { planSweep } from '../sim/dse/plan.js';
import { isInputError } from '../hardware/errors.js';
import { simulate } from '../sim/simulate.js';
import { makeWorkload } from '../workloads/workload.js';
import { expectClose, runCli } from './helpers.js';

const h200 = getPreset('h200-sxm');
const workload = makeWorkload({ heads: 32, kvHeads: 8, qLen: 8192, headDim: 128, mask: { kind: 'causal' } });
const SWEEP_WORKLOAD = { heads: 32, kvHeads: 8, qLen: 8192, headDim: 128, mask: 'causal' };

/** Every number of the spec, by dotted path: each is a sweep parameter and a `--set` target. */
function numericPaths(node: unknown, prefix = ''): string[] {
  if (typeof node === 'number') return [prefix];
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node)
    .filter(([k]) => k !== 'provenance')
    .flatMap(([k, v]) => numericPaths(v, prefix ? `${prefix}.${k}` : k));
}

function valueAt(spec: GpuSpec, path: string): number {
  return path.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], spec) as number;
}

type Outcome = { latency: number; energy: number } | { refused: string };

/** The prediction with `path` set as `--set` sets it (deriveSpec), or why it is refused. */
function viaSet(path: string, value: number): Outcome {
  try {
    const r = simulate({ hardware: deriveSpec(h200, { [path]: value }, '--set'), workload, kernel: 'fa2' });
    return { latency: r.latencySeconds, energy: r.energyJoules };
  } catch (e) {
    if (isInputError(e)) return { refused: e.message };
    throw e;
  }
}

/** The prediction of the one-point sweep with parameter `name` at `value`, or why it is refused. */
function viaSweep(name: string, value: number): Outcome {
  try {
    const plan = planSweep({ sweep: { base: 'h200-sxm', kernel: 'fa2', parameters: [{ path: name, values: [value] }], workloads: [SWEEP_WORKLOAD] }, hardwareFiles: {} });
    const row = new PointEvaluator(plan).evaluate(0);
    if (row.status !== 'ok') return { refused: String(row.reason) };
    return { latency: row.latencySeconds as number, energy: row.energyJoules as number };
  } catch (e) {
    if (isInputError(e)) return { refused: e.message };
    throw e;
  }
}

/** A changed value that keeps integers whole (counts) and moves everything else by half again. */
function changed(spec: GpuSpec, path: string): number {
  const v = valueAt(spec, path);
  return Number.isInteger(v) && v < 1e6 ? Math.max(1, Math.round(v / 2)) : v * 1.5;
}

describe('what-if: --set and sweeps change the same thing', () => {
  const paths = numericPaths(h200);

  it('the spec has the numbers a what-if is asked about', () => {
    for (const p of ['compute.sms', 'compute.clockHz', 'compute.sharedMemoryBytesPerSm', 'power.maxWatts', 'memory.hbm.bandwidthBytesPerSecond', 'memory.l2.bandwidthBytesPerSecond']) {
      expect(paths).toContain(p);
    }
  });

  it.each(paths)('%s: --set and a sweep parameter give the same prediction, or both refuse it', (path) => {
    const value = changed(h200, path);
    const set = viaSet(path, value);
    const swept = viaSweep(path, value);
    if ('refused' in set || 'refused' in swept) {
      expect('refused' in set && 'refused' in swept, `--set: ${JSON.stringify(set)}; sweep: ${JSON.stringify(swept)}`).toBe(true);
      return;
    }
    expectClose(set.latency, (swept as { latency: number }).latency, 1e-12);
    expectClose(set.energy, (swept as { energy: number }).energy, 1e-12);
  });

  it.each(PARAMETER_SHORTCUTS.filter((n) => !n.startsWith('kernel') && n !== 'hardware'))('shortcut %s: the sweep equals --set on the path it stands for', (name) => {
    const path =
      { sms: 'compute.sms', clockHz: 'compute.clockHz', sramBytesPerSm: 'compute.sharedMemoryBytesPerSm' }[name] ??
      {
        l2Bytes: 'memory.l2.bytes',
        l2BandwidthBytesPerSecond: 'memory.l2.bandwidthBytesPerSecond',
        hbmBytes: 'memory.hbm.bytes',
        hbmBandwidthBytesPerSecond: 'memory.hbm.bandwidthBytesPerSecond',
        maxWatts: 'power.maxWatts',
      }[name]!;
    const value = changed(h200, path);
    const set = viaSet(path, value) as { latency: number };
    const swept = viaSweep(name, value) as { latency: number };
    expect(set.latency).toBeGreaterThan(0);
    expectClose(set.latency, swept.latency, 1e-12);
  });

  it('the SM count and the clock move compute-bound latency in proportion (the derived rates follow them)', () => {
    const stock = viaSet('compute.clockHz', h200.compute.clockHz) as { latency: number };
    const half = viaSet('compute.sms', h200.compute.sms / 2) as { latency: number };
    const slow = viaSet('compute.clockHz', h200.compute.clockHz / 2) as { latency: number };
    // Compute-bound at 8K causal: half the SMs or half the clock takes about twice as long (the
    // power limit and the launch's fixed time keep it from exactly 2).
    expect(half.latency / stock.latency).toBeGreaterThan(1.5);
    expect(slow.latency / stock.latency).toBeGreaterThan(1.5);
  });

  it('attnsim simulate --set compute.sms=33 prints the latency of the sweep point sms: 33', async () => {
    const { code, stdout } = await runCli(['simulate', '--set', 'compute.sms=33', '--heads', '32', '--kv-heads', '8', '--q-len', '8192', '--head-dim', '128', '--mask', 'causal', '--json']);
    expect(code).toBe(0);
    const swept = viaSweep('sms', 33) as { latency: number };
    expectClose(JSON.parse(stdout).latencySeconds, swept.latency, 1e-12);
    const stock = viaSet('compute.sms', 132) as { latency: number };
    expect(swept.latency / stock.latency).toBeGreaterThan(2.5);
  });

  it('a power cap at or below idle power is refused by --set and by a sweep, naming power.maxWatts', async () => {
    for (const watts of [h200.power.idleWatts, h200.power.idleWatts - 1]) {
      const { code, stderr } = await runCli(['simulate', '--set', `power.maxWatts=${watts}W`]);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/power\.maxWatts: .* not above .*idle power/);
      expect(() => planSweep({ sweep: { base: 'h200-sxm', parameters: [{ path: 'maxWatts', values: [watts] }], workloads: [SWEEP_WORKLOAD] }, hardwareFiles: {} })).toThrow(/idle power/);
    }
  });

  it('a sweep combining an idle power and a cap that are each fine alone but not together: that design is infeasible, not computed', () => {
    const plan = planSweep({
      sweep: {
        base: 'h200-sxm',
        parameters: [
          { path: 'power.idleWatts', values: [300] },
          { path: 'maxWatts', values: [250, 700] },
        ],
        workloads: [SWEEP_WORKLOAD],
      },
      hardwareFiles: {},
    });
    const evaluator = new PointEvaluator(plan);
    const [low, high] = [evaluator.evaluate(0), evaluator.evaluate(1)];
    expect(low.status).toBe('infeasible');
    expect(String(low.reason)).toMatch(/idle power/);
    expect(high.status).toBe('ok');
  });
});
