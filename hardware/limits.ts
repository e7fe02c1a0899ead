import type { DataflowSpecData } from './dataflow/schema.js';
import { InputError } from './errors.js';
import type { GpuSpec } from './schema.js';

/**
 * Relations between numbers that the schema's per-field checks cannot see, and without which
 * the model's answers would be meaningless rather than merely unusual.
 */
export function checkPhysicalLimits(spec: Omit<GpuSpec, 'provenance'>, origin?: string): void {
  const at = (field: string) => (origin ? `${origin}: ${field}` : field);
  const { power, compute } = spec;
  checkPowerHeadroom(spec.id, power, at, 'board');
  if (compute.maxSharedMemoryBytesPerCta > compute.sharedMemoryBytesPerSm) {
    throw new InputError(
      at('compute.maxSharedMemoryBytesPerCta'),
      `${compute.maxSharedMemoryBytesPerCta} B is above the ${compute.sharedMemoryBytesPerSm} B of shared memory per SM (compute.sharedMemoryBytesPerSm)`,
    );
  }
}

/** The same for a dataflow device: its power headroom, and FIFOs carved out of its on-chip memory. */
export function checkDataflowLimits(spec: DataflowSpecData, origin?: string): void {
  const at = (field: string) => (origin ? `${origin}: ${field}` : field);
  checkPowerHeadroom(spec.id, spec.power, at, 'device');
  const { onChip, fifoBudgetBytes } = spec.memory;
  // FIFOs and stream buffers live in the on-chip memory units; a budget above them is memory
  // the pipeline planner would hand out but the chip does not have.
  if (fifoBudgetBytes > onChip.bytes) {
    throw new InputError(at('memory.fifoBudgetBytes'), `the FIFO budget cannot exceed the on-chip memory: ${fifoBudgetBytes} B is above the ${onChip.bytes} B of memory.onChip.bytes`);
  }
}

/** Either kind of device, by its `kind`. */
export function checkDeviceLimits(spec: Omit<GpuSpec, 'provenance'> | DataflowSpecData, origin?: string): void {
  if (spec.kind === 'dataflow') checkDataflowLimits(spec, origin);
  else checkPhysicalLimits(spec, origin);
}

/**
 * Both power models stretch the work until its dynamic power fits under maxWatts − idleWatts;
 * with no headroom above idle no work can run at all.
 */
function checkPowerHeadroom(id: string, power: { idleWatts: number; maxWatts: number }, at: (field: string) => string, what: string): void {
  if (!(power.maxWatts > power.idleWatts)) {
    throw new InputError(at('power.maxWatts'), `${power.maxWatts} W is not above ${id}'s idle power (power.idleWatts = ${power.idleWatts} W): the ${what} could do no work`);
  }
}
