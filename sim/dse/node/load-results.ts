import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { formatOfPath, parseResults, type ParsedResults } from '../rows.js';

/** A results file (JSONL or CSV by extension) for pareto, sensitivity and merge. */
export function loadResults(path: string, options: { allowPartialTail: boolean }): ParsedResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(path, `cannot read results file "${path}"`);
  }
  const parsed = parseResults(text, formatOfPath(path), path);
  if (parsed.partialTail && !options.allowPartialTail) {
    throw new InputError(path, 'its last line is cut off: the run that wrote it did not finish; rerun it (attnsim sweep resumes) first');
  }
  if (parsed.rows.length === 0) throw new InputError(path, 'holds no results');
  return parsed;
}
