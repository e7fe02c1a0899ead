import { evaluate, isMatrix, isUnit, type Unit } from 'mathjs';
import { InputError } from '../errors.js';

/**
 * The values one sweep parameter takes, from the three ways a sweep file may write them:
 * - a list: `[64, 128, "228 KiB"]` (a single scalar is a list of one);
 * - a range: `{from: 1, to: 8, steps: 8}` or `{from: 1e12, to: 8e12, steps: 4, scale: log}`;
 * - a mathjs expression: `"2^(10:17)"`, `"(64:64:256) KiB"`, `"round(10 .^ (1:0.5:3))"`.
 * What comes out is raw: numbers, or strings (unit strings, preset ids) that the parameter's
 * target parses. Expressions may carry units; those come out as unit strings ("64 KiB").
 */
export type RawValue = number | string;

export const SCALES = ['linear', 'log'] as const;

interface RangeSpec {
  from: number;
  to: number;
  steps: number;
  scale: (typeof SCALES)[number];
}

export function expandValues(spec: unknown, place: string): RawValue[] {
  if (spec === undefined || spec === null) throw new InputError(place, 'missing: give a list, a range {from, to, steps} or an expression like "2^(10:17)"');
  let values: RawValue[];
  if (Array.isArray(spec)) values = spec.map((v, i) => scalar(v, `${place}[${i}]`));
  else if (typeof spec === 'number') values = [scalar(spec, place)];
  else if (typeof spec === 'string') values = expressionValues(spec, place);
  else if (typeof spec === 'object') values = rangeValues(parseRange(spec as Record<string, unknown>, place));
  else throw new InputError(place, `expected a list, a range or an expression, got ${JSON.stringify(spec)}`);
  if (values.length === 0) throw new InputError(place, 'empty range: the parameter takes no values');
  return values;
}

function scalar(v: unknown, place: string): RawValue {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InputError(place, `expected a finite number, got ${v}`);
    return v;
  }
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  throw new InputError(place, `expected a number or a string, got ${JSON.stringify(v)}`);
}

function parseRange(node: Record<string, unknown>, place: string): RangeSpec {
  const unknownKeys = Object.keys(node).filter((k) => !['from', 'to', 'steps', 'scale'].includes(k));
  if (unknownKeys.length > 0) throw new InputError(`${place}.${unknownKeys[0]}`, 'unknown key in a range; a range is {from, to, steps, scale}');
  const num = (key: 'from' | 'to' | 'steps'): number => {
    const v = node[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${place}.${key}`, `a range needs a number here, got ${JSON.stringify(v)}`);
    return v;
  };
  const range: RangeSpec = { from: num('from'), to: num('to'), steps: num('steps'), scale: 'linear' };
  if (node.scale !== undefined) {
    if (!SCALES.includes(node.scale as RangeSpec['scale'])) throw new InputError(`${place}.scale`, `expected ${SCALES.join(' or ')}, got ${JSON.stringify(node.scale)}`);
    range.scale = node.scale as RangeSpec['scale'];
  }
  if (!Number.isInteger(range.steps) || range.steps < 1) {
    throw new InputError(`${place}.steps`, range.steps === 0 ? 'empty range: steps is 0' : `steps is the number of values, a whole number ≥ 1; got ${range.steps}`);
  }
  if (range.scale === 'log' && (range.from <= 0 || range.to <= 0)) throw new InputError(place, 'a log range needs from and to above 0');
  if (range.steps === 1 && range.from !== range.to) throw new InputError(`${place}.steps`, 'one step cannot go from one value to another; use steps ≥ 2 or a list');
  return range;
}

/** `steps` values from `from` to `to`, both included, evenly spaced (in log space for `log`). */
function rangeValues(r: RangeSpec): number[] {
  if (r.steps === 1) return [r.from];
  const out: number[] = [];
  for (let i = 0; i < r.steps; i++) {
    const t = i / (r.steps - 1);
    out.push(r.scale === 'log' ? r.from * (r.to / r.from) ** t : r.from + (r.to - r.from) * t);
  }
  // The ends exactly as written, not as the arithmetic rounds them.
  out[0] = r.from;
  out[out.length - 1] = r.to;
  return out;
}

/**
 * In a sweep, `2^(10:17)` means the powers 2^10 … 2^17; mathjs reads `^` on a range as a matrix
 * power and refuses. Element-wise `.^` is the only reading that makes sense here, so `^` becomes
 * `.^` (an explicit `.^` is left alone).
 */
function elementWise(expression: string): string {
  return expression.replace(/(?<!\.)\^/g, ' .^ ');
}

function expressionValues(expression: string, place: string): RawValue[] {
  let result: unknown;
  try {
    result = evaluate(elementWise(expression));
  } catch (e) {
    throw new InputError(place, `bad expression "${expression}": ${(e as Error).message}`);
  }
  const items: unknown[] = isMatrix(result) ? (result.toArray() as unknown[]).flat(Infinity) : Array.isArray(result) ? result.flat(Infinity) : [result];
  return items.map((item) => {
    if (typeof item === 'number' && Number.isFinite(item)) return item;
    if (isUnit(item)) return (item as Unit).toString();
    throw new InputError(place, `expression "${expression}" gives ${formatForError(item)}, not a finite number`);
  });
}

function formatForError(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v !== null && typeof v === 'object' && 'toString' in v) return String(v);
  return JSON.stringify(v) ?? String(v);
}
