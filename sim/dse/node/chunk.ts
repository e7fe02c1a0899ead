import { PointEvaluator } from '../evaluate.js';
import type { SweepPlan } from '../plan.js';
import type { ResultsFormat } from '../results-header.js';
import { encodeRow } from '../rows.js';

/** A batch of points sent to a worker (or evaluated in-process), and what comes back. */
export interface ChunkRequest {
  id: number;
  indices: number[];
}

export interface ChunkResult {
  id: number;
  /** One encoded row per point, each ending in a newline. */
  lines: string;
  points: number;
  infeasible: number;
  /** Time the evaluating thread spent on it, for sizing the next chunks. */
  seconds: number;
}

export function evaluateChunk(plan: SweepPlan, format: ResultsFormat): (request: ChunkRequest) => ChunkResult {
  const evaluator = new PointEvaluator(plan);
  return ({ id, indices }) => {
    const start = performance.now();
    let lines = '';
    let infeasible = 0;
    for (const index of indices) {
      const row = evaluator.evaluate(index);
      if (row.status !== 'ok') infeasible++;
      lines += `${encodeRow(row, plan.columns, format)}\n`;
    }
    return { id, lines, points: indices.length, infeasible, seconds: (performance.now() - start) / 1000 };
  };
}
