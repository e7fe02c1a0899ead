import type { GpuSpec } from '../../hardware/schema.js';
import type { Report } from '../../sim/report.js';
import { simulate } from '../../sim/simulate.js';
import type { Workload } from '../../workloads/workload.js';

/** Speedup of a block-sparse mask over the dense one, at one density, with its two bounds. */
export interface SparsePoint {
  /** Fraction of key blocks each query-block row keeps. */
  density: number;
  /** Upper bound if time followed kept scores exactly: dense kept / sparse kept. */
  idealSpeedup: number;
  /** Upper bound if time followed computed tiles (partial tiles cost a full tile): dense computed / sparse computed. */
  tileBoundSpeedup: number;
  /** Dense latency / sparse latency, both simulated with the same kernel. */
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
  /** Seed of the block placement, fixed so that curves are reproducible. */
  seed?: number;
}

export const defaultSparseDensities: readonly number[] = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1];
export const DEFAULT_BLOCK_SIZE_TOKENS = 128;
const DEFAULT_SEED = 1;

/** Simulate the dense call and the block-sparse call at every density; speedups relative to dense. */
export function sparseSpeedupCurve(request: SparseCurveRequest): SparsePoint[] {
  const run = (workload: Workload): Report => simulate({ hardware: request.hardware, workload, kernel: request.kernel });
  const dense = run({ ...request.workload, mask: { kind: 'none' } });
  const denseKept = dense.tiles?.keptFraction ?? 1;
  const denseComputed = dense.tiles?.computedFraction ?? 1;
  return request.densities.map((density) => {
    const sparse = run({
      ...request.workload,
      mask: { kind: 'block_sparse', blockSize: request.blockSizeTokens, blockDensity: density, seed: request.seed ?? DEFAULT_SEED },
    });
    // Kernels without a tiled main loop report no coverage: the mask's nominal density stands in.
    const kept = sparse.tiles?.keptFraction ?? density;
    const computed = sparse.tiles?.computedFraction ?? density;
    return {
      density,
      idealSpeedup: denseKept / kept,
      tileBoundSpeedup: denseComputed / computed,
      simulatedSpeedup: dense.latencySeconds / sparse.latencySeconds,
    };
  });
}
