import { withFifoDepths, type PipelineGraph } from '../../../workloads/pipelines/graph.js';
import { runCompressed, type CompressOptions } from './compress.js';

/**
 * FIFO sizing: the depths a pipeline needs, and what shallower FIFOs cost. Deeper FIFOs are
 * never slower (the engine is monotone: more room only lets tokens move earlier), so each
 * minimum is found by bisection.
 */

export interface FifoRequirement {
  name: string;
  bypass: boolean;
  tokenBytes: number;
  /** Most tokens it holds with every FIFO unbounded: a depth at which it never stalls its producer. */
  peakUnbounded: number;
  /** Smallest depth that keeps the full-rate cycle count (other FIFOs at their peaks). */
  minFullRateDepth: number;
  /** Smallest depth at which the pipeline completes at all (other FIFOs at their peaks). */
  minRunningDepth: number;
}

export interface FifoRequirements {
  /** Cycles with unbounded FIFOs: the full rate. */
  idealCycles: number;
  fifos: FifoRequirement[];
}

export interface DepthPoint {
  depth: number;
  /** Cycles when it completes, else null. */
  cycles: number | null;
  deadlock: string | null;
}

type Build = (rows: number) => PipelineGraph;

function withDepths(build: Build, depths: Readonly<Record<string, number>>): Build {
  return (rows) => withFifoDepths(build(rows), depths);
}

function run(build: Build, rows: number, options: CompressOptions | undefined): { cycles: number | null; deadlock: string | null } {
  const r = runCompressed(build, rows, options).result;
  return r.completed ? { cycles: r.cycles, deadlock: null } : { cycles: null, deadlock: r.deadlock!.message };
}

/** Smallest d in [lo, hi] with ok(d), given ok(hi) and monotone ok. */
function bisect(lo: number, hi: number, ok: (d: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}

export function fifoRequirements(build: Build, rows: number, options?: CompressOptions): FifoRequirements {
  const sample = build(Math.min(rows, 1));
  const unboundedDepths = Object.fromEntries(sample.fifos.map((f) => [f.name, Number.POSITIVE_INFINITY]));
  const ideal = runCompressed(withDepths(build, unboundedDepths), rows, options).result;
  const peaks = Object.fromEntries(ideal.fifos.map((f) => [f.name, Math.max(1, f.peakOccupancy)]));
  const fifos = ideal.fifos.map((f): FifoRequirement => {
    const at = (depth: number) => run(withDepths(build, { ...peaks, [f.name]: depth }), rows, options);
    const peak = peaks[f.name]!;
    return {
      name: f.name,
      bypass: f.bypass,
      tokenBytes: f.tokenBytes,
      peakUnbounded: peak,
      minFullRateDepth: bisect(1, peak, (d) => at(d).cycles === ideal.cycles),
      minRunningDepth: bisect(1, peak, (d) => at(d).cycles !== null),
    };
  });
  return { idealCycles: ideal.cycles, fifos };
}

/** Cycles (or deadlock) with the named FIFOs all set to each depth; the others keep their depths. */
export function cyclesVsDepth(build: Build, rows: number, fifoNames: readonly string[], depths: readonly number[], options?: CompressOptions): DepthPoint[] {
  return depths.map((depth) => ({ depth, ...run(withDepths(build, Object.fromEntries(fifoNames.map((n) => [n, depth]))), rows, options) }));
}
