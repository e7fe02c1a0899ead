import { deriveDataflowSpec } from '../../hardware/dataflow/load.js';
import { getDevicePreset, loadDeviceSpec, type DeviceSpec } from '../../hardware/device.js';
import { deriveSpec } from '../../hardware/load.js';
import { makeWorkload } from '../../workloads/workload.js';
import { InputError, isInputError } from '../../hardware/errors.js';
import { dataflowKernelAliases, isDataflowKernel } from '../engines/dataflow/simulate.js';
import { listKernels } from '../kernels/index.js';
import type { Report } from '../report.js';
import { engineFor, engineIds, simulate, type EngineId } from '../simulate.js';
import { isObjectiveId, OBJECTIVE_IDS, OBJECTIVES, objectiveKinds, type ObjectiveId } from './objectives.js';
import { isKnownKernel, parameterValues, resolveTarget, unknownKernel, type Parameter, type ParameterTarget } from './parameters.js';
import { validateSweepFile } from './sweep-file.js';
import { DESCRIPTION_COLUMNS, ID_COLUMNS, REASON_COLUMN, RECORD_PREFIX } from './numbering.js';
import { expandWorkloads, type LabeledWorkload } from './workloads.js';

/**
 * A sweep, planned: every parameter's values parsed and checked, every workload built, and the
 * points numbered (numbering.ts). The numbering is what makes resuming, sharding and merging
 * exact: a point is known by its index alone, in every thread and on every machine.
 */

/** What a planner (here, or in a worker thread) needs: the parsed file and the hardware files it names. */
export interface SweepInput {
  sweep: unknown;
  /** Contents of hardware spec files the sweep names, keyed by the name as written. */
  hardwareFiles: Readonly<Record<string, unknown>>;
}

export interface SweepPlan {
  name: string;
  description: string;
  /** The engine the file names, else the default engine of the base hardware's kind. */
  engine: EngineId;
  /**
   * The engine of each hardware, by the name the file uses: the one the file names (it must run
   * them all), else each device kind's default. It follows from `engine` and the hardware.
   */
  engines: ReadonlyMap<string, EngineId>;
  /** Kernel of every design, unless a `kernel` parameter varies it. */
  kernel: string;
  /** Hardware of every design, unless a `hardware` parameter varies it. */
  baseHardware: string;
  /** Every hardware in play, of any kind, `set` applied, by the name the file uses. */
  hardware: ReadonlyMap<string, DeviceSpec>;
  parameters: readonly Parameter[];
  workloads: readonly LabeledWorkload[];
  objectives: readonly ObjectiveId[];
  /** Report fields recorded by path, each as a `report.<path>` column. */
  record: readonly string[];
  designCount: number;
  pointCount: number;
  /** Results columns, in order. */
  columns: readonly string[];
}

/**
 * Most points one sweep may have: ten times the 51,840-point benchmark grid
 * (examples/h200-design-grid.yaml). pareto, sensitivity and merge hold every row in memory
 * (about 2 KB each, parsed) and a resumed run reads the whole file (about 500 B a row), so
 * 500,000 rows stay near 1 GB, under the 2 GB a run may take. A larger study is several sweeps.
 */
export const MAX_POINTS = 500_000;
const DEFAULT_KERNEL = 'fa2';
const DEFAULT_OBJECTIVES: readonly ObjectiveId[] = ['latency', 'energy'];
/** The device kinds whose specs a design can be derived from (evaluate.ts). */
const SWEPT_KINDS: readonly string[] = ['gpu', 'dataflow'];

export function planSweep(input: SweepInput): SweepPlan {
  const file = validateSweepFile(input.sweep);
  if (file.engine !== undefined && !engineIds().includes(file.engine)) throw new InputError('sweep.engine', `unknown engine "${file.engine}"; valid engines: ${engineIds().join(', ')}`);
  const kernel = file.kernel ?? DEFAULT_KERNEL;
  if (!isKnownKernel(kernel)) throw new InputError('sweep.kernel', unknownKernel(kernel));

  const hardware = new Map<string, DeviceSpec>();
  const resolveHardware = (name: string, place: string): DeviceSpec => {
    let spec = hardware.get(name);
    if (spec) return spec;
    spec = relocate(place, () => {
      const raw = input.hardwareFiles[name];
      return raw !== undefined ? loadDeviceSpec(raw, name) : getDevicePreset(name);
    });
    const kind: string = spec.kind;
    if (!SWEPT_KINDS.includes(kind)) throw new InputError(place, `${name} is a ${kind} device; sweeps take ${SWEPT_KINDS.join(' and ')} devices`);
    if (file.set) spec = withSet(spec, file.set, name === file.base ? '' : ` (on ${name}, from ${place})`);
    hardware.set(name, spec);
    return spec;
  };
  resolveHardware(file.base, 'sweep.base');

  const rawParameters = file.parameters ?? [];
  // Hardware first: every other parameter is checked against every hardware it will meet.
  const hardwareAt = rawParameters.findIndex((p) => p.path === 'hardware');
  const targets = new Map<string, { name: string; place: string }>();
  const parameters: Parameter[] = [];
  const order = hardwareAt < 0 ? rawParameters.map((_, i) => i) : [hardwareAt, ...rawParameters.map((_, i) => i).filter((i) => i !== hardwareAt)];
  for (const i of order) {
    const p = rawParameters[i]!;
    const place = `sweep.parameters[${i}]`;
    const specs = [...hardware.values()];
    const target = resolveTarget(p.path, specs, `${place}.path`);
    // Two names for one setting (sms and compute.sms) would both be recorded while one wins.
    const earlier = targets.get(targetKey(target));
    if (earlier) {
      const same = earlier.name === p.path ? '' : ` ("${earlier.name}": the same setting)`;
      throw new InputError(`${place}.path`, `"${p.path}" is already swept by ${earlier.place}${same}; keep one of them`);
    }
    targets.set(targetKey(target), { name: p.path, place });
    parameters[i] = { name: p.path, target, values: parameterValues(target, p.values, p.unit, specs, place, resolveHardware) };
  }

  const engines = new Map([...hardware].map(([name, spec]) => [name, engineFor(spec, file.engine, 'sweep.engine').id]));
  const engine = engines.get(file.base)!;
  const specs = [...hardware.values()];
  checkKernelRuns(kernel, specs, 'sweep.kernel');
  for (const [i, p] of parameters.entries()) {
    if (p.target.kind === 'kernel') p.values.forEach((k, j) => checkKernelRuns(k as string, specs, `sweep.parameters[${i}].values[${j}]`));
  }

  const workloads = expandWorkloads(file.workloads, 'sweep.workloads');
  const objectives = (file.objectives ?? DEFAULT_OBJECTIVES).map((id, i) => {
    if (!isObjectiveId(id)) throw new InputError(`sweep.objectives[${i}]`, `unknown objective "${id}"; valid objectives: ${OBJECTIVE_IDS.join(', ')}`);
    return id;
  });
  if (new Set(objectives).size !== objectives.length) throw new InputError('sweep.objectives', 'lists an objective twice');
  objectives.forEach((id, i) => {
    // A proxy that cannot price a device would fail on every one of its rows; say so once.
    const kinds = objectiveKinds(id);
    const other = kinds && specs.find((spec) => !kinds.includes(spec.kind));
    if (other)
      throw new InputError(
        `sweep.objectives[${i}]`,
        `${id} is defined for ${kinds.join(', ')} devices only (its proxy, sim/dse/proxies.ts, prices SMs, SRAM, L2 and HBM); ${other.id} is a ${other.kind} device: drop ${id} from the objectives, or sweep the ${other.kind} devices on their own`,
      );
  });
  const record = file.record ?? [];
  checkRecordPaths(record, hardware, engines, kernel);

  const designCount = parameters.reduce((n, p) => n * p.values.length, 1);
  const pointCount = designCount * workloads.length;
  if (pointCount > MAX_POINTS) {
    throw new InputError(
      'sweep.parameters',
      `${designCount} designs × ${workloads.length} workload${workloads.length === 1 ? '' : 's'} = ${pointCount} points, more than the ${MAX_POINTS} a sweep may have; narrow the ranges or split the sweep`,
    );
  }
  const columns = [
    ...ID_COLUMNS,
    ...parameters.filter((p) => p.target.kind !== 'hardware' && p.target.kind !== 'kernel').map((p) => p.name),
    ...DESCRIPTION_COLUMNS,
    ...objectives.map((id) => OBJECTIVES[id].column),
    ...record.map((path) => RECORD_PREFIX + path),
    REASON_COLUMN,
  ];
  return {
    name: file.name ?? 'sweep',
    description: file.description ?? '',
    engine,
    engines,
    kernel,
    baseHardware: file.base,
    hardware,
    parameters,
    workloads,
    objectives,
    record,
    designCount,
    pointCount,
    columns,
  };
}

/** Hardware files a sweep names (base, `hardware` parameter values), for the reader to load. */
export function hardwareFileNames(raw: unknown): string[] {
  if (raw === null || typeof raw !== 'object') return [];
  const file = raw as { base?: unknown; parameters?: unknown };
  const names: unknown[] = [file.base];
  if (Array.isArray(file.parameters)) {
    for (const p of file.parameters as Array<{ path?: unknown; values?: unknown }>) {
      if (p?.path === 'hardware' && Array.isArray(p.values)) names.push(...p.values);
    }
  }
  return names.filter((n): n is string => typeof n === 'string' && isHardwareFileName(n));
}

/** The rule `--hardware` uses: a path, not a preset id. */
export function isHardwareFileName(name: string): boolean {
  return name.endsWith('.json') || name.includes('/');
}

/**
 * Record paths must name numbers of a report; a small simulation on one device of each kind in
 * play shows which do (reports of different kinds hold different numbers: a path that only one
 * kind's report has is empty on the other kind's rows).
 */
function checkRecordPaths(record: readonly string[], hardware: ReadonlyMap<string, DeviceSpec>, engines: ReadonlyMap<string, EngineId>, kernel: string): void {
  if (record.length === 0) return;
  const workload = makeWorkload({ heads: 1, qLen: 128, headDim: 64 });
  const numeric = new Set<string>();
  const walk = (node: unknown, path: string) => {
    if (typeof node === 'number') numeric.add(path);
    else if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
      for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  const sampled = new Set<string>();
  for (const [name, spec] of hardware) {
    if (sampled.has(spec.kind)) continue;
    sampled.add(spec.kind);
    const engine = engines.get(name)!;
    let sample: Report;
    try {
      sample = simulate({ hardware: spec, kernel, workload, engine });
    } catch {
      sample = simulate({ hardware: spec, kernel: 'naive', workload, engine });
    }
    const { workload: _workload, breakdown: _breakdown, ...rest } = sample;
    walk(rest, '');
  }
  record.forEach((path, i) => {
    if (!numeric.has(path)) throw new InputError(`sweep.record[${i}]`, `"${path}" is not a number in a report; numbers: ${[...numeric].join(', ')}`);
  });
}

/**
 * A kernel that no device in play runs would make every row infeasible: refused here. One that
 * some devices run and others do not (split-kv beside a dataflow device, fa3 beside an A100) is
 * a finding, recorded on the rows that cannot run it.
 */
function checkKernelRuns(id: string, specs: readonly DeviceSpec[], place: string): void {
  const runs = specs.some((spec) => (spec.kind === 'dataflow' ? isDataflowKernel(id) : listKernels().includes(id)));
  if (runs) return;
  const kinds = [...new Set(specs.map((spec) => spec.kind))];
  const valid = kinds.flatMap((k) => (k === 'dataflow' ? Object.keys(dataflowKernelAliases()) : listKernels()));
  throw new InputError(place, `no hardware of this sweep (${kinds.join(' and ')} devices) runs kernel "${id}"; valid here: ${[...new Set(valid)].join(', ')}`);
}

/** What a parameter changes, as one key: two parameters with the same key address one setting. */
function targetKey(target: ParameterTarget): string {
  switch (target.kind) {
    case 'specField':
      return `spec:${target.keys.join('.')}`;
    case 'kernelOption':
      return `kernel.${target.option}`;
    default:
      return target.kind;
  }
}

/** The `set` block on one hardware; its errors name the entry (and the hardware, if not the base). */
function withSet(spec: DeviceSpec, set: Readonly<Record<string, number | string>>, onWhich: string): DeviceSpec {
  try {
    return spec.kind === 'dataflow' ? deriveDataflowSpec(spec, set, 'sweep.set') : deriveSpec(spec, set, 'sweep.set');
  } catch (e) {
    if (!isInputError(e) || onWhich === '') throw e;
    throw new InputError(e.field, `${e.message.slice(e.field.length + 2)}${onWhich}`);
  }
}

function relocate<T>(place: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (!isInputError(e)) throw e;
    throw new InputError(place, e.message);
  }
}
