import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const SMALL = new URL('./fixtures/dse/small.yaml', import.meta.url).pathname;
const MEDIUM = new URL('./fixtures/dse/medium.yaml', import.meta.url).pathname;
const KILL = new URL('./fixtures/dse/kill.yaml', import.meta.url).pathname;
const BIN = new URL('../bin/attnsim.js', import.meta.url).pathname;
const built = existsSync(new URL('../dist/sim/dse/node/worker.js', import.meta.url));

const made: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'attnsim-dse-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function sweep(spec: string, output: string, ...flags: string[]) {
  const result = await runCli(['sweep', spec, '-o', output, ...flags]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result;
}

/** The results file of one uninterrupted run, per sweep and format, computed once. */
const reference = new Map<string, string>();
async function uninterrupted(spec: string, extension: string): Promise<string> {
  const key = `${spec}${extension}`;
  if (!reference.has(key)) {
    const out = join(tempDir(), `reference${extension}`);
    await sweep(spec, out);
    reference.set(key, readFileSync(out, 'utf8'));
  }
  return reference.get(key)!;
}

describe('attnsim sweep', () => {
  it('sweep small.yaml: one sorted row per point, infeasible designs recorded with their reason', async () => {
    const text = await uninterrupted(SMALL, '.jsonl');
    const [header, ...rows] = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(header).toEqual({ sweep: 'small', specHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(rows.map((r) => r.index)).toEqual([...Array(24).keys()]);
    expect(rows[3]).toMatchObject({ design: 1, workload: 0, hbmBandwidthBytesPerSecond: 2e12, sms: 66, sramBytesPerSm: 228 * 1024, hardware: 'h100-sxm', kernel: 'fa3', status: 'ok' });
    expect(rows[3].latencySeconds).toBeGreaterThan(0);
    expect(rows[3]['report.bytes.hbm.read']).toBeGreaterThan(0);
    // 96 KiB of SRAM cannot hold FA3's 128×128 tiles.
    expect(rows[0]).toMatchObject({ status: 'infeasible', latencySeconds: null });
    expect(rows[0].reason).toMatch(/163840 B of shared memory/);
    // Twice the SMs, everything else equal (design 1 → 3): the compute-bound prefill gets faster.
    expect(rows[11].latencySeconds).toBeLessThan(rows[5].latencySeconds);
  });

  it('sweep --limit then a rerun: the same final file as an uninterrupted run, without recomputing', async () => {
    for (const extension of ['.jsonl', '.csv']) {
      const out = join(tempDir(), `limited${extension}`);
      const first = await sweep(MEDIUM, out, '--limit', '700');
      expect(first.stdout).toMatch(/computed 700 .*; 0 already in the file\n1700 points left; rerun the same command to continue/);
      const second = await sweep(MEDIUM, out);
      expect(second.stdout).toMatch(/computed 1700 .*; 700 already in the file/);
      expect(readFileSync(out, 'utf8')).toBe(await uninterrupted(MEDIUM, extension));
    }
  });

  it('sweep after a kill mid-line (file cut inside a row): the cut row is dropped and recomputed, the final file is identical', async () => {
    for (const extension of ['.jsonl', '.csv']) {
      const full = await uninterrupted(SMALL, extension);
      const out = join(tempDir(), `killed${extension}`);
      // A run that wrote its rows out of order (as worker threads do) and died inside row 10.
      const lines = full.trim().split('\n');
      const header = lines.splice(0, extension === '.csv' ? 2 : 1);
      const shuffled = [...lines.slice(10, 17), ...lines.slice(0, 10)];
      const cutAt = Math.floor(lines[17]!.length / 2);
      writeFileSync(out, `${[...header, ...shuffled].join('\n')}\n${lines[17]!.slice(0, cutAt)}`);
      const rerun = await sweep(SMALL, out);
      expect(rerun.stdout).toMatch(/computed 7 .*; 17 already in the file \(a cut-off last line was dropped\)/);
      expect(readFileSync(out, 'utf8')).toBe(full);
    }
  });

  it('sweep rerun on a finished file computes nothing and leaves it byte-identical', async () => {
    const out = join(tempDir(), 'done.jsonl');
    writeFileSync(out, await uninterrupted(SMALL, '.jsonl'));
    const rerun = await sweep(SMALL, out);
    expect(rerun.stdout).toMatch(/computed 0 /);
    expect(readFileSync(out, 'utf8')).toBe(await uninterrupted(SMALL, '.jsonl'));
  });

  it('sweep --shard i/3 for each i, then merge: identical to the unsharded file (and merge converts JSONL to CSV)', async () => {
    const dir = tempDir();
    const shards = [0, 1, 2].map((i) => join(dir, `shard-${i}.jsonl`));
    for (const [i, path] of shards.entries()) await sweep(MEDIUM, path, '--shard', `${i}/3`);
    const merged = join(dir, 'merged.jsonl');
    const result = await runCli(['merge', '-o', merged, '--sweep', MEDIUM, ...shards]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`merged 3 files: 2400 of 2400 points → ${merged}\n`);
    expect(readFileSync(merged, 'utf8')).toBe(await uninterrupted(MEDIUM, '.jsonl'));
    const asCsv = join(dir, 'merged.csv');
    expect((await runCli(['merge', '-o', asCsv, ...shards.reverse()])).code).toBe(0);
    expect(readFileSync(asCsv, 'utf8')).toBe(await uninterrupted(MEDIUM, '.csv'));
  });

  it('merge --sweep with a shard missing: exit 2 naming how many points are missing', async () => {
    const dir = tempDir();
    const shard = join(dir, 'shard-0.jsonl');
    await sweep(SMALL, shard, '--shard', '0/2');
    const result = await runCli(['merge', '-o', join(dir, 'm.jsonl'), '--sweep', SMALL, shard]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^attnsim: error: --sweep: 12 of 24 points are missing \(12, 13, 14, 15, 16, …\); run the missing shards/);
  });

  it('sweep into a file of another sweep: exit 2, and the file is left alone', async () => {
    const out = join(tempDir(), 'other.jsonl');
    writeFileSync(out, await uninterrupted(SMALL, '.jsonl'));
    const result = await runCli(['sweep', MEDIUM, '-o', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^attnsim: error: --output: ".*other\.jsonl" holds results of another sweep spec: .*; to start afresh, delete it or choose another --output\n$/);
    expect(readFileSync(out, 'utf8')).toBe(await uninterrupted(SMALL, '.jsonl'));
  });

  it('sweep with hardware spec files, as base and as hardware values, found relative to the sweep file', async () => {
    const out = join(tempDir(), 'toy.csv');
    await sweep(new URL('./fixtures/dse/toy-file.yaml', import.meta.url).pathname, out);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^# \{"sweep":"toy-file","specHash":"sha256:[0-9a-f]{64}"\}$/);
    expect(lines[2]).toMatch(/^0,0,0,1000000000000,\.\.\/toy-gpu\.json,fa2,h8 q2k×kv2k d64 causal b1 bf16,ok,/);
    expect(lines[4]).toMatch(/^2,2,0,1000000000000,h100-sxm,fa2,/);
  });

  it('sweep --dry-run lists parameters, workloads and columns without running', async () => {
    const { code, stdout } = await runCli(['sweep', SMALL, '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^small: 8 designs × 3 workloads = 24 points; fa3 on h100-sxm, analytical engine/);
    expect(stdout).toMatch(/hbmBandwidthBytesPerSecond\s+2: 2.00 TB\/s, 4.00 TB\/s/);
    expect(stdout).toMatch(/sramBytesPerSm\s+2: 96 KiB, 228 KiB/);
    expect(stdout).toContain('h16/kv4 q4k×kv4k d128 causal b1 bf16');
  });

  it('sweep --progress draws points done, rate and ETA (and nothing without it, off a terminal)', async () => {
    const dir = tempDir();
    const withBar = await runCli(['sweep', SMALL, '-o', join(dir, 'a.jsonl'), '--progress']);
    expect(withBar.stderr).toMatch(/\rsmall \[#+\] 24\/24 100\.0% {2}\S+ points\/s {2}ETA 0:00/);
    const quiet = await runCli(['sweep', SMALL, '-o', join(dir, 'b.jsonl')]);
    expect(quiet.stderr).toBe('');
  });

  it.runIf(built)('the built CLI on 2 worker threads writes the same file as one thread', () => {
    const out = join(tempDir(), 'threads.jsonl');
    const run = spawnSync(process.execPath, [BIN, 'sweep', MEDIUM, '-o', out, '--workers', '2'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/computed 2400 \(0 infeasible\) .*, 2 threads;/);
    return uninterrupted(MEDIUM, '.jsonl').then((expected) => expect(readFileSync(out, 'utf8')).toBe(expected));
  });

  it.runIf(built)('the built CLI killed (SIGKILL) mid-run, then rerun: the same file as an uninterrupted run', async () => {
    const out = join(tempDir(), 'sigkill.jsonl');
    const child = spawn(process.execPath, [BIN, 'sweep', KILL, '-o', out, '--workers', '2'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill as soon as the first chunk of rows is on disk: the run is then mid-way.
    for (;;) {
      if (existsSync(out) && statSync(out).size > 0) break;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGKILL');
    await exited;
    const partial = readFileSync(out, 'utf8');
    expect(partial.length).toBeLessThan((await uninterrupted(KILL, '.jsonl')).length);
    const rerun = spawnSync(process.execPath, [BIN, 'sweep', KILL, '-o', out, '--workers', '2'], { encoding: 'utf8' });
    expect({ status: rerun.status, stderr: rerun.stderr }).toEqual({ status: 0, stderr: '' });
    expect(rerun.stdout).toMatch(/already in the file/);
    expect(readFileSync(out, 'utf8')).toBe(await uninterrupted(KILL, '.jsonl'));
  });
});

describe('attnsim sweep: resume edge cases', () => {
  it('a results file cut inside its header line, or inside the CSV column names, is started afresh', async () => {
    const full = await uninterrupted(SMALL, '.csv');
    const secondLine = full.indexOf('\n') + 1;
    for (const cut of [20, secondLine + 10]) {
      const out = join(tempDir(), 'cut-header.csv');
      writeFileSync(out, full.slice(0, cut));
      await sweep(SMALL, out);
      expect(readFileSync(out, 'utf8')).toBe(full);
    }
  });

  it('a file that is not a results file (no header, or text of its own) is refused and left alone', async () => {
    const dir = tempDir();
    const headerless = (await uninterrupted(SMALL, '.jsonl')).split('\n').slice(1).join('\n');
    for (const [name, text, pattern] of [
      ['rows.jsonl', headerless, /has no sweep header on line 1: it was written by another program or an older attnsim/],
      ['notes.jsonl', 'my notes, no newline', /holds neither a sweep header nor results rows/],
    ] as const) {
      const out = join(dir, name);
      writeFileSync(out, text);
      const result = await runCli(['sweep', SMALL, '-o', out]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(`^attnsim: error: --output: ".*${name.replace('.', '\\.')}" ${pattern.source}; it is not this sweep's results file: choose another --output, or delete it to start afresh\n$`),
      );
      expect(readFileSync(out, 'utf8')).toBe(text);
    }
  });
});
