import type { DeviceCommon } from '../../hardware/device.js';
import type { DataflowSpec } from '../../hardware/dataflow/schema.js';
import { InputError } from '../../hardware/errors.js';
import type { GpuSpec } from '../../hardware/schema.js';
import type { Workload } from '../../workloads/workload.js';
import type { KernelOptions } from '../kernels/options.js';
import type { Report } from '../report.js';
import { simulateGpu } from '../simulate-gpu.js';
import { simulateDataflow } from './dataflow/simulate.js';

/** One attention call as every engine receives it. */
export interface EngineRequest<S extends DeviceCommon = DeviceCommon> {
  hardware: S;
  workload: Workload;
  kernel: string;
  /** Tiles and splits: a GPU kernel's tiles, a dataflow pipeline's query and key blocks. */
  kernelOptions?: KernelOptions;
  /** Keep a timeline in the report (engines with `timeline` only). */
  timeline?: boolean;
}

/**
 * An engine: what it runs on, and how. A new engine is a folder under sim/engines/ plus one
 * `registerEngine` line below; `--engine`, `--trace` and `validate --engine` read this list.
 */
export interface Engine {
  id: string;
  /** The device kinds it runs; the first engine listed for a kind is that kind's default. */
  kinds: readonly string[];
  description: string;
  /** Whether it can keep a timeline (`simulate --trace`). */
  timeline: boolean;
  /** Whether its predictions are scored by `attnsim validate` (GPU measurements). */
  validates: boolean;
  run(request: EngineRequest): Report;
}

const ENGINES: Engine[] = [];

export function registerEngine(engine: Engine): void {
  if (ENGINES.some((e) => e.id === engine.id)) throw new Error(`engine "${engine.id}" is registered twice`);
  ENGINES.push(engine);
}

export function listEngines(kind?: string): readonly Engine[] {
  return kind === undefined ? [...ENGINES] : ENGINES.filter((e) => e.kinds.includes(kind));
}

export function engineIds(kind?: string): string[] {
  return listEngines(kind).map((e) => e.id);
}

/** The engine `id` names for this device (`field`: where the id came from), or the kind's default. */
export function engineFor(spec: DeviceCommon, id: string | undefined, field = 'engine'): Engine {
  const kind = spec.kind;
  if (id === undefined) {
    const first = ENGINES.find((e) => e.kinds.includes(kind));
    if (!first) throw new InputError('hardware', `no engine runs ${kind} devices`);
    return first;
  }
  const engine = ENGINES.find((e) => e.id === id);
  if (!engine) throw new InputError(field, `unknown engine "${id}"; valid engines: ${engineIds().join(', ')}`);
  if (!engine.kinds.includes(kind)) {
    throw new InputError(field, `the ${id} engine runs ${engine.kinds.join(', ')} devices; ${spec.id} is a ${kind} device (its engines: ${engineIds(kind).join(', ')})`);
  }
  return engine;
}

function gpu(request: EngineRequest): EngineRequest<GpuSpec> {
  return request as unknown as EngineRequest<GpuSpec>;
}

registerEngine({
  id: 'analytical',
  kinds: ['gpu'],
  timeline: false,
  validates: true,
  description: 'closed-form counts per launch from the tiling; a roofline per launch with wave quantization',
  run: (r) => simulateGpu(gpu(r), 'analytical'),
});
registerEngine({
  id: 'cycle',
  kinds: ['gpu'],
  timeline: true,
  validates: true,
  description: 'event-driven: CTAs on SMs, a simulated L2, HBM and L2 bandwidth shared in time',
  run: (r) => simulateGpu(gpu(r), 'cycle'),
});
registerEngine({
  id: 'dataflow-cycle',
  kinds: ['dataflow'],
  timeline: false,
  validates: false,
  description: 'cycle by cycle: the pipeline of compute and memory units joined by bounded FIFOs',
  run: (r) => {
    const o = r.kernelOptions ?? {};
    if (o.splits !== undefined) throw new InputError('splits', 'split-KV is a GPU kernel option; dataflow pipelines stream the whole key range');
    return simulateDataflow({
      hardware: r.hardware as DataflowSpec,
      workload: r.workload,
      kernel: r.kernel,
      options: { ...(o.tileQ !== undefined ? { blockQ: o.tileQ } : {}), ...(o.tileK !== undefined ? { blockK: o.tileK } : {}) },
    });
  },
});
