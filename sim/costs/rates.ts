import type { Dtype, GpuSpec, MatrixPath } from '../../hardware/schema.js';
import { InputError } from '../../hardware/errors.js';

/** Types whose tensor-core rate stands in for a missing one (fp16 and bf16 run at one rate). */
const SAME_RATE: Partial<Record<Dtype, Dtype>> = { bf16: 'fp16', fp16: 'bf16' };

/** Whole-chip tensor-core rate of `path` for `dtype`, FLOP/s. */
export function matrixRate(spec: GpuSpec, path: MatrixPath, dtype: Dtype): number {
  const byType = spec.compute.matrixFlopsPerSecond[path];
  if (!byType) {
    throw new InputError('kernel', `${spec.id} has no ${path} tensor-core path (it has ${Object.keys(spec.compute.matrixFlopsPerSecond).join(', ')})`);
  }
  const twin = SAME_RATE[dtype];
  const rate = byType[dtype] ?? (twin ? byType[twin] : undefined);
  if (rate === undefined) {
    throw new InputError('dtype', `${spec.id} gives no ${dtype} rate on its ${path} path (it has ${Object.keys(byType).join(', ')})`);
  }
  return rate;
}

/** The best tensor-core rate any path offers for `dtype`: the roofline's compute ceiling. */
export function peakMatrixRate(spec: GpuSpec, dtype: Dtype): number {
  let best = 0;
  for (const path of Object.keys(spec.compute.matrixFlopsPerSecond) as MatrixPath[]) {
    try {
      best = Math.max(best, matrixRate(spec, path, dtype));
    } catch {
      // a path without this type does not raise the ceiling
    }
  }
  if (best === 0) throw new InputError('dtype', `${spec.id} gives no tensor-core rate for ${dtype}`);
  return best;
}

export function matrixEnergyPerFlop(spec: GpuSpec, dtype: Dtype): number {
  const table = spec.energy.matrixJoulesPerFlop;
  const twin = SAME_RATE[dtype];
  const e = table[dtype] ?? (twin ? table[twin] : undefined);
  if (e === undefined) throw new InputError('dtype', `${spec.id} gives no matrix energy per FLOP for ${dtype}`);
  return e;
}
