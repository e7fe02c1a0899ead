import { InputError } from './errors.js';
import type { GpuSpec } from './schema.js';

/**
 * Relations between numbers that the schema's per-field checks cannot see, and without which
 * the model's answers would be meaningless rather than merely unusual.
 */
export function checkPhysicalLimits(spec: Omit<GpuSpec, 'provenance'>, origin?: string): void {
  const at = (field: string) => (origin ? `${origin}: ${field}` : field);
  const { power, compute } = spec;
  // The power model stretches a launch until its dynamic power fits under maxWatts − idleWatts;
  // with no headroom above idle no work can run at all.
  if (!(power.maxWatts > power.idleWatts)) {
    throw new InputError(at('power.maxWatts'), `${power.maxWatts} W is not above ${spec.id}'s idle power (power.idleWatts = ${power.idleWatts} W): the board could do no work`);
  }
  if (compute.maxSharedMemoryBytesPerCta > compute.sharedMemoryBytesPerSm) {
    throw new InputError(at('compute.maxSharedMemoryBytesPerCta'), `${compute.maxSharedMemoryBytesPerCta} B is above the ${compute.sharedMemoryBytesPerSm} B of shared memory per SM (compute.sharedMemoryBytesPerSm)`);
  }
}
