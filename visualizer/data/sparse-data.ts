import type { GpuSpec } from '../../hardware/schema.js';
import { sparseBounds } from '../../sim/sparse/bounds.js';
import { oracleMethod } from '../../workloads/sparse/method.js';
import type { Workload } from '../../workloads/workload.js';

/** Speedup of a block-sparse mask over the dense one, at one density, with its two bounds. */
export interface SparsePoint {
  /** Fraction of key blocks each query-block row keeps. */
  density: number;
  /** (a) of `attnsim sparse`: the bound if time followed kept scores exactly. */
  idealSpeedup: number;
  /** (b) of `attnsim sparse`: the bound if time followed computed tiles (partial tiles cost a full tile). */
  tileBoundSpeedup: number;
  /** (c) of `attnsim sparse`: dense latency / sparse latency, both simulated with the same kernel. */
  simulatedSpeedup: number;
}

export interface SparseCurveRequest {
  hardware: GpuSpec;
  /** Its mask is replaced: `none` for the dense reference, block_sparse for each density. */
  workload: Workload;
  kernel: string;
  densities: readonly number[];
  /** Side of the mask's square blocks, in tokens. */
  blockSizeTokens: number;
}

export const defaultSparseDensities: readonly number[] = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1];
export const DEFAULT_BLOCK_SIZE_TOKENS = 128;

/**
 * The curve of `attnsim sparse --density D --block B` over densities: the same bounds, computed
 * by the same `sparseBounds`, so the plot and the command never disagree.
 */
export function sparseSpeedupCurve(request: SparseCurveRequest): SparsePoint[] {
  const workload: Workload = { ...request.workload, mask: { kind: 'none' } };
  const method = oracleMethod(request.blockSizeTokens, 'none');
  return request.densities.map((density) => {
    const b = sparseBounds({ hardware: request.hardware, workload, kernel: request.kernel, pattern: { kind: 'dynamic', method, density }, breakEven: false });
    return { density, idealSpeedup: b.ideal, tileBoundSpeedup: b.tileLevel, simulatedSpeedup: b.predicted };
  });
}
