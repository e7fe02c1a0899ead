import { memoryLevels } from '../../../hardware/device.js';
import { ON_CHIP, onChipBandwidthBytesPerSecond, peakMatrixFlopsPerSecond, type DataflowSpec } from '../../../hardware/dataflow/schema.js';
import { withFifoDepths, type PipelineGraph } from '../../../workloads/pipelines/graph.js';
import { planDataflow, type DataflowKernel, type DataflowPlan, type PlanOptions, type PlannedPhase } from '../../../workloads/pipelines/tiling.js';
import type { Workload } from '../../../workloads/workload.js';
import { applyPowerCap, type Bound } from '../../costs/latency.js';
import { InputError } from '../../../hardware/errors.js';
import type { Report } from '../../report.js';
import type { ReadWrite } from '../../counts.js';
import { buildReport } from '../../report-builder.js';
import { runCompressed, type CompressOptions } from './compress.js';
import { countPipeline, zeroDataflowCounts } from './counts.js';
import type { DataflowPhaseDetails } from './details.js';
import type { RunResult, UnitStats } from './engine.js';
import { dataflowEnergy } from './energy.js';
import { resourcesOf } from './resources.js';

/**
 * A dataflow device runs an attention call: plan the pipeline (tiling, replicas, phases),
 * simulate each phase cycle by cycle (compressed over its repeating rows), count the work,
 * cost it, and fill the one report every front end reads.
 */

/** The planner's knobs (tiling, replicas, FIFO depths, strategy), plus the engine's. */
export interface DataflowOptions extends Omit<PlanOptions, 'kernel'> {
  /** Engine and compression settings (tests force full runs with a high exactRowLimit). */
  engine?: CompressOptions;
}

export interface DataflowRequest {
  hardware: DataflowSpec;
  workload: Workload;
  /** "incremental" (FlashAttention-style, O(1) FIFOs) or "naive" (row reductions with N+1 bypasses). */
  kernel: string;
  options?: DataflowOptions;
}

/** Kernel ids the dataflow engine accepts, and the pipeline each means. */
const KERNEL_ALIASES: Readonly<Record<string, DataflowKernel>> = {
  incremental: 'incremental',
  'dataflow-incremental': 'incremental',
  // FlashAttention is the incremental softmax: the same algorithm on a dataflow device.
  fa2: 'incremental',
  fa3: 'incremental',
  naive: 'naive',
  'dataflow-naive': 'naive',
};

const DESCRIPTIONS: Readonly<Record<DataflowKernel, string>> = {
  incremental: 'streaming SDPA with incremental softmax (running max, rescaled running sums, one final divide): O(1) FIFO depths',
  naive: 'streaming SDPA, QKᵀ → row max → subtract/exp → row sum → divide → ·V, with N+1-deep bypass FIFOs around the row reductions',
};

/** Kernel ids a dataflow device accepts, with the pipeline each means. */
export function dataflowKernelAliases(): Readonly<Record<string, DataflowKernel>> {
  return KERNEL_ALIASES;
}

export function isDataflowKernel(id: string): boolean {
  return Object.hasOwn(KERNEL_ALIASES, id);
}

/** The pipeline a kernel id means; `field` names where the id came from (a request field or a flag). */
export function dataflowKernelOf(kernel: string, field = 'kernel'): DataflowKernel {
  const k = Object.hasOwn(KERNEL_ALIASES, kernel) ? KERNEL_ALIASES[kernel] : undefined;
  if (!k) throw new InputError(field, `unknown pipeline "${kernel}" for a dataflow device; valid: ${Object.keys(KERNEL_ALIASES).join(', ')}`);
  return k;
}

/**
 * Most query blocks per sequence a plan takes. Planning classifies every query block of the
 * sequence against the mask, ~8 µs each (measured: 2^20 one-token blocks of a causal 1M-token
 * prefill in 7.8 s on a busy 2-core machine), so this many already take seconds before the first
 * event; a longer sequence is planned with larger blocks.
 */
export const MAX_QUERY_BLOCKS = 2 ** 20;

export function simulateDataflow(request: DataflowRequest): Report {
  const { hardware: spec, workload: w } = request;
  const kernel = dataflowKernelOf(request.kernel);
  const { engine, ...planOptions } = request.options ?? {};
  const resources = resourcesOf(spec);
  const blockQ = Math.min(planOptions.blockQ ?? resources.block.queries, w.qLen);
  const queryBlocks = Math.ceil(w.qLen / blockQ);
  if (queryBlocks > MAX_QUERY_BLOCKS) {
    throw new InputError(
      'workload',
      `${w.qLen} queries in ${blockQ}-query blocks are ${queryBlocks} query blocks per sequence, above the dataflow planner's limit of ` +
        `${MAX_QUERY_BLOCKS} (2^20, seconds of planning already); use a shorter sequence or larger query blocks`,
    );
  }
  const plan = planDataflow(w, resources, { ...planOptions, kernel });

  const phases = plan.phases.map((phase) => simulatePhase(phase, plan.memoryLevel, spec, engine));
  const counts = zeroDataflowCounts();
  for (const phase of plan.phases) countPipeline(phase.perRow, plan.totalRowBlocks, plan.kvPasses, counts);
  const reconfigurationSeconds = plan.reconfigurations * spec.reconfigurationSeconds;
  const cycles = phases.reduce((sum, p) => sum + p.cycles, 0);
  const warnings = [...plan.notes];
  let latency = cycles / spec.clockHz + reconfigurationSeconds;
  let bound = boundOf(phases.reduce((a, b) => (b.cycles > a.cycles ? b : a)));
  const rooflineBound = bound;
  // A device cannot draw more than its power limit: clocks drop until the work fits under it.
  const atFullSpeed = dataflowEnergy(counts, latency, spec);
  const cap = applyPowerCap(latency, atFullSpeed, spec);
  if (cap.warning !== null) {
    warnings.push(cap.warning);
    latency = cap.seconds;
    bound = 'power';
  }
  const energy = dataflowEnergy(counts, latency, spec);

  const onChip = counts.bytes[ON_CHIP] ?? { read: 0, write: 0 };
  const dram: ReadWrite = { read: 0, write: 0 };
  for (const [level, rw] of Object.entries(counts.bytes)) {
    if (level === ON_CHIP) continue;
    dram.read += rw.read;
    dram.write += rw.write;
  }
  const matrixFlops = 2 * counts.macs;
  const useful = usefulFlops(w, plan);

  const dramBandwidth = Object.values(spec.memory.dram).reduce((sum, t) => sum + t.bandwidthBytesPerSecond, 0);
  const elementBytes = plan.shape.elementBytes;
  const compulsory = {
    read: w.batch * (w.heads * w.qLen * w.headDim + w.kvHeads * w.kvLen * (w.headDim + w.valueHeadDim)) * elementBytes,
    write: w.batch * w.heads * w.qLen * w.valueHeadDim * elementBytes,
  };
  if (phases.some((p) => p.method === 'slope')) warnings.push('a phase showed no exact steady-state period; its cycles are extrapolated from the average slope');
  return buildReport({
    engine: 'dataflow-cycle',
    hardware: { id: spec.id, name: spec.name },
    kernel: { id: `dataflow-${kernel}`, description: DESCRIPTIONS[kernel] + (plan.strategy === 'time-multiplexed' ? ', time-multiplexed into 3 configurations' : '') },
    workload: w,
    latencySeconds: latency,
    energy,
    bound,
    rooflineBound,
    flops: { matrix: matrixFlops, vector: counts.vectorOps, exp: counts.exps, useful },
    bytes: { hbm: dram, l2: { read: 0, write: 0 }, smem: onChip },
    levels: memoryLevels(spec),
    // The engine counts every level: a DRAM tier the plan does not touch moved nothing.
    bytesByLevel: { [ON_CHIP]: onChip, ...Object.fromEntries(Object.keys(spec.memory.dram).map((tier) => [tier, counts.bytes[tier] ?? { read: 0, write: 0 }])) },
    compulsoryBytes: compulsory,
    matrixCapacityFlops: peakMatrixFlopsPerSecond(spec) * latency,
    bandwidth: { hbm: dramBandwidth, l2: 0, smem: onChipBandwidthBytesPerSecond(spec) },
    tiles: tilesOf(plan),
    breakdown: [],
    warnings,
    dataflow: {
      kernel,
      strategy: plan.strategy,
      clockHz: spec.clockHz,
      cycles,
      block: { queries: plan.shape.blockQ, keys: plan.shape.blockK },
      keyBlocksPerRow: plan.shape.keyBlocks,
      queryBlocks: plan.queryBlocks,
      totalRowBlocks: plan.totalRowBlocks,
      replicas: plan.phases[0]!.replicas,
      replicasPerKvStream: plan.replicasPerKvStream,
      kvPasses: plan.kvPasses,
      reconfigurations: plan.reconfigurations,
      reconfigurationSeconds,
      bytesByLevel: counts.bytes,
      phases,
    },
  });
}

/** Simulate one phase: its bounded run and, to see what the FIFOs cost, the same with unbounded FIFOs. */
function simulatePhase(phase: PlannedPhase, memoryLevel: string, spec: DataflowSpec, engine: CompressOptions | undefined): DataflowPhaseDetails {
  const run = runCompressed(phase.build, phase.rowsPerReplica, engine);
  const result = run.result;
  if (!result.completed) throw new InputError('fifo', `${result.pipeline}: ${result.deadlock!.message}`);
  const unbounded = (rows: number): PipelineGraph => {
    const g = phase.build(rows);
    return withFifoDepths(g, Object.fromEntries(g.fifos.map((f) => [f.name, Number.POSITIVE_INFINITY])));
  };
  const ideal = runCompressed(unbounded, phase.rowsPerReplica, engine).result.cycles;
  return {
    name: phase.name,
    pipeline: result.pipeline,
    cycles: result.cycles,
    idealCycles: ideal,
    seconds: result.cycles / spec.clockHz,
    rowsPerReplica: phase.rowsPerReplica,
    replicas: phase.replicas,
    simulatedReplicas: phase.simulatedReplicas,
    simulatedRows: run.simulatedRows,
    method: run.method,
    cyclesPerRow: run.cyclesPerRow,
    computeUnitsPerReplica: phase.computeUnitsUsed,
    unitsPerStage: phase.unitsPerStage,
    fifoBytesPerReplica: phase.fifoBytesPerReplica,
    streamBytesPerCycle: phase.streamBytesPerCycle,
    memoryLevel,
    limiter: limiterOf(result, ideal),
    units: result.units,
    fifos: result.fifos,
    events: result.events,
  };
}

/**
 * The busiest unit names what limits a phase, unless bounded FIFOs made it slower than unbounded
 * ones. On a tie a compute unit wins (a stream that keeps pace with its consumer at one token
 * per cycle is not what limits it), then the unit with more firings (streams sharing memory
 * bandwidth by volume are all equally busy; the big one is the one worth naming).
 */
function limiterOf(result: RunResult, idealCycles: number): string {
  if (result.cycles > idealCycles) return 'fifo';
  const isMemory = (kind: string) => (kind === 'memory-read' || kind === 'memory-write' ? 1 : 0);
  const busy = (u: UnitStats) => Math.round(u.utilization * UTILIZATION_RESOLUTION);
  const ranked = [...result.units].sort((a, b) => busy(b) - busy(a) || isMemory(a.kind) - isMemory(b.kind) || b.firings - a.firings);
  return ranked[0]!.name;
}

/** Utilizations closer than one part in a million count as a tie. */
const UTILIZATION_RESOLUTION = 1e6;

function boundOf(phase: DataflowPhaseDetails): Bound {
  if (phase.limiter === 'fifo') return 'fifo';
  const unit = phase.units.find((u) => u.name === phase.limiter)!;
  if (unit.kind === 'memory-read' || unit.kind === 'memory-write') return phase.memoryLevel === ON_CHIP ? 'smem' : 'dram';
  return unit.kind === 'matmul' ? 'compute' : 'softmax';
}

/** 2·(d + dv) per kept (query, key) pair: the work the attention needs. */
function usefulFlops(w: Workload, plan: DataflowPlan): number {
  return 2 * (w.headDim + w.valueHeadDim) * plan.coverage.keptElements * w.batch * w.heads;
}

function tilesOf(plan: DataflowPlan): Report['tiles'] {
  const c = plan.coverage;
  return {
    tileQ: plan.shape.blockQ,
    tileK: plan.shape.blockK,
    full: c.fullBlocks,
    partial: c.partialBlocks,
    skipped: c.skippedBlocks,
    keptFraction: c.keptElements / c.totalElements,
    computedFraction: c.computedElements / c.totalElements,
  };
}
