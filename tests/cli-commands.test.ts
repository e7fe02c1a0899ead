import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedDataFiles } from '../sim/validate/node/data-files.js';
import { isCalibrationCase } from '../sim/validate/stats.js';
import { runCli } from './helpers.js';

/**
 * Bad input to the commands beside simulate and the sweeps: exit 2, exactly one line on stderr
 * that names the flag, argument or file field at fault, no stack trace.
 */

const dir = mkdtempSync(join(tmpdir(), 'attnsim-cli-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const shippedLines = readFileSync(shippedDataFiles().find((f) => f.endsWith('sdpa-prefill.jsonl'))!, 'utf8')
  .trim()
  .split('\n');
const idOf = (line: string) => (JSON.parse(line) as { id: string }).id;

const empty = file('empty.jsonl', '');
const garbage = file('garbage.jsonl', 'garbage\n');
const unknownHardware = file(
  'unknown-hw.jsonl',
  `${shippedLines
    .slice(0, 2)
    .map((l) => l.replace('"hardware":"h200-sxm"', '"hardware":"zz-gpu"'))
    .join('\n')}\n`,
);
const heldOutOnly = file(
  'held-out.jsonl',
  `${shippedLines
    .filter((l) => !isCalibrationCase(idOf(l)))
    .slice(0, 3)
    .join('\n')}\n`,
);
const partlyBad = file('partly-bad.jsonl', `${shippedLines[0]}\n{"broken": \n${shippedLines[1]}\n`);
const workloads = file('workloads.json', '[{"model":"llama-3.1-8b","contexts":["4k"]}]');
const missingDir = join(dir, 'no-such-dir');

/** Generous: these must fail at once, and a command that hangs must not hang the suite. */
const HANG_GUARD_MS = 60_000;

async function expectOneLineError(args: string[], pattern: RegExp): Promise<{ stdout: string }> {
  const { code, stdout, stderr } = await runCli(args);
  expect(stderr).toMatch(/^attnsim: error: /);
  expect(stderr).toMatch(pattern);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/at .*\.(ts|js):\d+/);
  expect(code).toBe(2);
  return { stdout };
}

describe('attnsim calibrate: no calibration data is one line saying how to add it', () => {
  it.each([
    [['calibrate', '--hardware', 'b200'], /--hardware: no calibration data for "b200": .*validation\/data\/b200\/\*\.jsonl \(format: validation\/FORMAT\.md\)/],
    [['calibrate', '--hardware', 'h100-sxm'], /--hardware: no calibration data for "h100-sxm": .*validation\/data\/h100-sxm\/\*\.jsonl/],
    [['calibrate', '--hardware', 'nope'], /--hardware: unknown preset "nope"; valid presets: /],
    [['calibrate', '--data', empty], /--data: no calibration data for "h200-sxm": the given files hold no measured case of it/],
    [['calibrate', '--data', heldOutOnly], /--data: no calibration data for "h200-sxm": none of its 3 measured cases falls in the calibration split/],
    [['calibrate', '--data', garbage], /--data: .*garbage\.jsonl:1: not valid JSON .*fix or remove the bad lines before fitting/],
    [['calibrate', '--data', dir], /--data: cannot read ".*": it is a directory/],
  ])(
    '%j',
    async (args, pattern) => {
      await expectOneLineError(args, pattern);
    },
    HANG_GUARD_MS,
  );

  it(
    'calibrate on cases without energy or byte counts fits latency only and prints no NaN',
    async () => {
      const latencyOnly = shippedLines
        .filter((l) => isCalibrationCase(idOf(l)))
        .slice(0, 2)
        .map((l) => {
          const c = JSON.parse(l) as { measured: Record<string, unknown> };
          c.measured = { latencyMs: c.measured.latencyMs };
          return JSON.stringify(c);
        });
      const { code, stdout, stderr } = await runCli(['calibrate', '--data', file('latency-only.jsonl', latencyOnly.join('\n'))]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/fitted on 2 calibration-split cases/);
      expect(stdout).toMatch(/energy: SM-side scale\s+1\.000\s+0\s+-/);
      expect(stdout).not.toMatch(/NaN|Infinity/);
    },
    HANG_GUARD_MS,
  );
});

describe('attnsim validate: predicting nothing, or skipping lines, is not a success', () => {
  it.each([
    [['validate', '--data', empty], /--data: no case could be predicted: the files hold no case/],
    [['validate', '--data', garbage], /--data: 1 line is not a measured case \(first: .*garbage\.jsonl:1: not valid JSON .*\); fix or remove it \(format: validation\/FORMAT\.md\)/],
    [['validate', '--data', unknownHardware], /--data: 2 lines are not a measured case \(first: .*unknown-hw\.jsonl:1: hardware: unknown preset "zz-gpu" \(case "/],
    [['validate', '--data', partlyBad], /--data: 1 line is not a measured case \(first: .*partly-bad\.jsonl:2: not valid JSON/],
    [
      ['validate', '--data', file('unmodeled.jsonl', shippedLines[0]!.replace(/"kernel":"[^"]*"/, '"kernel":"ring-nccl"'))],
      /--data: no case could be predicted: the simulator cannot model any of the 1 case \(first: .*no kernel profile for "ring-nccl"\)/,
    ],
    [['validate', '--data', dir], /--data: cannot read ".*": it is a directory/],
    [['validate', '--trace-case', 'x'], /--trace-case: .*add --trace FILE/],
  ])(
    '%j',
    async (args, pattern) => {
      await expectOneLineError(args, pattern);
    },
    HANG_GUARD_MS,
  );

  it('validate --help documents the exit status', async () => {
    const { code, stdout } = await runCli(['validate', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Exit status:\n\s+0\s.*\n\s+2\s+bad input, nothing printed but the one error line:[\s\S]*a line is not\s+a measured case[\s\S]*no case could be\s+predicted/);
  });
});

describe('output files: a path that cannot be written is one line naming the flag', () => {
  it.each([
    [['plot', 'roofline', '--out', join(missingDir, 'x.svg')], /--out: cannot write ".*no-such-dir\/x\.svg": no such file or directory/],
    ...(existsSync('/proc') ? [[['plot', 'roofline', '--out', '/proc/x.svg'], /--out: cannot write "\/proc\/x\.svg": /] as [string[], RegExp]] : []),
    [['compare', 'h100-sxm', 'h200-sxm', '--contexts', '4k', '--csv', join(missingDir, 'x.csv')], /--csv: cannot write ".*x\.csv": no such file or directory/],
    [['validate', '--data', heldOutOnly, '--engine', 'cycle', '--trace', join(missingDir, 't.json')], /--trace: cannot write ".*t\.json": no such file or directory/],
  ])(
    '%j',
    async (args, pattern) => {
      await expectOneLineError(args, pattern);
    },
    HANG_GUARD_MS,
  );
});

describe('a device named as an input file is refused before anything reads it (it never ends)', () => {
  const device = '/dev/zero';
  it.skipIf(!existsSync(device)).each([
    [['validate', '--data', device], '--data'],
    [['calibrate', '--data', device], '--data'],
    [['hardware', 'show', device], 'hardware show <id>'],
    [['dataflow', 'show', device], 'dataflow show <id|file>'],
    [['dataflow', 'fifo-sweep', '--hardware', device], '--hardware'],
    [['simulate', '--hardware', device], '--hardware'],
    [['plot', 'roofline', '--out', join(dir, 'r.svg'), '--hardware', device], '--hardware'],
    [['compare', 'h100-sxm', device], 'compare <hardware...>'],
    [['compare', 'h100-sxm', 'h200-sxm', '--workloads', device], '--workloads'],
    [['viz', device, '--port', '0'], 'results'],
  ])(
    '%j',
    async (args, field) => {
      await expectOneLineError(args, new RegExp(`^attnsim: error: ${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: "/dev/zero" is a device, not a file`));
    },
    HANG_GUARD_MS,
  );
});

describe('flags and arguments are named as the user typed them', () => {
  it.each([
    [['dataflow', 'fifo-sweep', '--pipeline', 'spiral'], /^attnsim: error: --pipeline: unknown pipeline "spiral" for a dataflow device; valid: /],
    [['hardware', 'show', '../../etc/passwd'], /^attnsim: error: hardware show <id>: (cannot read )?"\.\.\/\.\.\/etc\/passwd"/],
    [['dataflow', 'show', '../../etc/passwd'], /^attnsim: error: dataflow show <id\|file>: /],
    [['plot', 'roofline', '--out', join(dir, 'r.svg'), '--compare', 'nope'], /^attnsim: error: --compare: unknown preset "nope"/],
    [['compare', 'h100-sxm', 'nope'], /^attnsim: error: compare <hardware\.\.\.>: unknown preset "nope"/],
    [['compare', 'h100-sxm', 'h200-sxm', '--phase', 'middle'], /^attnsim: error: --phase: expected prefill or decode, got "middle"/],
    [['compare', 'h100-sxm', 'h200-sxm', '--contexts', '4k,,8k'], /^attnsim: error: --contexts: /],
    [['compare', 'h100-sxm', 'h200-sxm', '--layer', '99'], /^attnsim: error: --layer: llama-3\.1-8b has layers 0\.\.31, got 99/],
  ])(
    '%j',
    async (args, pattern) => {
      await expectOneLineError(args, pattern);
    },
    HANG_GUARD_MS,
  );
});

describe('conflicting flags are refused, not silently dropped', () => {
  it.each([
    [
      ['simulate', '--hardware', 'streaming-dataflow-generic', '--engine', 'cycle'],
      /^attnsim: error: --engine: the cycle engine runs gpu devices; streaming-dataflow-generic is a dataflow device \(its engines: dataflow-cycle\)/,
    ],
    [['compare', 'h100-sxm', 'h200-sxm', '--model', 'X', '--workloads', workloads], /--model: describes the workload list, which --workloads already gives/],
    [['compare', 'h100-sxm', 'h200-sxm', '--contexts', '64k', '--workloads', workloads], /--contexts: describes the workload list, which --workloads already gives/],
    [['plot', 'timeline', '--out', join(dir, 't.svg'), '--hardware', 'sn40l-like'], /--hardware: plot timeline draws the GPU cycle engine's CTAs on SMs; sn40l-like is a dataflow device/],
    [['sparse', '--density', '0.5', '--points', '0.1'], /--points: are the points of a sweep: add --sweep/],
    [['sparse', '--mask', 'window:64', '--block', '64'], /--block: sets the block size of a --method or --density selection/],
    [['sparse', '--density', '0.5', '--csv', '--json'], /--csv: give --csv or --json, not both/],
    [['sparse', '--heads', '8', '--q-len', '4k', '--head-dim', '64', '--density', '0.1', '--block', '100000'], /--block: 100000-token blocks are longer than the sequence \(4096 keys\)/],
    [
      ['sparse', '--heads', '8', '--q-len', '4k', '--head-dim', '64', '--density', '0.1', '--block', '300'],
      /--block: FlashAttention-2 tiled at the block \(304×304\): .*does not fit.*multiples of 128 run on flex/,
    ],
  ])(
    '%j',
    async (args, pattern) => {
      await expectOneLineError(args, pattern);
    },
    HANG_GUARD_MS,
  );

  it('compare --workloads alone still runs the file', async () => {
    const { code, stdout } = await runCli(['compare', 'h100-sxm', 'h200-sxm', '--workloads', workloads]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/llama-3\.1-8b prefill 4k b1/);
  });
});

describe('work too large to finish in seconds is refused up front, naming the limit', () => {
  it.each([
    [['dataflow', 'fifo-sweep', '--n', '100000'], /--n: N = 100000 in 1-key blocks is 100000 key blocks per row, above the sweep's limit of 4096/],
    [['dataflow', 'fifo-sweep', '--n', '100000', '--block-k', '8'], /--block-k: .*12500 key blocks per row/],
    [['dataflow', 'fifo-sweep', '--depths', '1-100000000'], /--depths: at most 64 depths per sweep/],
    [['dataflow', 'fifo-sweep', '--depths', '5-1'], /--depths: a range runs from low to high/],
    [['dataflow', 'fifo-sweep', '--block-k', '100000'], /--block-k: a key block of 100000 tokens is longer than the sequence \(N = 64\)/],
    [
      ['simulate', '--hardware', 'streaming-dataflow-generic', '--heads', '1', '--q-len', '10M', '--head-dim', '64'],
      /workload: 10485760 queries in 1-query blocks are 10485760 query blocks per sequence, above the dataflow planner's limit of 1048576/,
    ],
    [
      ['simulate', '--hardware', 'streaming-dataflow-generic', '--heads', '32', '--kv-heads', '8', '--q-len', '1', '--kv-len', '1M', '--head-dim', '128', '--phase', 'decode', '--batch', '64'],
      /workload: simulating pipeline .* takes ~1\.5e\+8 events, above the dataflow engine's limit of 4\.0e\+7/,
    ],
    [
      ['compare', 'h100-sxm', 'h200-sxm', '--contexts', '128k', '--batch', '64'],
      /compare: no workload runs on any of the machines \(llama-3\.1-8b prefill 128k b64 on h100-sxm: workload: does not fit/,
    ],
  ])(
    '%j',
    async (args, pattern) => {
      await expectOneLineError(args, pattern);
    },
    HANG_GUARD_MS,
  );
});
