/**
 * The numbering of a sweep's points and the fixed results columns, apart from the planner so
 * that worker threads, which get a finished plan, load neither the planner nor the unit parser.
 * Point `index` = design × workloads + workload; a design's parameter values count like nested
 * loops, the last parameter fastest.
 */
export const ID_COLUMNS = ['index', 'design', 'workload'] as const;
export const DESCRIPTION_COLUMNS = ['hardware', 'kernel', 'workloadLabel', 'status', 'bound'] as const;
export const REASON_COLUMN = 'reason';
/** Recorded report fields are columns `report.<path>`. */
export const RECORD_PREFIX = 'report.';

/** What numbers a sweep's designs: its parameters, each with its list of values (a SweepPlan is one). */
export interface Designs {
  parameters: readonly { values: readonly unknown[] }[];
}

/** Each parameter's value index for design `design` (mixed radix, last parameter fastest). */
export function designValueIndices(plan: Designs, design: number): number[] {
  const indices = new Array<number>(plan.parameters.length);
  let rest = design;
  for (let i = plan.parameters.length - 1; i >= 0; i--) {
    const n = plan.parameters[i]!.values.length;
    indices[i] = rest % n;
    rest = Math.floor(rest / n);
  }
  return indices;
}

/** The inverse of `designValueIndices`. */
export function designIndexOf(plan: Designs, valueIndices: readonly number[]): number {
  return plan.parameters.reduce((d, p, i) => d * p.values.length + valueIndices[i]!, 0);
}
