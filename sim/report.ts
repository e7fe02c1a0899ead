import type { Workload } from '../workloads/workload.js';
import type { EnergyBreakdown } from './costs/energy.js';
import type { Bound } from './costs/latency.js';
import type { ReadWrite } from './counts.js';
import type { DataflowDetails } from './engines/dataflow/details.js';
import type { Timeline } from './engines/gpu-cycle/timeline.js';

/** One kernel launch of the call, as the engine saw it. */
export interface LaunchReport {
  name: string;
  role: string;
  matrixPath: string | null;
  tileQ: number | null;
  tileK: number | null;
  ctaCount: number;
  persistent: boolean;
  threadsPerCta: number;
  sharedBytesPerCta: number;
  registersPerThread: number;
  ctasPerSm: number;
  occupancyLimiter: string;
  waves: number;
  latencySeconds: number;
  bound: Bound;
  /** What would bound it at full clocks; differs from `bound` when the power limit slows it. */
  rooflineBound: Bound;
  /** Time each resource would need on its own; the largest decides. */
  boundSeconds: { compute: number; hbm: number; l2: number; smem: number; fixed: number };
  matrixSeconds: number;
  softmaxSeconds: number;
  /** The compute term with the work spread evenly over every SM: no wave tail, no longest CTA. */
  balancedComputeSeconds: number;
  flops: { matrix: number; vector: number; exp: number };
  bytes: { hbm: ReadWrite; l2: ReadWrite; smem: ReadWrite };
  energyJoules: number;
}

export interface MemoryLevelReport {
  level: string;
  scope: 'unit' | 'slice' | 'device';
  read: number | null;
  write: number | null;
  utilization: number | null;
}

/** The one result type: what `--json` prints, and what every front end consumes. */
export interface Report {
  engine: string;
  hardware: { id: string; name: string };
  kernel: { id: string; description: string };
  workload: Workload;
  latencySeconds: number;
  energyJoules: number;
  averagePowerWatts: number;
  /** What limits the call: a roofline resource, launch overhead, or the board's power limit. */
  bound: Bound;
  /** What would limit it at full clocks (differs from `bound` when power-limited). */
  rooflineBound: Bound;
  flops: {
    /** Tensor-core FLOPs executed, padding and masked parts included. */
    matrix: number;
    vector: number;
    /** Exponentials. */
    exp: number;
    /** 2·(d + dv) per kept (query, key) pair: the work the attention needs. */
    useful: number;
  };
  bytes: { hbm: ReadWrite; l2: ReadWrite; smem: ReadWrite };
  /**
   * Every level of the device's memory, innermost first (hardware/device.ts memoryLevels): the
   * bytes the engine counted there, and the share of the level's bandwidth over the call; null
   * where the engine does not count the level (an LLC no engine models yet).
   */
  memory: MemoryLevelReport[];
  /** Each input read once, each output written once. */
  compulsoryBytes: ReadWrite;
  achievedFlopsPerSecond: number;
  /** Useful FLOPs per byte moved at each level. */
  arithmeticIntensity: { hbm: number; l2: number; smem: number };
  /** Fraction of each ceiling used over the whole call. */
  utilization: { matrix: number; hbm: number; l2: number; smem: number };
  energy: EnergyBreakdown;
  /** How the mask falls on the main loop's tiles (per batch × head). */
  tiles: { tileQ: number; tileK: number; full: number; partial: number; skipped: number; keptFraction: number; computedFraction: number } | null;
  breakdown: LaunchReport[];
  warnings: string[];
  /** From the dataflow cycle engine: the pipeline plan, per-unit utilization, per-FIFO peaks. */
  dataflow?: DataflowDetails;
  /** From the GPU cycle engine, when asked for (--trace): CTA spans per SM, HBM and L2 counters. */
  timeline?: Timeline;
}
