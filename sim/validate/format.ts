import { z } from 'zod';
import { listPresets } from '../../hardware/index.js';
import { maskSchema } from '../../workloads/masks/mask.js';
import { workloadSchema } from '../../workloads/workload.js';
import { parseJsonLines, type FormatError } from '../jsonl.js';

/**
 * The measured-case format (shared/validation-format.md): one JSON object per line. The reader
 * is tolerant of extra fields (files from other people and machines must work unchanged) and
 * strict about the ones it uses.
 */
const nonNegative = z.number().nonnegative();

export const measuredSchema = z.looseObject({
  latencyMs: z.number().positive(),
  latencyMinMs: nonNegative.optional(),
  latencyP90Ms: nonNegative.optional(),
  dramReadBytes: nonNegative.optional(),
  dramWriteBytes: nonNegative.optional(),
  l2Bytes: nonNegative.optional(),
  energyMilliJoules: nonNegative.optional(),
  avgPowerWatts: nonNegative.optional(),
});

export const launchRecordSchema = z.looseObject({
  name: z.string(),
  grid: z.number().int().nonnegative(),
  block: z.number().int().nonnegative(),
  sharedBytes: nonNegative.optional(),
  registers: nonNegative.optional(),
});

export const measuredCaseSchema = z.looseObject({
  id: z.string().min(1),
  hardware: z.string().min(1),
  kernel: z.string().min(1),
  phase: z.enum(['prefill', 'decode']),
  workload: workloadSchema
    .omit({ phase: true, mask: true })
    .extend({ mask: z.looseObject({ kind: z.string() }) })
    .loose(),
  measured: measuredSchema,
  launch: z.array(launchRecordSchema).optional(),
  source: z.looseObject({}).optional(),
});

export type MeasuredCase = z.infer<typeof measuredCaseSchema>;

/** Parse a measured-case JSONL file: good lines become cases, bad lines errors with their line number. */
export function parseCases(text: string, file: string): { cases: MeasuredCase[]; errors: FormatError[] } {
  // A case of hardware no preset describes cannot be predicted: a bad line, named with its line.
  const presets = listPresets();
  const knownHardware = (c: MeasuredCase) => (presets.includes(c.hardware) ? undefined : `hardware: unknown preset "${c.hardware}" (case "${c.id}"); valid presets: ${presets.join(', ')}`);
  const { items, errors } = parseJsonLines(text, file, measuredCaseSchema, knownHardware);
  return { cases: items, errors };
}

/** The case's mask, if the simulator knows its kind; otherwise the reason it does not. */
export function caseMask(c: MeasuredCase): { ok: true; mask: z.infer<typeof maskSchema> } | { ok: false; reason: string } {
  const result = maskSchema.safeParse(c.workload.mask);
  if (result.success) return { ok: true, mask: result.data };
  return { ok: false, reason: `mask ${JSON.stringify(c.workload.mask)}: ${result.error.issues[0]!.message}` };
}
