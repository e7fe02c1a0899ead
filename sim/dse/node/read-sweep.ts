import { dirname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../../../hardware/errors.js';
import { hardwareFileNames, type SweepInput } from '../plan.js';
import { readBoundedText } from './read-text.js';

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

/**
 * Largest sweep or hardware file read: these are pages of settings (the examples are under
 * 2 KB); 1 MiB leaves room for long value lists while a mistaken path (a results file, a
 * device) is refused before it fills memory.
 */
export const MAX_SWEEP_INPUT_BYTES = 1024 * 1024;
/**
 * Aliases a sweep file may expand (`*name`). A handful serve to share a workload list; a file
 * of aliases of aliases ("billion laughs") would otherwise grow exponentially as it is read.
 * 100 is the yaml package's own default, named here so that it does not depend on it.
 */
const MAX_YAML_ALIASES = 100;

/** YAML or JSON (a .json file is parsed as JSON, for JSON's error messages). */
export function readStructured(path: string, what: string, shownAs = path): unknown {
  const text = readBoundedText(path, shownAs, MAX_SWEEP_INPUT_BYTES, `a ${what}`);
  if (path.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new InputError(shownAs, `not valid JSON (${(e as Error).message})`);
    }
  }
  try {
    return parseYaml(text, { maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const at = e.linePos?.[0];
      const firstLine = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(at ? `${shownAs}: line ${at.line}, column ${at.col}` : shownAs, `not valid YAML (${firstLine})`);
    }
    // The yaml package refuses too many aliases with a ReferenceError, and a file nested
    // thousands deep overflows its recursion: both are the file's fault.
    if (e instanceof ReferenceError || e instanceof RangeError) throw new InputError(shownAs, `cannot be read as YAML (${e.message.split('\n')[0]})`);
    throw e;
  }
}
