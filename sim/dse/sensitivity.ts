import { InputError } from '../../hardware/errors.js';
import { availableObjectives, designObjective, type Candidate } from './candidates.js';
import { PointEvaluator } from './evaluate.js';
import { OBJECTIVES, type ObjectiveId } from './objectives.js';
import { designIndexOf } from './numbering.js';
import type { SweepPlan } from './plan.js';
import type { Cell, ResultRow } from './rows.js';

/**
 * Which parameter moves each objective most. Objectives span orders of magnitude, so effects
 * are measured on log(objective): ratios, not differences.
 */

/** Across a whole sweep: each factor's main effect. */
export interface SweepEffect {
  factor: string;
  /**
   * Share of the variance of log(objective) that the factor's value explains on its own:
   * Var(E[log y | factor]) / Var(log y). On a full grid this is the first-order Sobol index.
   */
  varianceShare: number;
  /** Geometric-mean objective at the factor's worst value over that at its best (≥ 1). */
  swing: number;
  best: Cell;
  worst: Cell;
}

export function sweepSensitivity(candidates: readonly Candidate[], factors: readonly string[], objective: ObjectiveId): SweepEffect[] {
  const logs = candidates.map((c) => Math.log(c.objectives[objective]!));
  const mean = average(logs);
  const total = average(logs.map((y) => (y - mean) ** 2));
  const effects: SweepEffect[] = [];
  for (const factor of factors) {
    const groups = new Map<string, { value: Cell; sum: number; n: number }>();
    candidates.forEach((c, i) => {
      const value = c.factors[factor] ?? null;
      const key = JSON.stringify(value);
      const g = groups.get(key) ?? { value, sum: 0, n: 0 };
      g.sum += logs[i]!;
      g.n += 1;
      groups.set(key, g);
    });
    if (groups.size < 2) continue; // not varied: no effect to measure
    const means = [...groups.values()].map((g) => ({ value: g.value, mean: g.sum / g.n, n: g.n }));
    const between = means.reduce((s, g) => s + g.n * (g.mean - mean) ** 2, 0) / logs.length;
    const best = means.reduce((a, b) => (b.mean < a.mean ? b : a));
    const worst = means.reduce((a, b) => (b.mean > a.mean ? b : a));
    effects.push({ factor, varianceShare: total > 0 ? between / total : 0, swing: Math.exp(worst.mean - best.mean), best: best.value, worst: worst.value });
  }
  return effects.sort((a, b) => b.varianceShare - a.varianceShare || b.swing - a.swing);
}

function average(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** One at a time: each parameter moved over its values while the others stay at the baseline. */
export interface OneAtATimeEffect {
  factor: string;
  baseline: Cell;
  best: { value: Cell; objective: number } | null;
  worst: { value: Cell; objective: number } | null;
  /** Worst over best (≥ 1), over the values where the design runs every workload. */
  swing: number;
  /** Values at which some workload cannot run. */
  infeasible: Cell[];
}

export interface OneAtATimeResult {
  /** Each parameter's baseline value. */
  baseline: Record<string, Cell>;
  /** The baseline design's objectives (totals over the workload list); null if it cannot run them all. */
  baselineObjectives: Partial<Record<ObjectiveId, number>> | null;
  effects: Record<string, OneAtATimeEffect[]>;
  /** Designs simulated. */
  designs: number;
}

/**
 * The baseline of each parameter: the base hardware's own value where the parameter takes it
 * (so the answer is "around the machine you have"), else the middle of its values.
 */
export function baselineIndices(plan: SweepPlan): number[] {
  const base = plan.hardware.get(plan.baseHardware)!;
  return plan.parameters.map((p) => {
    let own: number | string | undefined;
    switch (p.target.kind) {
      case 'hardware':
        own = plan.baseHardware;
        break;
      case 'kernel':
        own = plan.kernel;
        break;
      // The planner refuses the SM and SRAM shortcuts on dataflow devices.
      case 'smCount':
        own = base.kind === 'gpu' ? base.compute.sms : undefined;
        break;
      case 'clock':
        own = base.kind === 'gpu' ? base.compute.clockHz : base.clockHz;
        break;
      case 'sram':
        own = base.kind === 'gpu' ? base.compute.sharedMemoryBytesPerSm : undefined;
        break;
      case 'specField':
        own = p.target.keys.reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], base) as number;
        break;
      case 'kernelOption':
        own = undefined;
        break;
    }
    const at = own === undefined ? -1 : p.values.indexOf(own);
    return at >= 0 ? at : Math.floor((p.values.length - 1) / 2);
  });
}

export function oneAtATime(plan: SweepPlan, objectives: readonly ObjectiveId[]): OneAtATimeResult {
  const available = availableObjectives(plan.columns);
  for (const id of objectives) {
    if (!available.includes(id)) throw new InputError('--objectives', `the sweep does not record ${id}; add it to its objectives (it records ${available.join(', ')})`);
  }
  const evaluator = new PointEvaluator(plan);
  const totals = new Map<number, Partial<Record<ObjectiveId, number>> | null>();
  const designTotals = (design: number) => {
    if (!totals.has(design)) {
      const rows: ResultRow[] = plan.workloads.map((_, w) => evaluator.evaluate(design * plan.workloads.length + w));
      totals.set(design, rows.every((r) => r.status === 'ok') ? Object.fromEntries(objectives.map((id) => [id, designObjective(rows, id)])) : null);
    }
    return totals.get(design)!;
  };
  const baseline = baselineIndices(plan);
  const effects: Record<string, OneAtATimeEffect[]> = Object.fromEntries(objectives.map((id) => [id, []]));
  for (const [i, p] of plan.parameters.entries()) {
    const runs = p.values.map((value, j) => {
      const indices = [...baseline];
      indices[i] = j;
      return { value, objectives: designTotals(designIndexOf(plan, indices)) };
    });
    for (const id of objectives) {
      const ok = runs.filter((r) => r.objectives !== null).map((r) => ({ value: r.value, objective: r.objectives![id]! }));
      const best = ok.length > 0 ? ok.reduce((a, b) => (b.objective < a.objective ? b : a)) : null;
      const worst = ok.length > 0 ? ok.reduce((a, b) => (b.objective > a.objective ? b : a)) : null;
      effects[id]!.push({
        factor: p.name,
        baseline: p.values[baseline[i]!]!,
        best,
        worst,
        swing: best && worst ? worst.objective / best.objective : 1,
        infeasible: runs.filter((r) => r.objectives === null).map((r) => r.value),
      });
    }
  }
  for (const id of objectives) effects[id]!.sort((a, b) => b.swing - a.swing);
  return {
    baseline: Object.fromEntries(plan.parameters.map((p, i) => [p.name, p.values[baseline[i]!]!])),
    baselineObjectives: designTotals(designIndexOf(plan, baseline)),
    effects,
    designs: totals.size,
  };
}

/** For messages: what an objective is. */
export function describeObjective(id: ObjectiveId): string {
  return OBJECTIVES[id].description;
}
