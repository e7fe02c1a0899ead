import { InputError } from './errors.js';
import { checkPhysicalLimits } from './limits.js';
import { SCALED_FIELDS } from './scaled.js';
import { gpuSpecSchema, type GpuSpec, type Provenance } from './schema.js';
import { applyOverrides, unwrapSourcedTree, type LoadOptions } from './sourced.js';
import { parseQuantity, unitForFieldName } from './units.js';

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
  checkPhysicalLimits(result.data, origin);
  return { ...result.data, provenance };
}

/**
 * A new spec with some numbers replaced (e.g. `{ 'memory.hbm.bandwidthBytesPerSecond': '6 TB/s' }`).
 * The SM count, SM clock and shared memory per SM move the numbers derived from them (see
 * scaled.ts) before any other replacement, so a chip-wide rate given beside them is taken as
 * written. The preset is never mutated; the result is validated like a file.
 */
export function deriveSpec(spec: GpuSpec, overrides: Readonly<Record<string, number | string>>, origin = 'override'): GpuSpec {
  let base = spec;
  const rest: Record<string, number | string> = { ...overrides };
  for (const [path, derive] of SCALED_FIELDS) {
    const value = rest[path];
    if (value === undefined) continue;
    delete rest[path];
    const parsed = parseQuantity(value, unitForFieldName(path.split('.').pop()!), `${origin}: ${path}`);
    try {
      base = derive(base, parsed);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${origin}: ${path}`, e.detail);
      throw e;
    }
    base = { ...base, provenance: { ...base.provenance, [path]: { basis: 'estimate', source: origin, notes: 'overridden; the rates derived from it follow', written: String(value) } } };
  }
  const { provenance, ...data } = base;
  const next = applyOverrides(data, provenance, rest, origin, 'hardware spec');
  return validateGpuSpec(next.data, next.provenance, origin);
}

// In its own module so that code which only derives specs (sweep worker threads) need not load
// the unit parser, whose mathjs import costs most of a thread's start-up.
export { withSmCount, withClockHz, withSramBytesPerSm } from './scaled.js';
