import type { GpuSpec } from '../../hardware/schema.js';
import type { LaunchPlan } from './plan.js';

/** Registers are handed to warps in chunks of this many per thread-warp (CUDA occupancy calculator). */
const REGISTER_ALLOCATION_UNIT = 256;
const WARP_SIZE = 32;

/** How many CTAs of this shape fit on one SM at once, and which resource runs out first. */
export function occupancy(spec: GpuSpec, threadsPerCta: number, registersPerThread: number, sharedBytesPerCta: number): Pick<LaunchPlan, 'ctasPerSm' | 'occupancyLimiter'> {
  const c = spec.compute;
  const warps = Math.ceil(threadsPerCta / WARP_SIZE);
  const registersPerWarp = Math.ceil((registersPerThread * WARP_SIZE) / REGISTER_ALLOCATION_UNIT) * REGISTER_ALLOCATION_UNIT;
  const limits: Array<[LaunchPlan['occupancyLimiter'], number]> = [
    ['CTA slots', c.maxCtasPerSm],
    ['threads', Math.floor(c.maxThreadsPerSm / threadsPerCta)],
    ['registers', Math.floor(c.registersPerSm / (registersPerWarp * warps))],
    ['shared memory', sharedBytesPerCta > 0 ? Math.floor(c.sharedMemoryBytesPerSm / sharedBytesPerCta) : Infinity],
  ];
  let best = limits[0]!;
  for (const l of limits) if (l[1] < best[1]) best = l;
  return { ctasPerSm: Math.max(0, best[1]), occupancyLimiter: best[0] };
}
