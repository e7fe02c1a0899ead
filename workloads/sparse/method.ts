import { z } from 'zod';
import { InputError } from '../../hardware/errors.js';

/**
 * A dynamic-sparsity method as data: how it estimates which blocks matter (its own operator,
 * with its own FLOPs, bytes and precision), how it selects them, and how the sparse attention
 * then runs. Presets (presets/*.json) are instances of this schema with sources.
 */
const positiveInt = z.number().int().positive();
/** Operand precision of the estimator's matrix work, in bits (4-bit SALE, 8-bit SpargeAttn, 16-bit bf16). */
const bits = z.union([z.literal(4), z.literal(8), z.literal(16)]);

export const scoreSchema = z.discriminatedUnion('kind', [
  /** Full-resolution QKᵀ on quantized Q and K, reduced per block inside the kernel (SALE, SpargeAttn's check). */
  z.strictObject({ kind: z.literal('lowbit_qk'), bits }),
  /** QKᵀ of mean-pooled Q (poolQ tokens) and K (poolK tokens), then a softmax (MInference block, SpargeAttn, DraftAttention, NSA's compressed keys). */
  z.strictObject({ kind: z.literal('pooled_qk'), poolQ: positiveInt, poolK: positiveInt, bits }),
  /** The last `queries` queries against every key, summed along columns and diagonals (MInference vertical-slash). */
  z.strictObject({ kind: z.literal('last_q'), queries: positiveInt, bits }),
  /** Q and K projected on `rank` principal directions, approximate scores in that space (Loki). */
  z.strictObject({ kind: z.literal('lowrank_k'), rank: positiveInt, bits }),
]);

export const methodSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** Absent: the block mask is given (an oracle, or a static pattern): no estimation stage. */
  score: scoreSchema.optional(),
  /** Absent together with `score`: nothing to select. */
  selection: z
    .strictObject({
      /** topk: a fixed count per row; threshold: sort and keep up to a cumulative mass (top-p / CDF). */
      kind: z.enum(['topk', 'threshold']),
      /** One selection per GQA group (scores summed over its query heads), as NSA does. */
      sharedAcrossGroup: z.boolean().optional(),
    })
    .optional(),
  attend: z.strictObject({
    /** Square block of the selection and of the block-sparse kernel, tokens. */
    blockSize: positiveInt,
    /** Default kept fraction of the base mask's blocks. */
    density: z.number().gt(0, 'density must be in (0, 1]').lte(1, 'density must be in (0, 1]').optional(),
    /** Or a fixed budget of keys per query (vertical + slash lines, selected blocks + window). */
    keptKeysPerQuery: positiveInt.optional(),
    /** Token-level selection: the kept K/V rows are copied out, then attended densely (Loki). */
    gather: z.boolean().optional(),
  }),
  /** The dense run the paper compares against. */
  baseMask: z.enum(['none', 'causal']),
  source: z.string(),
  notes: z.string(),
});

export type SparseMethod = z.infer<typeof methodSchema>;
export type ScoreEstimator = z.infer<typeof scoreSchema>;

export function validateMethod(candidate: unknown, field = 'method'): SparseMethod {
  const result = methodSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(issue.path.length > 0 ? `${field}.${issue.path.join('.')}` : field, issue.message);
  }
  return result.data;
}

/** A density given on the command line or in a sweep: (0, 1]. */
export function checkDensity(density: number, field = 'density'): number {
  if (!Number.isFinite(density) || density <= 0 || density > 1) throw new InputError(field, `density must be in (0, 1], got ${density}`);
  return density;
}

/** Block-sparse attention with the blocks given for free: no estimator, no selection. */
export function oracleMethod(blockSize: number, baseMask: 'none' | 'causal'): SparseMethod {
  return {
    id: 'oracle',
    name: `given block mask (${blockSize}-token blocks, no estimation)`,
    attend: { blockSize },
    baseMask,
    source: 'attnsim',
    notes: 'The block mask is known in advance, as in the FlexAttention block-sparse measurements.',
  };
}
