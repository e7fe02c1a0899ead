import type { GpuSpec } from '../../hardware/schema.js';
import { peakMatrixRate } from '../costs/rates.js';
import type { Report } from '../report.js';

/**
 * The plain roofline predictor validate prints beside ours: the larger of useful FLOPs at the
 * chip's peak tensor rate and compulsory bytes at HBM bandwidth. No tiles, no waves, no L2.
 */
export function rooflineSeconds(report: Report, spec: GpuSpec): number {
  const compute = report.flops.useful / peakMatrixRate(spec, report.workload.dtype);
  const memory = (report.compulsoryBytes.read + report.compulsoryBytes.write) / spec.memory.hbm.bandwidthBytesPerSecond;
  return Math.max(compute, memory);
}
