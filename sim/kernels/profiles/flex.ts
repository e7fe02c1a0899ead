import type { GpuSpec } from '../../../hardware/schema.js';
import type { Workload } from '../../../workloads/workload.js';
import { InputError } from '../../../hardware/errors.js';
import { lowerFused } from '../fused.js';
import type { KernelPlan, LaunchPlan } from '../plan.js';

/**
 * FlexAttention (PyTorch 2.11, Triton 3.6) on the H200, from the launch records:
 * `triton_tem_fused_flex_attention_0`, grid (N/128, B, H), 256 threads (8 warps), 131072 B of
 * shared memory (Q tile + 3 stages of 64-key K/V tiles), 153–213 registers. It visits the
 * block mask's 128 × 128 blocks: kept ("full") blocks skip the mask function, partial blocks
 * evaluate it per element, empty blocks are skipped. Without a mask, two one-thread Triton
 * kernels build the all-ones block mask first.
 */
const TILE_Q = 128;
/** The block mask's granularity; the kernel walks each block in two 64-key steps. */
const SPARSE_BLOCK = 128;
const THREADS = 256;
const REGISTERS = 192;
const SHARED_BYTES = 131072;
const MASK_BUILD_KERNELS = 2;
/** Block-sparse metadata: kv_indices holds one int32 per visited block of a query-block row. */
const BLOCK_INDEX_BYTES = 4;
/** Calibration entry of the mask-free specialization (KernelPlan.calibrationFamily). */
const DENSE_FAMILY = 'flex-dense';

export function lowerFlex(w: Workload, spec: GpuSpec): KernelPlan {
  if ((w.mask.kind === 'block_sparse' || w.mask.kind === 'block_list') && w.mask.blockSize % SPARSE_BLOCK !== 0) {
    throw new InputError('mask.blockSize', `flex visits ${SPARSE_BLOCK}-token blocks; a block-sparse mask needs a multiple of ${SPARSE_BLOCK}`);
  }
  const plan = lowerFused(w, spec, {
    kernelName: 'triton_tem_fused_flex_attention',
    description: 'FlexAttention (Triton): 128 × 128 block mask, full blocks unmasked, partial blocks masked per element',
    matrixPath: spec.compute.matrixFlopsPerSecond.wgmma ? 'wgmma' : spec.compute.defaultMatrixPath,
    tileQ: TILE_Q,
    tileK: SPARSE_BLOCK,
    threadsPerCta: THREADS,
    registersPerThread: REGISTERS,
    sharedBytesPerCta: SHARED_BYTES,
    kvSmemReaders: 2,
    softmaxOverlap: 0,
    persistent: false,
    order: 'm-b-h',
    keyOrder: 'diagonal-first',
  });
  if (w.mask.kind !== 'none') return withBlockIndexStalls(plan, spec);
  const tiny: LaunchPlan = {
    ...plan.launches[0]!,
    name: 'triton_poi_fused_ones',
    role: 'softmax',
    matrixPath: null,
    tileQ: null,
    tileK: null,
    threadsPerCta: 32,
    sharedBytesPerCta: 0,
    registersPerThread: 16,
    ctaCount: 1,
    ctasPerSm: 1,
    work: [{ count: 1, iterations: 1, matrixFlops: 0, vectorFlops: 0, exps: 0, globalReadBytes: 0, globalWriteBytes: 0, smemReadBytes: 0, smemWriteBytes: 0 }],
    compulsoryReadBytes: 0,
    compulsoryWriteBytes: 0,
    sharedOperands: [],
    usefulFlops: 0,
  };
  // Without a block mask Triton compiles another kernel (`triton_tem_fused__to_copy_flex_attention`,
  // 153 registers against 163–213 with one): its own calibration entry.
  const main = { ...plan.launches[0]!, name: 'triton_tem_fused__to_copy_flex_attention' };
  return { ...plan, calibrationFamily: DENSE_FAMILY, launches: [...Array.from({ length: MASK_BUILD_KERNELS }, () => tiny), main] };
}

/**
 * With a real block mask, the loop reads each visited block's index from kv_indices before it
 * can address that block's K and V, so the K/V prefetch cannot run ahead across blocks: one L2
 * round trip per visited block (the index tensor is small and shared by every CTA, so it hits
 * L2). Without a mask, flex builds a single block spanning the whole sequence
 * (_create_empty_block_mask) and the loop walks K/V at computed addresses: no stall.
 */
function withBlockIndexStalls(plan: KernelPlan, spec: GpuSpec): KernelPlan {
  const [main, ...rest] = plan.launches;
  const launch: LaunchPlan = {
    ...main!,
    iterationStallSeconds: spec.memory.l2.latencySeconds,
    work: main!.work.map((cta) => ({ ...cta, globalReadBytes: cta.globalReadBytes + cta.iterations * BLOCK_INDEX_BYTES })),
  };
  return { ...plan, launches: [launch, ...rest] };
}
