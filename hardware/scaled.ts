import { InputError } from '../sim/errors.js';
import type { GpuSpec } from './schema.js';

/**
 * The spec with every rate the SMs produce — tensor, vector, exp and shared-memory bandwidth —
 * multiplied by `k`. Memory outside the SMs (L2, HBM) is unchanged.
 */
export function scaleSmRates(spec: GpuSpec, k: number): GpuSpec {
  const c = spec.compute;
  const scaleRates = <T extends Partial<Record<string, number>>>(rates: T): T =>
    Object.fromEntries(Object.entries(rates).map(([key, v]) => [key, (v as number) * k])) as T;
  return {
    ...spec,
    compute: {
      ...c,
      matrixFlopsPerSecond: Object.fromEntries(Object.entries(c.matrixFlopsPerSecond).map(([p, r]) => [p, scaleRates(r!)])),
      vectorFlopsPerSecond: scaleRates(c.vectorFlopsPerSecond),
      expPerSecond: c.expPerSecond * k,
    },
    memory: { ...spec.memory, smem: { ...spec.memory.smem, bandwidthBytesPerSecond: spec.memory.smem.bandwidthBytesPerSecond * k } },
  };
}

/**
 * The same chip with `sms` SMs: per-SM resources stay, so whole-chip tensor, vector, exp and
 * shared-memory rates scale with the SM count. Memory outside the SMs (L2, HBM) is unchanged.
 */
export function withSmCount(spec: GpuSpec, sms: number): GpuSpec {
  if (!Number.isInteger(sms) || sms <= 0) throw new InputError('compute.sms', `must be a positive integer, got ${sms}`);
  const scaled = scaleSmRates(spec, sms / spec.compute.sms);
  return { ...scaled, compute: { ...scaled.compute, sms } };
}
