import type { GpuSpec } from '../../hardware/schema.js';
import type { KernelPlan, LaunchPlan } from '../kernels/plan.js';
import { activeMatrixFlopsOf, totalOf } from '../kernels/plan.js';
import type { Counts } from '../counts.js';
import { hbmReadBytes } from './l2-reuse.js';

/**
 * Analytical engine, counting half: action counts per launch in closed form from the tiling.
 * Costing (seconds, joules) is in sim/costs and takes these counts as they are.
 */
export function countLaunch(launch: LaunchPlan, spec: GpuSpec): Counts {
  const l2Read = totalOf(launch.work, 'globalReadBytes');
  const l2Write = totalOf(launch.work, 'globalWriteBytes');
  return {
    matrixFlops: totalOf(launch.work, 'matrixFlops'),
    activeMatrixFlops: activeMatrixFlopsOf(launch.work),
    vectorFlops: totalOf(launch.work, 'vectorFlops'),
    exps: totalOf(launch.work, 'exps'),
    bytes: {
      // L2 is write-back: the last writes of a launch are still in it when the launch ends.
      hbm: { read: hbmReadBytes(launch, spec, l2Read), write: Math.max(0, launch.compulsoryWriteBytes - (spec.memory.l2.retainedDirtyBytes ?? 0)) },
      l2: { read: l2Read, write: l2Write },
      smem: { read: totalOf(launch.work, 'smemReadBytes'), write: totalOf(launch.work, 'smemWriteBytes') },
    },
  };
}

export function countPlan(plan: KernelPlan, spec: GpuSpec): Counts[] {
  return plan.launches.map((l) => countLaunch(l, spec));
}
