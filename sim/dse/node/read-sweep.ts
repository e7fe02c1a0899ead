import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../../errors.js';
import { hardwareFileNames, type SweepInput } from '../plan.js';

/**
 * A sweep file from disk (YAML, or JSON by its extension), with the hardware spec files it
 * names read too, relative to the sweep file, so that the planner and the worker threads never
 * touch the file system.
 */
export function readSweepInput(path: string): SweepInput {
  const sweep = readStructured(path, 'sweep file');
  const hardwareFiles: Record<string, unknown> = {};
  for (const name of hardwareFileNames(sweep)) {
    hardwareFiles[name] = readStructured(resolve(dirname(path), name), 'hardware file', name);
  }
  return { sweep, hardwareFiles };
}

/** YAML or JSON (a .json file is parsed as JSON, for JSON's error messages). */
export function readStructured(path: string, what: string, shownAs = path): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(shownAs, `cannot read ${what} "${shownAs}"`);
  }
  if (path.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new InputError(shownAs, `not valid JSON (${(e as Error).message})`);
    }
  }
  try {
    return parseYaml(text);
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const at = e.linePos?.[0];
      const firstLine = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(at ? `${shownAs}: line ${at.line}, column ${at.col}` : shownAs, `not valid YAML (${firstLine})`);
    }
    throw e;
  }
}
