import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHILD, FIXTURES_DIR, HARD_LIMIT_MS } from './run.js';

/**
 * Inputs too big or too degenerate to keep in the repository, and results files in the format
 * the current build writes (with whatever header it puts first), corrupted every way a reader
 * must refuse; written at test time into a temporary directory (the corpus names it `{gen}`).
 */

/** Nesting depth of the deep JSON and YAML files: far past any recursive parser's or validator's stack (Node's default stack holds ~10k frames). */
const DEEP_NESTING = 100_000;
/** Nesting depth of the deep YAML file: the yaml package builds a node per level, so 20k levels already run its recursion past the stack. */
const DEEP_YAML_NESTING = 20_000;
/** Size of the binary garbage files: big enough to hold every byte value many times, small enough to write in a blink. */
const GARBAGE_BYTES = 64 * 1024;
/** Seed of the garbage bytes, so that every run reads the same garbage. */
const GARBAGE_SEED = 0x2545f491;
/** Rows of the long results file: a sweep's worth, to check that reading it stays within the bounds. */
const LONG_RESULTS_ROWS = 100_000;

/** xorshift32: deterministic bytes without a dependency. */
function garbage(bytes: number, seed: number): Buffer {
  const out = Buffer.alloc(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function generateInputs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'attnsim-fuzz-gen-'));
  const deepArray = `${'['.repeat(DEEP_NESTING)}${']'.repeat(DEEP_NESTING)}`;
  const deepObject = `${'{"a":'.repeat(DEEP_NESTING)}1${'}'.repeat(DEEP_NESTING)}`;
  writeFileSync(join(dir, 'deep-array.json'), deepArray);
  writeFileSync(join(dir, 'deep-object.json'), deepObject);
  writeFileSync(join(dir, 'deep.jsonl'), `${deepObject}\n`);
  writeFileSync(join(dir, 'deep.yaml'), `${'- '.repeat(DEEP_YAML_NESTING)}x\n`);
  writeFileSync(join(dir, 'deep-flow.yaml'), `workloads: ${'['.repeat(DEEP_YAML_NESTING)}${']'.repeat(DEEP_YAML_NESTING)}\n`);
  // A deep object where a spec file has its compute section.
  writeFileSync(join(dir, 'deep-spec.json'), `{"id":"deep","kind":"gpu","compute":${deepObject}}`);
  const bytes = garbage(GARBAGE_BYTES, GARBAGE_SEED);
  for (const ext of ['json', 'yaml', 'jsonl', 'csv', 'svg']) writeFileSync(join(dir, `garbage.${ext}`), bytes);
  // Invalid UTF-8 inside otherwise well-formed YAML: a name with a lone continuation byte.
  writeFileSync(
    join(dir, 'bad-utf8.yaml'),
    Buffer.concat([Buffer.from('name: '), Buffer.from([0x80, 0xfe, 0xff]), Buffer.from('\nbase: h100-sxm\nworkloads:\n  - {heads: 8, qLen: 1k, headDim: 64}\n')]),
  );
  writeFileSync(join(dir, 'empty.json'), '');
  writeFileSync(join(dir, 'empty.yaml'), '');
  writeFileSync(join(dir, 'empty.jsonl'), '');
  writeFileSync(join(dir, 'empty.csv'), '');
  writeFileSync(join(dir, 'long.jsonl'), longResults(LONG_RESULTS_ROWS));
  mkdirSync(join(dir, 'a-directory.yaml'));
  mkdirSync(join(dir, 'a-directory.jsonl'));
  mkdirSync(join(dir, 'a-directory.json'));
  writeResults(dir);
  return dir;
}

/** Run the built CLI in `dir`; a failure is reported and leaves its files missing, so the entries that need them fail, not the suite. */
function cli(dir: string, args: readonly string[]): boolean {
  const r = spawnSync(process.execPath, [CHILD, ...args], { cwd: dir, encoding: 'utf8', timeout: HARD_LIMIT_MS });
  if (r.status !== 0) console.warn(`fuzz: could not generate inputs with \`attnsim ${args.join(' ')}\`: ${r.stderr.split('\n')[0] ?? r.error}`);
  return r.status === 0;
}

/** A results file split into what comes before the rows (header, column names) and the rows. */
interface Results {
  head: string[];
  rows: string[];
}

function splitJsonl(text: string): Results {
  const lines = text.split('\n').filter((l) => l !== '');
  const isRow = (l: string) => /^\{"index":/.test(l);
  return { head: lines.filter((l) => !isRow(l)), rows: lines.filter(isRow) };
}

function splitCsv(text: string): Results {
  const lines = text.split('\n').filter((l) => l !== '');
  const columns = lines.findIndex((l) => l.startsWith('index,'));
  return { head: lines.slice(0, columns + 1), rows: lines.slice(columns + 1) };
}

/** A split results file joined back. */
const textOf = (r: Results) => `${[...r.head, ...r.rows].join('\n')}\n`;

/** A JSONL row with one field's JSON text replaced. */
function replaceField(row: string, key: string, json: string): string {
  const re = new RegExp(`"${key}":(null|-?[0-9.e+-]+|"[^"]*")`);
  if (!re.test(row)) return row;
  return row.replace(re, `"${key}":${json}`);
}

/**
 * The tiny sweep's results (fixtures/tiny.yaml, 8 points of 4 designs), as the build writes
 * them, and broken copies: each a mistake a reader must refuse or a quirk it must accept.
 */
function writeResults(dir: string): void {
  const tiny = join(FIXTURES_DIR, 'tiny.yaml');
  if (!cli(dir, ['sweep', tiny, '-o', 'results.jsonl']) || !cli(dir, ['sweep', tiny, '-o', 'results.csv'])) return;
  cli(dir, ['sweep', tiny, '--shard', '0/2', '-o', 'shard-a.jsonl']);
  cli(dir, ['sweep', tiny, '--shard', '1/2', '-o', 'shard-b.jsonl']);
  const jsonl = splitJsonl(readFileSync(join(dir, 'results.jsonl'), 'utf8'));
  const csv = splitCsv(readFileSync(join(dir, 'results.csv'), 'utf8'));
  const put = (name: string, text: string) => writeFileSync(join(dir, name), text);
  const rowsWith = (i: number, key: string, json: string) => ({ head: jsonl.head, rows: jsonl.rows.map((r, k) => (k === i ? replaceField(r, key, json) : r)) });
  put('results-dup.jsonl', textOf({ head: jsonl.head, rows: [...jsonl.rows.slice(0, 3), replaceField(jsonl.rows[2]!, 'latencySeconds', '0.5'), ...jsonl.rows.slice(3)] }));
  put('results-dup-same.csv', textOf({ head: csv.head, rows: [...csv.rows.slice(0, 3), csv.rows[2]!, ...csv.rows.slice(3)] }));
  put('results-wrong-header.csv', textOf({ head: csv.head.map((l) => (l.startsWith('index,') ? l.replace('index,', 'row,').replace('latencySeconds', 'latency_ms') : l)), rows: csv.rows }));
  put('results-header-only.csv', `${csv.head.join('\n')}\n`);
  const full = textOf(jsonl);
  put('results-truncated.jsonl', full.slice(0, full.length - 60));
  put('results-mid-garbage.jsonl', textOf({ head: jsonl.head, rows: jsonl.rows.map((r, k) => (k === 3 ? r.slice(0, 30) : r)) }));
  // JSON.parse reads 1e999 as Infinity.
  put('results-infinite.jsonl', textOf(rowsWith(1, 'latencySeconds', '1e999')));
  put('results-negative.jsonl', textOf(rowsWith(1, 'latencySeconds', '-0.001')));
  put('results-string-number.jsonl', textOf(rowsWith(1, 'latencySeconds', '"fast"')));
  put('results-index-fraction.jsonl', textOf(rowsWith(5, 'index', '4.5')));
  put('results-no-index.jsonl', textOf({ head: jsonl.head, rows: jsonl.rows.map((r) => r.replace(/^\{"index":\d+,/, '{')) }));
  put(
    'results-all-infeasible.jsonl',
    textOf({
      head: jsonl.head,
      rows: jsonl.rows.map((r) =>
        ['latencySeconds', 'energyJoules', 'costDollars', 'bound'].reduce(
          (row, key) => replaceField(row, key, 'null'),
          replaceField(replaceField(r, 'status', '"infeasible"'), 'reason', '"tiles do not fit"'),
        ),
      ),
    }),
  );
  put('results-one-design.jsonl', textOf({ head: jsonl.head, rows: jsonl.rows.slice(0, 2) }));
  put('results-bom.csv', `\ufeff${textOf(csv)}`);
  put('results-crlf.csv', `${[...csv.head, ...csv.rows].join('\r\n')}\r\n`);
  put('results-array.jsonl', '[1,2,3]\n[4,5,6]\n');
}

/** A results file of one design per row (one workload), latency and energy falling and rising. */
function longResults(rows: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(
      JSON.stringify({
        index: i,
        design: i,
        workload: 0,
        sms: 1 + i,
        hardware: 'h100-sxm',
        kernel: 'fa2',
        workloadLabel: 'w',
        status: 'ok',
        bound: 'compute',
        latencySeconds: 1 / (1 + i),
        energyJoules: 1 + i / rows,
        reason: null,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
