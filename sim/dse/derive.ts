import type { GpuSpec } from '../../hardware/schema.js';
import { scaleSmRates } from '../../hardware/sm-count.js';
import { InputError } from '../errors.js';

/**
 * Spec derivations a sweep needs beyond `deriveSpec` and `withSmCount` (hardware/load.ts). All
 * return new specs; presets are never mutated.
 */

/**
 * The same chip at clock `clockHz`: rates that tick with the SM clock (tensor, vector, exp,
 * shared memory) scale with it. L2 and HBM keep their bandwidth: they run in their own clock
 * domains, and a sweep that wants them faster sets them by path.
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
 * Replace the number at `keys` (already parsed and validated against the schema by the sweep
 * planner) by copying only the objects along the path: a sweep derives thousands of specs, and
 * a full clone plus schema check for each would cost more than simulating them.
 */
export function withSpecNumber(spec: GpuSpec, keys: readonly string[], value: number): GpuSpec {
  return setAt(spec, keys, 0, value) as GpuSpec;
}

function setAt(node: unknown, keys: readonly string[], depth: number, value: number): unknown {
  const key = keys[depth]!;
  const parent = node as Record<string, unknown>;
  const child = depth === keys.length - 1 ? value : setAt(parent[key], keys, depth + 1, value);
  return { ...parent, [key]: child };
}
