import { createHash } from 'node:crypto';
import type { SweepPlan } from '../plan.js';

/**
 * A hash of everything that decides a sweep's rows: engine, kernel, the hardware in play (`set`
 * and spec files applied), every parameter's values, the workloads, objectives and recorded
 * fields. It is taken over the plan, not the file's text, so that the same sweep written another
 * way (`[64, 128]` or `"64:64:128"`) keeps its results, while a changed `set:` entry, a changed
 * spec file or a preset whose numbers moved does not. Left out: the name and description (they
 * change no row), provenance notes, and the run's own flags (--limit, --workers, --shard: a
 * shard's rows are checked against its range instead).
 */
export function specHash(plan: SweepPlan): string {
  // `engines` is left out as well: it follows from `engine` and the hardware, both hashed.
  const { name: _name, description: _description, hardware, engines: _engines, ...rest } = plan;
  const specs = [...hardware.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, spec]) => [id, withoutProvenance(spec)]);
  return `sha256:${createHash('sha256')
    .update(canonicalJson({ ...rest, hardware: specs }))
    .digest('hex')}`;
}

function withoutProvenance(spec: object): object {
  const { provenance: _provenance, ...data } = spec as { provenance?: unknown };
  return data;
}

/** JSON with every object's keys sorted, so that the hash does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
