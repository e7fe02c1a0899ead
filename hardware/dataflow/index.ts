import { InputError } from '../errors.js';
import generic from '../presets/dataflow/streaming-dataflow-generic.json' with { type: 'json' };
import sn40l from '../presets/dataflow/sn40l-like.json' with { type: 'json' };
import wafer from '../presets/dataflow/wafer-mesh-like.json' with { type: 'json' };
import { loadDataflowSpec } from './load.js';
import type { DataflowSpec } from './schema.js';

export * from './schema.js';
export { loadDataflowSpec, deriveDataflowSpec } from './load.js';

/** Dataflow preset files, bundled as data so that the browser build carries them too. */
const PRESET_FILES: Readonly<Record<string, unknown>> = {
  'streaming-dataflow-generic': generic,
  'sn40l-like': sn40l,
  'wafer-mesh-like': wafer,
};

const loaded = new Map<string, DataflowSpec>();

export function listDataflowPresets(): string[] {
  return Object.keys(PRESET_FILES).sort();
}

export function isDataflowPreset(id: string): boolean {
  return id in PRESET_FILES;
}

/** A dataflow preset by id, parsed and validated once, then shared (specs are never mutated). */
export function getDataflowPreset(id: string): DataflowSpec {
  const cached = loaded.get(id);
  if (cached) return cached;
  const raw = PRESET_FILES[id];
  if (raw === undefined) {
    throw new InputError('hardware', `unknown dataflow preset "${id}"; valid dataflow presets: ${listDataflowPresets().join(', ')}`);
  }
  const spec = loadDataflowSpec(raw, { requireProvenance: true, origin: `preset ${id}` });
  if (spec.id !== id) throw new InputError(`preset ${id}: id`, `file declares id "${spec.id}"`);
  loaded.set(id, spec);
  return spec;
}
