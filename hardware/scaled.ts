import { InputError } from './errors.js';
import type { GpuSpec } from './schema.js';

/**
 * Spec numbers that other numbers derive from. A GPU spec stores chip-wide rates (the figures
 * datasheets print), but those rates are per-SM rates × SM count × SM clock: changing the SM
 * count or the clock alone would leave the chip-wide rates describing the old chip. These
 * derivations move every dependent number together, and `deriveSpec` (`--set`, a sweep's
 * `set:`) and sweep parameters all go through them, so every way of asking the same what-if
 * gives the same chip. Kept free of the unit parser: sweep worker threads load only this.
 */

/**
 * The spec with every rate the SMs produce — tensor, vector, exp and shared-memory bandwidth —
 * multiplied by `k`. Memory outside the SMs (L2, HBM) is unchanged.
 */
export function scaleSmRates(spec: GpuSpec, k: number): GpuSpec {
  const c = spec.compute;
  const scaleRates = <T extends Partial<Record<string, number>>>(rates: T): T => Object.fromEntries(Object.entries(rates).map(([key, v]) => [key, (v as number) * k])) as T;
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
  if (!Number.isInteger(sms) || sms <= 0) throw new InputError('compute.sms', `must be a whole number of SMs ≥ 1, got ${sms}`);
  const scaled = scaleSmRates(spec, sms / spec.compute.sms);
  return { ...scaled, compute: { ...scaled.compute, sms } };
}

/**
 * The same chip at clock `clockHz`: rates that tick with the SM clock (tensor, vector, exp,
 * shared memory) scale with it. L2 and HBM keep their bandwidth: they run in their own clock
 * domains, and a what-if that wants them faster sets them by path.
 */
export function withClockHz(spec: GpuSpec, clockHz: number): GpuSpec {
  if (!(clockHz > 0) || !Number.isFinite(clockHz)) throw new InputError('compute.clockHz', `must be a positive frequency, got ${clockHz}`);
  const scaled = scaleSmRates(spec, clockHz / spec.compute.clockHz);
  return { ...scaled, compute: { ...scaled.compute, clockHz } };
}

/**
 * The same chip with `bytes` of shared memory per SM. A CTA may use all of it but the part the
 * preset reserves for the system (H100: 228 KiB per SM, 227 KiB per CTA), so both limits move.
 */
export function withSramBytesPerSm(spec: GpuSpec, bytes: number): GpuSpec {
  const reserved = Math.max(0, spec.compute.sharedMemoryBytesPerSm - spec.compute.maxSharedMemoryBytesPerCta);
  if (!(bytes > reserved) || !Number.isFinite(bytes)) {
    throw new InputError('compute.sharedMemoryBytesPerSm', `must be above the ${reserved} B that ${spec.id} reserves per SM, got ${bytes}`);
  }
  return { ...spec, compute: { ...spec.compute, sharedMemoryBytesPerSm: bytes, maxSharedMemoryBytesPerCta: bytes - reserved } };
}

/**
 * The spec paths that are bases of other numbers, with the derivation that moves their
 * dependents. Applied in this order (shared memory, then clock, then SM count) so that the
 * result does not depend on the order a user wrote them in.
 */
export const SCALED_FIELDS: ReadonlyArray<readonly [path: string, derive: (spec: GpuSpec, value: number) => GpuSpec]> = [
  ['compute.sharedMemoryBytesPerSm', withSramBytesPerSm],
  ['compute.clockHz', withClockHz],
  ['compute.sms', withSmCount],
];
