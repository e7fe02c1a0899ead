import { InputError } from '../errors.js';
import { checkDataflowLimits } from '../limits.js';
import type { Provenance } from '../schema.js';
import { applyOverrides, unwrapSourcedTree, type LoadOptions } from '../sourced.js';
import { dataflowSpecSchema, ON_CHIP, type DataflowSpec } from './schema.js';

/**
 * Load a dataflow spec file: unwrap sourced values ({value, basis, source, notes}), parse unit
 * strings by field-name suffix (hardware/units.ts), validate with zod, keep the provenance of
 * every number. The same convention as the GPU loader, on its own schema.
 */

export type DataflowLoadOptions = LoadOptions;

export function loadDataflowSpec(raw: unknown, options: LoadOptions): DataflowSpec {
  const { data, provenance } = unwrapSourcedTree(raw, options);
  return validate(data, provenance, options.origin);
}

/**
 * A new spec with some numbers replaced (`{ 'memory.fifoBudgetBytes': '1 MiB' }`); the preset is
 * never mutated and the result is validated like a file.
 */
export function deriveDataflowSpec(spec: DataflowSpec, overrides: Readonly<Record<string, number | string>>, origin = 'override'): DataflowSpec {
  const { provenance, ...data } = spec;
  const next = applyOverrides(data, provenance, overrides, origin, 'dataflow spec');
  return validate(next.data, next.provenance, origin);
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
  checkDataflowLimits(spec, origin);
  return { ...spec, provenance };
}
