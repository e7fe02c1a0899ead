import type { Dtype } from '../hardware/schema.js';

/** Storage bytes per element of each element type. */
export const BYTES_PER_ELEMENT: Readonly<Record<Dtype, number>> = {
  fp32: 4,
  tf32: 4, // stored as fp32; only the tensor-core arithmetic is reduced
  bf16: 2,
  fp16: 2,
  fp8: 1,
};

export function bytesPerElement(dtype: Dtype): number {
  return BYTES_PER_ELEMENT[dtype];
}

/** Softmax statistics and split-KV partial outputs are kept in fp32 by every kernel we model. */
export const ACCUMULATOR_BYTES = 4;
