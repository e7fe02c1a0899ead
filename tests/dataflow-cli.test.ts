import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDepths } from '../sim/cli/commands/dataflow.js';
import { runCli } from './helpers.js';

describe('attnsim dataflow', () => {
  it('dataflow list shows the three presets', async () => {
    const { code, stdout } = await runCli(['dataflow', 'list']);
    expect(code).toBe(0);
    for (const id of ['streaming-dataflow-generic', 'sn40l-like', 'wafer-mesh-like']) expect(stdout).toContain(id);
  });

  it('dataflow show prints every number with its source', async () => {
    const { code, stdout } = await runCli(['dataflow', 'show', 'sn40l-like']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/units\.compute\.count\s+1040\s+datasheet\s+Prabhakar, 'SambaNova SN40L RDU/);
    expect(stdout).toMatch(/memory\.dram\.hbm\.bandwidthBytesPerSecond\s+1\.6 TB\/s\s+derived/);
  });

  it('dataflow fifo-sweep: the naive bypasses need N+1 for full rate, N to run; shallower deadlocks', async () => {
    const { code, stdout, stderr } = await runCli(['dataflow', 'fifo-sweep', '--n', '32', '--head-dim', '16']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/N = 32, d = 16, blocks 1×1: 32 rows × 32 key blocks; full rate \(unbounded FIFOs\): 1097 cycles/);
    expect(stdout).toMatch(/s>sub \(bypass\)\s+4\s+33\s+33\s+32/);
    expect(stdout).toMatch(/e>div \(bypass\)\s+4\s+33\s+33\s+32/);
    expect(stdout).toMatch(/31 \(N-1\)\s+-\s+deadlock/);
    expect(stdout).toMatch(/32 \(N\)\s+\d+\s+\+\d+ cycles \(stalls\)/);
    expect(stdout).toMatch(/33 \(N\+1\)\s+1097\s+full rate/);
    expect(stdout).toMatch(/at depth 31: deadlock at cycle \d+: full FIFOs: .*s>sub \(31\/31\).*qk cannot write s>sub/);
  });

  it('dataflow fifo-sweep --pipeline incremental: depth 1 everywhere runs at full rate', async () => {
    const { code, stdout } = await runCli(['dataflow', 'fifo-sweep', '--pipeline', 'incremental', '--n', '48', '--depths', '1-2', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.fifos.every((f: { minFullRateDepth: number }) => f.minFullRateDepth === 1)).toBe(true);
    expect(r.points.map((p: { cycles: number }) => p.cycles)).toEqual([r.idealCycles, r.idealCycles]);
    expect(r.idealCycles).toBe(48 * 48 + (1 + 6) + 4);
  });

  it.each([
    [['dataflow', 'fifo-sweep', '--fifo', 'nope'], /--fifo: no FIFO "nope" in naive; FIFOs: k, v, q/],
    [['dataflow', 'fifo-sweep', '--depths', 'x'], /--depths: expected depths like/],
    [['dataflow', 'fifo-sweep', '--pipeline', 'fast'], /--pipeline: unknown pipeline "fast" for a dataflow device/],
    [['dataflow', 'show', 'sn99'], /dataflow show <id\|file>: unknown dataflow preset "sn99"; dataflow presets: /],
    [['simulate', '--hardware', 'sn40l-like', '--kernel', 'fa9'], /--kernel: unknown pipeline "fa9" for a dataflow device/],
    [['simulate', '--hardware', 'sn40l-like', '--splits', '4'], /--splits: split-KV is a GPU kernel option/],
    [['simulate', '--hardware', 'sn40l-like', '--set', 'memory.fifoBudgetBytes=2 GHz'], /fifoBudgetBytes: "2 GHz" is not in B/],
  ])('bad input %j: one line naming the field, exit 2', async (args, pattern) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('parseDepths reads N-relative depths and ranges', () => {
    expect(parseDepths('N-1, N, N+2, 7, 2-4', 10)).toEqual([9, 10, 12, 7, 2, 3, 4]);
  });
});

describe('attnsim simulate --hardware <dataflow preset>', () => {
  it('simulate --hardware sn40l-like runs the dataflow engine on the default call', async () => {
    const { code, stdout, stderr } = await runCli(['simulate', '--hardware', 'sn40l-like', '--context', '16k']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/dataflow-incremental on SambaNova SN40L-like .* \(sn40l-like\), dataflow-cycle engine/);
    expect(stdout).toMatch(/prefill: batch 1, heads 32 \(kv 8\), q 16384 × kv 16384, d 128, bf16, mask causal/);
    for (const field of ['latency', 'bound', 'matrix use', 'memory', 'energy', 'plan', 'running-max', 'peak']) expect(stdout).toContain(field);
  });

  it('simulate --json on a dataflow preset prints the report contract with dataflow details', async () => {
    const { code, stdout } = await runCli(['simulate', '--hardware', 'streaming-dataflow-generic', '--kernel', 'naive', '--heads', '2', '--q-len', '128', '--head-dim', '64', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    for (const key of ['latencySeconds', 'energyJoules', 'flops', 'bytes', 'bound', 'utilization', 'dataflow']) expect(r).toHaveProperty(key);
    expect(r.kernel.id).toBe('dataflow-naive');
    expect(r.dataflow.phases[0].fifos.find((f: { name: string }) => f.name === 's>sub').depth).toBe(129);
  });

  it('simulate accepts a dataflow spec file by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnsim-'));
    const raw = JSON.parse(readFileSync(new URL('../hardware/presets/dataflow/streaming-dataflow-generic.json', import.meta.url), 'utf8'));
    raw.id = 'my-device';
    raw.clockHz = '2 GHz';
    const file = join(dir, 'my-device.json');
    writeFileSync(file, JSON.stringify(raw));
    const { code, stdout } = await runCli(['simulate', '--hardware', file, '--heads', '1', '--q-len', '64', '--head-dim', '64', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.hardware.id).toBe('my-device');
    expect(r.dataflow.clockHz).toBe(2e9);
  });
});
