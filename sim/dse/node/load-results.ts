import { InputError } from '../../../hardware/errors.js';
import { objectiveOfColumn } from '../objectives.js';
import { MAX_POINTS } from '../plan.js';
import { encodeRow, formatOfPath, parseResults, type ParsedResults, type ResultRow } from '../rows.js';
import { readResultsText } from './results-file.js';

/** Lines a results file may hold besides its rows: the header and, in CSV, the column names. */
const PREAMBLE_LINES = 2;

/**
 * A results file (JSONL or CSV by extension) for pareto, sensitivity and merge: whole lines only
 * (a cut-off last line means the run that wrote it was killed or is still running), at least one
 * row, and no more rows than a sweep may have, so that holding them all stays within memory.
 */
export function loadResults(path: string): ParsedResults {
  const text = readResultsText(path, path);
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  if (lines > MAX_POINTS + PREAMBLE_LINES) throw new InputError(path, `holds ${lines} lines, more than the ${MAX_POINTS} rows a sweep may have`);
  const parsed = parseResults(text, formatOfPath(path), path);
  if (parsed.partialTail) {
    throw new InputError(`${path}: line ${lines + 1}`, 'cut off: the run that wrote it was killed or is still running; rerun the same attnsim sweep to finish it');
  }
  if (parsed.rows.length === 0) throw new InputError(path, 'holds no results');
  checkObjectives(parsed, path);
  return parsed;
}

/**
 * Objectives are what a front and a variance are computed from: each must be a finite number
 * ≥ 0 (a time, an energy, an area, a cost), or empty on a point that cannot run.
 */
function checkObjectives(results: ParsedResults, path: string): void {
  const columns = results.columns.filter((c) => objectiveOfColumn(c) !== undefined);
  results.rows.forEach((row, i) => {
    for (const column of columns) {
      const v = row[column];
      if (v === null || v === undefined) {
        if (row.status === 'ok') throw new InputError(`${path}: line ${results.rowLines[i]}`, `${column} is empty on a point whose status is ok`);
      } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new InputError(
          `${path}: line ${results.rowLines[i]}`,
          `${column} is ${typeof v === 'number' ? String(v) : JSON.stringify(v)}; an objective is a finite number ≥ 0 (or empty where the point cannot run)`,
        );
      }
    }
  });
}

/**
 * The rows of `results`, each point once. A point twice would count twice in a front or a
 * variance, so a repeat is refused: with different results, the rows of two runs are mixed;
 * identical ones are counted, and `attnsim merge` keeps one of each.
 */
export function uniqueRows(results: ParsedResults, path: string): readonly ResultRow[] {
  // The row where each point was first seen; rows are compared as text only when a point repeats.
  const first = new Map<number, number>();
  let repeats = 0;
  let firstRepeat: { line: number; index: number; of: number } | undefined;
  results.rows.forEach((row, i) => {
    const index = row.index as number;
    const seen = first.get(index);
    if (seen === undefined) {
      first.set(index, i);
      return;
    }
    const [of, line] = [results.rowLines[seen]!, results.rowLines[i]!];
    if (encodeRow(results.rows[seen]!, results.columns, 'jsonl') !== encodeRow(row, results.columns, 'jsonl')) {
      throw new InputError(`${path}: lines ${of} and ${line}`, `both hold point ${index}, with different results: rows of two runs or two sweeps are mixed; rerun the sweep into a new file`);
    }
    repeats++;
    firstRepeat ??= { line, index, of };
  });
  if (firstRepeat) {
    const { line, index, of } = firstRepeat;
    throw new InputError(
      `${path}: line ${line}`,
      `repeats point ${index} of line ${of} (${repeats} repeated row${repeats === 1 ? '' : 's'} in all), which would count twice; keep one of each with attnsim merge -o NEW_FILE ${path}`,
    );
  }
  return results.rows;
}
