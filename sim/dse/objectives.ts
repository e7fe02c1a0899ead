import type { DeviceSpec } from '../../hardware/device.js';
import { InputError } from '../../hardware/errors.js';
import type { GpuSpec } from '../../hardware/schema.js';
import type { Report } from '../report.js';
import { areaProxyMm2, costProxyDollars } from './proxies.js';

/**
 * What a sweep can minimize. Each objective is one results column; all are "lower is better".
 * `combine` says how a design's value over its workload list follows from the per-workload
 * values: time and energy add up; EDP is then total energy × total time; area and cost belong
 * to the hardware and are the same on every row of a design.
 */
export interface Objective {
  column: string;
  description: string;
  combine: 'sum' | 'product-of-sums' | 'same';
  /** The device kinds it is defined for; absent: every kind. */
  kinds?: readonly string[];
  of: (report: Report, spec: DeviceSpec) => number;
}

export const OBJECTIVES = {
  latency: { column: 'latencySeconds', description: 'time of the attention call', combine: 'sum', of: (r) => r.latencySeconds },
  energy: { column: 'energyJoules', description: 'energy of the attention call', combine: 'sum', of: (r) => r.energyJoules },
  edp: { column: 'edpJouleSeconds', description: 'energy × latency', combine: 'product-of-sums', of: (r) => r.energyJoules * r.latencySeconds },
  area: { column: 'areaMm2', description: 'die-area proxy: SMs with their SRAM, plus L2 (sim/dse/proxies.ts)', combine: 'same', kinds: ['gpu'], of: (_r, s) => areaProxyMm2(gpuOnly(s, 'area')) },
  cost: {
    column: 'costDollars',
    description: 'cost proxy: die area, HBM capacity and bandwidth (sim/dse/proxies.ts)',
    combine: 'same',
    kinds: ['gpu'],
    of: (_r, s) => costProxyDollars(gpuOnly(s, 'cost')),
  },
} as const satisfies Record<string, Objective>;

/** The area and cost proxies count SMs, their SRAM, L2 and HBM: GPU parts only. */
function gpuOnly(spec: DeviceSpec, objective: string): GpuSpec {
  if (spec.kind !== 'gpu') throw new InputError('objectives', `the ${objective} proxy counts SMs, L2 and HBM (GPU parts); ${spec.id} is a ${spec.kind} device`);
  return spec;
}

export type ObjectiveId = keyof typeof OBJECTIVES;

/** The device kinds an objective is limited to, or undefined when it is defined for every kind. */
export function objectiveKinds(id: ObjectiveId): readonly string[] | undefined {
  const objective: Objective = OBJECTIVES[id];
  return objective.kinds;
}

export const OBJECTIVE_IDS = Object.keys(OBJECTIVES) as ObjectiveId[];

export function isObjectiveId(id: string): id is ObjectiveId {
  return (OBJECTIVE_IDS as string[]).includes(id);
}

/** The objective stored in a results column, if it is one. */
export function objectiveOfColumn(column: string): ObjectiveId | undefined {
  return OBJECTIVE_IDS.find((id) => OBJECTIVES[id].column === column);
}
