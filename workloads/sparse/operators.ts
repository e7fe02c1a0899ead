/**
 * One operator of a sparse-attention graph outside the main attention kernel: an estimator
 * pass, a selection, an index build or a gather. Counts only; sim/sparse turns them into time.
 * Bytes are what must cross HBM (inputs read once, outputs written once).
 */
export interface SparseOperator {
  name: string;
  role: 'estimate' | 'select' | 'gather';
  /** Tensor-core FLOPs, and the precision of their operands in bits (4, 8 or 16). */
  matrixFlops: number;
  matrixBits: number;
  vectorFlops: number;
  exps: number;
  readBytes: number;
  writeBytes: number;
  /** Kernel launches it takes. */
  launches: number;
}

/** Arithmetic per element of a per-block symmetric quantizer: abs-max, scale, round (SageAttention-style). */
export const QUANTIZE_FLOPS_PER_ELEMENT = 3;
/** Per estimated score: dequantization scale, and the block's running max and sum. */
export const BLOCK_REDUCE_FLOPS_PER_SCORE = 3;
/** Per pooled or sampled score: scale, max, subtract, sum (the softmax around its exp). */
export const SOFTMAX_FLOPS_PER_SCORE = 4;
/** Per vertical-slash score: the softmax, plus adding it to its column sum and its diagonal sum. */
export const VERTICAL_SLASH_FLOPS_PER_SCORE = SOFTMAX_FLOPS_PER_SCORE + 2;
/** Block scores and selected indices are int32 / fp32. */
export const INDEX_BYTES = 4;
export const SCORE_BYTES = 4;

export function operator(name: string, role: SparseOperator['role'], counts: Partial<Omit<SparseOperator, 'name' | 'role'>>): SparseOperator {
  return { name, role, matrixFlops: 0, matrixBits: 16, vectorFlops: 0, exps: 0, readBytes: 0, writeBytes: 0, launches: 1, ...counts };
}
