import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveDataflowSpec, getDataflowPreset } from '../hardware/dataflow/index.js';
import { getPreset } from '../hardware/index.js';
import { checkDataflowLimits, checkDeviceLimits } from '../hardware/limits.js';
import { withClockHz } from '../sim/dse/derive.js';
import { readSweepInput } from '../sim/dse/node/read-sweep.js';
import { specHash } from '../sim/dse/node/spec-hash.js';
import { planSweep } from '../sim/dse/plan.js';
import { simulate } from '../sim/simulate.js';
import { makeWorkload } from '../workloads/workload.js';
import { runCli } from './helpers.js';

/**
 * Sweeps over dataflow devices: dataflow spec fields as parameters, beside GPUs, with the
 * rows, resume, hash, Pareto and sensitivity of any sweep. Every point here is one small
 * dataflow simulation (8 heads, 2K tokens: tens of milliseconds).
 */

const dir = mkdtempSync(join(tmpdir(), 'attnsim-dse-dataflow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KiB = 1024;
const MiB = 1024 * KiB;
const WORKLOAD = { heads: 8, qLen: '2k', headDim: 128 };
const workload = makeWorkload({ heads: 8, qLen: 2048, headDim: 128 });

let fileNumber = 0;
function writeSweep(content: object): string {
  const path = join(dir, `sweep-${fileNumber++}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

type Row = Record<string, number | string | null>;

/** Run a sweep into a new JSONL file; its header and rows. */
async function sweep(spec: string, ...flags: string[]): Promise<{ output: string; header: Row; rows: Row[]; stdout: string }> {
  const output = join(dir, `results-${fileNumber++}.jsonl`);
  const { code, stdout, stderr } = await runCli(['sweep', spec, '-o', output, ...flags]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const [header, ...rows] = readFileSync(output, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  return { output, header: header!, rows, stdout };
}

/** A sweep that must be refused at plan time: its one line. */
async function refused(content: object): Promise<string> {
  const { code, stdout, stderr } = await runCli(['sweep', writeSweep(content), '-o', join(dir, `refused-${fileNumber++}.jsonl`)]);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr.trim().split('\n')).toHaveLength(1);
  return stderr;
}

/**
 * One replica of the incremental pipeline with 64×64 blocks and head dim 128 holds 2-deep FIFOs
 * of: Q, K and V blocks (64 × 128 bf16 = 16 KiB each), the score block and the two exp blocks
 * (64 × 64 fp32 = 16 KiB each), three per-row vectors (64 fp32 = 256 B: max delta to the sum and
 * to PV, and the sum), and the accumulator and output (64 × 128 fp32 = 32 KiB each).
 */
const FIFO_BYTES_PER_REPLICA = 2 * (6 * 16 * KiB + 3 * 256 + 2 * 32 * KiB);

describe('sweep over a dataflow preset: memory.fifoBudgetBytes on sn40l-like', () => {
  const budgets = [256 * KiB, 512 * KiB, MiB, 4 * MiB, 260e6];
  let rows: Row[];
  beforeAll(async () => {
    const spec = writeSweep({
      name: 'fifo-budget',
      base: 'sn40l-like',
      parameters: [{ path: 'memory.fifoBudgetBytes', values: ['256 KiB', '512 KiB', '1 MiB', '4 MiB', '260 MB'] }],
      workloads: [WORKLOAD],
      record: ['dataflow.replicas'],
    });
    ({ rows } = await sweep(spec));
  });

  it('one row per budget, run by the dataflow-cycle engine', () => {
    expect(rows.map((r) => r['memory.fifoBudgetBytes'])).toEqual(budgets);
    expect(FIFO_BYTES_PER_REPLICA).toBe(329216);
    for (const row of rows) expect(row).toMatchObject({ hardware: 'sn40l-like', kernel: 'fa2', workloadLabel: 'h8 q2k×kv2k d128 none b1 bf16' });
  });

  it("a budget below one replica's FIFOs is an infeasible row with the reason", () => {
    expect(rows[0]).toMatchObject({ status: 'infeasible', latencySeconds: null, energyJoules: null, bound: null });
    expect(rows[0]!.reason).toBe(`memory.fifoBudgetBytes: one replica needs ${FIFO_BYTES_PER_REPLICA} B of FIFOs, more than the budget of ${256 * KiB} B`);
  });

  it('more FIFO budget, more pipeline replicas, lower latency: replicas = ⌊budget / FIFO bytes per replica⌋ until the compute units run out', () => {
    const ok = rows.slice(1);
    for (const row of ok) expect(row.status).toBe('ok');
    const replicas = ok.map((r) => r['report.dataflow.replicas'] as number);
    // The full budget is limited by compute units instead: that many replicas and no more.
    const unitLimit = replicas.at(-1)!;
    expect(replicas).toEqual(budgets.slice(1).map((b) => Math.min(unitLimit, Math.floor(b / FIFO_BYTES_PER_REPLICA))));
    expect(replicas.slice(0, -1)).toEqual([1, 3, 12]);
    const latencies = ok.map((r) => r.latencySeconds as number);
    for (let i = 1; i < latencies.length; i++) expect(latencies[i]!).toBeLessThan(latencies[i - 1]!);
    // The 8 × 32 = 256 row blocks are dealt to the replicas; each takes about the same time
    // per row block, so latency follows ⌈256 / replicas⌉ (within pipeline fill, a few %).
    const perRow = ok.map((r, i) => (r.latencySeconds as number) / Math.ceil(256 / replicas[i]!));
    for (const t of perRow) expect(Math.abs(t / perRow[0]! - 1)).toBeLessThan(0.05);
  });

  it('a row equals simulate() of the same derived spec, exactly', () => {
    const derived = deriveDataflowSpec(getDataflowPreset('sn40l-like'), { 'memory.fifoBudgetBytes': '1 MiB' });
    const report = simulate({ hardware: derived, workload, kernel: 'fa2' });
    expect(rows[2]!.latencySeconds).toBe(report.latencySeconds);
    expect(rows[2]!.energyJoules).toBe(report.energyJoules);
    expect(rows[2]!.bound).toBe(report.bound);
  });

  it("pareto and sensitivity read the results like any sweep's", async () => {
    const spec = writeSweep({
      name: 'fifo-and-units',
      base: 'sn40l-like',
      parameters: [
        { path: 'memory.fifoBudgetBytes', values: ['1 MiB', '4 MiB'] },
        { path: 'units.compute.count', values: [260, 1040] },
      ],
      workloads: [WORKLOAD],
    });
    const { output, rows: grid } = await sweep(spec);
    expect(grid.every((r) => r.status === 'ok')).toBe(true);
    const pareto = await runCli(['pareto', output, '--objectives', 'latency,energy']);
    expect(pareto.code).toBe(0);
    expect(pareto.stdout).toMatch(/^Pareto front over latency × energy: \d of 4 designs/);
    const across = await runCli(['sensitivity', output, '--objectives', 'latency']);
    expect(across.code).toBe(0);
    expect(across.stdout).toMatch(/memory\.fifoBudgetBytes +\d/);
    const oneAtATime = await runCli(['sensitivity', spec, '--objectives', 'latency']);
    expect(oneAtATime.code).toBe(0);
    // The baseline is the preset's own compute units (1040); the FIFO budget takes the middle.
    expect(oneAtATime.stdout).toMatch(/^one at a time around memory\.fifoBudgetBytes=1 MiB, units\.compute\.count=1040\n/);
  });
});

describe('sweep over GPUs and dataflow devices together', () => {
  const content = {
    name: 'mixed',
    base: 'h200-sxm',
    parameters: [
      { path: 'hardware', values: ['h200-sxm', 'sn40l-like'] },
      { path: 'clockHz', values: ['1.2 GHz', '1.6 GHz'] },
      { path: 'kernel.tileQ', values: [64, 128] },
    ],
    workloads: [WORKLOAD],
    objectives: ['latency', 'energy', 'edp'],
    record: ['bytes.hbm.read', 'dataflow.block.queries'],
  };
  let spec: string;
  let first: Awaited<ReturnType<typeof sweep>>;
  beforeAll(async () => {
    spec = writeSweep(content);
    first = await sweep(spec);
  });

  it("each hardware runs its kind's engine; --dry-run says which", async () => {
    const plan = planSweep(readSweepInput(spec));
    expect(plan.engine).toBe('analytical');
    expect([...plan.engines]).toEqual([
      ['h200-sxm', 'analytical'],
      ['sn40l-like', 'dataflow-cycle'],
    ]);
    const dry = await runCli(['sweep', spec, '--dry-run']);
    expect(dry.stdout.split('\n')[0]).toBe('mixed: 8 designs × 1 workload = 8 points; fa2 on h200-sxm, engines: analytical (h200-sxm), dataflow-cycle (sn40l-like)');
  });

  it('every row equals simulate() of its design: clockHz is the SM clock of the GPU and the array clock of the dataflow device, tileQ its query block', () => {
    const { rows } = first;
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(row.status).toBe('ok');
      const clock = row.clockHz as number;
      const tileQ = row['kernel.tileQ'] as number;
      const hardware = row.hardware === 'h200-sxm' ? withClockHz(getPreset('h200-sxm'), clock) : deriveDataflowSpec(getDataflowPreset('sn40l-like'), { clockHz: clock });
      const report = simulate({ hardware, workload, kernel: 'fa2', kernelOptions: { tileQ } });
      expect(row.latencySeconds).toBe(report.latencySeconds);
      expect(row.energyJoules).toBe(report.energyJoules);
      expect(row['report.bytes.hbm.read']).toBe(report.bytes.hbm.read);
      // A path of the dataflow report alone is empty on the GPU's rows.
      expect(row['report.dataflow.block.queries']).toBe(row.hardware === 'h200-sxm' ? null : tileQ);
    }
    // A third more array clock: the units, bound by the softmax scans, a third faster; the HBM
    // keeps its bandwidth, so a little less than a third in all.
    const sn40l = rows.filter((r) => r.hardware === 'sn40l-like' && r['kernel.tileQ'] === 64);
    const speedup = (sn40l[0]!.latencySeconds as number) / (sn40l[1]!.latencySeconds as number);
    expect(speedup).toBeGreaterThan(1.25);
    expect(speedup).toBeLessThanOrEqual(1.6 / 1.2);
  });

  it('--limit then a rerun: the same file as one uninterrupted run; the spec hash is kept', async () => {
    const output = join(dir, 'mixed-resumed.jsonl');
    const part = await runCli(['sweep', spec, '-o', output, '--limit', '3']);
    expect(part.stdout).toMatch(/computed 3 .*\n5 points left/);
    const rest = await runCli(['sweep', spec, '-o', output]);
    expect(rest.stdout).toMatch(/computed 5 .*; 3 already in the file/);
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(first.output, 'utf8'));
    expect(first.header.specHash).toBe(specHash(planSweep(readSweepInput(spec))));
  });

  it('pareto and sensitivity compare GPU and dataflow designs', async () => {
    const pareto = await runCli(['pareto', first.output, '--objectives', 'latency,energy']);
    expect(pareto.code).toBe(0);
    expect(pareto.stdout).toMatch(/sn40l-like/);
    const across = await runCli(['sensitivity', first.output, '--objectives', 'latency']);
    expect(across.code).toBe(0);
    expect(across.stdout).toMatch(/\nhardware +\d/);
  });
});

describe('a dataflow spec file as the base', () => {
  it('is read beside the sweep file; a change to its numbers changes the spec hash, so old results are refused', async () => {
    const preset = JSON.parse(readFileSync(new URL('../hardware/presets/dataflow/sn40l-like.json', import.meta.url), 'utf8')) as Record<string, any>;
    const specFile = join(dir, 'my-rdu.json');
    writeFileSync(specFile, JSON.stringify({ ...preset, id: 'my-rdu' }));
    const spec = writeSweep({ name: 'file', base: './my-rdu.json', parameters: [{ path: 'memory.fifoBudgetBytes', values: ['4 MiB'] }], workloads: [WORKLOAD] });
    const { output, rows } = await sweep(spec);
    expect(rows[0]).toMatchObject({ hardware: './my-rdu.json', status: 'ok' });
    const derived = deriveDataflowSpec(getDataflowPreset('sn40l-like'), { 'memory.fifoBudgetBytes': 4 * MiB });
    expect(rows[0]!.latencySeconds).toBe(simulate({ hardware: derived, workload, kernel: 'fa2' }).latencySeconds);

    writeFileSync(specFile, JSON.stringify({ ...preset, id: 'my-rdu', clockHz: '1 GHz' }));
    const rerun = await runCli(['sweep', spec, '-o', output]);
    expect(rerun.code).toBe(2);
    expect(rerun.stderr).toMatch(/holds results of another sweep spec/);
  });
});

describe("limits between a dataflow spec's numbers", () => {
  it('a combination the device cannot have is an infeasible row with the reason; the others run', async () => {
    const spec = writeSweep({
      // Each value is checked alone on the base when the sweep is planned (as a GPU's are):
      // with the preset's 260 MB FIFO budget, 2 MiB of on-chip memory would be refused there.
      name: 'on-chip',
      base: 'sn40l-like',
      set: { 'memory.fifoBudgetBytes': '1 MiB' },
      parameters: [
        { path: 'memory.onChip.bytes', values: ['2 MiB', '520 MB'] },
        { path: 'memory.fifoBudgetBytes', values: ['1 MiB', '4 MiB'] },
      ],
      workloads: [WORKLOAD],
    });
    const { rows, stdout } = await sweep(spec);
    expect(stdout).toMatch(/computed 4 \(1 infeasible\)/);
    expect(rows.map((r) => r.status)).toEqual(['ok', 'infeasible', 'ok', 'ok']);
    expect(rows[1]!.reason).toBe(`memory.fifoBudgetBytes: the FIFO budget cannot exceed the on-chip memory: ${4 * MiB} B is above the ${2 * MiB} B of memory.onChip.bytes`);
  });

  it("an idle power at or above the power cap is refused like a GPU's", async () => {
    const stderr = await refused({ base: 'sn40l-like', parameters: [{ path: 'maxWatts', values: ['100 W', '600 W'] }], workloads: [WORKLOAD] });
    expect(stderr).toBe("attnsim: error: sweep.parameters[0].values[0]: power.maxWatts: 100 W is not above sn40l-like's idle power (power.idleWatts = 150 W): the device could do no work\n");
  });

  it('checkDataflowLimits: power headroom and the FIFO budget within on-chip memory; checkDeviceLimits dispatches by kind', () => {
    const sn40l = getDataflowPreset('sn40l-like');
    expect(() => checkDataflowLimits(sn40l)).not.toThrow();
    expect(() => checkDataflowLimits({ ...sn40l, power: { idleWatts: 150, maxWatts: 150 } })).toThrow(/power\.maxWatts: 150 W is not above sn40l-like's idle power/);
    expect(() => checkDeviceLimits({ ...sn40l, memory: { ...sn40l.memory, fifoBudgetBytes: sn40l.memory.onChip.bytes + 1 } }, 'x')).toThrow(
      /^x: memory\.fifoBudgetBytes: the FIFO budget cannot exceed the on-chip memory/,
    );
    const h200 = getPreset('h200-sxm');
    expect(() => checkDeviceLimits({ ...h200, power: { ...h200.power, maxWatts: 100 } })).toThrow(/the board could do no work/);
  });
});

describe('refused at plan time, in one line', () => {
  it.each([
    ['sms', 'sms', [66], /^attnsim: error: sweep\.parameters\[0\]\.path: "sms" changes a GPU's SM count .*; sn40l-like is a dataflow device: sweep units\.compute\.count/],
    [
      'sramBytesPerSm',
      'sramBytesPerSm',
      ['128 KiB'],
      /"sramBytesPerSm" changes a GPU's shared memory per SM; sn40l-like is a dataflow device: sweep memory\.onChip\.bytes or memory\.fifoBudgetBytes instead/,
    ],
    ['compute.clockHz', 'compute.clockHz', ['1 GHz'], /"compute\.clockHz" changes a GPU's SM clock; sn40l-like is a dataflow device: sweep clockHz/],
    [
      'hbmBandwidthBytesPerSecond',
      'hbmBandwidthBytesPerSecond',
      ['2 TB/s'],
      /sn40l-like is a dataflow device: sweep memory\.dram\.hbm\.bandwidthBytesPerSecond or memory\.dram\.ddr\.bandwidthBytesPerSecond instead/,
    ],
    ['kernel.splits', 'kernel.splits', [2], /"kernel\.splits" changes split-KV, a GPU kernel option .*; sn40l-like is a dataflow device/],
  ])('a GPU-only shortcut on a dataflow device: %s', async (_name, path, values, pattern) => {
    expect(await refused({ base: 'sn40l-like', parameters: [{ path, values }], workloads: [WORKLOAD] })).toMatch(pattern);
  });

  it('a GPU-only shortcut in a sweep whose hardware parameter brings a dataflow device', async () => {
    const stderr = await refused({
      base: 'h200-sxm',
      parameters: [
        { path: 'sms', values: [66] },
        { path: 'hardware', values: ['h200-sxm', 'sn40l-like'] },
      ],
      workloads: [WORKLOAD],
    });
    expect(stderr).toMatch(/^attnsim: error: sweep\.parameters\[0\]\.path: "sms" changes a GPU's SM count .*; sn40l-like is a dataflow device/);
  });

  it('a field of one kind in a sweep of both', async () => {
    const stderr = await refused({
      base: 'h200-sxm',
      parameters: [
        { path: 'hardware', values: ['h200-sxm', 'sn40l-like'] },
        { path: 'memory.fifoBudgetBytes', values: ['1 MiB'] },
      ],
      workloads: [WORKLOAD],
    });
    expect(stderr).toMatch(
      /sweep\.parameters\[1\]\.path: "memory\.fifoBudgetBytes" is a field of sn40l-like \(a dataflow device\) but not of h200-sxm \(a gpu device\); a parameter applies to every hardware of a sweep/,
    );
  });

  it.each([['area'], ['cost']])('the %s objective on a dataflow device', async (objective) => {
    const stderr = await refused({ base: 'h200-sxm', parameters: [{ path: 'hardware', values: ['h200-sxm', 'sn40l-like'] }], workloads: [WORKLOAD], objectives: ['latency', objective] });
    expect(stderr).toMatch(new RegExp(`^attnsim: error: sweep\\.objectives\\[1\\]: ${objective} is defined for gpu devices only .*; sn40l-like is a dataflow device`));
  });

  it('an engine that does not run a device of the sweep', async () => {
    const stderr = await refused({ base: 'sn40l-like', engine: 'analytical', workloads: [WORKLOAD] });
    expect(stderr).toBe('attnsim: error: sweep.engine: the analytical engine runs gpu devices; sn40l-like is a dataflow device (its engines: dataflow-cycle)\n');
  });

  it('a kernel no device of the sweep runs', async () => {
    const stderr = await refused({ base: 'sn40l-like', kernel: 'split-kv', workloads: [WORKLOAD] });
    expect(stderr).toMatch(/^attnsim: error: sweep\.kernel: no hardware of this sweep \(dataflow devices\) runs kernel "split-kv"; valid here: incremental, /);
  });
});
