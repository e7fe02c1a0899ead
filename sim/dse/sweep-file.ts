import { z } from 'zod';
import { InputError } from '../../hardware/errors.js';
import { placeOf } from './place.js';

/**
 * The sweep file (YAML or JSON), as written. Values, workloads and paths are checked further
 * by the planner, which knows the hardware and can name the exact place of a mistake.
 */
const parameterSchema = z.strictObject({
  /** A spec path (`memory.hbm.bandwidthBytesPerSecond`), a shortcut (`sms`), or `kernel.tileQ`, `kernel`, `hardware`. */
  path: z.string().min(1, 'names a spec field, e.g. memory.hbm.bandwidthBytesPerSecond'),
  /** A list, a range {from, to, steps, scale}, or a mathjs expression. */
  values: z.unknown().optional(),
  /** Unit of bare numbers in `values`, e.g. "TB/s" or "KiB". */
  unit: z.string().min(1).optional(),
});

export const sweepFileSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  /** Preset id or hardware spec file (relative to the sweep file). */
  base: z.string().min(1, 'names a preset (e.g. h100-sxm) or a spec file'),
  /** Fixed overrides applied to every hardware before the parameters, as `--set` does. */
  set: z.record(z.string(), z.union([z.number(), z.string()], { error: 'expected a number or a quantity (e.g. 3.35 TB/s), one per spec path' })).optional(),
  kernel: z.string().min(1).optional(),
  engine: z.string().min(1).optional(),
  parameters: z.array(parameterSchema).optional(),
  workloads: z.unknown().optional(),
  /** Objective columns to record: latency, energy, edp, area, cost. Default: latency, energy. */
  objectives: z.array(z.string()).min(1, 'list at least one objective').optional(),
  /** Extra numeric report fields to record, by path (e.g. bytes.hbm.read, utilization.l2). */
  record: z.array(z.string().min(1)).optional(),
});

export type SweepFile = z.infer<typeof sweepFileSchema>;

export function validateSweepFile(raw: unknown): SweepFile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('sweep', `a sweep file is a mapping (base:, parameters:, workloads: …); this one holds ${describe(raw)}`);
  }
  const result = sweepFileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      throw new InputError(placeOf([...path, issue.keys[0]!]), `unknown key; ${path.length === 0 ? 'a sweep' : 'here one'} takes ${knownKeys(path)}`);
    }
    throw new InputError(placeOf(path), issue.message);
  }
  if (result.data.workloads === undefined) throw new InputError('sweep.workloads', 'missing: list the workloads to run on every design');
  return result.data;
}

function describe(raw: unknown): string {
  if (raw === null || raw === undefined) return 'nothing';
  if (Array.isArray(raw)) return 'a list';
  return `a ${typeof raw} (${JSON.stringify(raw).slice(0, 40)})`;
}

function knownKeys(path: ReadonlyArray<string | number>): string {
  const shape = path[0] === 'parameters' ? parameterSchema.shape : sweepFileSchema.shape;
  return Object.keys(shape).join(', ');
}
