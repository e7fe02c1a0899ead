import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { FuzzEntry } from '../entry.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Args as typed at a shell, split on spaces; pass an array when one arg holds a space or is empty. */
function argsOf(args: string | readonly string[]): readonly string[] {
  return typeof args === 'string' ? args.split(' ').filter((a) => a !== '') : args;
}

type Extra = Pick<FuzzEntry, 'files' | 'before' | 'outputs'>;

/** Input the CLI must refuse: exit 2, one line naming `field`. */
export function bad(args: string | readonly string[], field: RegExp | string | undefined, why: string, extra: Extra = {}): FuzzEntry {
  return { args: argsOf(args), expect: 'bad', ...(field !== undefined ? { field } : {}), why, ...extra };
}

/** Input the CLI must answer: exit 0, every number printed a number. */
export function ok(args: string | readonly string[], why: string, extra: Extra = {}): FuzzEntry {
  return { args: argsOf(args), expect: 'ok', why, ...extra };
}

/** A small explicit shape, cheap for every engine: 8 heads, 1K queries and keys, head dim 64. */
export const SMALL = '--heads 8 --q-len 1k --head-dim 64';

/** A valid sweep (2 designs × 1 small workload); entries replace the keys they break. */
export const BASE_SWEEP = {
  name: 'fz',
  base: 'h100-sxm',
  kernel: 'fa2',
  parameters: [{ path: 'sms', values: [66, 132] }],
  workloads: [{ heads: 8, qLen: '1k', headDim: 64, mask: 'causal' }],
} as const;

/** BASE_SWEEP with `patch` on top, as YAML; a key patched to undefined is left out. */
export function sweepYaml(patch: Record<string, unknown>): string {
  const merged: Record<string, unknown> = { ...BASE_SWEEP, ...patch };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return stringify(merged);
}

/** BASE_SWEEP with its one parameter replaced. */
export function sweepWithParameter(parameter: Record<string, unknown>): string {
  return sweepYaml({ parameters: [parameter] });
}

/** A fixture spec file with fields replaced by path (`compute.sms`); undefined deletes the field. */
function patched(fixture: string, fields: Record<string, unknown>): string {
  return JSON.stringify(withFields(JSON.parse(readFileSync(join(FIXTURES, fixture), 'utf8')), fields), null, 1);
}

/** A deep copy of `value` with fields replaced by dotted path; undefined deletes the field. */
function withFields(value: unknown, fields: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  for (const [path, v] of Object.entries(fields)) {
    const keys = path.split('.');
    let at = copy;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    if (v === undefined) delete at[keys.at(-1)!];
    else at[keys.at(-1)!] = v;
  }
  return copy;
}

/** The toy GPU (fixtures/toy-gpu.json) with fields replaced. */
export function toySpecWith(fields: Record<string, unknown>): string {
  return patched('toy-gpu.json', fields);
}

/** The toy dataflow device (fixtures/toy-dataflow.json) with fields replaced. */
export function toyDataflowWith(fields: Record<string, unknown>): string {
  return patched('toy-dataflow.json', fields);
}

/** The measured cases of fixtures/cases.jsonl, as parsed objects (small H200 cases of each kernel). */
export function fixtureCases(): Array<Record<string, unknown>> {
  return readFileSync(join(FIXTURES, 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A measured case (of fixtureCases) as one JSONL line, with fields replaced by path (`workload.qLen`). */
export function caseLine(c: Record<string, unknown>, fields: Record<string, unknown> = {}): string {
  return JSON.stringify(withFields(c, fields));
}
