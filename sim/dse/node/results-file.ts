import { closeSync, existsSync, openSync, truncateSync, writeSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { guardedFs, MAX_TEXT_FILE_BYTES, writeTextFile } from '../../node/files.js';
import { InputError } from '../../../hardware/errors.js';
import { pointIdentity } from '../evaluate.js';
import type { SweepPlan } from '../plan.js';
import { isHeaderLine, parseHeaderLine, type ResultsFormat, type ResultsHeader } from '../results-header.js';
import { resultsPreamble, scanResults, type ResultRow } from '../rows.js';
import { readBoundedText } from './read-text.js';

/**
 * The results file of a run: its header line (the sweep's name and spec hash), then rows,
 * appended as they complete (in whatever order the workers finish), so a killed run loses at
 * most the line being written. A rerun keeps every complete row, drops a cut-off last line, and
 * computes only what is missing; at the end the file is rewritten sorted by point index, so its
 * bytes do not depend on interruptions or worker timing. The caller holds the output's lock
 * (output-lock.ts) throughout: nothing else writes the file meanwhile.
 */
export interface ResumedResults {
  /** Point indices already in the file. */
  done: Set<number>;
  /** A last line cut off mid-write was dropped. */
  droppedPartialLine: boolean;
}

/**
 * Largest results file read: the limit for any text input, and never more than one JavaScript
 * string can hold (the file is read as one).
 */
export const MAX_RESULTS_FILE_BYTES = Math.min(MAX_TEXT_FILE_BYTES, bufferConstants.MAX_STRING_LENGTH);

export function readResultsText(path: string, field: string): string {
  return readBoundedText(path, field, MAX_RESULTS_FILE_BYTES, 'a results file');
}

/** Open (or create) `path` for appending; check that it is this sweep's, by its header and rows. */
export function prepareResults(path: string, plan: SweepPlan, header: ResultsHeader, format: ResultsFormat, range: { start: number; end: number }): ResumedResults {
  const preamble = resultsPreamble(header, plan.columns, format);
  const text = existingText(path);
  if (!text.includes('\n')) {
    // Nothing or a cut-off first line: all a run killed while writing the header leaves.
    if (text !== '' && !preamble.startsWith(text)) throw notResults(path, 'holds neither a sweep header nor results rows');
    writeTextFile(path, preamble, '--output');
    return { done: new Set(), droppedPartialLine: false };
  }
  checkHeader(path, text.slice(0, text.indexOf('\n')), header, format);
  const done = new Set<number>();
  const scanned = scanResults(text, format, path, plan.columns, (row, line) => {
    checkRowBelongsToPlan(row, plan, range, `${path}: line ${line}`);
    done.add(row.index as number);
  });
  if (done.size === 0) {
    writeTextFile(path, preamble, '--output');
    return { done, droppedPartialLine: false };
  }
  if (scanned.partialTail) guardedFs(path, '--output', 'write', () => truncateSync(path, Buffer.byteLength(text.slice(0, scanned.validLength), 'utf8')));
  return { done, droppedPartialLine: scanned.partialTail };
}

/** The header comes first: rows of another spec may look like this sweep's, and would be mixed in. */
function checkHeader(path: string, firstLine: string, header: ResultsHeader, format: ResultsFormat): void {
  if (!isHeaderLine(firstLine, format)) throw notResults(path, 'has no sweep header on line 1: it was written by another program or an older attnsim');
  if (parseHeaderLine(firstLine, format, `${path}: line 1`).specHash !== header.specHash) {
    throw new InputError(
      '--output',
      `"${path}" holds results of another sweep spec: the sweep file (its set:, parameters, workloads, hardware, engine …) or a spec file it names changed since they were written; to start afresh, delete it or choose another --output`,
    );
  }
}

function existingText(path: string): string {
  return existsSync(path) ? readResultsText(path, '--output') : '';
}

function notResults(path: string, why: string): InputError {
  return new InputError('--output', `"${path}" ${why}; it is not this sweep's results file: choose another --output, or delete it to start afresh`);
}

/** A row must be a point of `plan` within `range`, with the parameters that point has. */
export function checkRowBelongsToPlan(row: ResultRow, plan: SweepPlan, range: { start: number; end: number }, where: string): void {
  const index = row.index as number;
  if (index < range.start || index >= range.end) {
    throw new InputError(where, `holds point ${index}, which is not among this run's points ${range.start}..${range.end - 1}; use another output file`);
  }
  const expected = pointIdentity(plan, index);
  for (const [column, value] of Object.entries(expected)) {
    if (row[column] !== value) {
      throw new InputError(
        where,
        `point ${index} has ${column} = ${JSON.stringify(row[column])} but this sweep's point ${index} has ${JSON.stringify(value)}: the rows are from another sweep; use another output file`,
      );
    }
  }
}

/** Appends whole lines; each call is one write (looped if the system writes less), so a kill cuts at most the last line. */
export class ResultsAppender {
  private readonly fd: number;

  constructor(private readonly path: string) {
    this.fd = guardedFs(path, '--output', 'write', () => openSync(path, 'a'));
  }

  append(lines: string): void {
    const bytes = Buffer.from(lines, 'utf8');
    guardedFs(this.path, '--output', 'write', () => {
      for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at);
    });
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Rewrite `path` as the header and the rows sorted by point index (each index once), whole or
 * not at all (files.ts), so that a kill during the rewrite leaves the old file. Returns the
 * number of rows: what is really in the file, whatever the run believes it wrote.
 */
export function sortResultsFile(path: string, preamble: string, format: ResultsFormat): number {
  const text = readResultsText(path, '--output');
  const byIndex = new Map<number, string>();
  const skip = preamble.split('\n').length - 1;
  let n = 0;
  for (let start = 0, end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start), n++) {
    if (n < skip) continue;
    const line = text.slice(start, end);
    const index = lineIndex(line, format, `${path}: line ${n + 1}`);
    if (!byIndex.has(index)) byIndex.set(index, line);
  }
  const sorted = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => `${l}\n`);
  writeTextFile(path, preamble + sorted.join(''), '--output');
  return byIndex.size;
}

/** The index of a line this program wrote: the first field in both formats. */
function lineIndex(line: string, format: ResultsFormat, where: string): number {
  const m = format === 'jsonl' ? /^\{"index":(\d+)/.exec(line) : /^(\d+),/.exec(line);
  if (!m) throw new InputError(where, `not a results row: ${line.slice(0, 60)}`);
  return Number(m[1]);
}
