import type { GpuSpec } from '../../hardware/schema.js';
import { ACCUMULATOR_BYTES, bytesPerElement } from '../../workloads/dtype.js';
import { tileCoverage } from '../../workloads/masks/coverage.js';
import { groupSize, type Workload } from '../../workloads/workload.js';
import { InputError } from '../../hardware/errors.js';
import { tiledCtaWork } from './attention-work.js';
import { occupancy } from './occupancy.js';
import type { KernelPlan, LaunchPlan, MainLoopConfig } from './plan.js';

/**
 * The fused (FlashAttention-style) prefill kernel: one work tile per (query tile, batch, head);
 * each loops over the key tiles its mask keeps, with the online softmax in registers.
 */
export interface FusedConfig extends MainLoopConfig {
  sharedBytesPerCta: number;
  /** Persistent kernels launch one CTA per slot and pull work tiles; others one CTA per tile. */
  persistent: boolean;
  /**
   * Launch order of work tiles: FA2's grid runs query tiles fastest, then batch, then head
   * ('m-b-h'); FA3's tile scheduler runs query tiles, then heads, then batch ('m-h-b').
   */
  order: 'm-b-h' | 'm-h-b';
  /** Direction of each tile's key loop (LaunchPlan.keyOrder). */
  keyOrder: NonNullable<LaunchPlan['keyOrder']>;
  /** K/V loads carry the evict-last hint (LaunchPlan.kvEvictLast). Default: no hints. */
  kvEvictLast?: boolean;
}

export function lowerFused(w: Workload, spec: GpuSpec, config: FusedConfig): KernelPlan {
  const e = bytesPerElement(w.dtype);
  const coverage = tileCoverage(w.mask, w.qLen, w.kvLen, config.tileQ, config.tileK);
  const loop = {
    tileQ: config.tileQ,
    tileK: config.tileK,
    headDim: w.headDim,
    valueHeadDim: w.valueHeadDim,
    elementBytes: e,
    kvSmemReaders: config.kvSmemReaders,
    outputBytes: e,
  };
  const perHead = w.batch * w.heads;
  const work = coverage.classes.map((cls) => tiledCtaWork(loop, cls, cls.count * perHead));
  const tiles = coverage.qTiles * perHead;
  const occ = occupancy(spec, config.threadsPerCta, config.registersPerThread, config.sharedBytesPerCta);
  if (occ.ctasPerSm < 1) {
    throw new InputError(
      'tile',
      `${config.kernelName}: a ${config.tileQ}×${config.tileK} CTA (${config.threadsPerCta} threads, ${config.sharedBytesPerCta} B shared memory) does not fit on one SM of ${spec.id}`,
    );
  }
  const kvBytes = w.kvLen * (w.headDim + w.valueHeadDim) * e;
  const bytesPerReader = (coverage.computedElements / Math.max(1, w.qLen)) * (w.headDim + w.valueHeadDim) * e;
  const g = groupSize(w);
  const span = config.order === 'm-b-h' ? ((g - 1) * w.batch + 1) * coverage.qTiles : g * coverage.qTiles;
  const launch: LaunchPlan = {
    name: config.kernelName,
    role: 'attention',
    matrixPath: config.matrixPath,
    dtype: w.dtype,
    tileQ: config.tileQ,
    tileK: config.tileK,
    threadsPerCta: config.threadsPerCta,
    sharedBytesPerCta: config.sharedBytesPerCta,
    registersPerThread: config.registersPerThread,
    ctaCount: config.persistent ? Math.min(tiles, spec.compute.sms * occ.ctasPerSm) : tiles,
    persistent: config.persistent,
    ...occ,
    work,
    softmaxOverlap: config.softmaxOverlap,
    keyOrder: config.keyOrder,
    ...(config.kvEvictLast ? { kvEvictLast: true } : {}),
    compulsoryReadBytes: perHead * w.qLen * w.headDim * e + w.batch * w.kvHeads * kvBytes,
    compulsoryWriteBytes: perHead * w.qLen * (w.valueHeadDim * e + ACCUMULATOR_BYTES),
    sharedOperands: [
      {
        label: 'K/V of one kv head',
        instances: w.batch * w.kvHeads,
        bytes: kvBytes,
        readersPerInstance: g * coverage.qTiles,
        readerSpan: span,
        bytesPerReader,
        readerAdvanceBytes: readerAdvance(w, config.tileQ, bytesPerReader),
        readerPositions: coverage.qTiles,
      },
    ],
    usefulFlops: 2 * coverage.keptElements * (w.headDim + w.valueHeadDim) * perHead,
  };
  return { kernel: config.kernelName, description: config.description, launches: [launch], coverage };
}

/** Shared memory of a Q tile plus `stages` buffers of a K and a V tile. */
export function fusedSharedBytes(w: Workload, tileQ: number, tileK: number, stages: number): number {
  const e = bytesPerElement(w.dtype);
  return (tileQ * w.headDim + stages * tileK * (w.headDim + w.valueHeadDim)) * e;
}

/** How far one query tile's keys move from the next tile's (see SharedOperand.readerAdvanceBytes). */
function readerAdvance(w: Workload, tileQ: number, bytesPerReader: number): number {
  const perKey = (w.headDim + w.valueHeadDim) * bytesPerElement(w.dtype);
  switch (w.mask.kind) {
    case 'none':
      return 0;
    case 'block_sparse':
      return bytesPerReader;
    default:
      // Causal, windowed and document masks slide along the diagonal, a tile of keys per tile.
      return tileQ * perKey;
  }
}
