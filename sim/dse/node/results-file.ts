import { closeSync, existsSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { pointIdentity } from '../evaluate.js';
import type { SweepPlan } from '../plan.js';
import { csvHeader, parseResults, type ResultRow, type ResultsFormat } from '../rows.js';
import { guarded, replaceOutput, writeOutput } from './write-file.js';

/**
 * The results file of a run: rows are appended as they complete (in whatever order the workers
 * finish), so a killed run loses at most the line being written. A rerun keeps every complete
 * row, drops a cut-off last line, and computes only what is missing; at the end the file is
 * rewritten sorted by point index, so its bytes do not depend on interruptions or worker timing.
 */
export interface ResumedResults {
  /** Point indices already in the file. */
  done: Set<number>;
  /** A last line cut off mid-write was dropped. */
  droppedPartialLine: boolean;
}

/** Open (or create) `path` for appending; check that the rows in it are this sweep's. */
export function prepareResults(path: string, plan: SweepPlan, format: ResultsFormat, range: { start: number; end: number }): ResumedResults {
  if (!existsSync(path) || readFileSync(path, 'utf8') === '') {
    writeOutput(path, format === 'csv' ? `${csvHeader(plan.columns)}\n` : '', '--output');
    return { done: new Set(), droppedPartialLine: false };
  }
  const text = readFileSync(path, 'utf8');
  const parsed = parseResults(text, format, path, plan.columns);
  checkRowsBelongToPlan(parsed.rows, plan, range, path);
  const done = new Set(parsed.rows.map((row) => row.index as number));
  if (parsed.partialTail) guarded(path, '--output', () => truncateSync(path, Buffer.byteLength(text.slice(0, parsed.validLength), 'utf8')));
  if (format === 'csv' && parsed.validLength === 0) writeOutput(path, `${csvHeader(plan.columns)}\n`, '--output');
  return { done, droppedPartialLine: parsed.partialTail };
}

/** Every row must be a point of `plan` within `range`, with the parameters that point has. */
export function checkRowsBelongToPlan(rows: readonly ResultRow[], plan: SweepPlan, range: { start: number; end: number }, origin: string): void {
  for (const row of rows) {
    const index = row.index as number;
    if (!Number.isInteger(index) || index < range.start || index >= range.end) {
      throw new InputError(origin, `holds point ${index}, which is not among this run's points ${range.start}..${range.end - 1}; use another output file`);
    }
    const expected = pointIdentity(plan, index);
    for (const [column, value] of Object.entries(expected)) {
      if (row[column] !== value) {
        throw new InputError(origin, `point ${index} has ${column} = ${JSON.stringify(row[column])} but this sweep's point ${index} has ${JSON.stringify(value)}: the rows are from another sweep; use another output file`);
      }
    }
  }
}

/** Appends whole lines; each call is one write, so a kill cuts at most the last line. */
export class ResultsAppender {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = guarded(path, '--output', () => openSync(path, 'a'));
  }

  append(lines: string): void {
    if (lines !== '') writeSync(this.fd, lines);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Rewrite `path` sorted by point index (each index once), through a temporary file and a
 * rename so that a kill during the rewrite leaves the old file whole.
 */
export function sortResultsFile(path: string, format: ResultsFormat): number {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  const header = format === 'csv' ? lines.shift() : undefined;
  const byIndex = new Map<number, string>();
  for (const line of lines) {
    const index = lineIndex(line, format);
    if (!byIndex.has(index)) byIndex.set(index, line);
  }
  const sorted = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
  if (header !== undefined) sorted.unshift(header);
  replaceOutput(path, sorted.length > 0 ? `${sorted.join('\n')}\n` : '', '--output');
  return byIndex.size;
}

/** The index of a line this program wrote: the first field in both formats. */
function lineIndex(line: string, format: ResultsFormat): number {
  const m = format === 'jsonl' ? /^\{"index":(\d+)/.exec(line) : /^(\d+),/.exec(line);
  if (!m) throw new InputError('results', `a line that is not a results row: ${line.slice(0, 60)}`);
  return Number(m[1]);
}
