import { all, create, type Unit } from 'mathjs';
import { InputError } from './errors.js';

/**
 * Unit strings ("4.8 TB/s", "228 KiB", "15 pJ/B") are parsed here, once, when a spec is loaded.
 * Everything downstream is a plain number in the base unit named by its field.
 */
const math = create(all!);
// mathjs knows bytes and seconds but not floating-point operations or generic operations (exp).
math.createUnit('FLOP', { prefixes: 'short' });
math.createUnit('op', { prefixes: 'short' });

/** Base units a field may take, keyed by the suffix of the field name. */
export type BaseUnit = 'B/s' | 'FLOP/s' | 'op/s' | 'B' | 'Hz' | 'J/B' | 'J/FLOP' | 'J/op' | 'W' | 's' | 'count';

/** Suffix → unit, longest suffix first so that `BytesPerSecond` wins over `PerSecond`. */
const SUFFIX_UNITS: ReadonlyArray<readonly [string, BaseUnit]> = [
  ['BytesPerSecond', 'B/s'],
  ['FlopsPerSecond', 'FLOP/s'],
  ['JoulesPerByte', 'J/B'],
  ['JoulesPerFlop', 'J/FLOP'],
  ['JoulesPerOp', 'J/op'],
  ['PerSecond', 'op/s'],
  ['Seconds', 's'],
  ['Watts', 'W'],
  ['Bytes', 'B'],
  ['bytes', 'B'],
  ['Hz', 'Hz'],
];

/** Scope qualifiers that follow the unit in a name: `sharedMemoryBytesPerSm` is bytes, per SM. */
const SCOPE_SUFFIX = /(PerSm|PerCta|PerThread)$/;

/** The unit that a field named `name` holds: the field-name convention of DESIGN.md. */
export function unitForFieldName(name: string): BaseUnit {
  const bare = name.replace(SCOPE_SUFFIX, '');
  for (const [suffix, unit] of SUFFIX_UNITS) if (bare.endsWith(suffix)) return unit;
  return 'count';
}

/**
 * Parse `value` into the base unit `unit`. Numbers are taken as already in the base unit;
 * strings must carry a unit whose dimension matches. `field` names the place for errors.
 */
export function parseQuantity(value: unknown, unit: BaseUnit, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InputError(field, `expected a finite number, got ${value}`);
    return value;
  }
  if (typeof value !== 'string') throw new InputError(field, `expected a number or a unit string, got ${JSON.stringify(value)}`);
  const text = value.trim();
  const plain = Number(text);
  if (unit === 'count' || (text !== '' && !Number.isNaN(plain))) {
    // A bare number is in the base unit, as in a spec file (`"0"`, `"6e12"`).
    if (text === '' || !Number.isFinite(plain)) throw new InputError(field, `expected a ${unit === 'count' ? 'plain' : 'finite'} number, got "${value}"`);
    return plain;
  }
  let parsed: Unit;
  try {
    parsed = math.unit(text);
  } catch {
    throw new InputError(field, `malformed quantity "${value}" (expected a number with a unit of ${unit}, e.g. ${example(unit)})`);
  }
  if (!parsed.equalBase(math.unit(`1 ${unit}`))) {
    throw new InputError(field, `"${value}" is not in ${unit} (e.g. ${example(unit)})`);
  }
  const n = parsed.toNumber(unit);
  if (!Number.isFinite(n)) throw new InputError(field, `"${value}" is not a finite quantity`);
  return n;
}

function example(unit: BaseUnit): string {
  const examples: Record<BaseUnit, string> = {
    'B/s': '"4.8 TB/s"',
    'FLOP/s': '"989 TFLOP/s"',
    'op/s': '"3.9 Top/s"',
    B: '"228 KiB"',
    Hz: '"1.98 GHz"',
    'J/B': '"15 pJ/B"',
    'J/FLOP': '"0.5 pJ/FLOP"',
    'J/op': '"2 pJ/op"',
    W: '"700 W"',
    s: '"4 us"',
    count: '132',
  };
  return examples[unit];
}
