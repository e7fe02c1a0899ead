import { bytesPerElement } from '../dtype.js';
import { tileCoverage } from '../masks/coverage.js';
import type { Mask } from '../masks/mask.js';
import { groupSize, type Workload } from '../workload.js';
import { checkDensity, type SparseMethod } from './method.js';
import {
  BLOCK_REDUCE_FLOPS_PER_SCORE,
  INDEX_BYTES,
  QUANTIZE_FLOPS_PER_ELEMENT,
  SCORE_BYTES,
  SOFTMAX_FLOPS_PER_SCORE,
  VERTICAL_SLASH_FLOPS_PER_SCORE,
  operator,
  type SparseOperator,
} from './operators.js';

/**
 * A dynamic-sparsity call as a graph: estimate → select → sparse attend. The estimator and the
 * selection are operators with their own counts; the sparse attend is an ordinary attention
 * workload whose mask keeps the selected blocks, for any kernel lowering to run.
 */
export interface SparseGraph {
  operators: SparseOperator[];
  /** The main attention: block-sparse, or dense over gathered keys. */
  attend: Workload;
  /** Kept fraction of the base mask's blocks (what `density` means). */
  density: number;
  /** Of all blocks of the grid, the fraction the base mask visits (0.5 and a diagonal for causal). */
  baseBlockFraction: number;
}

/** Seed of the selected-block placement: any fixed value; the block count per row is what matters. */
const SELECTION_SEED = 0;

/** The density a method runs at on this workload: given, or its budget of keys per query. */
export function methodDensity(method: SparseMethod, w: Workload, base: Mask): number {
  if (method.attend.density !== undefined) return method.attend.density;
  const c = tileCoverage(base, w.qLen, w.kvLen, w.qLen, w.kvLen);
  const keysPerQuery = c.keptElements / w.qLen;
  return Math.min(1, (method.attend.keptKeysPerQuery ?? keysPerQuery) / keysPerQuery);
}

export function buildSparseGraph(method: SparseMethod, base: Workload, density: number): SparseGraph {
  checkDensity(density);
  const B = method.attend.blockSize;
  const cov = tileCoverage(base.mask, base.qLen, base.kvLen, B, B);
  const baseBlockFraction = (cov.fullTiles + cov.partialTiles) / (cov.qTiles * cov.kTiles);
  const operators = [...estimateOperators(method, base, baseBlockFraction), ...selectOperators(method, base, density, baseBlockFraction)];
  let attend: Workload;
  if (method.attend.gather === true) {
    const keys = Math.max(1, Math.round(density * (cov.keptElements / base.qLen)));
    // Every query attends its own `keys` gathered keys: qLen × keys pairs, attended densely.
    attend = { ...base, kvLen: keys, mask: { kind: 'none' } };
  } else {
    // Over a causal base, blocks are selected among those the base visits (at or before the
    // diagonal), as the methods select them; `density` is the kept fraction of those.
    const causal = base.mask.kind === 'causal';
    attend = { ...base, mask: { kind: 'block_sparse', blockSize: B, blockDensity: density, seed: SELECTION_SEED, ...(causal ? { causal } : {}) } };
  }
  return { operators, attend, density, baseBlockFraction };
}

function estimateOperators(method: SparseMethod, w: Workload, baseFraction: number): SparseOperator[] {
  const s = method.score;
  if (!s) return [];
  const e = bytesPerElement(w.dtype);
  const bh = w.batch * w.heads;
  const bkv = w.batch * w.kvHeads;
  const d = w.headDim;
  const qElements = bh * w.qLen * d;
  const kElements = bkv * w.kvLen * d;
  const B = method.attend.blockSize;
  const blockScores = bh * Math.ceil(w.qLen / B) * Math.ceil(w.kvLen / B) * baseFraction;
  switch (s.kind) {
    case 'lowbit_qk': {
      const q = s.bits / 8;
      const scores = bh * w.qLen * w.kvLen * baseFraction;
      return [
        operator(`quantize Q, K to ${s.bits}-bit`, 'estimate', {
          vectorFlops: (qElements + kElements) * QUANTIZE_FLOPS_PER_ELEMENT,
          readBytes: (qElements + kElements) * e,
          writeBytes: (qElements + kElements) * q,
        }),
        operator(`${s.bits}-bit QKᵀ, reduced per ${B}×${B} block`, 'estimate', {
          matrixFlops: 2 * scores * d,
          matrixBits: s.bits,
          vectorFlops: scores * BLOCK_REDUCE_FLOPS_PER_SCORE,
          readBytes: (qElements + kElements) * q,
          writeBytes: blockScores * SCORE_BYTES,
        }),
      ];
    }
    case 'pooled_qk': {
      const pq = Math.ceil(w.qLen / s.poolQ);
      const pk = Math.ceil(w.kvLen / s.poolK);
      const scores = bh * pq * pk * baseFraction;
      const pooled = bh * pq * d + bkv * pk * d;
      // The kernel sums pooled probabilities into selection blocks before writing them.
      const selectionScores = bh * pq * Math.ceil(w.kvLen / Math.max(B, s.poolK)) * baseFraction;
      return [
        operator(`mean-pool Q by ${s.poolQ}, K by ${s.poolK}`, 'estimate', {
          vectorFlops: qElements + kElements,
          readBytes: (qElements + kElements) * e,
          writeBytes: pooled * (s.bits / 8),
        }),
        operator(`pooled QKᵀ (${s.bits}-bit) + softmax`, 'estimate', {
          matrixFlops: 2 * scores * d,
          matrixBits: s.bits,
          exps: scores,
          vectorFlops: scores * SOFTMAX_FLOPS_PER_SCORE,
          readBytes: pooled * (s.bits / 8),
          writeBytes: selectionScores * SCORE_BYTES,
        }),
      ];
    }
    case 'last_q': {
      const rows = Math.min(s.queries, w.qLen);
      const scores = bh * rows * w.kvLen;
      return [
        operator(`last ${rows} queries × all keys, column and diagonal sums`, 'estimate', {
          matrixFlops: 2 * scores * d,
          matrixBits: s.bits,
          exps: scores,
          vectorFlops: scores * VERTICAL_SLASH_FLOPS_PER_SCORE,
          readBytes: bh * rows * d * e + kElements * e,
          // A vertical score per key and a slash score per diagonal, per head.
          writeBytes: bh * 2 * w.kvLen * SCORE_BYTES,
        }),
      ];
    }
    case 'lowrank_k': {
      const scores = bh * w.qLen * w.kvLen * baseFraction;
      return [
        operator(`project Q on rank ${s.rank}`, 'estimate', {
          matrixFlops: 2 * qElements * s.rank,
          matrixBits: 16,
          readBytes: qElements * e + d * s.rank * e,
          writeBytes: bh * w.qLen * s.rank * e,
        }),
        operator(`approximate scores in rank ${s.rank}`, 'estimate', {
          matrixFlops: 2 * scores * s.rank,
          matrixBits: s.bits,
          readBytes: bh * w.qLen * s.rank * e + bkv * w.kvLen * s.rank * e,
          writeBytes: scores * e,
        }),
      ];
    }
  }
}

/** Compares per item of a top-k keeping k items: a heap of k. */
function topkCompares(k: number): number {
  return Math.log2(Math.max(2, k));
}

/** Operations per item of a threshold (top-p / CDF) selection over n items: a sort, then a prefix sum. */
function thresholdOps(n: number): number {
  return Math.log2(Math.max(2, n)) + 1;
}

function selectOperators(method: SparseMethod, w: Workload, density: number, baseFraction: number): SparseOperator[] {
  if (!method.selection) return [];
  const e = bytesPerElement(w.dtype);
  const B = method.attend.blockSize;
  const shared = method.selection.sharedAcrossGroup === true;
  const lastQ = method.score?.kind === 'last_q';
  const heads = w.batch * (shared ? w.kvHeads : w.heads);
  const poolQ = method.score?.kind === 'pooled_qk' ? method.score.poolQ : B;
  const qRows = lastQ ? 1 : Math.ceil(w.qLen / (method.attend.gather ? 1 : Math.min(B, poolQ)));
  // Items each selection row chooses among: blocks of the base mask, or for token-level and
  // vertical-slash estimators, keys (and diagonals).
  const perRow = lastQ ? 2 * w.kvLen : method.attend.gather ? w.kvLen * baseFraction : Math.ceil(w.kvLen / B) * baseFraction;
  const kept = Math.max(1, perRow * density);
  const items = heads * qRows * perRow;
  const selection = method.selection.kind === 'topk' ? topkCompares(kept) : thresholdOps(perRow);
  const ops = [
    operator(`${method.selection.kind === 'topk' ? 'top-k' : 'threshold (sort + cumulative sum)'} selection${shared ? ', shared by each GQA group' : ''}`, 'select', {
      vectorFlops: items * selection + (shared ? items * (groupSize(w) - 1) : 0),
      readBytes: items * (shared ? groupSize(w) : 1) * SCORE_BYTES,
      writeBytes: heads * qRows * (kept + 1) * INDEX_BYTES, // indices plus a count per row
    }),
  ];
  if (method.attend.gather === true) {
    const rows = w.batch * w.heads * w.qLen * kept;
    ops.push(operator('gather kept K/V rows', 'gather', { readBytes: rows * (w.headDim + w.valueHeadDim) * e, writeBytes: rows * (w.headDim + w.valueHeadDim) * e }));
  }
  return ops;
}
