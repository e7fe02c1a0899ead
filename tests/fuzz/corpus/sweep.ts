import type { FuzzEntry } from '../entry.js';
import { BASE_SWEEP, bad, ok, sweepWithParameter, sweepYaml, toySpecWith } from './helpers.js';

/** `attnsim sweep`: sweep files (YAML and JSON, broken every way a hand can break them), flags, outputs, resuming. */

/** A sweep file entry: `s.yaml` holds `text`, run for real so that a mistake caught only when points run still counts. */
function badSweep(text: string, field: RegExp | string | undefined, why: string): FuzzEntry {
  return bad('sweep s.yaml -o out.jsonl', field, why, { files: { 's.yaml': text } });
}

const PARAM = /parameters\[0\]/;
const VALUES = /parameters\[0\]\.values/;

/** 30 two-valued parameters: 2^30 ≈ 10^9 designs, past the 10^8-point limit. */
const THIRTY_PARAMETERS = Array.from({ length: 30 }, (_, i) => ({ path: i % 2 === 0 ? 'kernel.tileK' : 'kernel.tileQ', values: [64 + i, 128 + i] }));

/** The billion-laughs YAML: nine levels of aliases, each ten times the last. */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
  'name: *i',
  'base: h100-sxm',
  'workloads: [{heads: 8, qLen: 1k, headDim: 64}]',
].join('\n');

const files: FuzzEntry[] = [
  bad('sweep {gen}/a-directory.yaml', /a-directory\.yaml/, 'a directory'),
  bad('sweep {gen}/empty.yaml', /empty\.yaml|^sweep\b/, 'an empty file is no sweep'),
  bad('sweep {gen}/deep.yaml', /deep\.yaml|^sweep\b/, '20000 nested YAML sequences'),
  bad('sweep {gen}/deep-flow.yaml', /deep-flow\.yaml|^sweep\b/, '20000 nested flow sequences as the workloads'),
  bad('sweep /dev/zero', /dev\/zero|^sweep\b/, 'an endless file: refused within the memory bound'),
  ok('sweep {gen}/bad-utf8.yaml --dry-run', 'invalid UTF-8 in the name is replaced, the sweep still plans'),
  badSweep(ALIAS_BOMB, /s\.yaml|^sweep\b/, 'the billion-laughs alias bomb: refused, never expanded'),
  badSweep('name: cut\nbase: h100-sxm\nparameters:\n  - path: sms\n    values: [66, 13', /s\.yaml/, 'a file cut off inside a list'),
  badSweep('name: tabs\nbase: h100-sxm\nworkloads:\n\t- {heads: 8, qLen: 1k, headDim: 64}\n', /s\.yaml/, 'tabs as indentation'),
  badSweep('- name: list\n- base: h100-sxm\n', /^sweep\b|s\.yaml/, 'a list where a mapping is expected'),
  badSweep(sweepYaml({}).replace('name: fz', 'name: fz\nname: again'), /s\.yaml|name/, 'a key given twice'),
  bad('sweep s.json -o out.jsonl', /s\.json/, 'JSON with a trailing comma', { files: { 's.json': `${JSON.stringify(BASE_SWEEP).slice(0, -1)},}` } }),
  ok('sweep s.json -o out.jsonl', 'the same sweep as JSON', { files: { 's.json': JSON.stringify(BASE_SWEEP) }, outputs: ['out.jsonl'] }),
];

const keys: FuzzEntry[] = [
  badSweep(sweepYaml({ base: 'nope' }), /base/, 'an unknown base preset'),
  badSweep(sweepYaml({ base: 'missing.json' }), /base|missing\.json/, 'a base spec file that does not exist'),
  badSweep(sweepYaml({ base: '/dev/zero' }), /base|dev\/zero/, 'an endless base spec file'),
  badSweep(sweepYaml({ kernel: 'nope' }), /kernel/, 'an unknown kernel'),
  badSweep(sweepYaml({ objectives: ['speed'] }), /objectives/, 'an unknown objective'),
  badSweep(sweepYaml({ set: { 'power.maxWatts': '100 W' } }), /set/, "a power cap below the H100's idle power"),
  badSweep(sweepYaml({ parameters: 'sms' }), /parameters/, 'a string where a list is expected'),
  badSweep(sweepYaml({ parameters: THIRTY_PARAMETERS }), /parameters/, '2^30 designs: past the point limit, refused before planning them'),
  badSweep(sweepYaml({ workloads: undefined }), /workloads/, 'no workloads'),
  badSweep(sweepYaml({ workloads: [{ model: 'nope' }] }), /workloads\[0\]/, 'an unknown model'),
  badSweep(sweepYaml({ workloads: [{ model: 'llama-3.1-8b', contexts: ['10M'] }] }), /workloads\[0\]/, "past the model's 131072-token context"),
  badSweep(sweepYaml({ workloads: [{ heads: 8, qLen: '1k' }] }), /workloads\[0\]/, 'an explicit shape without a head dim'),
];

const parameters: FuzzEntry[] = [
  badSweep(sweepWithParameter({ values: [1, 2] }), PARAM, 'a parameter without a path'),
  badSweep(sweepWithParameter({ path: 'sms', values: [] }), VALUES, 'no values'),
  badSweep(sweepWithParameter({ path: 'sms', values: 'range(1,10^9)' }), VALUES, 'a billion SM counts: refused before the list is built'),
  badSweep(sweepWithParameter({ path: 'sms', values: 'ones(100000,100000)' }), VALUES, 'a 10^10-element matrix: refused before it is built'),
  badSweep(sweepWithParameter({ path: 'sms', values: '1:1e8' }), VALUES, '10^8 SM counts (each an absurd GPU): refused before the list is built'),
  badSweep(sweepWithParameter({ path: 'hbmBandwidthBytesPerSecond', values: '2^(1:2000)' }), VALUES, 'values that overflow to Infinity'),
  badSweep(sweepWithParameter({ path: 'hbmBandwidthBytesPerSecond', values: '[1, NaN]' }), VALUES, 'NaN in an expression'),
  badSweep(sweepWithParameter({ path: 'hbmBandwidthBytesPerSecond', values: 'import({x: 1})' }), VALUES, 'an expression that would change the parser itself'),
  badSweep(sweepWithParameter({ path: 'hbmBandwidthBytesPerSecond', values: ['fast'] }), VALUES, 'a word where a bandwidth is expected'),
  badSweep(sweepWithParameter({ path: 'power.maxWatts', unit: 'W', values: [50, 700] }), VALUES, 'a power cap below idle among the values'),
  badSweep(sweepWithParameter({ path: 'hardware', values: ['missing.json'] }), /parameters\[0\]|missing\.json/, 'a hardware file that does not exist'),
  badSweep(sweepWithParameter({ path: 'sms', values: { from: 1, to: 10 } }), VALUES, 'a range without steps'),
  badSweep(sweepWithParameter({ path: 'hbmBandwidthBytesPerSecond', values: { from: 0, to: 4e12, steps: 5, scale: 'log' } }), VALUES, 'a log range from 0'),
  badSweep(sweepWithParameter({ path: 'hbmBandwidthBytesPerSecond', unit: 'furlongs', values: [1] }), /parameters\[0\]\.unit|parameters\[0\]/, 'an unknown unit'),
  ok('sweep s.yaml -o out.jsonl', 'a range scaled by a unit', {
    files: { 's.yaml': sweepWithParameter({ path: 'hbmBandwidthBytesPerSecond', unit: 'TB/s', values: { from: 2, to: 8, steps: 3, scale: 'log' } }) },
    outputs: ['out.jsonl'],
  }),
  ok('sweep s.yaml -o out.jsonl', 'a hardware parameter naming a spec file beside the sweep', {
    files: { 's.yaml': sweepWithParameter({ path: 'hardware', values: ['hw.json', 'h100-sxm'] }), 'hw.json': toySpecWith({}) },
    outputs: ['out.jsonl'],
  }),
];

/** Where sweep results go, and the flags of a run. */
const runs: FuzzEntry[] = [
  ok('sweep {fx}/tiny.yaml -o out.jsonl', 'the tiny sweep', { outputs: ['out.jsonl'] }),
  ok('sweep {fx}/tiny.yaml', 'the default output, beside the working directory', { outputs: ['tiny.results.jsonl'] }),
  ok('sweep {fx}/tiny.yaml -o out.jsonl --shard 1/2', 'the second of two shards', { outputs: ['out.jsonl'] }),
  ok('sweep {fx}/tiny.yaml -o out.jsonl', 'resume after --limit', { before: [['sweep', '{fx}/tiny.yaml', '-o', 'out.jsonl', '--limit', '3']], outputs: ['out.jsonl'] }),
  ok('sweep {fx}/tiny.yaml -o out.jsonl', 'rerun a finished sweep: nothing left to compute', { before: [['sweep', '{fx}/tiny.yaml', '-o', 'out.jsonl']], outputs: ['out.jsonl'] }),
  ok('sweep {fx}/tiny.yaml -o out.jsonl --shard 3/1000', 'more shards than points: this one is empty'),
  ok('sweep {repo}/examples/fa3-sram-128k-prefill.yaml --dry-run', 'a shipped example, planned'),
  bad('sweep {fx}/tiny-set.yaml -o out.jsonl', /set|out\.jsonl|--output/, 'resuming under a changed `set:` would mix two machines in one file: refused, the file kept', {
    before: [['sweep', '{fx}/tiny.yaml', '-o', 'out.jsonl', '--limit', '3']],
  }),
  bad('sweep {fx}/tiny-set.yaml -o out.csv', /set|out\.csv|--output/, 'the same, for a finished CSV file', { before: [['sweep', '{fx}/tiny.yaml', '-o', 'out.csv']] }),
  bad('sweep s.yaml -o out.jsonl', /out\.jsonl|--output/, "the output holds another sweep's results: refused, the file kept", {
    files: { 's.yaml': sweepYaml({ name: 'other' }) },
    before: [['sweep', '{fx}/tiny.yaml', '-o', 'out.jsonl']],
  }),
  bad('sweep {fx}/tiny.yaml -o out.jsonl', /out\.jsonl|--output/, 'the output holds garbage: refused, never overwritten', { files: { 'out.jsonl': 'not results\n' } }),
  bad('sweep {fx}/tiny.yaml -o /proc/x.jsonl', '--output', '/proc cannot hold a file'),
  bad('sweep {fx}/tiny.yaml -o {gen}/a-directory.jsonl', '--output', 'a directory'),
  bad('sweep {fx}/tiny.yaml -o out.jsonl --workers 0', '--workers', 'no threads'),
  bad('sweep {fx}/tiny.yaml -o out.jsonl --workers 1000000', '--workers', 'a million threads: refused with the limit, not started'),
  bad('sweep {fx}/tiny.yaml -o out.jsonl --limit 0', '--limit', 'compute nothing'),
  bad('sweep {fx}/tiny.yaml -o out.jsonl --shard 2/2', '--shard', 'shards count from 0: 2/2 does not exist'),
  bad('sweep {fx}/tiny.yaml {fx}/tiny-set.yaml', undefined, 'two sweep files'),
];

export const SWEEP: FuzzEntry[] = [...files, ...keys, ...parameters, ...runs];
