import { summarizeDevice, type DeviceSpec } from '../../hardware/device.js';
import { ON_CHIP, onChipBandwidthBytesPerSecond, type DataflowSpec } from '../../hardware/dataflow/schema.js';
import type { GpuSpec, MatrixPath } from '../../hardware/schema.js';
import type { Report } from '../../sim/report.js';

/**
 * The memory levels a roofline draws a bandwidth ceiling for, from the compute units outward.
 * A dataflow device fills two of them: `smem` is its on-chip memory, `hbm` its DRAM (a report's
 * `bytes` keeps the same keys for every kind).
 */
export const MEMORY_LEVELS = ['smem', 'l2', 'hbm'] as const;
export type MemoryLevel = (typeof MEMORY_LEVELS)[number];

export const LEVEL_NAMES: Readonly<Record<MemoryLevel, string>> = { smem: 'shared memory', l2: 'L2', hbm: 'HBM' };

/** What each level is on each kind of device; a level a kind lacks is absent. */
const KIND_LEVEL_NAMES: Readonly<Record<string, Partial<Record<MemoryLevel, string>>>> = {
  gpu: LEVEL_NAMES,
  dataflow: { smem: 'on-chip', hbm: 'DRAM' },
};
/** Any other registered kind is drawn by its headline numbers: the memory its inputs live in. */
const OTHER_KIND_LEVEL_NAMES: Partial<Record<MemoryLevel, string>> = { hbm: 'main memory' };
/** Shorter GPU names for charts that also show a dataflow device, so that joined names fit a legend row. */
const SHORT_GPU_NAMES: Readonly<Record<MemoryLevel, string>> = { smem: 'smem', l2: 'L2', hbm: 'HBM' };

/** The device kind a report of a built-in kind was simulated on (the dataflow engine fills `dataflow`). */
export function reportKind(report: Report): string {
  return report.dataflow !== undefined ? 'dataflow' : 'gpu';
}

/**
 * Names of the memory levels on a chart of devices of these kinds, in MEMORY_LEVELS order: a
 * level no kind has is left out, and a level two kinds have is named for both ("HBM / DRAM").
 */
export function levelNamesFor(kinds: Iterable<string>): Array<[MemoryLevel, string]> {
  const present = [...new Set(kinds)].sort((a, b) => (a === 'gpu' ? -1 : b === 'gpu' ? 1 : a.localeCompare(b)));
  const mixed = present.length > 1;
  const out: Array<[MemoryLevel, string]> = [];
  for (const level of MEMORY_LEVELS) {
    const names = present.map((k) => (k === 'gpu' && mixed ? SHORT_GPU_NAMES : (KIND_LEVEL_NAMES[k] ?? OTHER_KIND_LEVEL_NAMES))[level]).filter((n): n is string => n !== undefined);
    if (names.length > 0) out.push([level, names.join(' / ')]);
  }
  return out;
}

/** A slanted ceiling: performance ≤ bandwidth × intensity. */
export interface MemoryCeiling {
  level: MemoryLevel;
  label: string;
  bandwidthBytesPerSecond: number;
}

/** A flat ceiling: one compute path's peak rate. */
export interface ComputeCeiling {
  /** `tensor` paths are per instruction path and dtype (a dataflow device's MAC array); `vector` is fp32 FMA work; `exp` counts exponentials as one op each. */
  kind: 'tensor' | 'vector' | 'exp';
  label: string;
  opsPerSecond: number;
}

/** One kernel launch (a dataflow device: the whole call) seen from one memory level. */
export interface RooflinePoint {
  launch: string;
  level: MemoryLevel;
  /** Executed FLOPs (tensor + vector) per byte moved at `level`. */
  intensityFlopsPerByte: number;
  achievedFlopsPerSecond: number;
  bound: string;
}

/** Everything one hardware preset contributes to a (possibly overlaid) roofline. */
export interface RooflineSeries {
  hardwareId: string;
  /** The device kind ("gpu", "dataflow"), which names its memory levels. */
  kind: string;
  /** The machine's full name (the legend shows the shorter id). */
  label: string;
  memory: MemoryCeiling[];
  compute: ComputeCeiling[];
  points: RooflinePoint[];
}

/** Ceilings of one spec: every memory level and every compute path it declares. */
export function ceilingsOf(spec: DeviceSpec): Pick<RooflineSeries, 'memory' | 'compute'> {
  if (spec.kind === 'gpu') return gpuCeilings(spec);
  if (spec.kind === 'dataflow') return dataflowCeilings(spec);
  return headlineCeilings(spec);
}

function gpuCeilings(spec: GpuSpec): Pick<RooflineSeries, 'memory' | 'compute'> {
  const memory = MEMORY_LEVELS.map((level) => ({
    level,
    label: LEVEL_NAMES[level],
    bandwidthBytesPerSecond: spec.memory[level].bandwidthBytesPerSecond,
  }));
  const compute: ComputeCeiling[] = [];
  for (const [path, byDtype] of Object.entries(spec.compute.matrixFlopsPerSecond) as Array<[MatrixPath, Record<string, number>]>) {
    // Types that run at one rate on a path (bf16 and fp16) share one line: "wgmma bf16/fp16".
    const byRate = new Map<number, string[]>();
    for (const [dtype, rate] of Object.entries(byDtype)) byRate.set(rate, [...(byRate.get(rate) ?? []), dtype]);
    for (const [rate, dtypes] of byRate) compute.push({ kind: 'tensor', label: `${path} ${dtypes.join('/')}`, opsPerSecond: rate });
  }
  compute.push({ kind: 'vector', label: 'vector fp32', opsPerSecond: spec.compute.vectorFlopsPerSecond.fp32 });
  compute.push({ kind: 'exp', label: 'exp', opsPerSecond: spec.compute.expPerSecond });
  return { memory, compute };
}

/**
 * A dataflow device: its peak matrix rate under the bandwidth of the memory Q, K, V and O live
 * in, with the on-chip memory units' bandwidth as the second ceiling. A device whose inputs live
 * on chip has that one memory ceiling only.
 */
function dataflowCeilings(spec: DataflowSpec): Pick<RooflineSeries, 'memory' | 'compute'> {
  const memory: MemoryCeiling[] = [{ level: 'smem', label: 'on-chip SRAM', bandwidthBytesPerSecond: onChipBandwidthBytesPerSecond(spec) }];
  const headline = headlineCeilings(spec);
  if (spec.memory.inputTier !== ON_CHIP) memory.push(...headline.memory);
  return { memory, compute: headline.compute };
}

/** Any kind, from its headline numbers: the main memory's bandwidth and the peak bf16 matrix rate. */
function headlineCeilings(spec: DeviceSpec): Pick<RooflineSeries, 'memory' | 'compute'> {
  const summary = summarizeDevice(spec);
  const peak = summary.peakBf16MatrixFlopsPerSecond;
  return {
    memory: [{ level: 'hbm', label: summary.mainMemory.name, bandwidthBytesPerSecond: summary.mainMemory.bandwidthBytesPerSecond }],
    compute: peak !== undefined ? [{ kind: 'tensor', label: 'matrix bf16', opsPerSecond: peak }] : [],
  };
}

/**
 * Where the report sits under the spec's ceilings: a GPU report gives one point per launch and
 * memory level; a dataflow report has no launches (its phases carry no byte counts of their
 * own), so the whole call is one point per level it moved bytes at (on-chip `smem`, DRAM `hbm`).
 */
export function rooflineSeries(spec: DeviceSpec, report: Report): RooflineSeries {
  const points: RooflinePoint[] = [];
  const launches =
    spec.kind === 'gpu'
      ? report.breakdown.map((l) => ({ name: l.name, flops: l.flops, bytes: l.bytes, latencySeconds: l.latencySeconds, bound: l.bound as string }))
      : [{ name: report.kernel.id, flops: report.flops, bytes: report.bytes, latencySeconds: report.latencySeconds, bound: report.bound as string }];
  for (const launch of launches) {
    const flops = launch.flops.matrix + launch.flops.vector;
    if (flops <= 0 || launch.latencySeconds <= 0) continue;
    for (const level of MEMORY_LEVELS) {
      const bytes = launch.bytes[level].read + launch.bytes[level].write;
      // A launch that moves nothing at a level has no intensity there (it is off the chart).
      if (bytes <= 0) continue;
      points.push({
        launch: launch.name,
        level,
        intensityFlopsPerByte: flops / bytes,
        achievedFlopsPerSecond: flops / launch.latencySeconds,
        bound: launch.bound,
      });
    }
  }
  return { hardwareId: spec.id, kind: spec.kind, label: spec.name, ...ceilingsOf(spec), points };
}

/** The name of a series' memory level, as its ceiling is labelled. */
export function levelLabel(series: RooflineSeries, level: MemoryLevel): string {
  return series.memory.find((m) => m.level === level)?.label ?? LEVEL_NAMES[level];
}
