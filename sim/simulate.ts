import type { DeviceCommon } from '../hardware/device.js';
import type { Workload } from '../workloads/workload.js';
import { InputError } from '../hardware/errors.js';
import { engineFor, listEngines } from './engines/registry.js';
import type { KernelOptions } from './kernels/options.js';
import type { Report } from './report.js';

export { checkFitsInMemory, simulatePlan, GPU_ENGINES, type GpuEngineId } from './simulate-gpu.js';
export { engineFor, engineIds, listEngines, registerEngine, type Engine, type EngineRequest } from './engines/registry.js';

/** An engine's id (see `listEngines`); unset: the device kind's default engine. */
export type EngineId = string;

export interface SimulateRequest {
  /** A device of any kind (GpuSpec, DataflowSpec, or a registered kind's spec). */
  hardware: DeviceCommon;
  workload: Workload;
  kernel: string;
  engine?: EngineId;
  kernelOptions?: KernelOptions;
  /** Engines that keep one (the GPU cycle engine): a timeline in the report (for --trace). */
  timeline?: boolean;
}

/**
 * spec + workload → kernel lowering → engine counts → costs → report, for any device kind: the
 * engine (given, or the kind's default) does the lowering and counting its kind needs.
 */
export function simulate(request: SimulateRequest): Report {
  const engine = engineFor(request.hardware, request.engine);
  if (request.timeline === true && !engine.timeline) {
    throw new InputError(
      'timeline',
      `the ${engine.id} engine keeps no timeline; engines that do: ${listEngines()
        .filter((e) => e.timeline)
        .map((e) => e.id)
        .join(', ')}`,
    );
  }
  return engine.run(request);
}
