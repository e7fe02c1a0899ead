import { InputError } from './errors.js';
import { getCalibration, withEnergyScales, withRetainedDirtyBytes } from './calibration.js';
import { loadSpec } from './load.js';
import type { GpuSpec } from './schema.js';
import a100 from './presets/a100-sxm-80gb.json' with { type: 'json' };
import b200 from './presets/b200.json' with { type: 'json' };
import h100 from './presets/h100-sxm.json' with { type: 'json' };
import h200 from './presets/h200-sxm.json' with { type: 'json' };
import l40s from './presets/l40s.json' with { type: 'json' };
import mi300x from './presets/mi300x.json' with { type: 'json' };

export * from './schema.js';
export { loadSpec, deriveSpec, withSmCount, withClockHz, withSramBytesPerSm } from './load.js';
export { parseQuantity, unitForFieldName } from './units.js';
export { getCalibration, withEnergyScales, withRetainedDirtyBytes, ENERGY_GROUPS, type HardwareCalibration, type KernelCalibration } from './calibration.js';

/** Preset files, bundled as data so that the browser build carries them too. */
const PRESET_FILES: Readonly<Record<string, unknown>> = {
  'a100-sxm-80gb': a100,
  b200,
  'h100-sxm': h100,
  'h200-sxm': h200,
  l40s,
  mi300x,
};

const loaded = new Map<string, GpuSpec>();
const loadedRaw = new Map<string, GpuSpec>();

export function listPresets(): string[] {
  return Object.keys(PRESET_FILES).sort();
}

/**
 * A preset by id, parsed and validated once, then shared (specs are never mutated). With
 * `calibrated` (the default) the hardware's fitted energy scales are applied, if it has any.
 */
export function getPreset(id: string, options: { calibrated?: boolean } = {}): GpuSpec {
  const calibrated = options.calibrated ?? true;
  const cache = calibrated ? loaded : loadedRaw;
  const cached = cache.get(id);
  if (cached) return cached;
  const raw = PRESET_FILES[id];
  if (raw === undefined) {
    throw new InputError('hardware', `unknown preset "${id}"; valid presets: ${listPresets().join(', ')}`);
  }
  let spec = loadSpec(raw, { requireProvenance: true, origin: `preset ${id}` });
  if (spec.id !== id) throw new InputError(`preset ${id}: id`, `file declares id "${spec.id}"`);
  const calibration = calibrated ? getCalibration(id) : undefined;
  if (calibration) {
    const origin = `calibration of ${id} (hardware/calibration/${id}.json)`;
    spec = withEnergyScales(spec, calibration.energy, origin);
    if (calibration.l2) spec = withRetainedDirtyBytes(spec, calibration.l2.retainedDirtyBytes, origin);
  }
  cache.set(id, spec);
  return spec;
}
