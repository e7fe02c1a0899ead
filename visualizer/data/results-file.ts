import { InputError } from '../../sim/errors.js';

/** One row of a sweep's results: parameters (numbers or text) and objectives (numbers). */
export type ResultCell = number | string | boolean | null;
export type ResultRecord = Record<string, ResultCell>;

export interface ResultsTable {
  rows: ResultRecord[];
  /** Fields that are a finite number in every row: the axes a scatter can use. */
  numericFields: string[];
}

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
    for (const [key, cell] of Object.entries(value)) {
      if (cell !== null && typeof cell === 'object') throw new InputError(where, `field "${key}" is nested; results rows hold plain values`);
    }
    rows.push(value as ResultRecord);
  });
  if (rows.length === 0) throw new InputError(origin, 'no result rows');
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const numericFields = fields.filter((f) => rows.every((r) => typeof r[f] === 'number' && Number.isFinite(r[f])));
  if (numericFields.length < 2) throw new InputError(origin, `needs at least two numeric fields to plot, found ${numericFields.length}`);
  const preferred = PREFERRED_AXES.filter((f) => numericFields.includes(f));
  return { rows, numericFields: [...preferred, ...numericFields.filter((f) => !preferred.includes(f as never))] };
}
