import { getDataflowPreset, listDataflowPresets, loadDataflowSpec, ON_CHIP, onChipBandwidthBytesPerSecond, peakMatrixFlopsPerSecond, type DataflowSpec } from './dataflow/index.js';
import { InputError } from './errors.js';
import { calibrationSource } from './calibration.js';
import { getPreset, listPresets } from './index.js';
import { loadSpec } from './load.js';
import type { GpuSpec, Provenance } from './schema.js';

/**
 * Every kind of device attnsim models, told apart by `kind`. A new kind is a folder under
 * hardware/ (its schema, loader and presets) plus one `registerDeviceKind` line.
 */
export type DeviceSpec = GpuSpec | DataflowSpec;
/** The built-in kinds; a registered kind's id is any other string. */
export type DeviceKind = DeviceSpec['kind'];

/** What every device spec has, whatever its kind. */
export interface DeviceCommon {
  id: string;
  kind: string;
  name: string;
  architecture: string;
  provenance: Readonly<Record<string, Provenance>>;
}

/**
 * One level of a device's memory hierarchy, as every kind describes it: what serves one
 * instance, how many instances, and the level's figures. Lists run from the innermost level out.
 */
export interface MemoryLevel {
  /** The name counts and reports key the level by ("smem", "l2", "hbm", "onChip", "ddr"). */
  name: string;
  /** What one instance serves: one compute unit, one slice of the chip, or the whole device. */
  scope: 'unit' | 'slice' | 'device';
  instances: number;
  /** Capacity of one instance. */
  bytesPerInstance: number;
  /** All instances together. */
  bandwidthBytesPerSecond: number;
  latencySeconds: number | null;
  readEnergyJoulesPerByte: number;
  writeEnergyJoulesPerByte: number;
}

/** What the front ends need of a device kind: its presets, its spec-file loader, its headline numbers. */
export interface DeviceKindEntry<S extends DeviceCommon = DeviceCommon> {
  kind: string;
  /** What the kind is, in a few words (for listings). */
  description: string;
  listPresets(): string[];
  getPreset(id: string): S;
  /** Parse and validate a spec file's contents (the unit-wrapped, sourced form). */
  load(raw: unknown, origin: string): S;
  summarize(spec: S): DeviceSummary;
  /** Its compute units: each kind of datapath, how many, and its rates. */
  units(spec: S): ComputeUnit[];
  /** Its memory hierarchy, innermost level first. */
  levels(spec: S): MemoryLevel[];
}

const KINDS: DeviceKindEntry[] = [];

export function registerDeviceKind<S extends DeviceCommon>(entry: DeviceKindEntry<S>): void {
  if (KINDS.some((k) => k.kind === entry.kind)) throw new Error(`device kind "${entry.kind}" is registered twice`);
  const clash = entry.listPresets().find((id) => KINDS.some((k) => k.listPresets().includes(id)));
  if (clash !== undefined) throw new Error(`preset id "${clash}" of kind ${entry.kind} is already a preset of another kind`);
  KINDS.push(entry as unknown as DeviceKindEntry);
}

/** The registered entry of a spec's kind. */
function entryOf(spec: DeviceCommon): DeviceKindEntry {
  const entry = KINDS.find((k) => k.kind === spec.kind);
  if (!entry) throw new InputError('hardware', `unknown device kind "${spec.kind}"`);
  return entry;
}

/** Every preset of every kind, by id (ids are unique across kinds). */
export function listDevicePresets(): Array<{ id: string; kind: string }> {
  return KINDS.flatMap((k) => k.listPresets().map((id) => ({ id, kind: k.kind }))).sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * A preset of any kind by id. Typed as the built-in kinds' union: code that narrows on `kind`
 * handles the kinds it knows, and a registered kind's spec is a DeviceCommon.
 */
export function getDevicePreset(id: string, field = 'hardware'): DeviceSpec {
  const entry = KINDS.find((k) => k.listPresets().includes(id));
  if (!entry)
    throw new InputError(
      field,
      `unknown preset "${id}"; valid presets: ${listDevicePresets()
        .map((p) => p.id)
        .join(', ')}`,
    );
  return entry.getPreset(id) as DeviceSpec;
}

/** A spec file's contents of any kind: its `kind` field picks the loader (absent: gpu). */
export function loadDeviceSpec(raw: unknown, origin: string): DeviceSpec {
  const kind = typeof raw === 'object' && raw !== null && 'kind' in raw ? (raw as { kind: unknown }).kind : 'gpu';
  const entry = KINDS.find((k) => k.kind === kind);
  if (!entry) throw new InputError(`${origin}: kind`, `unknown device kind ${JSON.stringify(kind)}; valid kinds: ${KINDS.map((k) => k.kind).join(', ')}`);
  return entry.load(raw, origin) as DeviceSpec;
}

/**
 * Whether a device's numbers have measurements behind them (a calibration fitted on cases we
 * measured on that device) or are estimated: datasheets and papers, or constants fitted on
 * another device and transferred.
 */
export function evidenceOf(spec: { id: string }): 'measured' | 'estimated' {
  return calibrationSource(spec.id) === spec.id ? 'measured' : 'estimated';
}

/** What an estimated device's numbers rest on, in one line; null for a measured one. */
export function estimateNote(id: string): string | null {
  const source = calibrationSource(id);
  if (source === id) return null;
  return source !== undefined
    ? `estimated: no measurements of ${id} ship; its kernel constants are fitted on ${source} and transferred`
    : `estimated: no measurements of ${id} ship; datasheet and paper numbers with the model's defaults`;
}

/** The few headline numbers of a device of any kind, for listings and comparisons. */
export interface DeviceSummary {
  kind: string;
  /** Compute units and what they are ("132 SMs", "1040 units"). */
  computeUnits: number;
  computeUnitName: string;
  /** The memory Q, K, V and O live in, and its capacity and bandwidth. */
  mainMemory: { name: string; bytes: number; bandwidthBytesPerSecond: number };
  /** Peak bf16 matrix rate (GPUs: on the default instruction path). */
  peakBf16MatrixFlopsPerSecond: number | undefined;
  clockHz: number;
}

/** The headline numbers of a device of any registered kind. */
export function summarizeDevice(spec: DeviceCommon): DeviceSummary {
  return entryOf(spec).summarize(spec);
}

/**
 * One kind of datapath of a device, as every kind describes it: tensor cores on one
 * instruction path, vector lanes, special-function units, a dataflow array's MACs.
 */
export interface ComputeUnit {
  name: string;
  /** What it does: matrix multiply-accumulate, element-wise vector work, or exponentials. */
  role: 'matrix' | 'vector' | 'exp';
  /** The instruction path (GPU tensor cores), or null. */
  path: string | null;
  /** Units that hold one (SMs, compute units of an array). */
  instances: number;
  /** Whole-device rate per operand type: FLOP/s for matrix and vector work, exp/s for exponentials ("any": type-independent). */
  ratesPerSecond: Readonly<Record<string, number>>;
}

/** The compute units of a device of any registered kind. */
export function computeUnits(spec: DeviceCommon): ComputeUnit[] {
  return entryOf(spec).units(spec);
}

function gpuUnits(spec: GpuSpec): ComputeUnit[] {
  const c = spec.compute;
  const defined = (r: Readonly<Record<string, number | undefined>>): Record<string, number> => Object.fromEntries(Object.entries(r).filter((e): e is [string, number] => e[1] !== undefined));
  return [
    ...Object.entries(c.matrixFlopsPerSecond).map(([path, rates]): ComputeUnit => ({ name: `tensor cores (${path})`, role: 'matrix', path, instances: c.sms, ratesPerSecond: defined(rates ?? {}) })),
    { name: 'vector lanes', role: 'vector', path: null, instances: c.sms, ratesPerSecond: defined(c.vectorFlopsPerSecond) },
    { name: 'special-function units', role: 'exp', path: null, instances: c.sms, ratesPerSecond: { any: c.expPerSecond } },
  ];
}

function dataflowUnits(spec: DataflowSpec): ComputeUnit[] {
  const u = spec.units.compute;
  const matrix = peakMatrixFlopsPerSecond(spec);
  const lanes = u.count * u.vectorLanes * spec.clockHz;
  return [
    { name: 'compute units (MACs)', role: 'matrix', path: null, instances: u.count, ratesPerSecond: { bf16: matrix, fp16: matrix } },
    // Map, reduce and exponentials share the same lanes.
    { name: 'compute units (vector lanes)', role: 'vector', path: null, instances: u.count, ratesPerSecond: { any: lanes } },
    { name: 'compute units (exp on the lanes)', role: 'exp', path: null, instances: u.count, ratesPerSecond: { any: lanes } },
  ];
}

/** The memory hierarchy of a device of any registered kind, innermost level first. */
export function memoryLevels(spec: DeviceCommon): MemoryLevel[] {
  return entryOf(spec).levels(spec);
}

function gpuLevels(spec: GpuSpec): MemoryLevel[] {
  const m = spec.memory;
  const cache = (name: string, c: NonNullable<GpuSpec['memory']['llc']>): MemoryLevel => {
    const slices = c.slices ?? 1;
    return {
      name,
      scope: slices > 1 ? 'slice' : 'device',
      instances: slices,
      bytesPerInstance: c.bytes / slices,
      bandwidthBytesPerSecond: c.bandwidthBytesPerSecond,
      latencySeconds: c.latencySeconds,
      readEnergyJoulesPerByte: c.readEnergyJoulesPerByte,
      writeEnergyJoulesPerByte: c.writeEnergyJoulesPerByte,
    };
  };
  return [
    {
      name: 'smem',
      scope: 'unit',
      instances: spec.compute.sms,
      bytesPerInstance: spec.compute.sharedMemoryBytesPerSm,
      bandwidthBytesPerSecond: m.smem.bandwidthBytesPerSecond,
      latencySeconds: null,
      readEnergyJoulesPerByte: m.smem.readEnergyJoulesPerByte,
      writeEnergyJoulesPerByte: m.smem.writeEnergyJoulesPerByte,
    },
    cache('l2', m.l2),
    ...(m.llc ? [cache('llc', m.llc)] : []),
    { ...cache('hbm', m.hbm), scope: 'device', instances: 1, bytesPerInstance: m.hbm.bytes },
  ];
}

function dataflowLevels(spec: DataflowSpec): MemoryLevel[] {
  const units = spec.units.memory.count;
  const onChip: MemoryLevel = {
    name: ON_CHIP,
    scope: 'unit',
    instances: units,
    bytesPerInstance: spec.memory.onChip.bytes / units,
    bandwidthBytesPerSecond: onChipBandwidthBytesPerSecond(spec),
    latencySeconds: spec.units.memory.accessLatencyCycles / spec.clockHz,
    readEnergyJoulesPerByte: spec.memory.onChip.readEnergyJoulesPerByte,
    writeEnergyJoulesPerByte: spec.memory.onChip.writeEnergyJoulesPerByte,
  };
  return [
    onChip,
    ...Object.entries(spec.memory.dram).map(
      ([name, t]): MemoryLevel => ({
        name,
        scope: 'device',
        instances: 1,
        bytesPerInstance: t.bytes,
        bandwidthBytesPerSecond: t.bandwidthBytesPerSecond,
        latencySeconds: t.latencySeconds,
        readEnergyJoulesPerByte: t.readEnergyJoulesPerByte,
        writeEnergyJoulesPerByte: t.writeEnergyJoulesPerByte,
      }),
    ),
  ];
}

function summarizeGpu(spec: GpuSpec): DeviceSummary {
  return {
    kind: 'gpu',
    computeUnits: spec.compute.sms,
    computeUnitName: 'SMs',
    clockHz: spec.compute.clockHz,
    mainMemory: { name: spec.memory.hbm.technology, bytes: spec.memory.hbm.bytes, bandwidthBytesPerSecond: spec.memory.hbm.bandwidthBytesPerSecond },
    peakBf16MatrixFlopsPerSecond: spec.compute.matrixFlopsPerSecond[spec.compute.defaultMatrixPath]?.bf16,
  };
}

function summarizeDataflow(spec: DataflowSpec): DeviceSummary {
  const tier = spec.memory.dram[spec.memory.inputTier];
  return {
    kind: 'dataflow',
    computeUnits: spec.units.compute.count,
    computeUnitName: 'units',
    clockHz: spec.clockHz,
    mainMemory: tier
      ? { name: tier.technology, bytes: tier.bytes, bandwidthBytesPerSecond: tier.bandwidthBytesPerSecond }
      : { name: 'on-chip SRAM', bytes: spec.memory.onChip.bytes, bandwidthBytesPerSecond: onChipBandwidthBytesPerSecond(spec) },
    peakBf16MatrixFlopsPerSecond: peakMatrixFlopsPerSecond(spec),
  };
}

registerDeviceKind<GpuSpec>({
  kind: 'gpu',
  description: 'GPU: SMs with tensor cores, shared memory, L2, HBM',
  listPresets,
  getPreset: (id) => getPreset(id),
  load: (raw, origin) => loadSpec(raw, { requireProvenance: false, origin }),
  summarize: summarizeGpu,
  levels: gpuLevels,
  units: gpuUnits,
});
registerDeviceKind<DataflowSpec>({
  kind: 'dataflow',
  description: 'streaming dataflow accelerator: compute and memory units joined by FIFOs',
  listPresets: listDataflowPresets,
  getPreset: getDataflowPreset,
  load: (raw, origin) => loadDataflowSpec(raw, { requireProvenance: false, origin }),
  summarize: summarizeDataflow,
  levels: dataflowLevels,
  units: dataflowUnits,
});
