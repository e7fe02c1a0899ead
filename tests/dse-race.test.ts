import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { mulberry32 } from '../workloads/masks/coverage.js';

const MEDIUM = new URL('./fixtures/dse/medium.yaml', import.meta.url).pathname;
const SMALL = new URL('./fixtures/dse/small.yaml', import.meta.url).pathname;
const BIN = new URL('../bin/attnsim.js', import.meta.url).pathname;
const built = existsSync(new URL('../dist/sim/dse/node/worker.js', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'attnsim-dse-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** mulberry32, seeded, so that a failing round can be replayed. */
const random = mulberry32;

/** Longest a racing run is left alone before it may be killed: about a run of medium.yaml on a busy 2-core machine. */
const KILL_WINDOW_MS = 1500;
/** Lines in the output before a run counts as mid-way: the header and a first chunk of rows. */
const ROWS_SEEN = 10;
const POLL_MS = 5;
/** How long a lock from another host stays valid unrefreshed (output-lock.ts: ten refreshes of 30 s). */
const LOCK_STALE_SECONDS = 300;
/** Share of racing runs that are killed (the others finish, or are refused). */
const KILLED_SHARE = 0.75;
const SEED = 20240607;
const ROUNDS = 3;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  killed: boolean;
}

/**
 * When to kill a racing run: a delay after it starts (start-up, planning, taking the lock), or
 * after its output first holds rows (mid-run, or while it sorts the file at the end).
 */
type KillPlan = { after: 'start' | 'rows'; ms: number } | null;

/** The CLI as a separate process, SIGKILLed as `plan` says if still running. */
function racer(args: string[], out: string, plan: KillPlan): Promise<Finished> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  let killed = false;
  const kill = () => {
    killed = child.kill('SIGKILL');
  };
  let timer: NodeJS.Timeout | undefined;
  if (plan?.after === 'start') timer = setTimeout(kill, plan.ms);
  const poll =
    plan?.after === 'rows'
      ? setInterval(() => {
          if (existsSync(out) && readFileSync(out, 'utf8').split('\n').length > ROWS_SEEN) {
            clearInterval(poll);
            timer = setTimeout(kill, plan.ms);
          }
        }, POLL_MS)
      : undefined;
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, stdout, stderr, killed: killed && code === null });
    }),
  );
}

async function uninterrupted(spec: string, out: string): Promise<string> {
  const result = await runCli(['sweep', spec, '-o', out]);
  expect(result.code).toBe(0);
  return readFileSync(out, 'utf8');
}

describe('attnsim sweep: one output, several runs', () => {
  it.runIf(built)(
    'two sweeps racing on one output (a full run and a --limit run), SIGKILLed at random moments, then resumed: the file of one uninterrupted run, byte for byte',
    async () => {
      const expected = await uninterrupted(MEDIUM, join(dir, 'reference.jsonl'));
      const next = random(SEED);
      for (let round = 0; round < ROUNDS; round++) {
        const work = join(dir, `round-${round}`);
        rmSync(work, { recursive: true, force: true });
        const out = join(work, 'race.jsonl');
        mkdirSync(work);
        const killPlan = (): KillPlan => (next() < KILLED_SHARE ? { after: next() < 0.5 ? 'start' : 'rows', ms: Math.floor(next() * KILL_WINDOW_MS) } : null);
        const runs = await Promise.all([racer(['sweep', MEDIUM, '-o', out], out, killPlan()), racer(['sweep', MEDIUM, '-o', out, '--limit', '700'], out, killPlan())]);
        for (const run of runs) {
          if (run.killed) continue;
          // A run that says it is done has left every row, whatever the other run did meanwhile.
          if (run.code === 0 && !/points left/.test(run.stdout)) expect(readFileSync(out, 'utf8')).toBe(expected);
          // A run that was not killed either finished or was refused, in one line, because the other held the file.
          if (run.code !== 0) {
            expect(run.code).toBe(2);
            expect(run.stderr).toMatch(
              /^attnsim: error: --output: another attnsim run \(pid \d+\) is writing ".*race\.jsonl"; wait for it to finish or use another output file \(if no run is writing it, delete ".*race\.jsonl\.lock"\)\n$/,
            );
          } else {
            expect(run.stderr).toBe('');
          }
        }
        // A killed run's lock names a dead pid: the next run takes it over and finishes the file.
        const resumed = await runCli(['sweep', MEDIUM, '-o', out]);
        expect(resumed.stderr).toBe('');
        expect(resumed.code).toBe(0);
        expect(resumed.stdout).not.toMatch(/points left/);
        expect(readFileSync(out, 'utf8')).toBe(expected);
        // Nothing is left beside it: no lock, no half-taken lock, no temporary file.
        expect(readdirSync(work)).toEqual(['race.jsonl']);
      }
    },
    120_000,
  );

  it('a live run holds the output: a second run on it is refused in one line, and the file is not touched', async () => {
    const out = join(dir, 'held.jsonl');
    writeFileSync(`${out}.lock`, JSON.stringify({ pid: process.pid, host: hostname() }));
    const result = await runCli(['sweep', SMALL, '-o', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `attnsim: error: --output: another attnsim run (pid ${process.pid}) is writing "${out}"; wait for it to finish or use another output file (if no run is writing it, delete "${out}.lock")\n`,
    );
    expect(existsSync(out)).toBe(false);
    rmSync(`${out}.lock`);
  });

  it('a lock left by a dead run is taken over; one from another host only once it has not been refreshed for 5 minutes', async () => {
    const dead = join(dir, 'dead.jsonl');
    const deadPid = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.on('exit', () => resolve(child.pid!));
    });
    writeFileSync(`${dead}.lock`, JSON.stringify({ pid: deadPid, host: hostname() }));
    const taken = await runCli(['sweep', SMALL, '-o', dead]);
    expect(taken.code).toBe(0);
    expect(existsSync(`${dead}.lock`)).toBe(false);

    const remote = join(dir, 'remote.jsonl');
    writeFileSync(`${remote}.lock`, JSON.stringify({ pid: deadPid, host: `not-${hostname()}` }));
    const refused = await runCli(['sweep', SMALL, '-o', remote]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(`^attnsim: error: --output: a run on not-${hostname()} \\(pid ${deadPid}\\) is writing ".*remote\\.jsonl"; .*; its lock is taken over once unrefreshed for 300 s\\n$`),
    );
    const longAgo = new Date(Date.now() - (LOCK_STALE_SECONDS + 1) * 1000);
    utimesSync(`${remote}.lock`, longAgo, longAgo);
    expect((await runCli(['sweep', SMALL, '-o', remote])).code).toBe(0);
    expect(existsSync(`${remote}.lock`)).toBe(false);
  });

  it.runIf(built)(
    'SIGTERM (a scheduler preempting the job) stops a sweep cleanly: exit 143, the lock released, and a rerun finishes the same file',
    async () => {
      const out = join(dir, 'term.jsonl');
      const expected = await uninterrupted(MEDIUM, join(dir, 'term-reference.jsonl'));
      const child = spawn(process.execPath, [BIN, 'sweep', MEDIUM, '-o', out], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout!.on('data', (d) => {
        stdout += d;
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const poll = setInterval(() => {
        if (existsSync(out) && readFileSync(out, 'utf8').split('\n').length > ROWS_SEEN) {
          clearInterval(poll);
          child.kill('SIGTERM');
        }
      }, POLL_MS);
      const code = await exited;
      clearInterval(poll);
      // A machine fast enough to finish before the signal lands ends with 0; either way nothing is left but the file.
      if (code !== 0) {
        expect(code).toBe(143);
        expect(stdout).toMatch(/interrupted: \d+ points left; rerun the same command to continue/);
      }
      expect(readdirSync(dir).filter((f) => f.startsWith('term.jsonl'))).toEqual(['term.jsonl']);
      expect((await runCli(['sweep', MEDIUM, '-o', out])).code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(expected);
    },
    120_000,
  );

  it('merge -o takes the same lock: it does not replace a file a sweep is writing', async () => {
    const input = join(dir, 'input.jsonl');
    await uninterrupted(SMALL, input);
    const out = join(dir, 'merged-held.jsonl');
    writeFileSync(`${out}.lock`, JSON.stringify({ pid: process.pid, host: hostname() }));
    const result = await runCli(['merge', '-o', out, input]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^attnsim: error: --output: another attnsim run \(pid \d+\) is writing/);
    expect(existsSync(out)).toBe(false);
    rmSync(`${out}.lock`);
  });
});
