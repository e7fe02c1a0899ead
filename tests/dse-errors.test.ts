import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'attnsim-dse-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid sweep; each case below breaks one thing in it. */
const VALID = {
  name: 'errors',
  base: 'h100-sxm',
  kernel: 'fa2',
  parameters: [
    { path: 'sms', values: [66, 132] },
    { path: 'kernel.tileK', values: [64, 128] },
    { path: 'memory.hbm.bandwidthBytesPerSecond', values: ['2 TB/s', '4 TB/s'] },
  ],
  workloads: [{ model: 'llama-3.1-8b', phase: 'decode', contexts: ['32k'] }],
};

function withChange(change: (s: any) => void): any {
  const copy = structuredClone(VALID);
  change(copy);
  return copy;
}

let fileNumber = 0;
function writeSweep(content: unknown, extension = '.json'): string {
  const path = join(dir, `sweep-${fileNumber++}${extension}`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('attnsim sweep: malformed sweep files', () => {
  it.each([
    [
      'an unknown field path',
      withChange((s) => {
        s.parameters[2].path = 'memory.hbm.speed';
      }),
      /^attnsim: error: sweep\.parameters\[2\]\.path: unknown spec field "memory\.hbm\.speed" in h100-sxm; memory\.hbm has bandwidthBytesPerSecond, .*bytes/,
    ],
    [
      'a group instead of a number',
      withChange((s) => {
        s.parameters[0].path = 'memory.hbm';
      }),
      /sweep\.parameters\[0\]\.path: "memory\.hbm" is a group of fields, not a number/,
    ],
    [
      'an unknown top-level field',
      withChange((s) => {
        s.parameters[1].path = 'sram';
      }),
      /sweep\.parameters\[1\]\.path: unknown spec field "sram" in h100-sxm; the spec has id, kind, .* \(or a shortcut: hardware, kernel, kernel\.tileQ/,
    ],
    [
      'an unknown kernel option',
      withChange((s) => {
        s.parameters[1].path = 'kernel.tileM';
      }),
      /sweep\.parameters\[1\]\.path: unknown kernel option "kernel\.tileM"/,
    ],
    [
      'an empty list',
      withChange((s) => {
        s.parameters[1].values = [];
      }),
      /sweep\.parameters\[1\]\.values: empty range: the parameter takes no values/,
    ],
    [
      'an empty range',
      withChange((s) => {
        s.parameters[0].values = { from: 66, to: 132, steps: 0 };
      }),
      /sweep\.parameters\[0\]\.values\.steps: empty range: steps is 0/,
    ],
    [
      'an empty expression range',
      withChange((s) => {
        s.parameters[0].values = '132:66';
      }),
      /sweep\.parameters\[0\]\.values: empty range/,
    ],
    [
      'a bad expression',
      withChange((s) => {
        s.parameters[0].values = '2^(6:';
      }),
      /sweep\.parameters\[0\]\.values: bad expression "2\^\(6:": /,
    ],
    [
      'a unit of the wrong kind',
      withChange((s) => {
        s.parameters[2].values = ['2 TB/s', '4 GHz'];
      }),
      /sweep\.parameters\[2\]\.values\[1\]: memory\.hbm\.bandwidthBytesPerSecond: "4 GHz" is not in B\/s/,
    ],
    [
      'a value the schema refuses',
      withChange((s) => {
        s.parameters[2].values = [-1];
      }),
      /sweep\.parameters\[2\]\.values\[0\]: memory\.hbm\.bandwidthBytesPerSecond: /,
    ],
    [
      'an SM count of zero',
      withChange((s) => {
        s.parameters[0].values = [0, 66];
      }),
      /sweep\.parameters\[0\]\.values\[0\]: must be a whole number ≥ 1, got 0/,
    ],
    [
      'a parameter swept twice',
      withChange((s) => {
        s.parameters[1].path = 'sms';
      }),
      /sweep\.parameters\[1\]\.path: "sms" is already swept/,
    ],
    [
      'an unknown key in a parameter',
      withChange((s) => {
        s.parameters[0].value = [1];
      }),
      /sweep\.parameters\[0\]\.value: unknown key; here one takes path, values, unit/,
    ],
    [
      'an unknown key at the top',
      withChange((s) => {
        s.objective = ['latency'];
      }),
      /sweep\.objective: unknown key; a sweep takes name, description, base, set/,
    ],
    [
      'an unknown preset',
      withChange((s) => {
        s.base = 'h900';
      }),
      /sweep\.base: hardware: unknown preset "h900"/,
    ],
    [
      'an unknown hardware value',
      withChange((s) => {
        s.parameters.push({ path: 'hardware', values: ['h100-sxm', 'h900'] });
      }),
      /sweep\.parameters\[3\]\.values\[1\]: hardware: unknown preset "h900"/,
    ],
    [
      'an unknown kernel',
      withChange((s) => {
        s.kernel = 'fa9';
      }),
      /sweep\.kernel: unknown kernel "fa9"/,
    ],
    [
      'an unknown engine',
      withChange((s) => {
        s.engine = 'quantum';
      }),
      /sweep\.engine: unknown engine "quantum"/,
    ],
    [
      'an unknown objective',
      withChange((s) => {
        s.objectives = ['latency', 'speed'];
      }),
      /sweep\.objectives\[1\]: unknown objective "speed"; valid objectives: latency, energy, edp, area, cost/,
    ],
    [
      'an unknown record path',
      withChange((s) => {
        s.record = ['bytes.hbm.total'];
      }),
      /sweep\.record\[0\]: "bytes\.hbm\.total" is not a number in a report/,
    ],
    [
      'no workloads',
      withChange((s) => {
        delete s.workloads;
      }),
      /sweep\.workloads: missing/,
    ],
    [
      'a parameter without values',
      withChange((s) => {
        delete s.parameters[0].values;
      }),
      /sweep\.parameters\[0\]\.values: missing: give a list, a range/,
    ],
    [
      'a bad workload',
      withChange((s) => {
        s.workloads[0].contexts = ['32q'];
      }),
      /sweep\.workloads\[0\]\.contexts: expected a whole number of tokens/,
    ],
    [
      'a bad set override',
      withChange((s) => {
        s.set = { 'memory.hbm.bandwidthBytesPerSecond': '3 GHz' };
      }),
      /^attnsim: error: sweep\.set: memory\.hbm\.bandwidthBytesPerSecond: "3 GHz" is not in B\/s/,
    ],
  ])('%s: one line naming the place, exit 2', async (_what, content, pattern) => {
    const { code, stdout, stderr } = await runCli(['sweep', writeSweep(content), '--dry-run']);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(code).toBe(2);
  });

  it('a YAML syntax error names the line and column', async () => {
    const path = writeSweep('base: h100-sxm\nparameters:\n  - path: sms\n    values: [66, 132\nworkloads: []\n', '.yaml');
    const { code, stderr } = await runCli(['sweep', path]);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^attnsim: error: ${path.replace(/[.]/g, '\\.')}: line \\d+, column \\d+: not valid YAML`));
  });

  it('a missing sweep file', async () => {
    const { code, stderr } = await runCli(['sweep', join(dir, 'nope.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^attnsim: error: .*nope\.yaml: cannot read ".*nope\.yaml": no such file or directory\n$/);
  });

  it.each([
    [['--shard', '3/3'], /--shard: expected i\/n with 0 ≤ i < n/],
    [['-o', join(dir, 'no-such-dir', 'x.jsonl')], /^attnsim: error: --output: cannot write ".*no-such-dir\/x\.jsonl": no such file or directory\n$/],
    [['--workers', '0'], /--workers: expected a positive whole number/],
  ])('sweep %j: a bad flag is exit 2', async (flags, pattern) => {
    const { code, stderr } = await runCli(['sweep', writeSweep(VALID), '-o', join(dir, 'x.jsonl'), ...flags]);
    expect(code).toBe(2);
    expect(stderr).toMatch(pattern);
  });
});
