import { InputError } from '../sim/errors.js';
import { parseQuantity, unitForFieldName, type BaseUnit } from './units.js';
import { gpuSpecSchema, type GpuSpec, type Provenance } from './schema.js';

const BASES = ['datasheet', 'measured', 'derived', 'estimate'] as const;

export interface LoadOptions {
  /** Presets must source every number; a user's own file may give bare values. */
  requireProvenance: boolean;
  /** Names the file or preset in error messages. */
  origin: string;
}

/**
 * Turn a spec file's tree (sourced values with unit strings) into a validated spec of plain
 * numbers in base units, with the provenance of each number kept beside it.
 */
export function loadSpec(raw: unknown, options: LoadOptions): GpuSpec {
  const provenance: Record<string, Provenance> = {};
  const data = unwrap(raw, '', 'count', provenance, options);
  const result = gpuSpecSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.join('.') || '(root)';
    throw new InputError(`${options.origin}: ${path}`, issue.message);
  }
  return { ...result.data, provenance };
}

function unwrap(node: unknown, path: string, unit: BaseUnit, provenance: Record<string, Provenance>, options: LoadOptions): unknown {
  const field = `${options.origin}: ${path || '(root)'}`;
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
  return node; // strings (id, name, technology, ...) are checked by the schema
}

function unwrapSourced(node: Record<string, unknown>, path: string, unit: BaseUnit, provenance: Record<string, Provenance>, options: LoadOptions): number {
  const field = `${options.origin}: ${path}`;
  const extra = Object.keys(node).filter((k) => !['value', 'basis', 'source', 'notes'].includes(k));
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
 * A new spec with some numbers replaced (e.g. `{ 'memory.hbm.bandwidthBytesPerSecond': '6 TB/s' }`).
 * The preset is never mutated; the result is validated like a file.
 */
export function deriveSpec(spec: GpuSpec, overrides: Readonly<Record<string, number | string>>, origin = 'override'): GpuSpec {
  const { provenance, ...data } = spec;
  const copy = structuredClone(data) as Record<string, unknown>;
  const newProvenance: Record<string, Provenance> = { ...provenance };
  for (const [path, value] of Object.entries(overrides)) {
    const keys = path.split('.');
    let parent: Record<string, unknown> = copy;
    let unit: BaseUnit = 'count';
    for (const key of keys.slice(0, -1)) {
      const next = parent[key];
      if (next === null || typeof next !== 'object') throw new InputError(`${origin}: ${path}`, 'no such field in the hardware spec');
      const own = unitForFieldName(key);
      if (own !== 'count') unit = own;
      parent = next as Record<string, unknown>;
    }
    const leaf = keys[keys.length - 1]!;
    if (typeof parent[leaf] !== 'number') throw new InputError(`${origin}: ${path}`, 'no such numeric field in the hardware spec');
    const own = unitForFieldName(leaf);
    parent[leaf] = parseQuantity(value, own === 'count' ? unit : own, `${origin}: ${path}`);
    newProvenance[path] = { basis: 'estimate', source: origin, notes: 'overridden', written: String(value) };
  }
  const result = gpuSpecSchema.safeParse(copy);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(`${origin}: ${issue.path.join('.')}`, issue.message);
  }
  return { ...result.data, provenance: newProvenance };
}

// In its own module so that code which only derives specs (sweep worker threads) need not load
// the unit parser, whose mathjs import costs most of a thread's start-up.
export { withSmCount } from './sm-count.js';
