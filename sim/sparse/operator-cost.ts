import type { GpuSpec } from '../../hardware/schema.js';
import type { SparseOperator } from '../../workloads/sparse/operators.js';
import { peakMatrixRate } from '../costs/rates.js';

/** What an operator's time is made of, roofline style, and which term decides it. */
export interface OperatorTiming {
  name: string;
  role: SparseOperator['role'];
  seconds: number;
  bound: 'compute' | 'softmax' | 'hbm' | 'launch';
}

/**
 * Tensor-core rate for operands of `bits`: 8-bit and narrower use the 8-bit (fp8) path where the
 * spec has one. Narrower than 8 bits has no faster path on the modeled GPUs (Hopper dropped
 * INT4), so 4-bit operands save bytes, not time. Without an 8-bit path, the 16-bit rate.
 */
export function matrixRateForBits(spec: GpuSpec, bits: number): number {
  if (bits <= 8) {
    try {
      return peakMatrixRate(spec, 'fp8');
    } catch {
      return peakMatrixRate(spec, 'bf16');
    }
  }
  return peakMatrixRate(spec, bits <= 16 ? 'bf16' : 'tf32');
}

/**
 * Roofline time of one operator: its launches, then the longest of tensor work (at the
 * estimator's efficiency), SIMT work (vector FLOPs and exps) and HBM traffic.
 * `matrixEfficiency` is the fraction of the tensor rate sustained (the attention kernel
 * family's calibrated value: the estimator is the same kind of tiled GEMM).
 */
export function operatorTiming(op: SparseOperator, spec: GpuSpec, matrixEfficiency: number): OperatorTiming {
  const launch = op.launches * spec.launch.overheadSeconds;
  const matrix = op.matrixFlops > 0 ? op.matrixFlops / (matrixRateForBits(spec, op.matrixBits) * matrixEfficiency) : 0;
  const simt = op.vectorFlops / spec.compute.vectorFlopsPerSecond.fp32 + op.exps / spec.compute.expPerSecond;
  const hbm = (op.readBytes + op.writeBytes) / spec.memory.hbm.bandwidthBytesPerSecond;
  const busiest = Math.max(matrix, simt, hbm);
  const bound = busiest === 0 || launch > busiest ? 'launch' : busiest === matrix ? 'compute' : busiest === simt ? 'softmax' : 'hbm';
  return { name: op.name, role: op.role, seconds: launch + busiest, bound };
}
