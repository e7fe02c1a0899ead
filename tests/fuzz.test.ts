import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CORPUS } from './fuzz/corpus/index.js';
import type { FuzzEntry } from './fuzz/entry.js';
import { generateInputs } from './fuzz/generate.js';
import { builtCliExists, BUILT_CLI, CONCURRENCY, describeRun, HARD_LIMIT_MS, limitedRunner, problemsOf, SLOW_MS, type Problem, type RunResult } from './fuzz/run.js';

/**
 * Bad and extreme inputs for every command, each run as a real CLI process (tests/fuzz/README.md):
 * a bad input ends in one line `attnsim: error: …` and exit 2, a valid one in exit 0 with every
 * number a number; none runs past a minute or grows past 2 GiB.
 */

const COMMANDS_WITH_SUBCOMMANDS = new Set(['hardware', 'dataflow']);
const KNOWN_COMMANDS = new Set(['simulate', 'hardware', 'models', 'kernels', 'dataflow', 'validate', 'calibrate', 'sweep', 'merge', 'pareto', 'sensitivity', 'compare', 'sparse', 'plot', 'viz']);

/** The describe block of an entry: its command (with the subcommand of hardware and dataflow). */
function commandOf(entry: FuzzEntry): string {
  const [first = '', second = ''] = entry.args;
  if (!KNOWN_COMMANDS.has(first)) return 'usage';
  return COMMANDS_WITH_SUBCOMMANDS.has(first) ? `${first} ${second}` : first;
}

const groups = new Map<string, FuzzEntry[]>();
for (const entry of CORPUS) groups.set(commandOf(entry), [...(groups.get(commandOf(entry)) ?? []), entry]);

/**
 * Tests start together (vitest's maxConcurrency, 5 by default) but only CONCURRENCY children run
 * at once: a test may wait for the runs queued before it, each bounded by the hard limit.
 */
const QUEUED_AHEAD = 3;
const TEST_TIMEOUT_MS = (QUEUED_AHEAD + 1) * HARD_LIMIT_MS + 30_000;

let generated = '';
const run = limitedRunner(() => ({ gen: generated }), CONCURRENCY);
let startedAt = 0;
const finished: Array<{ entry: FuzzEntry; result: RunResult; problems: Problem[] }> = [];

/** Generating the inputs runs the tiny sweep four times (results, CSV, two shards), each bounded by the hard limit. */
const GENERATE_TIMEOUT_MS = 4 * HARD_LIMIT_MS;

beforeAll(() => {
  if (!builtCliExists()) throw new Error(`the fuzz suite runs the built CLI (${BUILT_CLI}); run \`npm run build\` first`);
  startedAt = Date.now();
  generated = generateInputs();
}, GENERATE_TIMEOUT_MS);

afterAll(() => {
  if (generated) rmSync(generated, { recursive: true, force: true });
  const wallSeconds = (Date.now() - startedAt) / 1000;
  const lines = [`fuzz corpus: ${finished.length} runs in ${wallSeconds.toFixed(0)} s wall, ${CONCURRENCY} at a time; ${finished.filter((f) => f.problems.length > 0).length} failed`];
  for (const f of finished.filter((x) => x.result.ms > SLOW_MS)) lines.push(`  slow (${(f.result.ms / 1000).toFixed(1)} s): attnsim ${f.entry.args.join(' ')}`);
  console.log(lines.join('\n'));
  // A machine-readable summary for triage, written only where one is asked for.
  const reportPath = process.env.ATTNSIM_FUZZ_REPORT;
  if (reportPath) {
    const runs = finished.map((f) => ({
      command: commandOf(f.entry),
      args: f.entry.args,
      expect: f.entry.expect,
      field: f.entry.field === undefined ? null : String(f.entry.field),
      why: f.entry.why,
      code: f.result.code,
      ms: f.result.ms,
      maxRssKb: f.result.maxRssKb,
      stderr: f.result.stderr.slice(0, 2000),
      stdout: f.result.stdout.slice(0, 500),
      problems: f.problems,
    }));
    writeFileSync(reportPath, `${JSON.stringify({ wallSeconds, runs }, null, 1)}\n`);
  }
});

const title = (e: FuzzEntry) => `${e.expect}: attnsim ${e.args.map((a) => (a === '' || /\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;

for (const [command, entries] of groups) {
  describe(`fuzz: ${command}`, () => {
    it.concurrent.for(entries.map((e) => [title(e), e] as const))('%s', { timeout: TEST_TIMEOUT_MS }, async ([, entry], { expect }) => {
      const result = await run(entry);
      const problems = problemsOf(entry, result);
      finished.push({ entry, result, problems });
      expect(problems, `${problems.map((p) => `${p.kind}: ${p.detail}`).join('\n')}\n${describeRun(entry, result)}`).toEqual([]);
    });
  });
}
