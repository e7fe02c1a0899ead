import { existsSync } from 'node:fs';
import { deriveDataflowSpec, getDataflowPreset, isDataflowPreset, listDataflowPresets, loadDataflowSpec, type DataflowSpec } from '../../../hardware/dataflow/index.js';
import { InputError } from '../../../hardware/errors.js';
import { parseOverrides } from '../args.js';
import type { CliIo } from '../io.js';
import { checkInputFile, readInputFile } from './user-files.js';

/** `--hardware` names a dataflow device: a dataflow preset, or a spec file of kind "dataflow". */

/** True when `name` is a dataflow preset, or a JSON spec file whose kind is "dataflow". */
export function isDataflowHardware(name: string, io: CliIo): boolean {
  if (isDataflowPreset(name)) return true;
  if (!(name.endsWith('.json') || name.includes('/'))) return false;
  if (!existsSync(name)) return false; // the GPU path says why it cannot be read
  // A device or an oversized file is refused here, before anything reads it whole.
  checkInputFile(name, '--hardware');
  try {
    const raw: unknown = JSON.parse(io.readFile(name));
    return typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'dataflow';
  } catch {
    return false; // unreadable or not JSON: the GPU path reports it
  }
}

/** A dataflow preset id or spec file; `field` names the flag or argument it came from. */
export function resolveDataflowHardware(name: string, overrides: readonly string[], io: CliIo, field = '--hardware'): DataflowSpec {
  let spec: DataflowSpec;
  if (isDataflowPreset(name)) {
    spec = getDataflowPreset(name);
  } else {
    if (!(name.endsWith('.json') || name.includes('/'))) {
      throw new InputError(field, `unknown dataflow preset "${name}"; dataflow presets: ${listDataflowPresets().join(', ')} (or a spec file path)`);
    }
    const text = readInputFile(name, field, io);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new InputError(field, `"${name}" is not a dataflow spec: not valid JSON (${(e as Error).message.split('\n')[0]})`);
    }
    spec = loadDataflowSpec(raw, { requireProvenance: false, origin: name });
  }
  return overrides.length > 0 ? deriveDataflowSpec(spec, parseOverrides(overrides), '--set') : spec;
}
