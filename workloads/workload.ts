import { z } from 'zod';
import { DTYPES, type Dtype } from '../hardware/schema.js';
import { InputError } from '../hardware/errors.js';
import { bytesPerElement } from './dtype.js';
import { maskSchema, type Mask } from './masks/mask.js';

/**
 * One attention call: the record of DESIGN.md. `heads` query heads share `kvHeads` key/value
 * heads (MHA: equal; GQA: heads a multiple of kvHeads; MQA: kvHeads = 1).
 */
export interface Workload {
  batch: number;
  heads: number;
  kvHeads: number;
  qLen: number;
  kvLen: number;
  headDim: number;
  valueHeadDim: number;
  dtype: Dtype;
  mask: Mask;
  phase: 'prefill' | 'decode';
}

const size = (name: string) =>
  z
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be positive`);

export const workloadSchema = z.strictObject({
  batch: size('batch'),
  heads: size('heads'),
  kvHeads: size('kvHeads'),
  qLen: size('qLen'),
  kvLen: size('kvLen'),
  headDim: size('headDim'),
  valueHeadDim: size('valueHeadDim'),
  dtype: z.enum(DTYPES),
  mask: maskSchema,
  phase: z.enum(['prefill', 'decode']),
});

/** Validate an untrusted workload; the error names the first bad field. */
export function validateWorkload(candidate: unknown, field = 'workload'): Workload {
  const result = workloadSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(issue.path.length > 0 ? issue.path.join('.') : field, issue.message);
  }
  const w = result.data;
  if (w.heads % w.kvHeads !== 0) {
    throw new InputError('kvHeads', `heads (${w.heads}) must be a multiple of kvHeads (${w.kvHeads})`);
  }
  if (w.mask.kind === 'per_head') {
    // Groups cycle over the heads: a head count that is not a whole number of cycles would give
    // some group a share of heads it does not have.
    const cycle = w.mask.groups.reduce((a, g) => a + g.count, 0);
    if (w.heads % cycle !== 0) throw new InputError('mask', `per-head groups cover ${cycle} heads, and heads (${w.heads}) is not a multiple of that`);
  }
  if (w.phase === 'decode' && w.qLen > w.kvLen) {
    throw new InputError('qLen', `a decode step has qLen (${w.qLen}) ≤ kvLen (${w.kvLen})`);
  }
  return w;
}

export type WorkloadInput = Partial<Workload> & Pick<Workload, 'heads' | 'qLen' | 'headDim'>;

/**
 * A workload from the fields that matter, with the usual defaults: batch 1, MHA, kvLen = qLen,
 * valueHeadDim = headDim, bf16, no mask, decode when qLen = 1 and kvLen > 1.
 */
export function makeWorkload(input: WorkloadInput): Workload {
  const kvLen = input.kvLen ?? input.qLen;
  return validateWorkload({
    batch: 1,
    kvHeads: input.heads,
    kvLen,
    valueHeadDim: input.headDim,
    dtype: 'bf16',
    mask: { kind: 'none' },
    phase: input.qLen === 1 && kvLen > 1 ? 'decode' : 'prefill',
    ...input,
  });
}

/** Query heads per key/value head. */
export function groupSize(w: Workload): number {
  return w.heads / w.kvHeads;
}

/**
 * Bytes of the call's own tensors — Q, K (the KV cache in decode), V and the output O — which
 * must all be in device memory while it runs: the least memory the call can take.
 */
export function tensorBytes(w: Workload): number {
  const q = w.heads * w.qLen * w.headDim;
  const kv = w.kvHeads * w.kvLen * (w.headDim + w.valueHeadDim);
  const o = w.heads * w.qLen * w.valueHeadDim;
  return w.batch * (q + kv + o) * bytesPerElement(w.dtype);
}
