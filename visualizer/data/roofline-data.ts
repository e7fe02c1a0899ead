import type { GpuSpec, MatrixPath } from '../../hardware/schema.js';
import type { Report } from '../../sim/report.js';

/** The memory levels a roofline draws a bandwidth ceiling for, from the SMs outward. */
export const MEMORY_LEVELS = ['smem', 'l2', 'hbm'] as const;
export type MemoryLevel = (typeof MEMORY_LEVELS)[number];

export const LEVEL_NAMES: Readonly<Record<MemoryLevel, string>> = { smem: 'shared memory', l2: 'L2', hbm: 'HBM' };

/** A slanted ceiling: performance ≤ bandwidth × intensity. */
export interface MemoryCeiling {
  level: MemoryLevel;
  label: string;
  bandwidthBytesPerSecond: number;
}

/** A flat ceiling: one compute path's peak rate. */
export interface ComputeCeiling {
  /** `tensor` paths are per instruction path and dtype; `vector` is fp32 FMA work; `exp` counts exponentials as one op each. */
  kind: 'tensor' | 'vector' | 'exp';
  label: string;
  opsPerSecond: number;
}

/** One kernel launch seen from one memory level. */
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
  /** The machine's full name (the legend shows the shorter id). */
  label: string;
  memory: MemoryCeiling[];
  compute: ComputeCeiling[];
  points: RooflinePoint[];
}

/** Ceilings of one spec: every memory level and every compute path it declares. */
export function ceilingsOf(spec: GpuSpec): Pick<RooflineSeries, 'memory' | 'compute'> {
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

/** One point per launch per memory level: where the report's launches sit under the spec's ceilings. */
export function rooflineSeries(spec: GpuSpec, report: Report): RooflineSeries {
  const points: RooflinePoint[] = [];
  for (const launch of report.breakdown) {
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
  return { hardwareId: spec.id, label: spec.name, ...ceilingsOf(spec), points };
}
