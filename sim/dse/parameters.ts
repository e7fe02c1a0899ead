import { deriveDataflowSpec } from '../../hardware/dataflow/load.js';
import type { DataflowSpec } from '../../hardware/dataflow/schema.js';
import type { DeviceSpec } from '../../hardware/device.js';
import { deriveSpec } from '../../hardware/load.js';
import { parseQuantity } from '../../hardware/units.js';
import { InputError, isInputError } from '../../hardware/errors.js';
import { dataflowKernelAliases, isDataflowKernel } from '../engines/dataflow/simulate.js';
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
export const PARAMETER_SHORTCUTS: readonly string[] = ['hardware', 'kernel', ...KERNEL_OPTIONS.map((o) => `kernel.${o}`), 'sms', 'clockHz', 'sramBytesPerSm', ...Object.keys(SPEC_ALIASES)];

/**
 * GPU-only names, refused on a dataflow device with what to sweep instead. None is mapped: the
 * SM count and shared memory per SM move rates and SRAM together, with no single dataflow field
 * of the same meaning; L2 has no counterpart; and where a GPU has one HBM a dataflow device has
 * any number of DRAM tiers, so the tier must be named.
 */
const SM_COUNT = { what: "a GPU's SM count (with the rates that scale with it)", instead: () => 'units.compute.count (compute units) or units.memory.count (memory units)' };
const SRAM = { what: "a GPU's shared memory per SM", instead: () => 'memory.onChip.bytes or memory.fifoBudgetBytes' };
const GPU_ONLY: Readonly<Record<string, { what: string; instead: (spec: DataflowSpec) => string }>> = {
  sms: SM_COUNT,
  'compute.sms': SM_COUNT,
  sramBytesPerSm: SRAM,
  'compute.sharedMemoryBytesPerSm': SRAM,
  'compute.clockHz': { what: "a GPU's SM clock", instead: () => 'clockHz (the array clock; the shortcut means it on both kinds)' },
  l2Bytes: { what: "a GPU's L2 capacity", instead: () => 'memory.onChip.bytes' },
  l2BandwidthBytesPerSecond: { what: "a GPU's L2 bandwidth", instead: () => 'units.memory.portBytesPerCycle' },
  hbmBytes: { what: "a GPU's HBM capacity", instead: (spec) => dramFields(spec, 'bytes') },
  hbmBandwidthBytesPerSecond: { what: "a GPU's HBM bandwidth", instead: (spec) => dramFields(spec, 'bandwidthBytesPerSecond') },
  'kernel.splits': { what: 'split-KV, a GPU kernel option (dataflow pipelines stream the whole key range)', instead: () => "kernel.tileQ or kernel.tileK (the pipeline's query and key blocks)" },
};

function dramFields(spec: DataflowSpec, field: string): string {
  const tiers = Object.keys(spec.memory.dram);
  return tiers.length > 0 ? tiers.map((t) => `memory.dram.${t}.${field}`).join(' or ') : 'memory.onChip.bytes (it has no DRAM)';
}

/**
 * Which target a parameter name addresses, checked against every hardware in the sweep: a
 * parameter applies to every design, so it must mean something on every device in play.
 */
export function resolveTarget(name: string, specs: readonly DeviceSpec[], place: string): ParameterTarget {
  if (name === 'hardware') return { kind: 'hardware' };
  if (name === 'kernel') return { kind: 'kernel' };
  const dataflow = specs.find((s): s is DataflowSpec => s.kind === 'dataflow');
  const gpuOnly = GPU_ONLY[name];
  if (dataflow && gpuOnly) {
    throw new InputError(place, `"${name}" changes ${gpuOnly.what}; ${dataflow.id} is a dataflow device: sweep ${gpuOnly.instead(dataflow)} instead`);
  }
  if (name.startsWith('kernel.')) {
    const option = name.slice('kernel.'.length) as keyof KernelOptions;
    if (!KERNEL_OPTIONS.includes(option)) throw new InputError(place, `unknown kernel option "${name}"; kernel options: ${KERNEL_OPTIONS.map((o) => `kernel.${o}`).join(', ')}`);
    return { kind: 'kernelOption', option };
  }
  // `clockHz` is the compute clock on both kinds: the SM clock of a GPU (its L2 and HBM keep
  // their bandwidth) and the array clock of a dataflow device (its DRAM tiers keep theirs).
  const scaled = SCALED[name];
  if (scaled) return scaled;
  const path = SPEC_ALIASES[name] ?? name;
  const keys = path.split('.');
  const has = (spec: DeviceSpec) => {
    try {
      checkNumericField(spec, keys, name, place);
      return true;
    } catch (e) {
      if (isInputError(e)) return false;
      throw e;
    }
  };
  const lacking = specs.find((spec) => !has(spec));
  const having = specs.find((spec) => spec.kind !== lacking?.kind && has(spec));
  if (lacking && having) {
    throw new InputError(
      place,
      `"${name}" is a field of ${having.id} (a ${having.kind} device) but not of ${lacking.id} (a ${lacking.kind} device); a parameter applies to every hardware of a sweep: sweep each kind's own fields in a sweep of its own`,
    );
  }
  for (const spec of specs) checkNumericField(spec, keys, name, place);
  return { kind: 'specField', keys };
}

function checkNumericField(spec: DeviceSpec, keys: readonly string[], name: string, place: string): void {
  let node: unknown = spec;
  for (let depth = 0; depth < keys.length; depth++) {
    const parent = node as Record<string, unknown>;
    const key = keys[depth]!;
    if (node === null || typeof node !== 'object' || key === 'provenance' || !(key in parent)) {
      const at = keys.slice(0, depth).join('.');
      const fields = node !== null && typeof node === 'object' ? Object.keys(parent).filter((k) => k !== 'provenance') : [];
      const hint = fields.length > 0 ? `; ${at || 'the spec'} has ${fields.join(', ')}` : '';
      const shortcuts = spec.kind === 'gpu' ? PARAMETER_SHORTCUTS : PARAMETER_SHORTCUTS.filter((n) => !(n in GPU_ONLY));
      const elsewhere = depth === 0 ? ` (or a shortcut: ${shortcuts.join(', ')})` : '';
      throw new InputError(place, `unknown spec field "${name}" in ${spec.id}${spec.kind === 'gpu' ? '' : ` (a ${spec.kind} device)`}${hint}${elsewhere}`);
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
  specsInPlay: readonly DeviceSpec[],
  place: string,
  resolveHardware: (name: string, place: string) => DeviceSpec,
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
        if (typeof v !== 'string' || !isKnownKernel(v)) throw new InputError(at(i), unknownKernel(v));
        return v;
      case 'kernelOption':
      case 'smCount':
        return wholeNumber(parseQuantity(withUnit(v), 'count', at(i)), at(i));
      case 'clock':
        return positive(parseQuantity(withUnit(v), 'Hz', at(i)), at(i));
      case 'sram': {
        const bytes = positive(parseQuantity(withUnit(v), 'B', at(i)), at(i));
        // resolveTarget refused `sram` on dataflow devices: every spec here is a GPU.
        for (const spec of specsInPlay) {
          if (spec.kind !== 'gpu') continue;
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

/** A kernel id some device kind knows: a GPU kernel, or a dataflow pipeline (fa2 and fa3 are both). */
export function isKnownKernel(id: string): boolean {
  return listKernels().includes(id) || isDataflowKernel(id);
}

export function unknownKernel(id: unknown): string {
  return `unknown kernel ${JSON.stringify(id)}; valid kernels: ${listKernels().join(', ')} (dataflow devices: ${Object.keys(dataflowKernelAliases()).join(', ')})`;
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

/** Parse through each kind's derive so that units and the schema's limits are those of a spec file. */
function specFieldValue(keys: readonly string[], value: RawValue, specsInPlay: readonly DeviceSpec[], place: string): number {
  let parsed: number | undefined;
  const path = keys.join('.');
  for (const spec of specsInPlay) {
    const derived = spec.kind === 'dataflow' ? deriveDataflowSpec(spec, { [path]: value }, place) : deriveSpec(spec, { [path]: value }, place);
    parsed = keys.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], derived) as number;
  }
  return parsed!;
}
