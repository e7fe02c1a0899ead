import { InputError } from '../../hardware/errors.js';

/**
 * The first line of a results file: which sweep wrote it, and a hash of everything that decides
 * its rows (sim/dse/node/spec-hash.ts). A resumed run compares the hash before it adds a row, so
 * that rows of two different specs never end up in one file. JSONL: the header is a JSON object
 * of its own on line 1 (no `index`, so no reader takes it for a row). CSV: the same object behind
 * `# ` on line 1, then the column names (read it with a comment character of `#`, e.g. pandas'
 * `comment="#"`).
 */
export interface ResultsHeader {
  /** The sweep's name, for a reader; not part of the hash. */
  sweep: string;
  /** `sha256:` and 64 hex digits. */
  specHash: string;
}

/** The two results file formats: JSON lines, or CSV (rows.ts). */
export type ResultsFormat = 'jsonl' | 'csv';

export const CSV_COMMENT = '#';
const HASH_TEXT = /^sha256:[0-9a-f]{64}$/;

export function isHeaderObject(value: unknown): value is ResultsHeader {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || 'index' in value) return false;
  const v = value as Record<string, unknown>;
  return typeof v.specHash === 'string' && typeof v.sweep === 'string';
}

export function isHeaderLine(line: string, format: ResultsFormat): boolean {
  if (format === 'csv') return line.startsWith(CSV_COMMENT);
  try {
    return isHeaderObject(JSON.parse(line));
  } catch {
    return false;
  }
}

export function parseHeaderLine(line: string, format: ResultsFormat, where: string): ResultsHeader {
  let value: unknown;
  try {
    value = JSON.parse(format === 'csv' ? line.slice(CSV_COMMENT.length) : line);
  } catch {
    value = undefined;
  }
  if (!isHeaderObject(value) || !HASH_TEXT.test(value.specHash)) {
    throw new InputError(where, `not a sweep header (expected ${format === 'csv' ? '# ' : ''}{"sweep": NAME, "specHash": "sha256:…"})`);
  }
  return { sweep: value.sweep, specHash: value.specHash };
}

export function headerLine(header: ResultsHeader, format: ResultsFormat): string {
  const json = JSON.stringify({ sweep: header.sweep, specHash: header.specHash });
  return format === 'csv' ? `${CSV_COMMENT} ${json}` : json;
}
