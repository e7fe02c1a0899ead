/**
 * Element-wise work of online softmax (Dao 2023, FlashAttention-2, Algorithm 1), per score
 * element and per row, as counted on the vector units. Named so no engine buries a magic number.
 */

/** Per score: scale-and-subtract the running max (one FMA = 2 FLOPs), max compare, row-sum add. */
export const VECTOR_FLOPS_PER_SCORE = 4;

/** Per score of a partially masked tile: the mask predicate and select. */
export const MASK_FLOPS_PER_ELEMENT = 2;

/** Per row per key tile, besides rescaling the output: new max, rescale the running sum. */
export const RESCALE_FLOPS_PER_ROW = 3;

/** Per row at the end: divide the dv outputs by the row sum (counted as dv FLOPs). */
export const FINAL_NORMALIZE_FLOPS_PER_OUTPUT = 1;

/** Unfused softmax over a materialized score row: max, subtract, sum, divide (plus the exp). */
export const NAIVE_SOFTMAX_FLOPS_PER_SCORE = 4;

/** Combining split-KV partials: per partial and output element, a scale and an add (one FMA). */
export const COMBINE_FLOPS_PER_PARTIAL_OUTPUT = 2;
