import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The shell examples of README.md and docs/*.md, run and compared with the output the docs show.
 *
 * An example is a `$ ` line inside a fenced code block, followed by its expected output up to the
 * next `$ ` line or the end of the block. A block takes part when one of its commands runs
 * `attnsim` (or `npx attnsim`); its other `$ ` lines (`cmp`, `for` loops) run too, in order.
 *
 * How a doc states what is not checked, or not shown in full:
 * - `<!-- not checked: REASON -->` on the line before a block: nothing in it runs (a server, a
 *   benchmark, a progress bar that shows only on a terminal). Any other block with `$ ` lines that
 *   runs no `attnsim` command must carry it too, so nothing is left out silently.
 * - a line `...` (or `…`) in an expected output stands for any number of lines, there or at the
 *   end; a command may also cut its own output (`| sed -n 4,7p`, `| head -n 5`).
 *
 * Where the commands run: every doc gets its own empty temporary folder holding a copy of
 * `examples/`, so the relative paths the docs use (`examples/fa3-sram-128k-prefill.yaml`) resolve
 * as they do in a checkout, files an example writes (`-o fa3-sram.jsonl`) are there for the
 * examples after it, and nothing is written into the repository. `attnsim` and `npx attnsim` are
 * the repository's `bin/attnsim.js` (the built CLI in `dist/`), put first on PATH.
 */

/** A `$ ` command with the output the doc shows for it. */
export interface DocExample {
  doc: string;
  /** 1-based line of the `$ ` line in the doc. */
  line: number;
  command: string;
  expected: string[];
  /** 0-based lines of the doc that hold `expected` (end exclusive; trailing blank lines are not part of it). */
  outputStart: number;
  outputEnd: number;
}

export interface DocBlock {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  examples: DocExample[];
  /** Why the block is not run, from its `<!-- not checked: ... -->` marker. */
  notChecked?: string;
}

/** An example's output against the doc's, and where they first differ. */
export interface ExampleResult {
  example: DocExample;
  actual: string[];
  /** Wall time of the command, to find the slow examples. */
  seconds: number;
  mismatch?: Mismatch;
}

export interface Mismatch {
  /** 1-based line in the example's expected output, and the lines that differ there. */
  expectedLine: number;
  expected: string | undefined;
  actual: string | undefined;
}

/**
 * Relative tolerance on every number. Outputs print 3–4 significant digits; what can move them
 * without any change in the model is the order of floating-point sums (worker threads, Map
 * order) and Math.exp/log/pow differing in the last bits between Node versions and CPUs, far
 * below this. 0.5% is wide enough for that to flip a rounded digit of a value printed with 3
 * digits, and narrow enough that any real change of the model shows.
 */
export const NUMBER_REL_TOL = 0.005;

/**
 * Parts of an output that measure the machine, not the simulator: a sweep's wall time, rate and
 * whether it started worker threads (decided from how long its first chunk took). Both sides are
 * reduced to the placeholder before comparing.
 */
const VOLATILE: ReadonlyArray<readonly [RegExp, string]> = [[/ in \d+(?:\.\d+)? s(?:, \d+(?:\.\d+)?k? points\/s)?, (?:in-process|\d+ threads?)/g, ' in <wall time>']];

const NOT_CHECKED = /^<!--\s*not checked:\s*(.+?)\s*-->$/;
const FENCE = /^```/;
const ELLIPSIS = /^\s*(?:\.\.\.|…)\s*$/;
const PROMPT = '$ ';
/** A command that runs the CLI: `attnsim` or `npx attnsim` as a word anywhere in the line (loops, `;` chains). */
const RUNS_ATTNSIM = /(?:^|[\s;&|(])(?:npx\s+)?attnsim(?:\s|$)/;
/** The longest one example may take before it counts as hung; the slowest (validate --engine cycle) takes well under it. */
export const EXAMPLE_HANG_GUARD_MS = 300_000;

/** The docs the check covers: README.md and every docs/*.md, as paths relative to the repository. */
export function docFiles(repoRoot: string): string[] {
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort();
  return ['README.md', ...docs.map((f) => `docs/${f}`)];
}

/** The fenced blocks of a doc that hold `$ ` lines. */
export function parseDoc(doc: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!FENCE.test(lines[i]!)) {
      i++;
      continue;
    }
    const open = i;
    let close = open + 1;
    while (close < lines.length && !FENCE.test(lines[close]!)) close++;
    const examples: DocExample[] = [];
    for (let j = open + 1; j < close; j++) {
      if (!lines[j]!.startsWith(PROMPT)) continue;
      let end = j + 1;
      while (end < close && !lines[end]!.startsWith(PROMPT)) end++;
      let outputEnd = end;
      while (outputEnd > j + 1 && lines[outputEnd - 1]!.trim() === '') outputEnd--;
      examples.push({ doc, line: j + 1, command: lines[j]!.slice(PROMPT.length), expected: lines.slice(j + 1, outputEnd), outputStart: j + 1, outputEnd });
      j = end - 1;
    }
    if (examples.length > 0) {
      let before = open - 1;
      while (before >= 0 && lines[before]!.trim() === '') before--;
      const marker = before >= 0 ? NOT_CHECKED.exec(lines[before]!.trim()) : null;
      blocks.push({ doc, line: open + 1, examples, ...(marker ? { notChecked: marker[1]! } : {}) });
    }
    i = close + 1;
  }
  return blocks;
}

/** A block with `$ ` lines that runs no attnsim command and is not marked: the check would skip it silently. */
export function unmarkedBlocks(blocks: DocBlock[]): DocBlock[] {
  return blocks.filter((b) => b.notChecked === undefined && !b.examples.some((e) => RUNS_ATTNSIM.test(e.command)));
}

/** Runs the checked blocks of one doc in order, in a fresh temporary folder, and compares each output. */
export function runDocExamples(repoRoot: string, blocks: DocBlock[]): ExampleResult[] {
  const work = mkdtempSync(join(tmpdir(), 'attnsim-docs-'));
  try {
    const bin = join(work, '.bin');
    cpSync(join(repoRoot, 'examples'), join(work, 'examples'), { recursive: true });
    mkdirSync(bin);
    writeFileSync(join(bin, 'attnsim'), `#!/bin/sh\nexec node ${JSON.stringify(join(repoRoot, 'bin', 'attnsim.js'))} "$@"\n`);
    chmodSync(join(bin, 'attnsim'), 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` };
    const results: ExampleResult[] = [];
    for (const block of blocks) {
      if (block.notChecked !== undefined) continue;
      for (const example of block.examples) {
        const started = performance.now();
        const actual = runCommand(example.command, work, env);
        const seconds = (performance.now() - started) / 1000;
        const mismatch = compareOutput(example.expected, actual);
        results.push({ example, actual, seconds, ...(mismatch ? { mismatch } : {}) });
      }
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One command through bash (pipes, loops, `; echo "exit $?"`), stdout and stderr in the order printed. */
function runCommand(command: string, cwd: string, env: NodeJS.ProcessEnv): string[] {
  const script = `{\n${command.replace(/(^|[\s;&|(])npx\s+attnsim(?=\s|$)/g, '$1attnsim')}\n} 2>&1`;
  const r = spawnSync('bash', ['-c', script], { cwd, env, encoding: 'utf8', timeout: EXAMPLE_HANG_GUARD_MS, maxBuffer: 64 * 1024 * 1024 });
  const out = r.error ? `${r.stdout ?? ''}[docs check: ${r.error.message}]` : r.stdout;
  const lines = out.replace(/\n+$/, '').split('\n');
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

/** Where `actual` first departs from `expected` (ellipsis lines matching any run of lines), or undefined when they agree. */
export function compareOutput(expected: string[], actual: string[]): Mismatch | undefined {
  const segments = splitAtEllipses(expected);
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  if (segments.length === 1) {
    for (let k = 0; k < Math.max(first.lines.length, actual.length); k++) {
      if (k >= first.lines.length || k >= actual.length || !linesMatch(first.lines[k]!, actual[k]!)) return mismatchAt(first, k, actual[k]);
    }
    return undefined;
  }
  for (let k = 0; k < first.lines.length; k++) {
    if (k >= actual.length || !linesMatch(first.lines[k]!, actual[k]!)) return mismatchAt(first, k, actual[k]);
  }
  let cursor = first.lines.length;
  for (const segment of segments.slice(1, -1)) {
    const at = findSegment(segment.lines, actual, cursor);
    if (at === undefined) return mismatchAt(segment, 0, actual[cursor]);
    cursor = at + segment.lines.length;
  }
  const tailStart = actual.length - last.lines.length;
  for (let k = 0; k < last.lines.length; k++) {
    const a = tailStart + k >= cursor ? actual[tailStart + k] : undefined;
    if (a === undefined || !linesMatch(last.lines[k]!, a)) return mismatchAt(last, k, a);
  }
  return undefined;
}

interface Segment {
  lines: string[];
  start: number;
}

/** The expected lines between ellipses, with where each run starts (0-based). */
function splitAtEllipses(expected: string[]): Segment[] {
  const segments: Segment[] = [{ lines: [], start: 0 }];
  expected.forEach((line, k) => {
    if (ELLIPSIS.test(line)) segments.push({ lines: [], start: k + 1 });
    else segments[segments.length - 1]!.lines.push(line);
  });
  return segments;
}

function mismatchAt(segment: Segment, k: number, actual: string | undefined): Mismatch {
  return { expectedLine: segment.start + k + 1, expected: segment.lines[k], actual };
}

function findSegment(lines: string[], actual: string[], from: number): number | undefined {
  for (let at = from; at + lines.length <= actual.length; at++) {
    if (lines.every((l, k) => linesMatch(l, actual[at + k]!))) return at;
  }
  return undefined;
}

const NUMBER = /\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi;

/**
 * Two output lines agree when their text is the same after the volatile parts are replaced and
 * runs of spaces are collapsed (a number one digit wider shifts a table's columns), and each
 * number is within NUMBER_REL_TOL of its counterpart, or, printed with decimals, one unit of the
 * last printed place from it (rounding at that place turns a tiny change into a whole unit).
 */
export function linesMatch(expected: string, actual: string): boolean {
  const e = normalize(expected);
  const a = normalize(actual);
  if (e === a) return true;
  if (e.replace(NUMBER, '#') !== a.replace(NUMBER, '#')) return false;
  const en = e.match(NUMBER) ?? [];
  const an = a.match(NUMBER) ?? [];
  return en.every((x, k) => numbersMatch(x, an[k]!));
}

function normalize(line: string): string {
  let s = line;
  for (const [pattern, placeholder] of VOLATILE) s = s.replace(pattern, placeholder);
  return s.replace(/\s+/g, ' ').trim();
}

function numbersMatch(expected: string, actual: string): boolean {
  const e = Number(expected);
  const a = Number(actual);
  if (Math.abs(e - a) <= NUMBER_REL_TOL * Math.max(Math.abs(e), Math.abs(a))) return true;
  const decimals = Math.max(decimalPlaces(expected), decimalPlaces(actual));
  return decimals > 0 && !/e/i.test(expected + actual) && Math.abs(e - a) <= 10 ** -decimals * (1 + 1e-9);
}

function decimalPlaces(n: string): number {
  const dot = n.indexOf('.');
  return dot < 0 ? 0 : n.length - dot - 1;
}

/** A failed example as a reader wants it: where, the command, and the first line that differs. */
export function describeMismatch(r: ExampleResult): string {
  const m = r.mismatch!;
  const show = (s: string | undefined): string => (s === undefined ? '(no line)' : JSON.stringify(s));
  return [`${r.example.doc}:${r.example.line}: $ ${r.example.command}`, `  output line ${m.expectedLine} differs`, `    expected: ${show(m.expected)}`, `    actual:   ${show(m.actual)}`].join('\n');
}

/**
 * The doc with each run example's expected output replaced by what it printed. Commands, prose
 * and blocks not checked stay as they are. An output with ellipses keeps them: each run of lines
 * between them is replaced by the actual lines where it matches (anchored at the start or end
 * like the comparison; an inner run where its first line's text, numbers aside, is found next).
 * Returns the examples that could not be placed that way, to be edited by hand.
 */
export function updateDoc(text: string, results: ExampleResult[]): { text: string; unplaced: DocExample[] } {
  const lines = text.split('\n');
  const unplaced: DocExample[] = [];
  const edits = results
    .filter((r) => r.mismatch)
    .map((r) => ({ r, replacement: rewrittenOutput(r.example.expected, r.actual) }))
    .sort((x, y) => y.r.example.outputStart - x.r.example.outputStart);
  for (const { r, replacement } of edits) {
    if (replacement === undefined) {
      unplaced.push(r.example);
      continue;
    }
    lines.splice(r.example.outputStart, r.example.outputEnd - r.example.outputStart, ...replacement);
  }
  return { text: lines.join('\n'), unplaced };
}

function rewrittenOutput(expected: string[], actual: string[]): string[] | undefined {
  const segments = splitAtEllipses(expected);
  if (segments.length === 1) return actual;
  const ellipsis = expected.find((l) => ELLIPSIS.test(l))!;
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const out: string[] = actual.slice(0, first.lines.length);
  let cursor = first.lines.length;
  for (const segment of segments.slice(1, -1)) {
    out.push(ellipsis);
    if (segment.lines.length === 0) continue;
    const shape = skeleton(segment.lines[0]!);
    let at = cursor;
    while (at < actual.length && skeleton(actual[at]!) !== shape) at++;
    if (at + segment.lines.length > actual.length) return undefined;
    out.push(...actual.slice(at, at + segment.lines.length));
    cursor = at + segment.lines.length;
  }
  out.push(ellipsis);
  const tailStart = actual.length - last.lines.length;
  if (tailStart < cursor) return undefined;
  out.push(...actual.slice(tailStart));
  return out;
}

/** A line's text with its numbers and spacing taken out: what stays put when only values change. */
function skeleton(line: string): string {
  return normalize(line).replace(NUMBER, '#');
}

/** Reads a doc and parses it. */
export function loadDoc(repoRoot: string, doc: string): { text: string; blocks: DocBlock[] } {
  const text = readFileSync(join(repoRoot, doc), 'utf8');
  return { text, blocks: parseDoc(doc, text) };
}

/** A crash, not an output: the CLI's one-line report of a bug, or a stack frame from anywhere. */
const CRASH = [/^attnsim: internal error:/, /^\s+at .+:\d+:\d+\)?$/];

/** Whether an example's output shows a crash (a CLI bug to report, never to copy into a doc). */
export function showsCrash(lines: string[]): boolean {
  return lines.some((l) => CRASH.some((p) => p.test(l)));
}
