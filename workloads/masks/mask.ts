import { z } from 'zod';
import { InputError } from '../../sim/errors.js';

/**
 * Masks as data. Query row i of a (qLen × kvLen) problem sits at absolute position
 * p = i + (kvLen − qLen): masks are aligned to the bottom-right, as for decode and chunked prefill.
 */
const positiveInt = z.number().int().positive();

export const maskSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('causal') }),
  /** Causal, and each query sees its `window` most recent keys (itself included). */
  z.strictObject({ kind: z.literal('sliding_window'), window: positiveInt }),
  /** StreamingLLM: causal, the first `sinks` keys plus the `window` most recent keys. */
  z.strictObject({ kind: z.literal('sink_window'), sinks: z.number().int().nonnegative(), window: positiveInt }),
  /**
   * Block-sparse on a blockSize × blockSize grid: every query-block row keeps exactly
   * max(1, round(blockDensity × kvBlocks)) key blocks, placed by a seeded generator. Kept blocks
   * are entirely kept. `fullBlocks`/`partialBlocks` are what a measurement recorded (informational).
   */
  z.strictObject({
    kind: z.literal('block_sparse'),
    blockSize: positiveInt,
    blockDensity: z.number().gt(0, 'density must be in (0, 1]').lte(1, 'density must be in (0, 1]'),
    seed: z.number().int().nonnegative().optional(),
    fullBlocks: z.number().int().nonnegative().optional(),
    partialBlocks: z.number().int().nonnegative().optional(),
  }),
  /** Packed documents (sum of lengths = qLen = kvLen); a query sees keys of its own document. */
  z.strictObject({ kind: z.literal('document'), lengths: z.array(positiveInt).min(1), causal: z.boolean().optional() }),
]);

export type Mask = z.infer<typeof maskSchema>;
export type MaskKind = Mask['kind'];
export const MASK_KINDS: readonly MaskKind[] = ['none', 'causal', 'sliding_window', 'sink_window', 'block_sparse', 'document'];

/**
 * Parse the CLI's mask syntax: `none`, `causal`, `window:4096`, `sinks:4,window:2048`,
 * `block:128,density:0.1[,seed:7]`, `doc:4096x8[,causal]` or `doc:1000+3000[,causal]`.
 */
export function parseMask(text: string, field = 'mask'): Mask {
  const spec = text.trim();
  const parts = Object.fromEntries(
    spec.split(',').map((part) => {
      const [key, ...rest] = part.split(':');
      return [key!.trim(), rest.join(':').trim()];
    }),
  );
  const num = (key: string): number => {
    const raw = parts[key];
    const n = Number(raw);
    if (raw === undefined || raw === '' || !Number.isFinite(n)) throw new InputError(field, `"${spec}": ${key} needs a number (e.g. ${key}:128)`);
    return n;
  };
  let candidate: unknown;
  if (spec === 'none' || spec === 'causal') candidate = { kind: spec };
  else if ('sinks' in parts) candidate = { kind: 'sink_window', sinks: num('sinks'), window: num('window') };
  else if ('window' in parts) candidate = { kind: 'sliding_window', window: num('window') };
  else if ('block' in parts) {
    candidate = { kind: 'block_sparse', blockSize: num('block'), blockDensity: num('density'), ...('seed' in parts ? { seed: num('seed') } : {}) };
  } else if ('doc' in parts) candidate = { kind: 'document', lengths: parseLengths(parts.doc ?? '', field, spec), causal: 'causal' in parts };
  else {
    throw new InputError(field, `unknown mask "${spec}"; use none, causal, window:W, sinks:S,window:W, block:B,density:D or doc:LxN[,causal]`);
  }
  return validateMask(candidate, field);
}

function parseLengths(text: string, field: string, spec: string): number[] {
  const repeat = /^(\d+)x(\d+)$/.exec(text);
  if (repeat) return Array.from({ length: Number(repeat[2]) }, () => Number(repeat[1]));
  const lengths = text.split('+').map(Number);
  if (lengths.some((n) => !Number.isFinite(n))) throw new InputError(field, `"${spec}": doc takes LENxCOUNT or L1+L2+...`);
  return lengths;
}

export function validateMask(candidate: unknown, field = 'mask'): Mask {
  const result = maskSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? `${field}.${issue.path.join('.')}` : field;
    throw new InputError(where, issue.message);
  }
  return result.data;
}

/** Short human description, used in ids and tables. */
export function describeMask(mask: Mask): string {
  switch (mask.kind) {
    case 'none':
    case 'causal':
      return mask.kind;
    case 'sliding_window':
      return `window:${mask.window}`;
    case 'sink_window':
      return `sinks:${mask.sinks},window:${mask.window}`;
    case 'block_sparse':
      return `block:${mask.blockSize},density:${mask.blockDensity}`;
    case 'document':
      return `doc:${mask.lengths.length}docs${mask.causal ? ',causal' : ''}`;
  }
}
