import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzEntry } from './entry.js';

/**
 * Runs fuzz entries as real CLI processes, one fresh working directory each, under a time limit
 * and a memory bound, and judges what came back.
 */

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_DIR = join(REPO_ROOT, 'tests', 'fuzz', 'fixtures');
export const CHILD = join(REPO_ROOT, 'tests', 'fuzz', 'child.mjs');
export const BUILT_CLI = join(REPO_ROOT, 'dist', 'sim', 'cli', 'main.js');

/** The acceptance bound on hangs: a run still going after a minute is killed and fails. */
export const HARD_LIMIT_MS = 60_000;
/** Runs slower than this pass but are listed: a user waiting 10 s for an answer notices. */
export const SLOW_MS = 10_000;
/** The acceptance bound on memory: 2 GiB of resident memory, the V8 heap capped to match. */
export const MEMORY_LIMIT_KB = 2 * 1024 * 1024;
const HEAP_LIMIT_MB = MEMORY_LIMIT_KB / 1024;
/** How often the runner samples a child's resident memory (to kill a runaway before it hurts the machine). */
const MEMORY_POLL_MS = 100;
/** The CI machine has 2 cores. */
export const CONCURRENCY = 2;
/** A failure message shows this many lines of stderr and of stdout. */
const SHOWN_LINES = 6;

export interface RunResult {
  /** Exit status; null when killed. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident memory in kB: the child's own report, or the runner's samples if it never reported. */
  maxRssKb: number | null;
  killedFor: 'time' | 'memory' | null;
  /** Why a `before` run failed, if one did (then the entry itself did not run). */
  setupFailure: string | null;
  /** Files of the working directory that changed (or vanished) during the run. */
  changedFiles: string[];
  /** Files named in `outputs` that are missing or hold NaN/Infinity/undefined. */
  badOutputs: string[];
}

export type FailureKind =
  | 'hang'
  | 'memory'
  | 'stack trace'
  | 'crash (internal error, exit 1)'
  | 'exit 0 on bad input'
  | 'valid input refused'
  | 'wrong exit code'
  | 'error not one line'
  | 'wrong field'
  | 'stdout on bad input'
  | 'file changed on bad input'
  | 'NaN/Infinity/undefined in output'
  | 'setup failed';

export interface Problem {
  kind: FailureKind;
  detail: string;
}

/** Placeholders of entry args: {fx} the fixtures, {gen} the generated files, {repo} the repository, {tmp} the run's own directory. */
export interface Places {
  gen: string;
}

export function expand(text: string, places: Places, tmp: string): string {
  return text.replaceAll('{fx}', FIXTURES_DIR).replaceAll('{gen}', places.gen).replaceAll('{repo}', REPO_ROOT).replaceAll('{tmp}', tmp);
}

/** One CLI process: time limit, memory bound and peak RSS; stdout and stderr as written. */
function runCli(args: readonly string[], cwd: string): Promise<Omit<RunResult, 'setupFailure' | 'changedFiles' | 'badOutputs'>> {
  return new Promise((resolvePromise) => {
    const env = { ...process.env };
    // Stacks are what the suite looks for; a debug switch or inherited node flags would change them.
    delete env.ATTNSIM_DEBUG;
    delete env.NODE_OPTIONS;
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MB}`, CHILD, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const rss: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => rss.push(b));
    let killedFor: RunResult['killedFor'] = null;
    let sampledPeakKb = 0;
    const kill = (why: 'time' | 'memory') => {
      if (killedFor === null) killedFor = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('time'), HARD_LIMIT_MS);
    const poll = setInterval(() => {
      const status = procStatus(child.pid);
      if (!status) return;
      sampledPeakKb = Math.max(sampledPeakKb, status.peakKb);
      if (status.rssKb > MEMORY_LIMIT_KB) kill('memory');
    }, MEMORY_POLL_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      const reported = Number(Buffer.concat(rss).toString('utf8'));
      const maxRssKb = Number.isFinite(reported) && reported > 0 ? Math.max(reported, sampledPeakKb) : sampledPeakKb > 0 ? sampledPeakKb : null;
      resolvePromise({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - started,
        maxRssKb,
        killedFor,
      });
    });
  });
}

/** Resident and peak resident memory of a live process, from /proc (Linux); undefined elsewhere or once it is gone. */
function procStatus(pid: number | undefined): { rssKb: number; peakKb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Every regular file under `dir`, by path relative to it, with its bytes. */
function snapshot(dir: string, prefix = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) for (const [k, v] of snapshot(path, `${prefix}${name}/`)) files.set(k, v);
    else if (stat?.isFile()) files.set(`${prefix}${name}`, readFileSync(path));
  }
  return files;
}

const NOT_A_NUMBER = /\bNaN\b|\bInfinity\b|\bundefined\b/;

/** Run one entry in a fresh directory: its files, its `before` runs, then the entry itself. */
export async function runEntry(entry: FuzzEntry, places: Places): Promise<RunResult> {
  const tmp = mkdtempSync(join(tmpdir(), 'attnsim-fuzz-'));
  try {
    for (const [name, text] of Object.entries(entry.files ?? {})) {
      const path = join(tmp, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    for (const before of entry.before ?? []) {
      const r = await runCli(
        before.map((a) => expand(a, places, tmp)),
        tmp,
      );
      if (r.code !== 0) {
        return { ...r, setupFailure: `before-run \`${before.join(' ')}\` exited ${r.code ?? r.signal}: ${r.stderr.split('\n')[0]}`, changedFiles: [], badOutputs: [] };
      }
    }
    const was = snapshot(tmp);
    const r = await runCli(
      entry.args.map((a) => expand(a, places, tmp)),
      tmp,
    );
    const now = snapshot(tmp);
    const changedFiles = [...was].filter(([name, bytes]) => !now.get(name)?.equals(bytes)).map(([name]) => name);
    const badOutputs: string[] = [];
    for (const name of entry.outputs ?? []) {
      const text = now.get(name)?.toString('utf8');
      if (text === undefined) badOutputs.push(`${name} (not written)`);
      else if (NOT_A_NUMBER.test(text)) badOutputs.push(`${name} (${NOT_A_NUMBER.exec(text)![0]})`);
    }
    return { ...r, setupFailure: null, changedFiles, badOutputs };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The error line's prefix, as `main` prints it and as commander's usage errors are configured to. */
const ERROR_PREFIX = 'attnsim: error: ';
const STACK_FRAME = /\n\s+at /;
const EXIT_BAD_INPUT = 2;
const EXIT_BUG = 1;

/** What is wrong with a run, judged against its entry; empty when it passed. */
export function problemsOf(entry: FuzzEntry, r: RunResult): Problem[] {
  const problems: Problem[] = [];
  if (r.setupFailure !== null) return [{ kind: 'setup failed', detail: r.setupFailure }];
  if (r.killedFor === 'time') problems.push({ kind: 'hang', detail: `killed after ${HARD_LIMIT_MS / 1000} s` });
  const heapOut = /heap out of memory|Reached heap limit|Allocation failed/i.test(r.stderr);
  if (r.killedFor === 'memory' || heapOut || (r.maxRssKb !== null && r.maxRssKb > MEMORY_LIMIT_KB)) {
    problems.push({ kind: 'memory', detail: `peak RSS ${formatKb(r.maxRssKb)}${r.killedFor === 'memory' ? ', killed at the bound' : ''}${heapOut ? ', V8 heap exhausted' : ''}` });
  }
  if (problems.length > 0) return problems;
  if (STACK_FRAME.test(r.stderr)) problems.push({ kind: 'stack trace', detail: 'stderr holds a stack trace' });
  if (r.code === EXIT_BUG && /^attnsim: internal error/m.test(r.stderr)) problems.push({ kind: 'crash (internal error, exit 1)', detail: firstLine(r.stderr) });
  if (entry.expect === 'ok') {
    if (r.code !== 0 && problems.length === 0) {
      problems.push({ kind: r.code === EXIT_BAD_INPUT ? 'valid input refused' : 'wrong exit code', detail: `exit ${r.code ?? r.signal}: ${firstLine(r.stderr)}` });
    }
    const word = NOT_A_NUMBER.exec(r.stdout);
    if (word) problems.push({ kind: 'NaN/Infinity/undefined in output', detail: `stdout holds "${word[0]}": …${around(r.stdout, word.index)}…` });
    for (const f of r.badOutputs) problems.push({ kind: 'NaN/Infinity/undefined in output', detail: `output file ${f}` });
    return problems;
  }
  if (r.code === 0) problems.push({ kind: 'exit 0 on bad input', detail: `stdout: ${firstLine(r.stdout) || '(empty)'}` });
  else if (r.code !== EXIT_BAD_INPUT && problems.length === 0) problems.push({ kind: 'wrong exit code', detail: `exit ${r.code ?? r.signal}, expected ${EXIT_BAD_INPUT}` });
  if (r.code !== 0) {
    const lines = r.stderr.replace(/\n$/, '').split('\n');
    const message = lines[0] ?? '';
    if (!STACK_FRAME.test(r.stderr) && (lines.length !== 1 || !message.startsWith(ERROR_PREFIX) || message.length === ERROR_PREFIX.length)) {
      problems.push({ kind: 'error not one line', detail: `stderr has ${lines.length} line(s), first: ${JSON.stringify(message.slice(0, 200))}` });
    } else if (entry.field !== undefined && message.startsWith(ERROR_PREFIX) && !namesField(message.slice(ERROR_PREFIX.length), entry.field)) {
      problems.push({ kind: 'wrong field', detail: `expected the line to name ${String(entry.field)}, got ${JSON.stringify(message)}` });
    }
  }
  if (r.code !== 0 && r.stdout !== '') problems.push({ kind: 'stdout on bad input', detail: firstLine(r.stdout) });
  if (r.changedFiles.length > 0) problems.push({ kind: 'file changed on bad input', detail: r.changedFiles.join(', ') });
  return problems;
}

/** A string field must open the message (`--set: …`); a pattern is matched against the whole message. */
function namesField(message: string, field: RegExp | string): boolean {
  if (typeof field !== 'string') return field.test(message);
  return message.startsWith(field) && /^($|[:\s.[])/.test(message.slice(field.length));
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 300);
}

function around(text: string, at: number): string {
  return text.slice(Math.max(0, at - 60), at + 40).replace(/\n/g, '⏎');
}

export function formatKb(kb: number | null): string {
  return kb === null ? 'unknown' : `${(kb / 1024).toFixed(0)} MiB`;
}

/** The report of one run: the args, how it ended, time, memory, and the first lines of its output. */
export function describeRun(entry: FuzzEntry, r: RunResult): string {
  const head = (text: string) =>
    text
      .split('\n')
      .slice(0, SHOWN_LINES)
      .map((l) => `    ${l.slice(0, 300)}`)
      .join('\n');
  return [
    `attnsim ${entry.args.join(' ')}`,
    `  expected ${entry.expect}${entry.field !== undefined ? ` naming ${String(entry.field)}` : ''}: ${entry.why}`,
    `  exit ${r.code ?? `signal ${r.signal}`}${r.killedFor ? ` (killed: ${r.killedFor})` : ''}, ${(r.ms / 1000).toFixed(1)} s, peak RSS ${formatKb(r.maxRssKb)}`,
    `  stderr:\n${head(r.stderr)}`,
    `  stdout:\n${head(r.stdout)}`,
  ].join('\n');
}

/** Run entries at most `concurrency` at a time, in the order they ask; a failure to run one becomes its setup failure. */
export function limitedRunner(places: () => Places, concurrency = CONCURRENCY): (entry: FuzzEntry) => Promise<RunResult> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (entry) => {
    if (running < concurrency) running++;
    else await new Promise<void>((res) => waiting.push(res)); // the run that finishes hands its slot over
    try {
      return await runEntry(entry, places());
    } catch (e) {
      return { code: null, signal: null, stdout: '', stderr: '', ms: 0, maxRssKb: null, killedFor: null, setupFailure: `the runner could not run it: ${String(e)}`, changedFiles: [], badOutputs: [] };
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

export function builtCliExists(): boolean {
  return existsSync(BUILT_CLI);
}
