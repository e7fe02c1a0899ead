import { InputError } from '../../sim/errors.js';
import type { Provenance } from '../schema.js';
import { parseQuantity, unitForFieldName, type BaseUnit } from '../units.js';
import { dataflowSpecSchema, ON_CHIP, type DataflowSpec } from './schema.js';

/**
 * Load a dataflow spec file: unwrap sourced values ({value, basis, source, notes}), parse unit
 * strings by field-name suffix (hardware/units.ts), validate with zod, keep the provenance of
 * every number. The same convention as the GPU loader, on its own schema.
 */

const BASES = ['datasheet', 'measured', 'derived', 'estimate'] as const;
const SOURCED_KEYS = ['value', 'basis', 'source', 'notes'];

export interface DataflowLoadOptions {
  /** Presets must source every number; a user's own file may give bare values. */
  requireProvenance: boolean;
  /** Names the file or preset in error messages. */
  origin: string;
}

export function loadDataflowSpec(raw: unknown, options: DataflowLoadOptions): DataflowSpec {
  const provenance: Record<string, Provenance> = {};
  const data = unwrap(raw, '', 'count', provenance, options);
  return validate(data, provenance, options.origin);
}

/**
 * A new spec with some numbers replaced (`{ 'memory.fifoBudgetBytes': '1 MiB' }`); the preset is
 * never mutated and the result is validated like a file.
 */
export function deriveDataflowSpec(spec: DataflowSpec, overrides: Readonly<Record<string, number | string>>, origin = 'override'): DataflowSpec {
  const { provenance, ...data } = spec;
  const copy = structuredClone(data) as Record<string, unknown>;
  const next: Record<string, Provenance> = { ...provenance };
  for (const [path, value] of Object.entries(overrides)) {
    const keys = path.split('.');
    let parent: Record<string, unknown> = copy;
    let unit: BaseUnit = 'count';
    for (const key of keys.slice(0, -1)) {
      const child = parent[key];
      if (child === null || typeof child !== 'object') throw new InputError(`${origin}: ${path}`, 'no such field in the dataflow spec');
      const own = unitForFieldName(key);
      if (own !== 'count') unit = own;
      parent = child as Record<string, unknown>;
    }
    const leaf = keys[keys.length - 1]!;
    if (typeof parent[leaf] !== 'number') throw new InputError(`${origin}: ${path}`, 'no such numeric field in the dataflow spec');
    const own = unitForFieldName(leaf);
    parent[leaf] = parseQuantity(value, own === 'count' ? unit : own, `${origin}: ${path}`);
    next[path] = { basis: 'estimate', source: origin, notes: 'overridden', written: String(value) };
  }
  return validate(copy, next, origin);
}

function validate(data: unknown, provenance: Record<string, Provenance>, origin: string): DataflowSpec {
  const result = dataflowSpecSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(`${origin}: ${issue.path.join('.') || '(root)'}`, issue.message);
  }
  const spec = result.data;
  if (spec.memory.inputTier !== ON_CHIP && !(spec.memory.inputTier in spec.memory.dram)) {
    throw new InputError(`${origin}: memory.inputTier`, `"${spec.memory.inputTier}" is neither "${ON_CHIP}" nor a DRAM tier (${Object.keys(spec.memory.dram).join(', ') || 'none'})`);
  }
  if (spec.memory.fifoBudgetBytes > spec.memory.onChip.bytes) {
    throw new InputError(`${origin}: memory.fifoBudgetBytes`, 'the FIFO budget cannot exceed the on-chip memory');
  }
  return { ...spec, provenance };
}

function unwrap(node: unknown, path: string, unit: BaseUnit, provenance: Record<string, Provenance>, options: DataflowLoadOptions): unknown {
  const field = `${options.origin}: ${path || '(root)'}`;
  if (Array.isArray(node)) throw new InputError(field, 'lists are not part of a hardware spec');
  if (node !== null && typeof node === 'object') {
    if ('value' in node) return unwrapSourced(node as Record<string, unknown>, path, unit, provenance, options);
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      const own = unitForFieldName(key);
      out[key] = unwrap(child, path ? `${path}.${key}` : key, own === 'count' ? unit : own, provenance, options);
    }
    return out;
  }
  if (typeof node === 'number' || (typeof node === 'string' && unit !== 'count')) {
    if (options.requireProvenance) throw new InputError(field, 'a bare number: presets give every number as {value, basis, source, notes}');
    provenance[path] = { basis: 'estimate', source: options.origin, notes: 'given without provenance', written: String(node) };
    return parseQuantity(node, unit, field);
  }
  return node; // strings (id, name, technology, inputTier) are checked by the schema
}

function unwrapSourced(node: Record<string, unknown>, path: string, unit: BaseUnit, provenance: Record<string, Provenance>, options: DataflowLoadOptions): number {
  const field = `${options.origin}: ${path}`;
  const extra = Object.keys(node).filter((k) => !SOURCED_KEYS.includes(k));
  if (extra.length > 0) throw new InputError(field, `unknown key(s) ${extra.join(', ')} in a sourced value`);
  const { value, basis, source, notes } = node;
  if (options.requireProvenance || basis !== undefined || source !== undefined) {
    if (!BASES.includes(basis as (typeof BASES)[number])) throw new InputError(`${field}.basis`, `expected one of ${BASES.join(', ')}, got ${JSON.stringify(basis)}`);
    if (typeof source !== 'string' || source.trim() === '') throw new InputError(`${field}.source`, 'every number needs a source');
    if (typeof notes !== 'string') throw new InputError(`${field}.notes`, 'expected a string');
  }
  const parsed = parseQuantity(value, unit, field);
  provenance[path] = {
    basis: (basis as Provenance['basis']) ?? 'estimate',
    source: typeof source === 'string' ? source : options.origin,
    notes: typeof notes === 'string' ? notes : '',
    written: String(value),
  };
  return parsed;
}
