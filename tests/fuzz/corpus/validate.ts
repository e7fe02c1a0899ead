import type { FuzzEntry } from '../entry.js';
import { bad, caseLine, fixtureCases, ok } from './helpers.js';

/** `attnsim validate` and `attnsim calibrate` (never --write: that writes into the repository). */

const CASES = fixtureCases();
/** A case of the calibration split (FNV-1a(id) mod 4 = 0) and one held out. */
const CALIBRATION_CASE = CASES.find((c) => c.id === 'sdpa-flash/b1-h8-kv8-q1-k256-d128/none')!;
const HELD_OUT_CASE = CASES.find((c) => c.id === 'sdpa-cudnn/b1-h8-kv8-q1-k256-d128/none')!;
/** Cases whose FNV-1a(id) mod 4 is not 0: never in the calibration split. */
const HELD_OUT_IDS = ['sdpa-cudnn/b1-h8-kv8-q1-k256-d128/none', 'sdpa-efficient/b1-h8-kv8-q1-k256-d128/none', 'sdpa-cudnn/b1-h32-kv8-q1-k256-d128/none', 'sdpa-flash/b1-h32-kv8-q1-k256-d128/none'];
const jsonl = (...lines: string[]) => `${lines.join('\n')}\n`;

const validate: FuzzEntry[] = [
  ok('validate --data {fx}/cases.jsonl', '18 small measured cases'),
  ok('validate --data {fx}/cases.jsonl --json', 'as JSON'),
  ok('validate --data {fx}/cases.jsonl --engine cycle', 'the cycle engine on small cases'),
  ok('validate --data {fx}/cases.jsonl --engine cycle --trace t.json', 'a trace of the first case', { outputs: ['t.json'] }),
  bad('validate --data c.jsonl', '--data', 'a broken line among good ones: the file is bad input, said in one line', {
    files: { 'c.jsonl': jsonl(caseLine(CALIBRATION_CASE), '{"id": "cut off', caseLine(HELD_OUT_CASE)) },
  }),
  ok('validate --data c.jsonl', 'a kernel the simulator does not know is listed as unsupported, never dropped', {
    files: { 'c.jsonl': jsonl(caseLine(CALIBRATION_CASE), caseLine(HELD_OUT_CASE, { id: 'ring-nccl/x/none', kernel: 'ring-nccl' })) },
  }),
  bad('validate --data c.jsonl', '--data', 'every case unsupported: nothing could be predicted', {
    files: { 'c.jsonl': jsonl(caseLine(HELD_OUT_CASE, { id: 'ring-nccl/x/none', kernel: 'ring-nccl' })) },
  }),
  ok('validate --data c.jsonl', 'a case of 10^12 tokens is listed or predicted, not simulated for hours', {
    files: { 'c.jsonl': jsonl(caseLine(CALIBRATION_CASE), caseLine(HELD_OUT_CASE, { id: 'sdpa-cudnn/huge/none', 'workload.qLen': 1e12, 'workload.kvLen': 1e12, phase: 'prefill' })) },
  }),
  bad('validate --data missing.jsonl', '--data', 'no such file'),
  bad('validate --data {gen}/a-directory.jsonl', '--data', 'a directory'),
  bad('validate --data {gen}/empty.jsonl', '--data', 'no cases: nothing to validate'),
  bad('validate --data {gen}/garbage.jsonl', '--data', 'binary garbage: no line is a case'),
  bad('validate --data /dev/zero', '--data', 'an endless file'),
  bad('validate --data {gen}/results.jsonl', '--data', 'a sweep results file is not measured cases'),
  bad('validate --data c.jsonl', '--data', 'every line bad: a negative latency, no id, a string for qLen', {
    files: { 'c.jsonl': jsonl(caseLine(CALIBRATION_CASE, { 'measured.latencyMs': -1 }), caseLine(CALIBRATION_CASE, { id: undefined }), caseLine(CALIBRATION_CASE, { 'workload.qLen': 'many' })) },
  }),
  bad('validate --data {fx}/cases.jsonl --engine nope', '--engine', 'unknown engine'),
  bad('validate --data {fx}/cases.jsonl --trace t.json', '--trace', 'a timeline comes from the cycle engine'),
  bad('validate --data {fx}/cases.jsonl --engine cycle --trace /proc/x.json', '--trace', '/proc cannot hold a file'),
  bad('validate --data {fx}/cases.jsonl --engine cycle --trace t.json --trace-case nope', '--trace-case', 'no such case'),
  bad('validate --data {fx}/cases.jsonl --repeat missing.jsonl', '--repeat', 'no such repeat file'),
  bad('validate extra', undefined, 'validate takes no positional argument'),
];

const calibrate: FuzzEntry[] = [
  ok('calibrate --data {fx}/cases.jsonl', 'a fit on 5 calibration-split cases, printed (not written)'),
  bad('calibrate --hardware nope', '--hardware', 'unknown preset'),
  bad('calibrate --hardware h100-sxm --data {fx}/cases.jsonl', /^--(hardware|data)\b/, 'the data holds no H100 case: nothing to fit'),
  bad('calibrate --data missing.jsonl', '--data', 'no such file'),
  bad('calibrate --data {gen}/garbage.jsonl', '--data', 'binary garbage'),
  bad('calibrate --data c.jsonl', '--data', 'held-out cases only: the calibration split is empty, nothing to fit', {
    files: { 'c.jsonl': jsonl(...CASES.filter((c) => HELD_OUT_IDS.includes(c.id as string)).map((c) => caseLine(c))) },
  }),
  bad('calibrate --foo', /'--foo'/, 'an unknown option'),
];

export const VALIDATE: FuzzEntry[] = [...validate, ...calibrate];
