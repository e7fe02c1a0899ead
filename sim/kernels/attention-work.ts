import { ACCUMULATOR_BYTES } from '../../workloads/dtype.js';
import type { CtaWork } from './plan.js';
import { FINAL_NORMALIZE_FLOPS_PER_OUTPUT, MASK_FLOPS_PER_ELEMENT, RESCALE_FLOPS_PER_ROW, VECTOR_FLOPS_PER_SCORE } from './softmax-costs.js';

/** The facts of one fused-attention main loop that decide what each CTA does. */
export interface TiledLoop {
  tileQ: number;
  tileK: number;
  headDim: number;
  valueHeadDim: number;
  elementBytes: number;
  /** Warps or warp groups that each read the whole K and V tile from shared memory. */
  kvSmemReaders: number;
  /** Bytes per element of what the CTA writes (outputs in the input type, or fp32 partials). */
  outputBytes: number;
}

/** One query tile's slice of the mask: rows, and the key tiles it visits. */
export interface TileWork {
  rows: number;
  visitedTiles: number;
  partialTiles: number;
  visitedKeys: number;
}

/**
 * Action counts of one CTA that runs the online-softmax loop over `work.visitedTiles` key tiles.
 * Tensor cores compute whole tiles, so matrix FLOPs and exps use padded tile shapes; memory
 * traffic uses the real rows and keys (loads past the end are predicated off).
 */
export function tiledCtaWork(loop: TiledLoop, work: TileWork, count: number): CtaWork {
  const { tileQ, tileK, headDim: d, valueHeadDim: dv, elementBytes: e } = loop;
  const paddedKeys = work.visitedTiles * tileK;
  const scores = tileQ * paddedKeys;
  return {
    count,
    iterations: work.visitedTiles,
    matrixFlops: 2 * scores * (d + dv),
    activeMatrixFlops: 2 * work.rows * paddedKeys * (d + dv),
    exps: scores + tileQ * work.visitedTiles, // p = exp(s − m), plus the rescale factor per row per tile
    vectorFlops:
      scores * VECTOR_FLOPS_PER_SCORE +
      work.partialTiles * tileQ * tileK * MASK_FLOPS_PER_ELEMENT +
      tileQ * work.visitedTiles * (dv + RESCALE_FLOPS_PER_ROW) +
      tileQ * dv * FINAL_NORMALIZE_FLOPS_PER_OUTPUT,
    globalReadBytes: work.rows * d * e + work.visitedKeys * (d + dv) * e,
    globalWriteBytes: work.rows * dv * loop.outputBytes + work.rows * ACCUMULATOR_BYTES, // O and the log-sum-exp
    smemWriteBytes: tileQ * d * e + paddedKeys * (d + dv) * e,
    // Q is re-read from shared memory as the A operand every iteration; K and V by every reader.
    smemReadBytes: work.visitedTiles * (tileQ * d * e + loop.kvSmemReaders * tileK * (d + dv) * e),
  };
}
