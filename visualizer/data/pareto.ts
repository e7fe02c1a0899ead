import { paretoFront } from '../../sim/dse/pareto.js';
import type { ResultRecord } from './results-file.js';

/** Rows on the Pareto front of two numeric fields, both minimized (the sweep engine's own front). */
export function paretoRows(rows: readonly ResultRecord[], xField: string, yField: string): number[] {
  return paretoFront(rows.map((r) => [r[xField] as number, r[yField] as number]));
}
