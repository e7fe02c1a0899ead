import { InputError } from '../sim/errors.js';
import { gpuSpecSchema, type GpuSpec, type Provenance } from './schema.js';
import { applyOverrides, unwrapSourcedTree, type LoadOptions } from './sourced.js';

export type { LoadOptions } from './sourced.js';

/**
 * Turn a spec file's tree (sourced values with unit strings) into a validated spec of plain
 * numbers in base units, with the provenance of each number kept beside it.
 */
export function loadSpec(raw: unknown, options: LoadOptions): GpuSpec {
  const { data, provenance } = unwrapSourcedTree(raw, options);
  return validateGpuSpec(data, provenance, options.origin);
}

function validateGpuSpec(data: unknown, provenance: Record<string, Provenance>, origin: string): GpuSpec {
  const result = gpuSpecSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(`${origin}: ${issue.path.join('.') || '(root)'}`, issue.message);
  }
  return { ...result.data, provenance };
}

/**
 * A new spec with some numbers replaced (e.g. `{ 'memory.hbm.bandwidthBytesPerSecond': '6 TB/s' }`).
 * The preset is never mutated; the result is validated like a file.
 */
export function deriveSpec(spec: GpuSpec, overrides: Readonly<Record<string, number | string>>, origin = 'override'): GpuSpec {
  const { provenance, ...data } = spec;
  const next = applyOverrides(data, provenance, overrides, origin, 'hardware spec');
  return validateGpuSpec(next.data, next.provenance, origin);
}

// In its own module so that code which only derives specs (sweep worker threads) need not load
// the unit parser, whose mathjs import costs most of a thread's start-up.
export { withSmCount } from './sm-count.js';
