import type { GpuSpec } from '../../../hardware/schema.js';
import { ACCUMULATOR_BYTES, bytesPerElement } from '../../../workloads/dtype.js';
import { tileCoverage } from '../../../workloads/masks/coverage.js';
import type { Workload } from '../../../workloads/workload.js';
import { occupancy } from '../occupancy.js';
import type { CtaWork, KernelPlan, LaunchPlan } from '../plan.js';

/**
 * PyTorch's math backend, from the H200 launch records: 16–22 kernels per call. Inputs are
 * upcast to fp32, K and V expanded for GQA, the mask built and applied as separate passes, the
 * two products run as fp32 FFMA GEMMs on the vector units (`sm80_xmma_gemm_f32f32_..._ffma`),
 * softmax and its NaN guards are further full passes over the fp32 scores, and the output is
 * cast back. Each pass is a launch with its bytes; the GEMMs run at the vector fp32 rate.
 */
const THREADS = 128;
/** fp32 score-sized passes besides softmax, in the records: scale, mask add, NaN guards. */
const SCORE_PASSES = 4;
/** Launches too small to matter for bytes (mask setup, scalar ops), each costing a launch. */
const SMALL_LAUNCHES_PREFILL = 6;
const SMALL_LAUNCHES_DECODE = 7;

function pass(spec: GpuSpec, name: string, readBytes: number, writeBytes: number, flops = 0, exps = 0): LaunchPlan {
  const ctas = Math.max(1, Math.ceil((readBytes + writeBytes) / (THREADS * 64)));
  const per = (x: number) => x / ctas;
  const work: CtaWork = {
    count: ctas,
    iterations: 1,
    matrixFlops: 0,
    vectorFlops: per(flops),
    exps: per(exps),
    globalReadBytes: per(readBytes),
    globalWriteBytes: per(writeBytes),
    smemReadBytes: 0,
    smemWriteBytes: 0,
  };
  return {
    name,
    role: 'softmax',
    matrixPath: null,
    dtype: 'fp32',
    tileQ: null,
    tileK: null,
    threadsPerCta: THREADS,
    sharedBytesPerCta: 0,
    registersPerThread: 32,
    ctaCount: ctas,
    persistent: false,
    ...occupancy(spec, THREADS, 32, 0),
    work: [work],
    softmaxOverlap: 0,
    compulsoryReadBytes: readBytes,
    compulsoryWriteBytes: writeBytes,
    sharedOperands: [],
    usefulFlops: 0,
  };
}

export function lowerMath(w: Workload, spec: GpuSpec): KernelPlan {
  const e = bytesPerElement(w.dtype);
  const f = ACCUMULATOR_BYTES;
  const bh = w.batch * w.heads;
  const bkv = w.batch * w.kvHeads;
  const q = bh * w.qLen * w.headDim;
  const k = bkv * w.kvLen * w.headDim;
  const v = bkv * w.kvLen * w.valueHeadDim;
  const o = bh * w.qLen * w.valueHeadDim;
  const scores = bh * w.qLen * w.kvLen;
  const kept = tileCoverage(w.mask, w.qLen, w.kvLen, w.qLen, w.kvLen).keptElements * bh;
  const launches: LaunchPlan[] = [pass(spec, 'upcast_q', q * e, q * f), pass(spec, 'upcast_k', k * e, k * f), pass(spec, 'upcast_v', v * e, v * f)];
  if (w.kvHeads !== w.heads) {
    launches.push(pass(spec, 'expand_k', k * f, ((k * w.heads) / w.kvHeads) * f), pass(spec, 'expand_v', v * f, ((v * w.heads) / w.kvHeads) * f));
  }
  launches.push(pass(spec, 'scale_q', q * f, q * f));
  // QKᵀ and PV as fp32 FFMA GEMMs: every operand read once, the scores written once.
  launches.push({ ...pass(spec, 'gemm_qk_fp32', (q + bh * w.kvLen * w.headDim) * f, scores * f, 2 * scores * w.headDim), role: 'gemm' });
  for (let i = 0; i < SCORE_PASSES; i++) launches.push(pass(spec, `score_pass_${i}`, scores * f, scores * f, scores));
  launches.push(pass(spec, 'softmax', scores * f, scores * f, 4 * scores, scores));
  launches.push({ ...pass(spec, 'gemm_pv_fp32', (scores + bh * w.kvLen * w.valueHeadDim) * f, o * f, 2 * scores * w.valueHeadDim), role: 'gemm' });
  launches.push(pass(spec, 'downcast_o', o * f, o * e));
  const small = w.phase === 'decode' ? SMALL_LAUNCHES_DECODE : SMALL_LAUNCHES_PREFILL;
  for (let i = 0; i < small; i++) launches.push(pass(spec, `small_${i}`, 0, 0));
  launches[launches.length - 1] = { ...launches[launches.length - 1]!, usefulFlops: 2 * kept * (w.headDim + w.valueHeadDim) };
  return { kernel: 'sdpa-math', description: 'PyTorch math backend: fp32 upcast, FFMA GEMMs, scores through HBM in ~20 launches', launches, coverage: null };
}
