import { InputError } from './errors.js';
import type { Provenance } from './schema.js';
import { parseQuantity, unitForFieldName, type BaseUnit } from './units.js';

/**
 * The spec-file convention shared by every device kind: a tree whose numbers are sourced values
 * `{value, basis, source, notes}`, with the unit fixed by the field name (presets/FORMAT.md).
 * Unwrapping yields plain numbers in base units and the provenance of each, by dotted path.
 */
const BASES = ['datasheet', 'measured', 'derived', 'estimate'] as const;
const SOURCED_KEYS = ['value', 'basis', 'source', 'notes'];

export interface LoadOptions {
  /** Presets must source every number; a user's own file may give bare values. */
  requireProvenance: boolean;
  /** Names the file or preset in error messages. */
  origin: string;
}

export function unwrapSourcedTree(raw: unknown, options: LoadOptions): { data: unknown; provenance: Record<string, Provenance> } {
  const provenance: Record<string, Provenance> = {};
  return { data: unwrap(raw, '', 'count', provenance, options), provenance };
}

/** A spec is a few levels deep (memory.hbm.bandwidthBytesPerSecond); far deeper is not a spec. */
const MAX_SPEC_DEPTH = 16;

function unwrap(node: unknown, path: string, unit: BaseUnit, provenance: Record<string, Provenance>, options: LoadOptions): unknown {
  const field = `${options.origin}: ${path || '(root)'}`;
  if (path.split('.').length > MAX_SPEC_DEPTH) throw new InputError(`${options.origin}: ${path.split('.').slice(0, 3).join('.')}`, `nested deeper than ${MAX_SPEC_DEPTH} levels: not a hardware spec`);
  if (Array.isArray(node)) throw new InputError(field, 'lists are not part of a hardware spec');
  if (node !== null && typeof node === 'object') {
    if ('value' in node) return unwrapSourced(node as Record<string, unknown>, path, unit, provenance, options);
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      const own = unitForFieldName(key);
      // Map entries (`matrixFlopsPerSecond.wgmma.bf16`) take the unit of the nearest named ancestor.
      out[key] = unwrap(child, path ? `${path}.${key}` : key, own === 'count' ? unit : own, provenance, options);
    }
    return out;
  }
  if (typeof node === 'number' || (typeof node === 'string' && unit !== 'count')) {
    if (options.requireProvenance) {
      throw new InputError(field, 'a bare number: presets give every number as {value, basis, source, notes}');
    }
    provenance[path] = { basis: 'estimate', source: options.origin, notes: 'given without provenance', written: String(node) };
    return parseQuantity(node, unit, field);
  }
  return node; // plain strings (id, name, technology, ...) are checked by each kind's schema
}

function unwrapSourced(node: Record<string, unknown>, path: string, unit: BaseUnit, provenance: Record<string, Provenance>, options: LoadOptions): number {
  const field = `${options.origin}: ${path}`;
  const extra = Object.keys(node).filter((k) => !SOURCED_KEYS.includes(k));
  if (extra.length > 0) throw new InputError(field, `unknown key(s) ${extra.join(', ')} in a sourced value`);
  const { value, basis, source, notes } = node;
  if (options.requireProvenance || basis !== undefined || source !== undefined) {
    if (!BASES.includes(basis as (typeof BASES)[number])) {
      throw new InputError(`${field}.basis`, `expected one of ${BASES.join(', ')}, got ${JSON.stringify(basis)}`);
    }
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

/**
 * Replace numbers of an unwrapped spec by dotted path (`{'memory.hbm.bandwidthBytesPerSecond':
 * '6 TB/s'}`), parsing units by the same field-name rule. Returns new data; the input is never
 * mutated. `noun` names the spec kind in errors.
 */
export function applyOverrides(
  data: object,
  provenance: Readonly<Record<string, Provenance>>,
  overrides: Readonly<Record<string, number | string>>,
  origin: string,
  noun: string,
): { data: Record<string, unknown>; provenance: Record<string, Provenance> } {
  const copy = structuredClone(data) as Record<string, unknown>;
  const next: Record<string, Provenance> = { ...provenance };
  for (const [path, value] of Object.entries(overrides)) {
    const keys = path.split('.');
    let parent: Record<string, unknown> = copy;
    let unit: BaseUnit = 'count';
    for (const key of keys.slice(0, -1)) {
      const child = parent[key];
      if (child === null || typeof child !== 'object') throw new InputError(`${origin}: ${path}`, `no such field in the ${noun}`);
      const own = unitForFieldName(key);
      if (own !== 'count') unit = own;
      parent = child as Record<string, unknown>;
    }
    const leaf = keys[keys.length - 1]!;
    if (typeof parent[leaf] !== 'number') throw new InputError(`${origin}: ${path}`, `no such numeric field in the ${noun}`);
    const own = unitForFieldName(leaf);
    parent[leaf] = parseQuantity(value, own === 'count' ? unit : own, `${origin}: ${path}`);
    next[path] = { basis: 'estimate', source: origin, notes: 'overridden', written: String(value) };
  }
  return { data: copy, provenance: next };
}
