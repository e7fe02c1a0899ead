import type { GpuSpec } from '../../hardware/schema.js';

// The base-field derivations (SM count, clock, shared memory per SM) live with the spec, where
// `deriveSpec` uses them too; a sweep reaches them from here.
export { withClockHz, withSmCount, withSramBytesPerSm } from '../../hardware/scaled.js';

/**
 * Replace the number at `keys` (already parsed and validated against the schema by the sweep
 * planner) by copying only the objects along the path: a sweep derives thousands of specs, and
 * a full clone plus schema check for each would cost more than simulating them.
 */
export function withSpecNumber(spec: GpuSpec, keys: readonly string[], value: number): GpuSpec {
  return setAt(spec, keys, 0, value) as GpuSpec;
}

function setAt(node: unknown, keys: readonly string[], depth: number, value: number): unknown {
  const key = keys[depth]!;
  const parent = node as Record<string, unknown>;
  const child = depth === keys.length - 1 ? value : setAt(parent[key], keys, depth + 1, value);
  return { ...parent, [key]: child };
}
