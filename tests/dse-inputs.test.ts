import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_POINTS } from '../sim/dse/plan.js';
import { MAX_PARAMETER_VALUES } from '../sim/dse/values.js';
import { runCli } from './helpers.js';

/**
 * Every way a sweep's inputs can be wrong ends in one line naming the place, and exit 2: value
 * expressions that would allocate without bound, sweeps too large, files that are not what they
 * should be, a results file written under another spec.
 */
const SMALL = new URL('./fixtures/dse/small.yaml', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'attnsim-dse-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A generous hang guard: each case is refused before any large allocation, in well under a second of work. */
const HANG_GUARD_MS = 60_000;

let fileNumber = 0;
function file(text: string, extension = '.yaml'): string {
  const path = join(dir, `input-${fileNumber++}${extension}`);
  writeFileSync(path, text);
  return path;
}

/** A directory with a file's name, as a mistyped path gives. */
function directoryNamed(name: string): string {
  const path = join(dir, `${fileNumber++}-${name}`);
  mkdirSync(path);
  return path;
}

/** A sweep over `values` of the SM count on one small workload. */
function smsSweep(values: string): string {
  return file(`base: h100-sxm\nparameters:\n  - path: sms\n    values: ${values}\nworkloads:\n  - {heads: 8, qLen: 2k, headDim: 64}\n`);
}

async function refused(args: string[], pattern: RegExp): Promise<void> {
  const { code, stdout, stderr } = await runCli(args);
  expect(stderr).toMatch(pattern);
  expect(stderr.split('\n')).toEqual([expect.any(String), '']);
  expect(stdout).toBe('');
  expect(code).toBe(2);
}

describe('attnsim sweep: work is bounded before it starts', () => {
  it.each([
    ['"range(1,10^9)"', /sweep\.parameters\[0\]\.values: bad expression "range\(1,10\^9\)": the range 1:1:1000000000 has 1000000000 values, more than the 10000 a parameter may take/],
    ['"1:1e8"', /the range 1:1:100000000 has 100000000 values, more than the 10000/],
    ['"1:0:5"', /a range with a step of 0 never ends/],
    ['"1:Infinity"', /has endless values, more than the 10000/],
    ['"ones(100000,100000)"', /function ones is not allowed here; functions: round, floor/],
    ['"concat(1:6000, 1:6000)"', /a step gives 12000 values, more than the 10000 a parameter may take/],
    ['"[[1],[2]]"', /a list inside a list; values are one flat list/],
    ['"f(x)=f(x); f(1)"', /block "f\(x\) = f\(x\); f\(1\)" is not allowed in a value expression/],
    ['"createUnit(\\"B\\")"', /function createUnit is not allowed here/],
    ['"(1:3)\'"', /operator "'" is not allowed here/],
    [`"${'1+'.repeat(60)}1"`, /expression of 121 characters, more than the 100 a value expression may have/],
    ['{from: 1, to: 1000000000, steps: 1000000000}', /sweep\.parameters\[0\]\.values\.steps: 1000000000 values, more than the 10000 a parameter may take/],
    [`[${Array.from({ length: MAX_PARAMETER_VALUES + 1 }, (_, i) => i + 1).join(', ')}]`, /sweep\.parameters\[0\]\.values: a list of 10001 values, more than the 10000/],
  ])(
    'sms values %s: refused naming the limit',
    async (values, pattern) => {
      await refused(['sweep', smsSweep(values), '--dry-run'], pattern);
    },
    HANG_GUARD_MS,
  );

  it('the usual expressions still work: powers, units, rounded log steps', async () => {
    const { code, stdout } = await runCli(['sweep', smsSweep('"round(132 * 2 .^ (-1:0.5:1))"'), '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/sms\s+5: 66, 93, 132, 187, 264/);
  });

  it(
    'a sweep of more points than the limit: refused, saying how many the file asks for',
    async () => {
      const path = file('base: h100-sxm\nparameters:\n  - {path: sms, values: "1:1000"}\n  - {path: clockHz, values: "(1:1000) * 1e6"}\nworkloads:\n  - {heads: 8, qLen: 2k, headDim: 64}\n');
      await refused(['sweep', path, '--dry-run'], new RegExp(`^attnsim: error: sweep\\.parameters: 1000000 designs × 1 workload = 1000000 points, more than the ${MAX_POINTS} a sweep may have`));
    },
    HANG_GUARD_MS,
  );

  it("a context past the model's own is refused, naming the entry", async () => {
    const path = file('base: h100-sxm\nworkloads:\n  - {model: llama-3.1-8b, contexts: [32k, 10M]}\n');
    await refused(['sweep', path, '--dry-run'], /^attnsim: error: sweep\.workloads\[0\]\.contexts: 10M tokens is past llama-3\.1-8b's context of 128k \(131072 tokens\)/);
  });

  it(
    'a workload list of more than 10000 workloads is refused before any is built',
    async () => {
      const path = file('base: h100-sxm\nworkloads:\n  - {model: llama-3.1-8b, contexts: "1:200", batch: "1:200"}\n');
      await refused(['sweep', path, '--dry-run'], /^attnsim: error: sweep\.workloads: more than 10000 workloads \(entries × phases × contexts × batches\)/);
    },
    HANG_GUARD_MS,
  );

  it.each([
    [
      String(availableParallelism() + 1),
      new RegExp(`--workers: at most ${availableParallelism()}, the cores this machine offers \\(os\\.availableParallelism\\(\\)\\); got ${availableParallelism() + 1}`),
    ],
    ['1000000', /--workers: at most \d+, the cores this machine offers/],
    ['0', /--workers: expected a positive whole number, got "0"/],
    ['-2', /--workers: expected a positive whole number, got "-2"/],
    ['1.5', /--workers: expected a positive whole number, got "1\.5"/],
  ])('--workers %s: refused, even with --dry-run', async (workers, pattern) => {
    await refused(['sweep', SMALL, '--workers', workers, '--dry-run'], pattern);
  });
});

describe('attnsim sweep: malformed sweep files and outputs', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let level = 1; level < 9; level++) {
    const name = String.fromCharCode(97 + level);
    bomb.push(
      `${name}: &${name} [${Array(9)
        .fill(`*${String.fromCharCode(96 + level)}`)
        .join(',')}]`,
    );
  }

  it.each([
    ['a YAML alias bomb', () => file(`${bomb.join('\n')}\nbase: h100-sxm\nworkloads: *i\n`), /input-\d+\.yaml: cannot be read as YAML \(Excessive alias count/],
    ['a list', () => file('- 1\n- 2\n'), /^attnsim: error: sweep: a sweep file is a mapping \(base:, parameters:, workloads: …\); this one holds a list/],
    ['a string', () => file('hello\n'), /sweep: a sweep file is a mapping .*; this one holds a string \("hello"\)/],
    ['an empty file', () => file(''), /sweep: a sweep file is a mapping .*; this one holds nothing/],
    [
      'a set entry that is a list',
      () => file('base: h100-sxm\nset: {sms: [1, 2]}\nworkloads: [{heads: 8, qLen: 2k, headDim: 64}]\n'),
      /^attnsim: error: sweep\.set\.sms: expected a number or a quantity \(e\.g\. 3\.35 TB\/s\), one per spec path/,
    ],
    ['a set block that is a list', () => file('base: h100-sxm\nset: [sms, 3]\nworkloads: [{heads: 8, qLen: 2k, headDim: 64}]\n'), /^attnsim: error: sweep\.set: .*expected record, received array/],
    [
      'a set entry naming no field',
      () => file('base: h100-sxm\nset: {nosuch.field: 3}\nworkloads: [{heads: 8, qLen: 2k, headDim: 64}]\n'),
      /^attnsim: error: sweep\.set: nosuch\.field: no such field/,
    ],
    [
      'sms and compute.sms in one file',
      () => file('base: h100-sxm\nparameters:\n  - {path: sms, values: [66, 132]}\n  - {path: compute.sms, values: [10]}\nworkloads: [{heads: 8, qLen: 2k, headDim: 64}]\n'),
      /^attnsim: error: sweep\.parameters\[1\]\.path: "compute\.sms" is already swept by sweep\.parameters\[0\] \("sms": the same setting\); keep one of them/,
    ],
    [
      'l2Bytes and memory.l2.bytes in one file',
      () => file('base: h100-sxm\nparameters:\n  - {path: memory.l2.bytes, values: ["50 MiB"]}\n  - {path: l2Bytes, values: ["60 MiB"]}\nworkloads: [{heads: 8, qLen: 2k, headDim: 64}]\n'),
      /sweep\.parameters\[1\]\.path: "l2Bytes" is already swept by sweep\.parameters\[0\] \("memory\.l2\.bytes": the same setting\)/,
    ],
    ['a file over 1 MiB', () => file(`# ${'x'.repeat(1024 * 1024)}\nbase: h100-sxm\n`), /input-\d+\.yaml: ".*" is larger than 1048576 B, the limit for a sweep file/],
    ['a directory', () => directoryNamed('sweep.yaml'), /cannot read ".*sweep\.yaml": it is a directory/],
    ['a device', () => '/dev/zero', /^attnsim: error: \/dev\/zero: "\/dev\/zero" is not a file/],
  ])(
    'sweep FILE with %s: one line, exit 2',
    async (_what, make, pattern) => {
      await refused(['sweep', make(), '--dry-run'], pattern);
    },
    HANG_GUARD_MS,
  );

  it('sweep -o DIRECTORY: one line naming --output', async () => {
    const out = directoryNamed('out.jsonl');
    await refused(['sweep', SMALL, '-o', out], new RegExp(`^attnsim: error: --output: "${out}" is a directory; name a file in it`));
  });
});

describe('attnsim sweep: the header and resuming under a changed spec', () => {
  const base = 'name: spec\nbase: h100-sxm\nset: {memory.hbm.bandwidthBytesPerSecond: 3 TB/s}\nparameters:\n  - {path: sms, values: [66, 132]}\nworkloads: [{heads: 8, qLen: 2k, headDim: 64}]\n';
  let finished: string;
  beforeAll(async () => {
    finished = join(dir, 'spec.jsonl');
    expect((await runCli(['sweep', file(base), '-o', finished])).code).toBe(0);
  });

  it.each([
    ['a set: value changed', base.replace('3 TB/s', '4 TB/s')],
    ['the set: block removed', base.replace(/set: .*\n/, '')],
    ['a set: entry added', base.replace('3 TB/s}', '3 TB/s, memory.l2.bytes: 60 MiB}')],
    ['another engine', `${base}engine: cycle\n`],
    ['another base with the same columns', base.replace('h100-sxm', 'h200-sxm')],
  ])('%s: resume refused in one line naming the output, the file untouched', async (_what, changed) => {
    const out = join(dir, `resumed-${fileNumber++}.jsonl`);
    writeFileSync(out, readFileSync(finished, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
    const before = readFileSync(out, 'utf8');
    await refused(
      ['sweep', file(changed), '-o', out],
      new RegExp(
        `^attnsim: error: --output: "${out}" holds results of another sweep spec: the sweep file \\(its set:, parameters, workloads, hardware, engine …\\) or a spec file it names changed since they were written; to start afresh, delete it or choose another --output\\n$`,
      ),
    );
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it.each([
    ['another name and description', base.replace('name: spec', 'name: renamed\ndescription: the same sweep')],
    ['the same values written as an expression', base.replace('values: [66, 132]', 'values: "66:66:132"')],
    ['the same set: value in other units', base.replace('3 TB/s', '3000 GB/s')],
  ])('%s: the same rows, so resume goes on (the header takes the new name)', async (_what, changed) => {
    const out = join(dir, `same-${fileNumber++}.jsonl`);
    const lines = readFileSync(finished, 'utf8').split('\n');
    writeFileSync(out, `${lines.slice(0, 2).join('\n')}\n`);
    const { code, stdout } = await runCli(['sweep', file(changed), '-o', out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/computed 1 .*; 1 already in the file/);
    const header = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!);
    expect(header.specHash).toBe(JSON.parse(lines[0]!).specHash);
    expect(readFileSync(out, 'utf8').split('\n').slice(1)).toEqual(lines.slice(1));
  });
});

describe('attnsim merge, pareto, sensitivity: results files that are not whole results', () => {
  let good: string;
  let lines: string[];
  beforeAll(async () => {
    good = join(dir, 'good.jsonl');
    expect((await runCli(['sweep', SMALL, '-o', good])).code).toBe(0);
    lines = readFileSync(good, 'utf8').trimEnd().split('\n');
  });

  const changedRow = (line: string) => JSON.stringify({ ...JSON.parse(line), latencySeconds: 1 });
  const cases: Array<[string, () => string, RegExp]> = [
    ['a missing file', () => join(dir, 'nope.jsonl'), /^attnsim: error: (.*nope\.jsonl): cannot read "\1": no such file or directory\n$/],
    ['a directory', () => directoryNamed('results.jsonl'), /: cannot read ".*results\.jsonl": it is a directory\n$/],
    ['an empty file', () => file('', '.jsonl'), /input-\d+\.jsonl: holds no results\n$/],
    ['a header and no rows', () => file(`${lines[0]}\n`, '.jsonl'), /input-\d+\.jsonl: holds no results\n$/],
    ['a cut-off last line', () => file(`${lines.join('\n')}\n${lines[5]!.slice(0, 30)}`, '.jsonl'), /input-\d+\.jsonl: line 26: cut off: the run that wrote it was killed or is still running/],
    ['a corrupt line', () => file(`${lines.slice(0, 4).join('\n')}\n{"index":oops}\n`, '.jsonl'), /input-\d+\.jsonl: line 5: not a JSON results row\n$/],
    ['a nested value', () => file(`${lines[0]}\n{"index":0,"design":{"a":1}}\n`, '.jsonl'), /input-\d+\.jsonl: line 2: field "design" is not a number, a string or null/],
    ['a negative index', () => file(`${lines[0]}\n{"index":-1}\n`, '.jsonl'), /input-\d+\.jsonl: line 2: index is -1, not a whole number ≥ 0/],
    ['a sweep file', () => file(readFileSync(SMALL, 'utf8'), '.jsonl'), /input-\d+\.jsonl: line 1: not a JSON results row\n$/],
    [
      'two results files joined end to end',
      () => file(`${lines.join('\n')}\n${lines.join('\n')}\n`, '.jsonl'),
      /input-\d+\.jsonl: line 26: a second sweep header: two results files joined end to end; join them with attnsim merge/,
    ],
    [
      'a latency of 1e999 (Infinity once parsed)',
      () => file(`${lines[0]}\n${lines[4]!.replace(/"latencySeconds":[^,]+/, '"latencySeconds":1e999')}\n`, '.jsonl'),
      /input-\d+\.jsonl: line 2: latencySeconds is Infinity; an objective is a finite number ≥ 0/,
    ],
    [
      'a negative energy',
      () => file(`${lines[0]}\n${lines[4]!.replace(/"energyJoules":[^,]+/, '"energyJoules":-1')}\n`, '.jsonl'),
      /input-\d+\.jsonl: line 2: energyJoules is -1; an objective is a finite number ≥ 0/,
    ],
    [
      'a latency that is a word',
      () => file(`${lines[0]}\n${lines[4]!.replace(/"latencySeconds":[^,]+/, '"latencySeconds":"fast"')}\n`, '.jsonl'),
      /input-\d+\.jsonl: line 2: latencySeconds is "fast"; an objective is a finite number/,
    ],
    [
      'a point twice with different results',
      () => file(`${lines.join('\n')}\n${changedRow(lines[5]!)}\n`, '.jsonl'),
      /input-\d+\.jsonl: (lines 6 and 26: both hold point 4, with different results|line 26: point 4 differs from the one at .*: line 6)/,
    ],
  ];

  for (const command of ['pareto', 'sensitivity', 'merge']) {
    it.each(cases)(`${command} on %s: one line naming the file (and line), exit 2`, async (_what, make, pattern) => {
      const args = command === 'merge' ? ['merge', '-o', join(dir, 'merged.jsonl'), make()] : [command, make()];
      await refused(args, pattern);
    });
  }

  it('pareto and sensitivity on a file with identical repeated rows: refused with the count; merge keeps one of each', async () => {
    const repeated = file(`${lines.join('\n')}\n${lines.slice(1, 4).join('\n')}\n`, '.jsonl');
    for (const command of ['pareto', 'sensitivity']) {
      await refused(
        [command, repeated],
        new RegExp(
          `^attnsim: error: ${repeated}: line 26: repeats point 0 of line 2 \\(3 repeated rows in all\\), which would count twice; keep one of each with attnsim merge -o NEW_FILE ${repeated}\\n$`,
        ),
      );
    }
    const merged = join(dir, 'deduplicated.jsonl');
    const { code, stdout } = await runCli(['merge', '-o', merged, repeated]);
    expect(code).toBe(0);
    expect(stdout).toBe(`merged 1 files: 24 points → ${merged}\n`);
    expect(readFileSync(merged, 'utf8')).toBe(readFileSync(good, 'utf8'));
    expect((await runCli(['pareto', merged])).code).toBe(0);
  });

  it('CSV as spreadsheets save it (a byte-order mark, CRLF line ends) reads as the same results', async () => {
    const csv = join(dir, 'good.csv');
    expect((await runCli(['sweep', SMALL, '-o', csv])).code).toBe(0);
    const saved = file(`\uFEFF${readFileSync(csv, 'utf8').replace(/\n/g, '\r\n')}`, '.csv');
    const plain = await runCli(['pareto', csv]);
    const spreadsheet = await runCli(['pareto', saved]);
    expect(spreadsheet.code).toBe(0);
    expect(spreadsheet.stdout).toBe(plain.stdout);
  });

  it.each([
    [['merge', '-o', 'out.txt', 'IN'], /^attnsim: error: --output: "out\.txt": results files are \.jsonl or \.csv/],
    [['sweep', SMALL, '-o', 'out.json'], /^attnsim: error: --output: "out\.json": results files are \.jsonl or \.csv/],
    [['merge', '-o', 'out.jsonl', '--allow-partial', 'IN'], /^attnsim: error: --allow-partial: only with --sweep/],
    [['sensitivity', 'r.txt'], /^attnsim: error: r\.txt: sensitivity takes a sweep file \(\.yaml, \.yml, \.json\) or a sweep's results \(\.jsonl, \.csv\)/],
  ])('%j: refused before anything is read or written', async (args, pattern) => {
    await refused(
      args.map((a) => (a === 'IN' ? good : a)),
      pattern,
    );
  });

  it('merge of shards written under different specs: refused naming the file', async () => {
    const other = file(`${JSON.stringify({ sweep: 'small', specHash: `sha256:${'0'.repeat(64)}` })}\n${lines.slice(1).join('\n')}\n`, '.jsonl');
    await refused(
      ['merge', '-o', join(dir, 'm.jsonl'), good, other],
      /input-\d+\.jsonl: line 1: its sweep header differs from .*good\.jsonl's \(spec sha256:000000000000… against spec sha256:[0-9a-f]{12}…\): results of different sweep specs/,
    );
    await refused(['merge', '-o', join(dir, 'm.jsonl'), '--sweep', SMALL, other], /^attnsim: error: --sweep: the results were written under another spec than .*small\.yaml/);
  });
});
