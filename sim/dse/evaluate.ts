import type { DataflowSpec } from '../../hardware/dataflow/schema.js';
import type { DeviceSpec } from '../../hardware/device.js';
import { checkPhysicalLimits } from '../../hardware/limits.js';
import type { GpuSpec } from '../../hardware/schema.js';
import { isInputError } from '../../hardware/errors.js';
import type { KernelOptions } from '../kernels/options.js';
import type { Report } from '../report.js';
import { simulate } from '../simulate.js';
import { withClockHz, withDataflowNumbers, withSmCount, withSpecNumber, withSramBytesPerSm } from './derive.js';
import { OBJECTIVES } from './objectives.js';
import { designValueIndices, RECORD_PREFIX } from './numbering.js';
import type { ParameterTarget } from './parameters.js';
import type { SweepPlan } from './plan.js';
import type { ResultRow } from './rows.js';

/** One design: the hardware, kernel and kernel options every workload of it runs with. */
export interface Design {
  index: number;
  /** Parameter name → value, in the plan's order. */
  values: ReadonlyArray<readonly [string, number | string]>;
  hardwareName: string;
  kernel: string;
  kernelOptions: KernelOptions;
  /** The derived spec, or why the combination cannot be built. */
  spec: DeviceSpec | { error: string };
}

/** The design with number `index`: shared memory, clock and SM count first, then spec overrides. */
export function buildDesign(plan: SweepPlan, index: number): Design {
  const { values, hardwareName, kernel } = designChoices(plan, index);
  const kernelOptions: KernelOptions = {};
  for (const [i, p] of plan.parameters.entries()) {
    if (p.target.kind === 'kernelOption') kernelOptions[p.target.option] = values[i]![1] as number;
  }
  const base = plan.hardware.get(hardwareName)!;
  let spec: DeviceSpec;
  try {
    spec = base.kind === 'dataflow' ? dataflowDesign(plan, base, values) : gpuDesign(plan, base, values);
  } catch (e) {
    if (!isInputError(e)) throw e;
    return { index, values, hardwareName, kernel, kernelOptions, spec: { error: e.message } };
  }
  return { index, values, hardwareName, kernel, kernelOptions, spec };
}

type DesignValues = Design['values'];

function numberOf(plan: SweepPlan, values: DesignValues, kind: ParameterTarget['kind']): number | undefined {
  return values.find((_, i) => plan.parameters[i]!.target.kind === kind)?.[1] as number | undefined;
}

function gpuDesign(plan: SweepPlan, base: GpuSpec, values: DesignValues): GpuSpec {
  let spec = base;
  // Base fields first, in deriveSpec's order, so that a chip-wide rate the sweep also sets is
  // the value it names, exactly as `--set` gives it.
  const sram = numberOf(plan, values, 'sram');
  if (sram !== undefined) spec = withSramBytesPerSm(spec, sram);
  const clock = numberOf(plan, values, 'clock');
  if (clock !== undefined) spec = withClockHz(spec, clock);
  const sms = numberOf(plan, values, 'smCount');
  if (sms !== undefined) spec = withSmCount(spec, sms);
  for (const [i, p] of plan.parameters.entries()) {
    if (p.target.kind === 'specField') spec = withSpecNumber(spec, p.target.keys, values[i]![1] as number);
  }
  // Each value was checked alone when the sweep was planned; a combination (an idle power
  // above another point's cap) is checked here.
  checkPhysicalLimits(spec);
  return spec;
}

/**
 * A dataflow design: every number of the array derives from its fields directly (rates are
 * per-unit figures × units × clock, computed where they are used), so `clockHz` and spec
 * fields are plain replacements, validated together with the limits between them.
 */
function dataflowDesign(plan: SweepPlan, base: DataflowSpec, values: DesignValues): DataflowSpec {
  const overrides: Record<string, number> = {};
  const clock = numberOf(plan, values, 'clock');
  if (clock !== undefined) overrides.clockHz = clock;
  for (const [i, p] of plan.parameters.entries()) {
    if (p.target.kind === 'specField') overrides[p.target.keys.join('.')] = values[i]![1] as number;
  }
  return withDataflowNumbers(base, overrides);
}

/**
 * Evaluates points by index. Points of one design are consecutive, so the derived spec of the
 * last design is kept: a sweep derives each spec once, not once per workload.
 */
export class PointEvaluator {
  private design: Design | null = null;

  constructor(private readonly plan: SweepPlan) {}

  designOf(designIndex: number): Design {
    if (this.design?.index !== designIndex) this.design = buildDesign(this.plan, designIndex);
    return this.design;
  }

  evaluate(index: number): ResultRow {
    const plan = this.plan;
    const workloadIndex = index % plan.workloads.length;
    const design = this.designOf((index - workloadIndex) / plan.workloads.length);
    const labeled = plan.workloads[workloadIndex]!;
    const row = identityRow(plan, design, workloadIndex);
    let report: Report | null = null;
    let reason: string | null = 'error' in design.spec ? design.spec.error : null;
    if (!('error' in design.spec)) {
      try {
        report = simulate({ hardware: design.spec, workload: labeled.workload, kernel: design.kernel, engine: plan.engines.get(design.hardwareName)!, kernelOptions: design.kernelOptions });
      } catch (e) {
        // A design that cannot run a workload (tiles too big for its SRAM, fa3 without wgmma)
        // is a result, not a failure of the sweep.
        if (!isInputError(e)) throw e;
        reason = e.message;
      }
    }
    row.status = report ? 'ok' : 'infeasible';
    row.bound = report ? report.bound : null;
    for (const id of plan.objectives) {
      row[OBJECTIVES[id].column] = report ? OBJECTIVES[id].of(report, design.spec as DeviceSpec) : null;
    }
    for (const path of plan.record) row[RECORD_PREFIX + path] = report ? numberAt(report, path) : null;
    row.reason = reason;
    return row;
  }
}

/**
 * The columns that say which point a row is (index, design, workload, parameter values,
 * hardware, kernel, workload label): what a resumed run checks an old row against.
 */
export function identityRow(plan: SweepPlan, design: Pick<Design, 'index' | 'values' | 'hardwareName' | 'kernel'>, workloadIndex: number): ResultRow {
  const row: ResultRow = { index: design.index * plan.workloads.length + workloadIndex, design: design.index, workload: workloadIndex };
  for (const [i, [name, value]] of design.values.entries()) {
    const kind = plan.parameters[i]!.target.kind;
    if (kind !== 'hardware' && kind !== 'kernel') row[name] = value;
  }
  row.hardware = design.hardwareName;
  row.kernel = design.kernel;
  row.workloadLabel = plan.workloads[workloadIndex]!.label;
  return row;
}

/** `identityRow` of point `index` without deriving its spec. */
export function pointIdentity(plan: SweepPlan, index: number): ResultRow {
  const workloadIndex = index % plan.workloads.length;
  const designIndex = (index - workloadIndex) / plan.workloads.length;
  return identityRow(plan, { index: designIndex, ...designChoices(plan, designIndex) }, workloadIndex);
}

/** A design's parameter values, and the hardware and kernel they pick. */
function designChoices(plan: SweepPlan, designIndex: number): Pick<Design, 'values' | 'hardwareName' | 'kernel'> {
  const valueIndices = designValueIndices(plan, designIndex);
  const values = plan.parameters.map((p, i) => [p.name, p.values[valueIndices[i]!]!] as const);
  let hardwareName = plan.baseHardware;
  let kernel = plan.kernel;
  for (const [i, p] of plan.parameters.entries()) {
    if (p.target.kind === 'hardware') hardwareName = values[i]![1] as string;
    if (p.target.kind === 'kernel') kernel = values[i]![1] as string;
  }
  return { values, hardwareName, kernel };
}

function numberAt(report: Report, path: string): number | null {
  let node: unknown = report;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'number' ? node : null;
}
