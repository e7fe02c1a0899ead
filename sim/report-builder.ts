import type { MemoryLevel } from '../hardware/device.js';
import { InputError } from '../hardware/errors.js';
import type { Workload } from '../workloads/workload.js';
import type { EnergyBreakdown } from './costs/energy.js';
import type { Bound } from './costs/latency.js';
import { totalBytes, type ReadWrite } from './counts.js';
import type { DataflowDetails } from './engines/dataflow/details.js';
import type { Timeline } from './engines/gpu-cycle/timeline.js';
import type { LaunchReport, Report } from './report.js';

/** What an engine and its costs found; `buildReport` derives the rest of the report from it. */
export interface ReportInput {
  engine: string;
  hardware: { id: string; name: string };
  kernel: { id: string; description: string };
  workload: Workload;
  latencySeconds: number;
  energy: EnergyBreakdown;
  bound: Bound;
  rooflineBound: Bound;
  flops: Report['flops'];
  bytes: { hbm: ReadWrite; l2: ReadWrite; smem: ReadWrite };
  /** The device's memory levels, innermost first, and the bytes the engine counted at each (by level name). */
  levels: readonly MemoryLevel[];
  bytesByLevel: Readonly<Record<string, ReadWrite>>;
  compulsoryBytes: ReadWrite;
  /** Matrix FLOPs the device's matrix units could have done in the call's time. */
  matrixCapacityFlops: number;
  /** Bandwidth of each level, bytes/s; 0 where the device has no such level. */
  bandwidth: { hbm: number; l2: number; smem: number };
  tiles: Report['tiles'];
  breakdown: LaunchReport[];
  warnings: string[];
  dataflow?: DataflowDetails;
  timeline?: Timeline;
}

/**
 * The one report builder every engine's result goes through: power, achieved rate, intensity
 * and utilization are derived here the same way for every device kind, and no report leaves
 * with a number that is not finite.
 */
export function buildReport(input: ReportInput): Report {
  const { latencySeconds: latency, flops, bytes, bandwidth } = input;
  const moved = { hbm: totalBytes(bytes.hbm), l2: totalBytes(bytes.l2), smem: totalBytes(bytes.smem) };
  const use = (level: 'hbm' | 'l2' | 'smem') => (bandwidth[level] > 0 ? moved[level] / (bandwidth[level] * latency) : 0);
  const report: Report = {
    engine: input.engine,
    hardware: input.hardware,
    kernel: input.kernel,
    workload: input.workload,
    latencySeconds: latency,
    energyJoules: input.energy.total,
    averagePowerWatts: input.energy.total / latency,
    bound: input.bound,
    rooflineBound: input.rooflineBound,
    flops,
    bytes,
    memory: input.levels.map((l) => {
      const rw = Object.hasOwn(input.bytesByLevel, l.name) ? input.bytesByLevel[l.name]! : null;
      return {
        level: l.name,
        scope: l.scope,
        read: rw ? rw.read : null,
        write: rw ? rw.write : null,
        utilization: rw ? (l.bandwidthBytesPerSecond > 0 ? totalBytes(rw) / (l.bandwidthBytesPerSecond * latency) : 0) : null,
      };
    }),
    compulsoryBytes: input.compulsoryBytes,
    achievedFlopsPerSecond: flops.useful / latency,
    arithmeticIntensity: { hbm: safeRatio(flops.useful, moved.hbm), l2: safeRatio(flops.useful, moved.l2), smem: safeRatio(flops.useful, moved.smem) },
    utilization: { matrix: safeRatio(flops.matrix, input.matrixCapacityFlops), hbm: use('hbm'), l2: use('l2'), smem: use('smem') },
    energy: input.energy,
    tiles: input.tiles,
    breakdown: input.breakdown,
    warnings: input.warnings,
    ...(input.dataflow ? { dataflow: input.dataflow } : {}),
    ...(input.timeline ? { timeline: input.timeline } : {}),
  };
  const bad = firstNonFinite(report, '');
  if (bad !== null) throw new InputError('hardware', `the prediction is not a finite number (${bad.path} = ${bad.value}): a spec number is too small or too large to give one`);
  return report;
}

function firstNonFinite(node: unknown, path: string): { path: string; value: number } | null {
  if (typeof node === 'number') return Number.isFinite(node) ? null : { path, value: node };
  if (node === null || typeof node !== 'object' || path === 'timeline') return null;
  for (const [key, child] of Object.entries(node)) {
    const found = firstNonFinite(child, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

function safeRatio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}
