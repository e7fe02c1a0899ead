import { InputError } from '../../hardware/errors.js';
import { headerLine, isHeaderLine, isHeaderObject, parseHeaderLine, type ResultsFormat, type ResultsHeader } from './results-header.js';

/**
 * Result rows and their two file formats. JSONL: one JSON object per line, keys in column
 * order. CSV: a header line, then one line per row (RFC 4180 quoting). Numbers are written in
 * their shortest round-trip form, so a row read back and written again is the same text: that
 * is what lets a resumed or merged sweep produce the same bytes as an uninterrupted one.
 */
export type Cell = number | string | null;
export type ResultRow = Record<string, Cell>;

export function formatOfPath(path: string): ResultsFormat {
  return path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}

/** The format of a results file to write: its name must say which. */
export function outputFormatOf(path: string, flag: string): ResultsFormat {
  if (!/\.(jsonl|csv)$/i.test(path)) throw new InputError(flag, `"${path}": results files are .jsonl or .csv; name it with one of those extensions`);
  return formatOfPath(path);
}

export function encodeRow(row: ResultRow, columns: readonly string[], format: ResultsFormat): string {
  if (format === 'jsonl') {
    const ordered: ResultRow = {};
    for (const c of columns) ordered[c] = row[c] ?? null;
    return JSON.stringify(ordered);
  }
  return columns.map((c) => csvCell(row[c] ?? null)).join(',');
}

export function csvHeader(columns: readonly string[]): string {
  return columns.map(csvCell).join(',');
}

const BYTE_ORDER_MARK = '\uFEFF';
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = value.replace(/[\r\n]+/g, ' ');
  // Quote text that would read back as something else: a number, an empty cell, padded text.
  const quote = /[",]/.test(text) || text !== text.trim() || text === '' || NUMBER_TEXT.test(text);
  return quote ? `"${text.replace(/"/g, '""')}"` : text;
}

interface CsvCell {
  text: string;
  quoted: boolean;
}

/** Split one CSV line into cells (quotes removed, doubled quotes undone). */
export function splitCsvLine(line: string): CsvCell[] {
  const cells: CsvCell[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let text = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        text += line.slice(i, q);
        if (line[q + 1] === '"') {
          text += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cells.push({ text, quoted: true });
      if (i < line.length && line[i] !== ',') throw new Error('text after a closing quote');
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      cells.push({ text: line.slice(i, end), quoted: false });
      i = end;
    }
    if (i >= line.length) return cells;
    i++; // past the comma
  }
}

/** A CSV cell back to its value: a number where unquoted text is one, null where empty. */
function csvValue(cell: CsvCell): Cell {
  if (cell.quoted) return cell.text;
  if (cell.text === '') return null;
  return NUMBER_TEXT.test(cell.text) ? Number(cell.text) : cell.text;
}

export interface ParsedResults {
  /** The sweep's header line, if the file has one (files from older versions have none). */
  header: ResultsHeader | null;
  columns: string[];
  rows: ResultRow[];
  /** The line (from 1) of each row, for errors that point at one. */
  rowLines: number[];
  /** Length (in UTF-16 units of the text given) of the part made of complete, valid lines. */
  validLength: number;
  /** A last line cut off mid-write (a killed run), left out of `rows`. */
  partialTail: boolean;
}

/**
 * Read a results file. Only the last line may be incomplete (a run killed mid-write); it is
 * left out. Anything else that is not a row is an error naming the line.
 */
export function parseResults(text: string, format: ResultsFormat, origin: string, expectedColumns?: readonly string[]): ParsedResults {
  const rows: ResultRow[] = [];
  const rowLines: number[] = [];
  const scanned = scanResults(text, format, origin, expectedColumns, (row, line) => {
    rows.push(row);
    rowLines.push(line);
  });
  return { ...scanned, rows, rowLines };
}

/**
 * `parseResults` without keeping the rows: each goes to `onRow` with its line number, so that a
 * caller that only checks rows (a resumed sweep) holds one at a time.
 */
export function scanResults(
  text: string,
  format: ResultsFormat,
  origin: string,
  expectedColumns: readonly string[] | undefined,
  onRow: (row: ResultRow, line: number) => void,
): Omit<ParsedResults, 'rows' | 'rowLines'> {
  let columns: string[] | undefined = expectedColumns ? [...expectedColumns] : undefined;
  let header: ResultsHeader | null = null;
  let columnsLine = format === 'csv' ? 0 : -1;
  // A byte-order mark and CRLF line ends, as spreadsheets write CSV, are not part of the cells.
  let offset = text.startsWith(BYTE_ORDER_MARK) ? BYTE_ORDER_MARK.length : 0;
  let n = 0;
  for (let start = offset; ; n++) {
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    const line = text.slice(start, text[end - 1] === '\r' && end > start ? end - 1 : end);
    const where = `${origin}: line ${n + 1}`;
    if (n === 0 && isHeaderLine(line, format)) {
      header = parseHeaderLine(line, format, where);
      columnsLine = format === 'csv' ? 1 : -1;
    } else if (n === columnsLine) {
      const found = parseCsvLineOrThrow(line, where).map((c) => c.text);
      if (columns && found.join(',') !== columns.join(',')) {
        throw new InputError(where, `the columns are not this sweep's (found ${found.join(',')}); use another output file`);
      }
      columns = found;
    } else {
      const row = format === 'jsonl' ? parseJsonRow(line, where) : csvRow(line, columns!, where);
      if (format === 'jsonl') {
        const keys = Object.keys(row);
        if (!columns) columns = keys;
        else if (keys.join(',') !== columns.join(',')) throw new InputError(where, `the row's fields are not this sweep's columns (found ${keys.join(',')}); use another output file`);
      }
      onRow(row, n + 1);
    }
    offset = end + 1;
    start = end + 1;
  }
  return { header, columns: columns ?? [], validLength: offset, partialTail: offset < text.length };
}

function parseJsonRow(line: string, where: string): ResultRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new InputError(where, 'not a JSON results row');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('index' in value)) {
    throw new InputError(where, isHeaderObject(value) ? 'a second sweep header: two results files joined end to end; join them with attnsim merge' : 'not a results row (a JSON object with an index)');
  }
  for (const [key, cell] of Object.entries(value)) {
    if (cell !== null && typeof cell === 'object') throw new InputError(where, `field "${key}" is not a number, a string or null`);
  }
  return checkIds(value as ResultRow, where);
}

/** The columns that number a point must hold whole numbers: they are what rows are matched by. */
function checkIds(row: ResultRow, where: string): ResultRow {
  for (const column of ['index', 'design', 'workload']) {
    const v = row[column];
    if (column !== 'index' && (v === undefined || v === null)) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InputError(where, `${column} is ${JSON.stringify(v)}, not a whole number ≥ 0`);
  }
  return row;
}

function parseCsvLineOrThrow(line: string, where: string): CsvCell[] {
  try {
    return splitCsvLine(line);
  } catch (e) {
    throw new InputError(where, `malformed CSV (${(e as Error).message})`);
  }
}

function csvRow(line: string, columns: readonly string[], where: string): ResultRow {
  const cells = parseCsvLineOrThrow(line, where);
  if (cells.length !== columns.length) throw new InputError(where, `${cells.length} cells for ${columns.length} columns`);
  const row: ResultRow = {};
  columns.forEach((c, i) => {
    row[c] = csvValue(cells[i]!);
  });
  if (!('index' in row)) throw new InputError(where, 'not a results row (no index)');
  return checkIds(row, where);
}

/** The header line (if any) and, in CSV, the column names: all a results file holds before its rows. */
export function resultsPreamble(header: ResultsHeader | null, columns: readonly string[], format: ResultsFormat): string {
  const lines = header ? [headerLine(header, format)] : [];
  if (format === 'csv') lines.push(csvHeader(columns));
  return lines.map((l) => `${l}\n`).join('');
}

/** The whole file: its header and column lines, then the rows sorted by index. */
export function formatResults(header: ResultsHeader | null, rows: readonly ResultRow[], columns: readonly string[], format: ResultsFormat): string {
  const lines = [...rows].sort((a, b) => (a.index as number) - (b.index as number)).map((r) => `${encodeRow(r, columns, format)}\n`);
  return resultsPreamble(header, columns, format) + lines.join('');
}
