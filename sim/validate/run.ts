import { getPreset } from '../../hardware/index.js';
import { validateWorkload, type Workload } from '../../workloads/workload.js';
import { isInputError } from '../../hardware/errors.js';
import { checkFitsInMemory, simulatePlan, type GpuEngineId } from '../simulate-gpu.js';
import { rooflineSeconds } from './baseline.js';
import { caseMask, type MeasuredCase } from './format.js';
import { METRICS, type CaseResult, type Metric, type MetricValues } from './case-result.js';
import { dramOrdering, type PairOrdering, type RepeatPass } from './pairs.js';
import { getProfile } from '../kernels/profiles/index.js';
import { isCalibrationCase, mape, maxAbsPctError, relativeError, spearman } from './stats.js';

export interface MetricSummary {
  count: number;
  mape: number;
  maxAbsPctError: number;
  spearman: number;
}

export type Summary = { count: number } & Partial<Record<Metric, MetricSummary>>;

export interface ValidationResult {
  cases: CaseResult[];
  unsupported: Array<{ id: string; reason: string }>;
  summary: Summary & {
    unsupported: number;
    calibration: Summary;
    heldOut: Summary;
    /** The plain roofline's latency error on the same cases. */
    baseline: { all: MetricSummary | null; heldOut: MetricSummary | null };
    /** Which of two kernels on one workload reads more DRAM (pairs.ts). */
    dramOrdering: OrderingSummary;
  };
}

function measuredValues(c: MeasuredCase): MetricValues {
  const m = c.measured;
  const out: MetricValues = { latency: m.latencyMs / 1e3 };
  if (m.dramReadBytes !== undefined && m.dramWriteBytes !== undefined) out.dramBytes = m.dramReadBytes + m.dramWriteBytes;
  if (m.l2Bytes !== undefined) out.l2Bytes = m.l2Bytes;
  if (m.energyMilliJoules !== undefined) out.energy = m.energyMilliJoules / 1e3;
  return out;
}

/** Predict one case with the kernel profile it names, or say why it cannot be modeled. */
export function predictCase(c: MeasuredCase, engine: GpuEngineId): CaseResult | { id: string; reason: string } {
  const profile = getProfile(c.kernel);
  if (!profile) return { id: c.id, reason: `no kernel profile for "${c.kernel}"` };
  const mask = caseMask(c);
  if (!mask.ok) return { id: c.id, reason: mask.reason };
  let spec;
  let workload: Workload;
  try {
    spec = getPreset(c.hardware);
    workload = validateWorkload({ ...c.workload, mask: mask.mask, phase: c.phase });
    // A call whose tensors exceed the device's memory cannot have been measured on it.
    checkFitsInMemory(workload, spec);
  } catch (e) {
    if (isInputError(e)) return { id: c.id, reason: e.message };
    throw e;
  }
  let report;
  let bytes;
  try {
    const plan = profile.lower(workload, spec);
    report = simulatePlan(plan, spec, workload, c.kernel, engine);
    // Bytes were measured by Nsight Compute, which flushes the L2 before every kernel of a call:
    // the cycle engine counts them the same way (a combine kernel reads its partials from HBM).
    bytes = engine === 'cycle' && plan.launches.length > 1 ? simulatePlan(plan, spec, workload, c.kernel, engine, { coldLaunches: true }).bytes : report.bytes;
  } catch (e) {
    if (isInputError(e)) return { id: c.id, reason: e.message };
    throw e;
  }
  const predicted: MetricValues = {
    latency: report.latencySeconds,
    dramBytes: bytes.hbm.read + bytes.hbm.write,
    l2Bytes: bytes.l2.read + bytes.l2.write,
    energy: report.energyJoules,
  };
  const measured = measuredValues(c);
  const error: MetricValues = {};
  for (const k of METRICS) {
    const m = measured[k];
    if (m !== undefined && m > 0) error[k] = relativeError(predicted[k]!, m);
  }
  const baseline = rooflineSeconds(report, spec);
  return {
    id: c.id,
    kernel: c.kernel,
    split: isCalibrationCase(c.id) ? 'calibration' : 'held-out',
    predicted,
    measured,
    error,
    baseline: { latency: baseline, error: relativeError(baseline, measured.latency!) },
  };
}

export interface OrderingSummary {
  tieFraction: number;
  /** Repeat passes whose measurements a pair's order must hold in too (pairs.ts). */
  repeatPasses: number;
  /** Pairs whose measured bytes differ by more than the tie fraction, and of them the ones ordered right. */
  scored: number;
  ordered: number;
  /** The rest, and of them the ones the model also puts within the tie fraction. */
  ties: number;
  tiesAgreed: number;
  /** The distinguishable pairs ordered wrong. */
  wrong: Array<{ workload: string; kernels: [string, string]; measured: [number, number]; predicted: [number, number] }>;
}

function orderingSummary(o: PairOrdering): OrderingSummary {
  const ties = o.pairs.filter((p) => !p.distinguishable);
  return {
    tieFraction: o.tieFraction,
    repeatPasses: o.repeatPasses,
    scored: o.scored,
    ordered: o.ordered,
    ties: ties.length,
    tiesAgreed: ties.filter((p) => p.right).length,
    wrong: o.pairs.filter((p) => p.distinguishable && !p.right).map(({ workload, kernels, measured, predicted }) => ({ workload, kernels, measured, predicted })),
  };
}

/** MAPE, worst error and rank correlation of (predicted, measured) pairs and their errors. */
function metricSummary(predicted: readonly number[], measured: readonly number[], errors: readonly number[]): MetricSummary {
  return { count: errors.length, mape: mape(errors), maxAbsPctError: maxAbsPctError(errors), spearman: spearman(predicted, measured) };
}

function summarizeMetric(results: readonly CaseResult[], metric: Metric): MetricSummary | undefined {
  const withMetric = results.filter((r) => r.error[metric] !== undefined);
  if (withMetric.length === 0) return undefined;
  return metricSummary(
    withMetric.map((r) => r.predicted[metric]!),
    withMetric.map((r) => r.measured[metric]!),
    withMetric.map((r) => r.error[metric]!),
  );
}

function summarize(results: readonly CaseResult[]): Summary {
  const out: Summary = { count: results.length };
  for (const metric of METRICS) {
    const s = summarizeMetric(results, metric);
    if (s) out[metric] = s;
  }
  return out;
}

function baselineSummary(results: readonly CaseResult[]): MetricSummary | null {
  if (results.length === 0) return null;
  return metricSummary(
    results.map((r) => r.baseline.latency),
    results.map((r) => r.measured.latency!),
    results.map((r) => r.baseline.error),
  );
}

/** A repeat pass (the same cases measured again) as the DRAM bytes of each case that has them. */
export function repeatPass(cases: readonly MeasuredCase[]): RepeatPass {
  const pass = new Map<string, number>();
  for (const c of cases) {
    const dram = measuredValues(c).dramBytes;
    if (dram !== undefined) pass.set(c.id, dram);
  }
  return pass;
}

/**
 * Predict every case and summarize. `repeats`: the same cases measured again, one list per pass;
 * they only decide which kernel pairs are orderings (pairs.ts), the errors are against `cases`.
 */
export function validateCases(cases: readonly MeasuredCase[], engine: GpuEngineId = 'analytical', repeats: readonly (readonly MeasuredCase[])[] = []): ValidationResult {
  const results: CaseResult[] = [];
  const unsupported: Array<{ id: string; reason: string }> = [];
  for (const c of cases) {
    const r = predictCase(c, engine);
    if ('reason' in r) unsupported.push(r);
    else results.push(r);
  }
  const heldOut = results.filter((r) => r.split === 'held-out');
  return {
    cases: results,
    unsupported,
    summary: {
      ...summarize(results),
      unsupported: unsupported.length,
      calibration: summarize(results.filter((r) => r.split === 'calibration')),
      heldOut: summarize(heldOut),
      baseline: { all: baselineSummary(results), heldOut: baselineSummary(heldOut) },
      dramOrdering: orderingSummary(dramOrdering(results, undefined, repeats.map(repeatPass))),
    },
  };
}
