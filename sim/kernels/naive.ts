import type { GpuSpec } from '../../hardware/schema.js';
import { bytesPerElement } from '../../workloads/dtype.js';
import { tileCoverage } from '../../workloads/masks/coverage.js';
import type { Workload } from '../../workloads/workload.js';
import { occupancy } from './occupancy.js';
import type { CtaWork, KernelPlan, LaunchPlan } from './plan.js';
import { NAIVE_SOFTMAX_FLOPS_PER_SCORE } from './softmax-costs.js';

/**
 * Unfused attention: S = QKᵀ (a batched GEMM that writes every score to HBM), P = softmax(S)
 * (reads S, writes P), O = PV (reads P). Masks are applied inside the softmax; masked scores
 * are still computed and stored. K and V are read once per query head (no GQA reuse).
 */
export interface NaiveOptions {
  /** Bytes per stored score; defaults to the input type. */
  scoreBytes?: number;
}

/** cuBLAS-style output tile of the two GEMMs (estimate: a common Hopper/Ampere choice). */
const GEMM_TILE_M = 128;
const GEMM_TILE_N = 128;
/** K-slice per main-loop step and shared-memory pipeline stages of that GEMM. */
const GEMM_TILE_K = 64;
const GEMM_STAGES = 2;
const GEMM_THREADS = 256;
const GEMM_REGISTERS = 168;
/** Softmax: one CTA per score row. */
const SOFTMAX_THREADS = 256;
const SOFTMAX_REGISTERS = 32;

export function lowerNaive(w: Workload, spec: GpuSpec, options: NaiveOptions = {}): KernelPlan {
  const e = bytesPerElement(w.dtype);
  const s = options.scoreBytes ?? e;
  const bh = w.batch * w.heads;
  const scores = w.qLen * w.kvLen;
  const path = spec.compute.defaultMatrixPath;
  const coverage = tileCoverage(w.mask, w.qLen, w.kvLen, w.qLen, w.kvLen);
  const useful = 2 * coverage.keptElements * (w.headDim + w.valueHeadDim) * bh;

  const qk = gemm(spec, 'gemm_qk', w, { m: w.qLen, n: w.kvLen, k: w.headDim, aBytes: e, bBytes: e, cBytes: s, batches: bh });
  const pv = gemm(spec, 'gemm_pv', w, { m: w.qLen, n: w.valueHeadDim, k: w.kvLen, aBytes: s, bBytes: e, cBytes: e, batches: bh });
  const rowBytes = w.kvLen * s;
  const softmaxWork: CtaWork = {
    count: bh * w.qLen,
    iterations: 1,
    matrixFlops: 0,
    vectorFlops: w.kvLen * NAIVE_SOFTMAX_FLOPS_PER_SCORE,
    exps: w.kvLen,
    globalReadBytes: rowBytes,
    globalWriteBytes: rowBytes,
    smemReadBytes: 0,
    smemWriteBytes: 0,
  };
  const softmax: LaunchPlan = {
    name: 'softmax',
    role: 'softmax',
    matrixPath: null,
    dtype: w.dtype,
    tileQ: null,
    tileK: null,
    threadsPerCta: SOFTMAX_THREADS,
    sharedBytesPerCta: 0,
    registersPerThread: SOFTMAX_REGISTERS,
    ctaCount: bh * w.qLen,
    persistent: false,
    ...occupancy(spec, SOFTMAX_THREADS, SOFTMAX_REGISTERS, 0),
    work: [softmaxWork],
    softmaxOverlap: 0,
    compulsoryReadBytes: bh * scores * s,
    compulsoryWriteBytes: bh * scores * s,
    sharedOperands: [],
    usefulFlops: 0,
  };
  return {
    kernel: 'naive',
    description: 'unfused attention: QKᵀ GEMM → scores in HBM → softmax → PV GEMM',
    launches: [{ ...qk, usefulFlops: useful / 2 }, softmax, { ...pv, usefulFlops: useful / 2 }],
    coverage: null,
  };
}

interface GemmShape {
  m: number;
  n: number;
  k: number;
  aBytes: number;
  bBytes: number;
  cBytes: number;
  batches: number;
}

/**
 * A batched GEMM C[m×n] = A[m×k]·B[k×n] with GEMM_TILE_M × GEMM_TILE_N output tiles. Each tile
 * streams its A row panel and B column panel through shared memory; HBM sees each operand once.
 */
function gemm(spec: GpuSpec, name: string, w: Workload, g: GemmShape): LaunchPlan {
  const tilesM = Math.ceil(g.m / GEMM_TILE_M);
  const tilesN = Math.ceil(g.n / GEMM_TILE_N);
  const tm = Math.min(GEMM_TILE_M, g.m);
  const tn = Math.min(GEMM_TILE_N, g.n);
  const sharedBytes = (GEMM_TILE_M + GEMM_TILE_N) * GEMM_TILE_K * Math.max(g.aBytes, g.bBytes) * GEMM_STAGES;
  const work: CtaWork = {
    count: g.batches * tilesM * tilesN,
    iterations: Math.ceil(g.k / GEMM_TILE_K),
    matrixFlops: 2 * tm * tn * g.k,
    vectorFlops: 0,
    exps: 0,
    globalReadBytes: tm * g.k * g.aBytes + tn * g.k * g.bBytes,
    globalWriteBytes: tm * tn * g.cBytes,
    smemWriteBytes: tm * g.k * g.aBytes + tn * g.k * g.bBytes,
    smemReadBytes: tm * g.k * g.aBytes + tn * g.k * g.bBytes,
  };
  return {
    name,
    role: 'gemm',
    matrixPath: spec.compute.defaultMatrixPath,
    dtype: w.dtype,
    tileQ: GEMM_TILE_M,
    tileK: GEMM_TILE_N,
    threadsPerCta: GEMM_THREADS,
    sharedBytesPerCta: sharedBytes,
    registersPerThread: GEMM_REGISTERS,
    ctaCount: work.count,
    persistent: false,
    ...occupancy(spec, GEMM_THREADS, GEMM_REGISTERS, sharedBytes),
    work: [work],
    softmaxOverlap: 0,
    compulsoryReadBytes: g.batches * (g.m * g.k * g.aBytes + g.k * g.n * g.bBytes),
    compulsoryWriteBytes: g.batches * g.m * g.n * g.cBytes,
    sharedOperands: [],
    usefulFlops: 0,
  };
}
