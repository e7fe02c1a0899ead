import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getCalibration } from '../hardware/index.js';
import { loadCaseFiles } from '../sim/cli/commands/validate.js';
import { shippedDataFiles } from '../sim/validate/node/data-files.js';
import { processIo } from '../sim/cli/io.js';
import { calibrate } from '../sim/calibrate/index.js';
import { parseCases } from '../sim/validate/format.js';
import { validateCases } from '../sim/validate/run.js';
import { fnv1a, isCalibrationCase, mape, spearman } from '../sim/validate/stats.js';
import { expectClose, runCli } from './helpers.js';

const shipped = loadCaseFiles(shippedDataFiles(), processIo);

describe('measured-case format', () => {
  it('parseCases reads good lines and reports bad ones with their line numbers', () => {
    const good = readFileSync(shippedDataFiles()[0]!, 'utf8').split('\n')[0]!;
    const text = [good, '{not json', JSON.stringify({ id: 'x', hardware: 'h200-sxm' }), '', good.replace('"latencyMs":', '"latencyMs":-1,"was":')].join('\n');
    const { cases, errors } = parseCases(text, 'f.jsonl');
    expect(cases).toHaveLength(1);
    expect(errors.map((e) => e.line)).toEqual([2, 3, 5]);
    expect(errors[0]!.message).toMatch(/not valid JSON/);
    expect(errors[1]!.message).toMatch(/^kernel/);
    expect(errors[2]!.message).toMatch(/measured.latencyMs/);
  });

  it('parseCases: a case of hardware no preset describes is a bad line, named with its id and line', () => {
    const good = readFileSync(shippedDataFiles()[0]!, 'utf8').split('\n')[0]!;
    const { cases, errors } = parseCases([good, good.replace('"hardware":"h200-sxm"', '"hardware":"zz-gpu"')].join('\n'), 'f.jsonl');
    expect(cases).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(2);
    expect(errors[0]!.message).toMatch(/^hardware: unknown preset "zz-gpu" \(case "/);
  });

  it('every shipped line parses', () => {
    expect(shipped.errors).toEqual([]);
    expect(shipped.cases.length).toBeGreaterThanOrEqual(120);
    expect(shipped.cases.filter((c) => c.measured.dramReadBytes !== undefined).length).toBeGreaterThanOrEqual(40);
    expect(shipped.cases.every((c) => c.measured.energyMilliJoules !== undefined)).toBe(true);
  });
});

describe('validate statistics', () => {
  it('spearman: 1 for the same order, −1 for the reverse, ties averaged', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expectClose(spearman([1, 2, 2, 3], [1, 2, 3, 4]), 0.9486832980505138, 1e-12);
  });

  it('mape is the mean absolute relative error in percent', () => {
    expect(mape([0.1, -0.3])).toBeCloseTo(20, 12);
  });

  it('the split rule is a stable hash: about a quarter of the shipped cases calibrate', () => {
    expect(fnv1a('a')).toBe(0xe40c292c);
    const share = shipped.cases.filter((c) => isCalibrationCase(c.id)).length / shipped.cases.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.35);
  });
});

describe('validate on the shipped H200 data', () => {
  const result = validateCases(shipped.cases);
  const held = result.summary.heldOut;

  it('models every shipped case', () => {
    expect(result.unsupported).toEqual([]);
  });

  it('held-out errors stay within the acceptance bounds (latency ≤ 10%, DRAM ≤ 15%, L2 ≤ 25%, energy ≤ 15%)', () => {
    expect(held.latency!.mape).toBeLessThanOrEqual(10);
    expect(held.dramBytes!.mape).toBeLessThanOrEqual(15);
    expect(held.l2Bytes!.mape).toBeLessThanOrEqual(25);
    expect(held.energy!.mape).toBeLessThanOrEqual(15);
    expect(held.latency!.spearman).toBeGreaterThan(0.95);
  });

  it('held-out latency error is at least 3× lower than the plain roofline baseline', () => {
    expect(3 * held.latency!.mape).toBeLessThanOrEqual(result.summary.baseline.heldOut!.mape);
  });

  it('a case the simulator cannot model is listed with its reason, never dropped', () => {
    const base = shipped.cases[0]!;
    const odd = [
      { ...base, id: 'ring/1', kernel: 'ring-nccl' },
      { ...base, id: 'mask/1', workload: { ...base.workload, mask: { kind: 'dilated', stride: 2 } } },
      { ...base, id: 'hw/1', hardware: 'tpu-v9' },
      // A kernel that cannot lower the workload (the memory-efficient kernel has no GQA path).
      { ...base, id: 'gqa/1', kernel: 'sdpa-efficient', workload: { ...base.workload, heads: 32, kvHeads: 8 } },
    ];
    const r = validateCases([base, ...odd]);
    expect(r.cases).toHaveLength(1);
    expect(r.summary.unsupported).toBe(4);
    expect(r.unsupported.map((u) => u.reason)).toEqual([
      expect.stringMatching(/no kernel profile for "ring-nccl"/),
      expect.stringMatching(/mask .*dilated/),
      expect.stringMatching(/unknown preset "tpu-v9"/),
      expect.stringMatching(/no GQA/),
    ]);
  });
});

describe('calibrate', () => {
  it('never reads held-out cases, and the committed constants are what it fits', () => {
    const files = shippedDataFiles();
    const fit = calibrate(shipped.cases, 'h200-sxm', [], '');
    // Change every held-out measurement: the fit must not move.
    const scrambled = shipped.cases.map((c) => (isCalibrationCase(c.id) ? c : { ...c, measured: { ...c.measured, latencyMs: c.measured.latencyMs * 3, energyMilliJoules: 1 } }));
    const refit = calibrate(scrambled, 'h200-sxm', [], '');
    expect(refit.energy).toEqual(fit.energy);
    expect(refit.kernels).toEqual(fit.kernels);
    // The committed file is this fit. The latency objective is flat near its minimum (an
    // efficiency step of 0.04 can change the MAPE in the 4th decimal), so compare what the
    // constants achieve, and the energy scales, rather than grid positions.
    const committed = getCalibration('h200-sxm')!;
    expect(committed.fittedOn.files).toEqual(files.map((f) => f.slice(f.indexOf('validation/'))));
    expect(Object.keys(committed.kernels).sort()).toEqual(Object.keys(fit.kernels).sort());
    for (const [k, v] of Object.entries(fit.kernels)) {
      expect(Math.abs(committed.kernels[k]!.fitMape - v.fitMape), k).toBeLessThan(0.05);
      expectClose(committed.kernels[k]!.dynamicEnergyScale, v.dynamicEnergyScale, 1e-3);
    }
    expectClose(committed.energy.smScale, fit.energy.smScale, 1e-3);
    expectClose(committed.energy.memoryScale, fit.energy.memoryScale, 1e-3);
    expectClose(committed.energy.softmaxScale, fit.energy.softmaxScale, 1e-3);
  });
});

describe('attnsim validate', () => {
  it('validate --data works on any file in the format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnsim-'));
    const file = join(dir, 'mine.jsonl');
    const lines = readFileSync(shippedDataFiles()[0]!, 'utf8').split('\n').slice(0, 3);
    writeFileSync(file, `${lines[0]}\n\n${lines[1]}\n`);
    const { code, stdout, stderr } = await runCli(['validate', '--data', file, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.cases).toHaveLength(2);
    expect(r.summary.latency.count).toBe(2);
    for (const key of ['id', 'predicted', 'measured', 'error']) expect(r.cases[0]).toHaveProperty(key);
  });

  it('validate --data with a bad line among good ones: one line naming the count and the first, exit 2, no summary of the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnsim-'));
    const file = join(dir, 'mine.jsonl');
    const lines = readFileSync(shippedDataFiles()[0]!, 'utf8').split('\n').slice(0, 3);
    writeFileSync(file, `${lines[0]}\n{"broken": \n${lines[1]}\n{}\n`);
    const { code, stdout, stderr } = await runCli(['validate', '--data', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^attnsim: error: --data: 2 lines are not a measured case \(first: .*mine\.jsonl:2: not valid JSON.*\); fix or remove them/);
  });

  it('validate prints the summary table with the roofline baseline', async () => {
    const { code, stdout } = await runCli(['validate']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/latency\s+held-out\s+\d+/);
    expect(stdout).toMatch(/latency \(plain roofline\)\s+held-out/);
  });

  it('validate --data with a missing file exits 2', async () => {
    const { code, stderr } = await runCli(['validate', '--data', '/nonexistent.jsonl']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--data: cannot read/);
  });

  it('validate --repeat: a pass that puts a pair within the tie fraction makes it a tie; a missing pass file exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnsim-'));
    const [a, b] = readFileSync(shippedDataFiles()[0]!, 'utf8')
      .split('\n')
      .slice(0, 2)
      .map((l) => JSON.parse(l));
    // Two kernels on one workload, 20% apart in the main measurement, 2% apart in the repeat pass.
    const bId = `other-kernel${a.id.slice(a.id.indexOf('/'))}`;
    const withDram = (c: typeof a, id: string, bytes: number) => ({ ...c, id, measured: { ...c.measured, dramReadBytes: bytes, dramWriteBytes: 0 } });
    writeFileSync(join(dir, 'main.jsonl'), [withDram(a, a.id, 1e6), withDram({ ...a, kernel: a.kernel }, bId, 1.2e6), b].map((c) => JSON.stringify(c)).join('\n'));
    writeFileSync(join(dir, 'pass.jsonl'), [withDram(a, a.id, 1e6), withDram(a, bId, 1.02e6)].map((c) => JSON.stringify(c)).join('\n'));
    const once = JSON.parse((await runCli(['validate', '--data', join(dir, 'main.jsonl'), '--json'])).stdout);
    const twice = JSON.parse((await runCli(['validate', '--data', join(dir, 'main.jsonl'), '--repeat', join(dir, 'pass.jsonl'), '--json'])).stdout);
    expect(once.summary.dramOrdering.scored).toBe(1);
    expect(twice.summary.dramOrdering.scored).toBe(0);
    expect(twice.summary.dramOrdering.repeatPasses).toBe(1);
    const missing = await runCli(['validate', '--repeat', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--repeat: cannot read/);
  });
});
