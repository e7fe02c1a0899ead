import {
  ArrayNode,
  FunctionNode,
  isArrayNode,
  isConstantNode,
  isFunctionNode,
  isMatrix,
  isOperatorNode,
  isParenthesisNode,
  isRangeNode,
  isSymbolNode,
  isUnit,
  OperatorNode,
  ParenthesisNode,
  parse,
  range,
  type MathNode,
  type Unit,
} from 'mathjs';
import { InputError } from '../../hardware/errors.js';

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

/**
 * Most values one parameter (or one workload list) may take. A design axis has a handful to a
 * few hundred values; every value is parsed and checked on every hardware of the sweep
 * (about 0.1 ms each), so 10,000 keep planning to about a second, and a range that asks for
 * 10^9 is refused before anything is built.
 */
export const MAX_PARAMETER_VALUES = 10_000;

interface RangeSpec {
  from: number;
  to: number;
  steps: number;
  scale: (typeof SCALES)[number];
}

export function expandValues(spec: unknown, place: string): RawValue[] {
  if (spec === undefined || spec === null) throw new InputError(place, 'missing: give a list, a range {from, to, steps} or an expression like "2^(10:17)"');
  let values: RawValue[];
  if (Array.isArray(spec)) {
    if (spec.length > MAX_PARAMETER_VALUES) throw new InputError(place, `a list of ${spec.length} values, more than the ${MAX_PARAMETER_VALUES} a parameter may take`);
    values = spec.map((v, i) => scalar(v, `${place}[${i}]`));
  } else if (typeof spec === 'number') values = [scalar(spec, place)];
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
  if (range.steps > MAX_PARAMETER_VALUES) throw new InputError(`${place}.steps`, `${range.steps} values, more than the ${MAX_PARAMETER_VALUES} a parameter may take`);
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
  if (expression.length > MAX_EXPRESSION_CHARS) {
    throw new InputError(place, `expression of ${expression.length} characters, more than the ${MAX_EXPRESSION_CHARS} a value expression may have; write a list or a range {from, to, steps} instead`);
  }
  let result: unknown;
  try {
    result = restricted(parse(elementWise(expression))).evaluate(new Map<string, unknown>(Object.entries(GUARDS)));
  } catch (e) {
    throw new InputError(place, `bad expression "${oneLine(expression)}": ${oneLine((e as Error).message)}`);
  }
  const items: unknown[] = isMatrix(result) ? (result.toArray() as unknown[]).flat(Infinity) : Array.isArray(result) ? result.flat(Infinity) : [result];
  return items.map((item) => {
    if (typeof item === 'number' && Number.isFinite(item)) return item;
    if (isUnit(item)) return (item as Unit).toString();
    throw new InputError(place, `expression "${oneLine(expression)}" gives ${formatForError(item)}, not a finite number`);
  });
}

/**
 * A value expression may use numbers, units, ranges, lists, arithmetic and a few functions:
 * enough for `2^(10:17)` or `round(10 .^ (1:0.5:3)) KiB`, and nothing that defines functions,
 * changes mathjs (createUnit, import) or builds arrays of a size it chooses (ones, zeros,
 * reshape). Each step's result is checked against MAX_PARAMETER_VALUES and each range before it
 * is built, so no expression can allocate much more than a parameter may take.
 */
const ALLOWED_FUNCTIONS = new Set([
  'round',
  'floor',
  'ceil',
  'fix',
  'abs',
  'sqrt',
  'cbrt',
  'exp',
  'log',
  'log2',
  'log10',
  'pow',
  'min',
  'max',
  'mod',
  'range',
  'concat',
  'sort',
  'flatten',
  'unit',
  'number',
  'to',
]);
const ALLOWED_OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'dotMultiply', 'dotDivide', 'pow', 'dotPow', 'mod', 'unaryMinus', 'unaryPlus', 'to']);
/** The longest value expression: a one-line formula (the longest in examples/ has 29 characters). */
const MAX_EXPRESSION_CHARS = 100;
const RANGE_GUARD = '__boundedRange';
const SIZE_GUARD = '__checkedSize';

/** The tree with every range bounded before it is built and every step's size checked after. */
function restricted(node: MathNode): { evaluate: (scope: Map<string, unknown>) => unknown } {
  const guard = (n: MathNode): MathNode => new FunctionNode(SIZE_GUARD, [n]);
  const walk = (n: MathNode, insideList: boolean): MathNode => {
    if (isConstantNode(n) || isSymbolNode(n)) return guard(n);
    if (isParenthesisNode(n)) return guard(new ParenthesisNode(walk(n.content, insideList)));
    if (isRangeNode(n))
      return guard(
        new FunctionNode(
          RANGE_GUARD,
          [n.start, n.end, ...(n.step ? [n.step] : [])].map((c) => walk(c, false)),
        ),
      );
    if (isArrayNode(n)) {
      // A list of lists would let a short expression multiply its sizes: values are one list.
      if (insideList) throw new Error('a list inside a list; values are one flat list');
      return guard(new ArrayNode(n.items.map((c) => walk(c, true))));
    }
    if (isOperatorNode(n)) {
      if (!ALLOWED_OPERATORS.has(n.fn)) throw new Error(`operator "${n.op}" is not allowed here; use + - * / ^ .* ./ mod and "to"`);
      return guard(
        new OperatorNode(
          n.op,
          n.fn,
          n.args.map((c) => walk(c, false)),
          n.implicit,
        ),
      );
    }
    if (isFunctionNode(n)) {
      const name = isSymbolNode(n.fn) ? n.fn.name : '';
      if (!ALLOWED_FUNCTIONS.has(name)) throw new Error(`function ${name || n.fn.toString()} is not allowed here; functions: ${[...ALLOWED_FUNCTIONS].join(', ')}`);
      return guard(
        new FunctionNode(
          name === 'range' ? RANGE_GUARD : name,
          n.args.map((c) => walk(c, false)),
        ),
      );
    }
    throw new Error(`${n.type.replace(/Node$/, '').toLowerCase()} "${n.toString()}" is not allowed in a value expression`);
  };
  return walk(node, false).compile();
}

/** The functions `restricted` puts in the tree: the guards against large arrays. */
const GUARDS = {
  [RANGE_GUARD]: (...args: unknown[]) => {
    const [start, end, step = 1] = args;
    if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number') throw new Error('a range takes plain numbers: start:end or start:step:end');
    if (step === 0) throw new Error('a range with a step of 0 never ends');
    const length = Math.floor((end - start) / step) + 1;
    if (!(length <= MAX_PARAMETER_VALUES))
      throw new Error(`the range ${start}:${step}:${end} has ${Number.isFinite(length) ? length : 'endless'} values, more than the ${MAX_PARAMETER_VALUES} a parameter may take`);
    // mathjs's expression syntax includes the end (1:3 is 1, 2, 3); range() alone would not.
    return range(start, end, step, true);
  },
  [SIZE_GUARD]: (value: unknown) => {
    const size = isMatrix(value) ? value.size().reduce((a: number, b: number) => a * b, 1) : Array.isArray(value) ? value.flat(Infinity).length : 1;
    if (size > MAX_PARAMETER_VALUES) throw new Error(`a step gives ${size} values, more than the ${MAX_PARAMETER_VALUES} a parameter may take`);
    return value;
  },
};

/** Errors are one line; a YAML block string may hold several. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function formatForError(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v !== null && typeof v === 'object' && 'toString' in v) return String(v);
  return JSON.stringify(v) ?? String(v);
}
