import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dominates } from '../sim/dse/pareto.js';
import { runCli } from './helpers.js';

const SMALL = new URL('./fixtures/dse/small.yaml', import.meta.url).pathname;
const MEDIUM = new URL('./fixtures/dse/medium.yaml', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'attnsim-dse-analysis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const small = join(dir, 'small.jsonl');
const medium = join(dir, 'medium.csv');

beforeAll(async () => {
  expect((await runCli(['sweep', SMALL, '-o', small])).code).toBe(0);
  expect((await runCli(['sweep', MEDIUM, '-o', medium])).code).toBe(0);
});

describe('attnsim pareto', () => {
  it('pareto RESULTS --objectives latency,cost: a table of the front and its CSV, every row non-dominated', async () => {
    const csvPath = join(dir, 'front.csv');
    const { code, stdout } = await runCli(['pareto', small, '--objectives', 'latency,cost', '--csv', csvPath]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Pareto front over latency × cost: 4 of 4 designs \(left out: 4 infeasible\), totals over each design's workloads/);
    expect(stdout).toMatch(/design\s+latency\s+cost\s+hbmBandwidthBytesPerSecond\s+sms\s+bound/);
    const [header, ...lines] = readFileSync(csvPath, 'utf8').trim().split('\n');
    expect(header).toBe('design,hbmBandwidthBytesPerSecond,sms,sramBytesPerSm,hardware,kernel,latencySeconds,costDollars,bound');
    const points = lines.map((l) => l.split(',')).map((c) => [Number(c[6]), Number(c[7])]);
    for (const p of points) for (const q of points) expect(dominates(q, p)).toBe(false);
  });

  it('pareto on CSV results with 3 objectives and --per-point', async () => {
    const { code, stdout } = await runCli(['pareto', medium, '--objectives', 'latency,energy,edp', '--per-point', '--csv', '-']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('index,hbmBandwidthBytesPerSecond,sms,l2Bytes,clockHz,hardware,kernel,workloadLabel,latencySeconds,energyJoules,edpJouleSeconds,bound');
  });

  it.each([
    [['--objectives', 'latency'], /--objectives: a Pareto front needs 2 or 3 objectives, got 1/],
    [['--objectives', 'latency,energy,edp,cost'], /got 4/],
    [['--objectives', 'latency,speed'], /--objectives: unknown objective "speed"/],
  ])('pareto %j: exit 2', async (flags, pattern) => {
    const { code, stderr } = await runCli(['pareto', small, ...flags]);
    expect(code).toBe(2);
    expect(stderr).toMatch(pattern);
  });

  it('pareto on results without the objective asked for: exit 2 saying what they hold', async () => {
    const { code, stderr } = await runCli(['pareto', medium, '--objectives', 'latency,cost']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/the results have no cost \(costDollars\); they have latency, energy, edp/);
  });
});

describe('attnsim sensitivity', () => {
  it('sensitivity RESULTS: HBM bandwidth moves decode latency most across the sweep', async () => {
    const { code, stdout } = await runCli(['sensitivity', medium]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^across the sweep: 600 designs/);
    const latency = stdout.split('latency:\n')[1]!.split('\n');
    expect(latency[1]).toMatch(/^hbmBandwidthBytesPerSecond\s+\d+\.\d%\s+\d\.\d\d×\s+8\.00 TB\/s\s+2\.00 TB\/s$/);
  });

  it("sensitivity SWEEP: one at a time around the base hardware's own values, infeasible values named", async () => {
    const { code, stdout } = await runCli(['sensitivity', SMALL, '--objectives', 'latency,area']);
    expect(code).toBe(0);
    // h100-sxm has 132 SMs and 228 KiB; its 3.35 TB/s is not swept, so the middle (first of two) value is the baseline.
    expect(stdout).toMatch(/^one at a time around hbmBandwidthBytesPerSecond=2\.00 TB\/s, sms=132, sramBytesPerSm=228 KiB/);
    expect(stdout).toMatch(/latency \(baseline [\d.]+ µs\):\nparameter\s+swing.*\nhbmBandwidthBytesPerSecond\s+1\.\d\d×/);
    expect(stdout).toMatch(/sramBytesPerSm .* 96 KiB\n/);
    expect(stdout).toMatch(/area \(baseline \d+ mm²\):\nparameter.*\nsms\s+1\.\d\d×/);
  });

  it('sensitivity SWEEP --csv -: one row per objective × parameter', async () => {
    const { code, stdout } = await runCli(['sensitivity', SMALL, '--objectives', 'latency', '--csv', '-']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('objective,factor,baseline,best,bestObjective,worst,worstObjective,swing,infeasibleAt');
    expect(lines).toHaveLength(4);
  });
});

describe('attnsim compare', () => {
  it('compare h100-sxm mi300x with --kernel fa3,fa2: each machine runs the first kernel it can', async () => {
    const { code, stdout } = await runCli(['compare', 'h100-sxm', 'mi300x', '--kernel', 'fa3,fa2', '--phase', 'decode', '--contexts', '32k,64k', '--batch', '4']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^latency \(ratio to h100-sxm; what bounds it\):\nworkload\s+h100-sxm\s+mi300x\n/);
    expect(stdout).toMatch(/llama-3\.1-8b decode 32k b4\s+\S+ µs \w+\s+\S+ µs \d\.\d\d× \w+/);
    expect(stdout).toMatch(/kernels: h100-sxm: fa3, mi300x: fa2/);
  });

  it("compare --workloads SWEEP --csv -: the sweep file's workloads, one CSV row per workload × machine", async () => {
    const { code, stdout } = await runCli(['compare', 'h100-sxm', 'h200-sxm', 'b200', '--workloads', SMALL, '--objectives', 'latency,cost', '--csv', '-']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('workloadLabel,hardware,kernel,status,bound,latencySeconds,costDollars,reason');
    expect(lines).toHaveLength(1 + 3 * 3);
  });

  it('compare with one machine: exit 2', async () => {
    const { code, stderr } = await runCli(['compare', 'h100-sxm']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/hardware: compare needs two or more/);
  });
});
