import { isHeaderObject } from '../../sim/dse/results-header.js';
import { InputError } from '../../hardware/errors.js';

/** One row of a sweep's results: parameters (numbers or text) and objectives (numbers). */
export type ResultCell = number | string | boolean | null;
export type ResultRecord = Record<string, ResultCell>;

export interface ResultsTable {
  rows: ResultRecord[];
  /**
   * Fields that are a finite number wherever they are not null: the axes a scatter can use.
   * (An infeasible design has null objectives; it is left off a chart that needs them.)
   */
  numericFields: string[];
  /** Text fields with few distinct values (kernel, workload label): what rows can be filtered by. */
  filters: RowFilter[];
}

/** Keep the rows whose `field` is `value`. */
export interface RowFilter {
  field: string;
  value: string;
}

/** A text field with more distinct values than this is an id, not a category worth a filter. */
const MAX_FILTER_VALUES = 24;

/** The objectives a sweep minimizes, offered first as axes when present. */
export const PREFERRED_AXES = ['latencySeconds', 'energyJoules'] as const;

/**
 * Parse a sweep's JSONL results (one JSON object per line; blank lines ignored). A line that is
 * not an object of plain values is an error naming the line, so the page can say what is wrong.
 */
export function parseResultsJsonl(text: string, origin = 'results'): ResultsTable {
  const rows: ResultRecord[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${origin} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new InputError(where, `not valid JSON (${(e as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError(where, 'expected a JSON object per line');
    // A sweep's first line names the sweep and its spec hash: not a result.
    if (rows.length === 0 && isHeaderObject(value)) return;
    for (const [key, cell] of Object.entries(value)) {
      if (cell !== null && typeof cell === 'object') throw new InputError(where, `field "${key}" is nested; results rows hold plain values`);
    }
    rows.push(value as ResultRecord);
  });
  if (rows.length === 0) throw new InputError(origin, 'no result rows');
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const isNumber = (v: ResultCell | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  const numericFields = fields.filter((f) => rows.some((r) => isNumber(r[f])) && rows.every((r) => r[f] === null || r[f] === undefined || isNumber(r[f])));
  if (numericFields.length < 2) throw new InputError(origin, `needs at least two numeric fields to plot, found ${numericFields.length}`);
  const preferred = PREFERRED_AXES.filter((f) => numericFields.includes(f));
  const filters: RowFilter[] = [];
  for (const field of fields) {
    const values = [...new Set(rows.map((r) => r[field]))];
    if (values.length < 2 || values.length > MAX_FILTER_VALUES || !values.every((v) => typeof v === 'string')) continue;
    for (const value of values as string[]) filters.push({ field, value });
  }
  return { rows, numericFields: [...preferred, ...numericFields.filter((f) => !preferred.includes(f as never))], filters };
}

/** The rows a chart of (x, y) can show: those matching the filter (if any) with a number in both fields. */
export function plottableRows(table: ResultsTable, x: string, y: string, filter: RowFilter | null): ResultRecord[] {
  return table.rows.filter((r) => typeof r[x] === 'number' && typeof r[y] === 'number' && (filter === null || r[filter.field] === filter.value));
}
