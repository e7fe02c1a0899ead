import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Inputs too big or too degenerate to keep in the repository, written at test time into a
 * temporary directory (the corpus names it `{gen}`).
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
  writeFileSync(join(dir, 'bad-utf8.yaml'), Buffer.concat([Buffer.from('name: '), Buffer.from([0x80, 0xfe, 0xff]), Buffer.from('\nbase: h100-sxm\nworkloads:\n  - {heads: 8, qLen: 1k, headDim: 64}\n')]));
  writeFileSync(join(dir, 'empty.json'), '');
  writeFileSync(join(dir, 'empty.yaml'), '');
  writeFileSync(join(dir, 'empty.jsonl'), '');
  writeFileSync(join(dir, 'empty.csv'), '');
  writeFileSync(join(dir, 'long.jsonl'), longResults(LONG_RESULTS_ROWS));
  mkdirSync(join(dir, 'a-directory.yaml'));
  mkdirSync(join(dir, 'a-directory.jsonl'));
  mkdirSync(join(dir, 'a-directory.json'));
  return dir;
}

/** A results file of one design per row (one workload), latency and energy falling and rising. */
function longResults(rows: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(JSON.stringify({
      index: i, design: i, workload: 0, sms: 1 + i, hardware: 'h100-sxm', kernel: 'fa2', workloadLabel: 'w', status: 'ok', bound: 'compute',
      latencySeconds: 1 / (1 + i), energyJoules: 1 + i / rows, reason: null,
    }));
  }
  return `${lines.join('\n')}\n`;
}
