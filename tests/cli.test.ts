import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('attnsim simulate', () => {
  it('simulate with no arguments reports Llama-3.1-8B, 32K prefill on h200-sxm', async () => {
    const { code, stdout, stderr } = await runCli(['simulate']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/fa2 on NVIDIA H200/);
    expect(stdout).toMatch(/prefill: batch 1, heads 32 \(kv 8\), q 32768 × kv 32768, d 128, bf16, mask causal/);
    for (const field of ['latency', 'bound', 'HBM', 'L2', 'shared memory', 'energy', 'intensity']) expect(stdout).toContain(field);
  });

  it('simulate --json prints the report contract', async () => {
    const { code, stdout } = await runCli(['simulate', '--model', 'llama-3.1-70b', '--context', '8k', '--phase', 'decode', '--batch', '16', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    for (const key of ['latencySeconds', 'energyJoules', 'flops', 'bytes', 'bound', 'utilization', 'breakdown']) expect(r).toHaveProperty(key);
    expect(r.workload).toMatchObject({ batch: 16, heads: 64, kvHeads: 8, qLen: 1, kvLen: 8192, phase: 'decode' });
    expect(r.bytes.hbm.read).toBeGreaterThan(0);
  });

  it('simulate with explicit shapes, mask and --set', async () => {
    const { code, stdout } = await runCli([
      'simulate',
      '--heads',
      '16',
      '--q-len',
      '4096',
      '--head-dim',
      '64',
      '--mask',
      'sinks:4,window:512',
      '--set',
      'memory.hbm.bandwidthBytesPerSecond=2TB/s',
      '--json',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.workload.mask).toEqual({ kind: 'sink_window', sinks: 4, window: 512 });
    expect(r.tiles.skipped).toBeGreaterThan(0);
  });

  it.each([
    [['simulate', '--hardware', 'h900'], /--hardware: unknown preset "h900"; valid presets: a100-sxm-80gb, b200, h100-sxm, h200-sxm, l40s, mi300x/],
    [['simulate', '--kernel', 'fa9'], /--kernel: unknown kernel "fa9"; valid kernels/],
    [['simulate', '--set', 'memory.hbm.bandwidthBytesPerSecond=4.8 TQ/s'], /memory.hbm.bandwidthBytesPerSecond: malformed quantity "4.8 TQ\/s"/],
    [['simulate', '--set', 'memory.hbm.bandwidthBytesPerSecond=4.8 GHz'], /is not in B\/s/],
    [['simulate', '--heads', '-4', '--q-len', '1024', '--head-dim', '64'], /--heads: expected a positive whole number/],
    [['simulate', '--heads', '32', '--q-len', '0', '--head-dim', '64'], /--q-len: expected a positive whole number/],
    [['simulate', '--heads', '32', '--kv-heads', '6', '--q-len', '1024', '--head-dim', '128'], /--kv-heads: heads \(32\) must be a multiple of kvHeads \(6\)/],
    [['simulate', '--heads', '8', '--q-len', '1024', '--head-dim', '256', '--set', 'compute.maxSharedMemoryBytesPerCta=16KiB'], /--head-dim: no FlashAttention-2 tile for head dim 256 fits/],
    [['simulate', '--mask', 'window:0'], /mask.window/],
    [['simulate', '--mask', 'block:128,density:2'], /density must be in \(0, 1\]/],
    [['simulate', '--model', 'gpt-9'], /--model: unknown model "gpt-9"; valid models/],
    [['simulate', '--hardware', 'no-such-file.json'], /--hardware: "no-such-file.json" is not a preset and cannot be read as a spec file \(no such file or directory\)/],
    [['simulate', '--tile-q', '1024', '--tile-k', '1024'], /--tile-q\/--tile-k: 1024×1024 tiles need/],
  ])('bad input %j: one clear line naming the field, exit 2', async (args, pattern) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
  });

  it('an unknown option is a usage error with exit 2', async () => {
    const { code, stderr } = await runCli(['simulate', '--bogus']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown option '--bogus'/);
  });
});

describe('attnsim hardware, models, kernels', () => {
  it('hardware list shows every preset of every kind, with its kind and evidence (measured only where our measurements calibrate it)', async () => {
    const { code, stdout } = await runCli(['hardware', 'list']);
    expect(code).toBe(0);
    const row = (id: string) => stdout.split('\n').find((line) => line.startsWith(`${id} `)) ?? '';
    for (const id of ['h100-sxm', 'a100-sxm-80gb', 'b200', 'mi300x', 'l40s']) expect(row(id)).toMatch(/ gpu .* estimated$/);
    expect(row('h200-sxm')).toMatch(/ gpu .* measured$/);
    for (const id of ['sn40l-like', 'streaming-dataflow-generic', 'wafer-mesh-like']) expect(row(id)).toMatch(/ dataflow .* estimated$/);
    // The dataflow peak is 2 FLOPs per MAC: 1040 units × 192 MAC/cycle × 1.6 GHz × 2 = 639 TFLOP/s.
    expect(row('sn40l-like')).toMatch(/1040 units .* 639 TFLOP\/s/);
  });

  it('hardware show prints each number with its basis and source', async () => {
    const { code, stdout } = await runCli(['hardware', 'show', 'h200-sxm']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/memory\.hbm\.bandwidthBytesPerSecond\s+\S.*(datasheet|measured)/);
  });

  it('models lists the four model configs', async () => {
    const { stdout } = await runCli(['models']);
    for (const id of ['llama-3.1-8b', 'llama-3.1-70b', 'mistral-7b', 'qwen2.5-7b']) expect(stdout).toContain(id);
  });
});

describe('bin/attnsim.js', () => {
  const built = existsSync(new URL('../dist/sim/cli/main.js', import.meta.url));
  it.runIf(built)('the installed command runs the built CLI and exits 2 on bad input', () => {
    const bin = new URL('../bin/attnsim.js', import.meta.url).pathname;
    const out = execFileSync(process.execPath, [bin, 'simulate', '--q-len', '2048', '--heads', '8', '--head-dim', '64'], { encoding: 'utf8' });
    expect(out).toMatch(/latency/);
    const bad = spawnSync(process.execPath, [bin, 'simulate', '--hardware', 'nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown preset "nope"/);
  });
});
