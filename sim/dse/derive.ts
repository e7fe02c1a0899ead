import { deriveDataflowSpec } from '../../hardware/dataflow/load.js';
import type { DataflowSpec } from '../../hardware/dataflow/schema.js';
import { InputError, isInputError } from '../../hardware/errors.js';
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

const DATAFLOW_ORIGIN = 'sweep';

/**
 * A dataflow spec with numbers replaced by dotted path (values in base units), through
 * `deriveDataflowSpec`: each replaced number's provenance says the sweep set it, and the whole
 * spec is checked again, limits between fields included (a FIFO budget above the on-chip
 * memory another parameter set). A full clone and schema check costs microseconds, and one
 * dataflow simulation milliseconds at least, so the shortcut `withSpecNumber` takes is not
 * needed here. A refusal names the field alone, as a GPU design's does.
 */
export function withDataflowNumbers(spec: DataflowSpec, overrides: Readonly<Record<string, number>>): DataflowSpec {
  if (Object.keys(overrides).length === 0) return spec;
  try {
    return deriveDataflowSpec(spec, overrides, DATAFLOW_ORIGIN);
  } catch (e) {
    if (!isInputError(e) || !e.field.startsWith(`${DATAFLOW_ORIGIN}: `)) throw e;
    throw new InputError(e.field.slice(DATAFLOW_ORIGIN.length + 2), e.detail);
  }
}
