import { deriveSpec } from '../../hardware/load.js';
import type { GpuSpec } from '../../hardware/schema.js';
import { parseQuantity } from '../../hardware/units.js';
import { InputError } from '../../hardware/errors.js';
import { listKernels } from '../kernels/index.js';
import type { KernelOptions } from '../kernels/options.js';
import { expandValues, type RawValue } from './values.js';

/**
 * What a sweep parameter changes. Spec fields are addressed by their dotted path in the
 * normalized spec (`memory.hbm.bandwidthBytesPerSecond`); a few names are shortcuts for changes
 * that must move several numbers together (SM count, clock, shared memory per SM).
 */
export type ParameterTarget =
  | { kind: 'hardware' }
  | { kind: 'kernel' }
  | { kind: 'kernelOption'; option: keyof KernelOptions }
  | { kind: 'smCount' }
  | { kind: 'clock' }
  | { kind: 'sram' }
  | { kind: 'specField'; keys: readonly string[] };

export interface Parameter {
  /** The path as the sweep file writes it; also its column in the results. */
  name: string;
  target: ParameterTarget;
  /** Numbers in the base unit the name says, or ids (hardware, kernel). */
  values: ReadonlyArray<number | string>;
}

const KERNEL_OPTIONS: ReadonlyArray<keyof KernelOptions> = ['tileQ', 'tileK', 'splits'];

/** Shortcut names: unit in the name, as in the spec. */
const SPEC_ALIASES: Readonly<Record<string, string>> = {
  l2Bytes: 'memory.l2.bytes',
  l2BandwidthBytesPerSecond: 'memory.l2.bandwidthBytesPerSecond',
  hbmBytes: 'memory.hbm.bytes',
  hbmBandwidthBytesPerSecond: 'memory.hbm.bandwidthBytesPerSecond',
  maxWatts: 'power.maxWatts',
};

/** Names that scale several numbers at once; the raw fields would leave the spec inconsistent. */
const SCALED: Readonly<Record<string, ParameterTarget>> = {
  sms: { kind: 'smCount' },
  'compute.sms': { kind: 'smCount' },
  clockHz: { kind: 'clock' },
  'compute.clockHz': { kind: 'clock' },
  sramBytesPerSm: { kind: 'sram' },
  'compute.sharedMemoryBytesPerSm': { kind: 'sram' },
};

/** Every name a parameter may use besides spec paths, for help and error messages. */
export const PARAMETER_SHORTCUTS: readonly string[] = [
  'hardware', 'kernel', ...KERNEL_OPTIONS.map((o) => `kernel.${o}`), 'sms', 'clockHz', 'sramBytesPerSm', ...Object.keys(SPEC_ALIASES),
];

/** Which target a parameter name addresses, checked against every hardware in the sweep. */
export function resolveTarget(name: string, specs: readonly GpuSpec[], place: string): ParameterTarget {
  if (name === 'hardware') return { kind: 'hardware' };
  if (name === 'kernel') return { kind: 'kernel' };
  if (name.startsWith('kernel.')) {
    const option = name.slice('kernel.'.length) as keyof KernelOptions;
    if (!KERNEL_OPTIONS.includes(option)) throw new InputError(place, `unknown kernel option "${name}"; kernel options: ${KERNEL_OPTIONS.map((o) => `kernel.${o}`).join(', ')}`);
    return { kind: 'kernelOption', option };
  }
  const scaled = SCALED[name];
  if (scaled) return scaled;
  const path = SPEC_ALIASES[name] ?? name;
  const keys = path.split('.');
  for (const spec of specs) checkNumericField(spec, keys, name, place);
  return { kind: 'specField', keys };
}

function checkNumericField(spec: GpuSpec, keys: readonly string[], name: string, place: string): void {
  let node: unknown = spec;
  for (let depth = 0; depth < keys.length; depth++) {
    const parent = node as Record<string, unknown>;
    const key = keys[depth]!;
    if (node === null || typeof node !== 'object' || key === 'provenance' || !(key in parent)) {
      const at = keys.slice(0, depth).join('.');
      const fields = node !== null && typeof node === 'object' ? Object.keys(parent).filter((k) => k !== 'provenance') : [];
      const hint = fields.length > 0 ? `; ${at || 'the spec'} has ${fields.join(', ')}` : '';
      const elsewhere = depth === 0 ? ` (or a shortcut: ${PARAMETER_SHORTCUTS.join(', ')})` : '';
      throw new InputError(place, `unknown spec field "${name}" in ${spec.id}${hint}${elsewhere}`);
    }
    node = parent[key];
  }
  if (typeof node === 'object' && node !== null) {
    throw new InputError(place, `"${name}" is a group of fields, not a number; it has ${Object.keys(node).join(', ')}`);
  }
  if (typeof node !== 'number') throw new InputError(place, `"${name}" is not a number in the spec (it is ${JSON.stringify(node)})`);
}

/**
 * The parameter's values, parsed to base units and checked on every hardware of the sweep so
 * that no design point fails on a value the file could have been told about up front.
 * `unit` turns bare numbers into quantities (`unit: TB/s` with `values: [2, 4]`).
 */
export function parameterValues(
  target: ParameterTarget,
  rawSpec: unknown,
  unit: string | undefined,
  specsInPlay: readonly GpuSpec[],
  place: string,
  resolveHardware: (name: string, place: string) => GpuSpec,
): Array<number | string> {
  const raw = expandValues(rawSpec, `${place}.values`);
  const at = (i: number) => (Array.isArray(rawSpec) ? `${place}.values[${i}]` : `${place}.values`);
  const withUnit = (v: RawValue): RawValue => (unit !== undefined && typeof v === 'number' ? `${v} ${unit}` : v);
  if (unit !== undefined && (target.kind === 'hardware' || target.kind === 'kernel')) {
    throw new InputError(`${place}.unit`, `${target.kind} takes ids, not quantities`);
  }
  const parsed = raw.map((v, i): number | string => {
    switch (target.kind) {
      case 'hardware':
        if (typeof v !== 'string') throw new InputError(at(i), `expected a preset id or a spec file, got ${v}`);
        resolveHardware(v, at(i));
        return v;
      case 'kernel':
        if (typeof v !== 'string' || !listKernels().includes(v)) throw new InputError(at(i), `unknown kernel ${JSON.stringify(v)}; valid kernels: ${listKernels().join(', ')}`);
        return v;
      case 'kernelOption':
      case 'smCount':
        return wholeNumber(parseQuantity(withUnit(v), 'count', at(i)), at(i));
      case 'clock':
        return positive(parseQuantity(withUnit(v), 'Hz', at(i)), at(i));
      case 'sram': {
        const bytes = positive(parseQuantity(withUnit(v), 'B', at(i)), at(i));
        for (const spec of specsInPlay) {
          const reserved = spec.compute.sharedMemoryBytesPerSm - spec.compute.maxSharedMemoryBytesPerCta;
          if (bytes <= reserved) throw new InputError(at(i), `${bytes} B is not above the ${reserved} B that ${spec.id} reserves per SM`);
        }
        return bytes;
      }
      case 'specField':
        return specFieldValue(target.keys, withUnit(v), specsInPlay, at(i));
    }
  });
  return [...new Map(parsed.map((v) => [v, v])).values()];
}

/** Counts (SMs, tile sizes) come out of log ranges and expressions as fractions: round them. */
function wholeNumber(n: number, place: string): number {
  const rounded = Math.round(n);
  if (rounded < 1) throw new InputError(place, `must be a whole number ≥ 1, got ${n}`);
  return rounded;
}

function positive(n: number, place: string): number {
  if (!(n > 0)) throw new InputError(place, `must be above 0, got ${n}`);
  return n;
}

/** Parse through `deriveSpec` so that units and the schema's limits are those of a spec file. */
function specFieldValue(keys: readonly string[], value: RawValue, specsInPlay: readonly GpuSpec[], place: string): number {
  let parsed: number | undefined;
  for (const spec of specsInPlay) {
    const derived = deriveSpec(spec, { [keys.join('.')]: value }, place);
    parsed = keys.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], derived) as number;
  }
  return parsed!;
}
