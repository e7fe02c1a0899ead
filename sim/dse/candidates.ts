import { InputError } from '../../hardware/errors.js';
import { OBJECTIVES, objectiveOfColumn, type ObjectiveId } from './objectives.js';
import { DESCRIPTION_COLUMNS, ID_COLUMNS, REASON_COLUMN, RECORD_PREFIX } from './numbering.js';
import type { Cell, ResultRow } from './rows.js';

/**
 * Results rows turned into the things that Pareto and sensitivity compare: designs (a design's
 * value over its whole workload list, the default) or single points (one design × workload).
 */
export interface Candidate {
  design: number;
  /** The point index in per-point mode; null for a design. */
  point: number | null;
  /** What sets this candidate apart: swept parameters, hardware, kernel (and the workload, per point). */
  factors: Record<string, Cell>;
  objectives: Partial<Record<ObjectiveId, number>>;
  /** What bounds it: one bound, or the distinct bounds of a design's workloads joined by "/". */
  bound: string;
}

export interface CandidateSet {
  candidates: Candidate[];
  /** Factor columns: swept parameters, then hardware and kernel. */
  factors: string[];
  /** Designs or points left out: infeasible, or (designs) without a row for every workload. */
  infeasible: number;
  incomplete: number;
}

const NON_FACTOR = new Set<string>([...ID_COLUMNS, ...DESCRIPTION_COLUMNS, REASON_COLUMN]);

/** Swept-parameter columns of a results file, then hardware and kernel. */
export function factorColumns(columns: readonly string[]): string[] {
  const params = columns.filter((c) => !NON_FACTOR.has(c) && !objectiveOfColumn(c) && !c.startsWith(RECORD_PREFIX));
  return [...params, 'hardware', 'kernel'];
}

/** The objectives a results file can give: its objective columns, and EDP where it has time and energy. */
export function availableObjectives(columns: readonly string[]): ObjectiveId[] {
  const ids = columns.map(objectiveOfColumn).filter((id): id is ObjectiveId => id !== undefined);
  if (!ids.includes('edp') && ids.includes('latency') && ids.includes('energy')) ids.push('edp');
  return ids;
}

export function candidatesFrom(rows: readonly ResultRow[], columns: readonly string[], objectives: readonly ObjectiveId[], mode: 'design' | 'point'): CandidateSet {
  const available = availableObjectives(columns);
  for (const id of objectives) {
    if (!available.includes(id)) {
      throw new InputError('--objectives', `the results have no ${id} (${OBJECTIVES[id].column}); they have ${available.join(', ') || 'no objectives'}. Add it to the sweep's objectives and rerun`);
    }
  }
  const factors = factorColumns(columns);
  if (mode === 'point') {
    const feasible = rows.filter((r) => r.status === 'ok');
    return {
      candidates: feasible.map((r) => ({
        design: r.design as number,
        point: r.index as number,
        factors: { ...pick(r, factors), workloadLabel: r.workloadLabel ?? null },
        objectives: Object.fromEntries(objectives.map((id) => [id, rowObjective(r, id)])),
        bound: String(r.bound),
      })),
      factors: [...factors, 'workloadLabel'],
      infeasible: rows.length - feasible.length,
      incomplete: 0,
    };
  }
  const byDesign = new Map<number, ResultRow[]>();
  let workloads = 0;
  for (const r of rows) {
    const d = r.design as number;
    const group = byDesign.get(d);
    if (group) group.push(r);
    else byDesign.set(d, [r]);
    workloads = Math.max(workloads, (r.workload as number) + 1);
  }
  const set: CandidateSet = { candidates: [], factors, infeasible: 0, incomplete: 0 };
  for (const [design, group] of [...byDesign.entries()].sort((a, b) => a[0] - b[0])) {
    if (group.length < workloads) set.incomplete++;
    else if (group.some((r) => r.status !== 'ok')) set.infeasible++;
    else {
      set.candidates.push({
        design,
        point: null,
        factors: pick(group[0]!, factors),
        objectives: Object.fromEntries(objectives.map((id) => [id, designObjective(group, id)])),
        bound: [...new Set(group.map((r) => String(r.bound)))].join('/'),
      });
    }
  }
  return set;
}

function pick(row: ResultRow, keys: readonly string[]): Record<string, Cell> {
  return Object.fromEntries(keys.map((k) => [k, row[k] ?? null]));
}

function rowObjective(row: ResultRow, id: ObjectiveId): number {
  const v = row[OBJECTIVES[id].column];
  if (typeof v === 'number') return v;
  if (id === 'edp') return (row[OBJECTIVES.latency.column] as number) * (row[OBJECTIVES.energy.column] as number);
  throw new InputError('results', `point ${row.index} has no number in ${OBJECTIVES[id].column}`);
}

/** A design's value over its workload list, combined as the objective says (objectives.ts). */
export function designObjective(group: readonly ResultRow[], id: ObjectiveId): number {
  const sum = (of: ObjectiveId) => group.reduce((s, r) => s + rowObjective(r, of), 0);
  switch (OBJECTIVES[id].combine) {
    case 'sum':
      return sum(id);
    case 'same':
      return rowObjective(group[0]!, id);
    case 'product-of-sums': {
      const hasParts = group.every((r) => typeof r[OBJECTIVES.latency.column] === 'number' && typeof r[OBJECTIVES.energy.column] === 'number');
      // Without time and energy columns, the best left is the sum of per-workload EDPs.
      return hasParts ? sum('latency') * sum('energy') : sum(id);
    }
  }
}
