import { InputError } from '../../hardware/errors.js';
import { ACCUMULATOR_BYTES, bytesPerElement } from '../dtype.js';
import { tileCoverage } from '../masks/coverage.js';
import { groupSize, type Workload } from '../workload.js';
import type { PipelineParams, SdpaShape } from './builder.js';
import { firingsOf, type PipelineGraph } from './graph.js';
import type { StreamRate, UnitRates } from './rates.js';
import { incrementalSdpaPipeline } from './sdpa-incremental.js';
import { naiveSdpaPipeline } from './sdpa-naive.js';
import { NAIVE_PHASES, naivePhasePipeline } from './sdpa-phases.js';

/**
 * How an attention call of any size is laid onto a dataflow device with limited units and
 * FIFO memory:
 * - The attention is cut into row blocks (blockQ queries against all key blocks); a pipeline
 *   streams its row blocks one after another.
 * - Stages get compute units in proportion to their work so that none starves the others;
 *   one pipeline copy (replica) then takes Σ units, and the device holds as many replicas as
 *   its compute units and FIFO budget allow (spatial parallelism). Replicas working on the
 *   same key/value head share one K stream and one V stream (broadcast).
 * - If one replica needs more units than the device has, stages share units (a longer
 *   initiation interval: time-multiplexing within a configuration).
 * - If the naive pipeline's N+1-deep bypasses do not fit the FIFO budget, it is cut into three
 *   configurations run one after another, with S and E making a round trip through memory.
 */

export const DATAFLOW_KERNELS = ['incremental', 'naive'] as const;
export type DataflowKernel = (typeof DATAFLOW_KERNELS)[number];
export type DataflowStrategy = 'streaming' | 'time-multiplexed';

/** A device's resources in plain numbers (the hardware layer fills this from a dataflow spec). */
export interface DataflowResources {
  computeUnits: number;
  rates: UnitRates;
  fifoBudgetBytes: number;
  /** Where Q, K, V, O (and spills) live: its level name, total bytes per cycle and latency. */
  memory: StreamRate;
  /**
   * The least bandwidth one stream gets: a whole memory unit's port when the tier is on chip
   * (streams own ports), 0 for DRAM (streams share its channels by volume).
   */
  streamFloorBytesPerCycle: number;
  /** The token block the device streams by default. */
  block: { queries: number; keys: number };
}

export interface PlanOptions {
  kernel: DataflowKernel;
  blockQ?: number;
  blockK?: number;
  /** Cap on spatial replicas (default: as many as fit). */
  maxReplicas?: number;
  streamDepth?: number;
  bypassDepth?: number;
  /** Force one configuration or the time-multiplexed phases (naive only); default: streaming if it fits. */
  strategy?: DataflowStrategy;
  /** Simulate every replica instead of one representative (replicas are identical, so the cycles agree). */
  explicitReplicas?: boolean;
}

export interface PlannedPhase {
  name: string;
  /** The pipeline the engine runs, with `rows` row blocks per replica. */
  build: (rows: number) => PipelineGraph;
  /** The same with a single row, for counting work per row block. */
  perRow: PipelineGraph;
  rowsPerReplica: number;
  replicas: number;
  /** Replicas present in `build`'s graph (1 when one stands for all). */
  simulatedReplicas: number;
  unitsPerStage: Record<string, number>;
  computeUnitsUsed: number;
  fifoBytesPerReplica: number;
  /** Bandwidth each stream gets (bytes per cycle), by stream name. */
  streamBytesPerCycle: Record<string, number>;
}

export interface DataflowPlan {
  kernel: DataflowKernel;
  strategy: DataflowStrategy;
  shape: SdpaShape;
  queryBlocks: number;
  /** How the mask falls on the block grid, per batch × head. */
  coverage: { fullBlocks: number; partialBlocks: number; skippedBlocks: number; keptElements: number; computedElements: number; totalElements: number };
  /** The memory level that holds Q, K, V, O and spills. */
  memoryLevel: string;
  /** Row blocks of the whole call: batch × heads × query blocks. */
  totalRowBlocks: number;
  /** Replicas that share one K/V stream (they work on one key/value head). */
  replicasPerKvStream: number;
  /** Passes over K and V: each pass feeds replicasPerKvStream row blocks. */
  kvPasses: number;
  phases: PlannedPhase[];
  /** Configuration changes between phases. */
  reconfigurations: number;
  notes: string[];
}

/** Unit-count search stops after this many doublings of a stage's interval. */
const MAX_SHARING_STEPS = 40;

export function planDataflow(w: Workload, res: DataflowResources, opts: PlanOptions): DataflowPlan {
  if (!DATAFLOW_KERNELS.includes(opts.kernel)) throw new InputError('kernel', `unknown dataflow pipeline "${opts.kernel}"; valid: ${DATAFLOW_KERNELS.join(', ')}`);
  const blockQ = Math.min(opts.blockQ ?? res.block.queries, w.qLen);
  const blockK = Math.min(opts.blockK ?? res.block.keys, w.kvLen);
  const coverage = tileCoverage(w.mask, w.qLen, w.kvLen, blockQ, blockK);
  const visited = coverage.fullTiles + coverage.partialTiles;
  const notes: string[] = [];
  // A pipeline streams rows of equal length; a mask that keeps rows of different lengths is
  // simulated with rows of the average length, which keeps the total work.
  const keyBlocks = Math.max(1, Math.ceil(visited / coverage.qTiles));
  if (visited !== keyBlocks * coverage.qTiles) {
    notes.push(`mask ${w.mask.kind}: rows keep ${visited / coverage.qTiles} key blocks on average; simulated as ${keyBlocks} per row`);
  }
  const shape: SdpaShape = {
    rows: 1,
    keyBlocks,
    blockQ,
    blockK,
    headDim: w.headDim,
    valueHeadDim: w.valueHeadDim,
    elementBytes: bytesPerElement(w.dtype),
    accumulatorBytes: ACCUMULATOR_BYTES,
  };
  const rowBlocksPerKvHead = groupSize(w) * coverage.qTiles;
  const totalRowBlocks = w.batch * w.heads * coverage.qTiles;

  let strategy: DataflowStrategy = opts.strategy ?? 'streaming';
  if (strategy === 'time-multiplexed' && opts.kernel !== 'naive') throw new InputError('strategy', 'only the naive pipeline is cut into time-multiplexed phases');
  const kinds =
    strategy === 'streaming'
      ? [{ name: opts.kernel, make: opts.kernel === 'naive' ? naiveSdpaPipeline : incrementalSdpaPipeline }]
      : NAIVE_PHASES.map((phase) => ({ name: phase, make: (p: PipelineParams) => naivePhasePipeline(phase, p) }));

  const sized = kinds.map((k) => sizePhase(k.make, shape, res, opts));
  if (sized.some((s) => s.fifoBytesPerReplica > res.fifoBudgetBytes)) {
    if (opts.kernel === 'naive' && opts.strategy === undefined) {
      notes.push(
        `the bypass FIFOs (${(sized[0]!.fifoBytesPerReplica / 2 ** 20).toFixed(1)} MiB per replica) exceed the FIFO budget: time-multiplexed into ${NAIVE_PHASES.length} configurations with S and E in memory`,
      );
      strategy = 'time-multiplexed';
      sized.splice(0, sized.length, ...NAIVE_PHASES.map((phase) => sizePhase((p) => naivePhasePipeline(phase, p), shape, res, opts)));
    } else {
      throw new InputError('memory.fifoBudgetBytes', `one replica needs ${sized[0]!.fifoBytesPerReplica} B of FIFOs, more than the budget of ${res.fifoBudgetBytes} B`);
    }
  }
  const phaseNames = strategy === 'streaming' ? [opts.kernel] : [...NAIVE_PHASES];

  // Replicas: as many as units and FIFO memory allow, and no more than there are row blocks.
  let replicas = Math.min(
    ...sized.map((s) => Math.floor(res.computeUnits / s.computeUnitsUsed)),
    ...sized.map((s) => Math.floor(res.fifoBudgetBytes / s.fifoBytesPerReplica)),
    totalRowBlocks,
    opts.maxReplicas ?? Number.POSITIVE_INFINITY,
  );
  replicas = Math.max(1, replicas);
  // Replicas on one K/V stream work on one key/value head; keep the groups full.
  const replicasPerKvStream = Math.min(replicas, rowBlocksPerKvHead);
  replicas -= replicas % replicasPerKvStream;
  const kvStreams = replicas / replicasPerKvStream;
  const rowsPerReplica = Math.ceil(totalRowBlocks / replicas);
  const kvPasses = w.batch * w.kvHeads * Math.ceil(rowBlocksPerKvHead / replicasPerKvStream);
  let simulatedReplicas = 1;
  if (opts.explicitReplicas) {
    if (kvStreams === 1) simulatedReplicas = replicas;
    else notes.push('explicit replicas need one shared K/V stream; simulating one representative replica');
  }
  if (rowsPerReplica * replicas > totalRowBlocks) {
    notes.push(`${totalRowBlocks} row blocks on ${replicas} replicas: the last wave is partly idle`);
  }

  const phases = sized.map((s, i): PlannedPhase => {
    const streamBytesPerCycle = shareBandwidth(s.perRowProvisional, res.memory, res.streamFloorBytesPerCycle, replicas, kvStreams);
    const stream = (name: string): StreamRate => ({
      ...res.memory,
      bytesPerCycle: streamBytesPerCycle[name] ?? res.memory.bytesPerCycle,
      burstBytesPerCycle: res.memory.bytesPerCycle,
    });
    const params = (rows: number, copies: number): PipelineParams => ({
      shape: { ...shape, rows },
      rates: res.rates,
      stream,
      unitsPerStage: s.unitsPerStage,
      replicas: copies,
      ...(opts.streamDepth !== undefined ? { streamDepth: opts.streamDepth } : {}),
      ...(opts.bypassDepth !== undefined ? { bypassDepth: opts.bypassDepth } : {}),
    });
    return {
      name: phaseNames[i]!,
      build: (rows) => s.make(params(rows, simulatedReplicas)),
      perRow: s.make(params(1, 1)),
      rowsPerReplica,
      replicas,
      simulatedReplicas,
      unitsPerStage: s.unitsPerStage,
      computeUnitsUsed: s.computeUnitsUsed,
      fifoBytesPerReplica: s.fifoBytesPerReplica,
      streamBytesPerCycle,
    };
  });
  return {
    kernel: opts.kernel,
    strategy,
    shape,
    queryBlocks: coverage.qTiles,
    totalRowBlocks,
    memoryLevel: res.memory.level,
    coverage: {
      fullBlocks: coverage.fullTiles,
      partialBlocks: coverage.partialTiles,
      skippedBlocks: coverage.skippedTiles,
      keptElements: coverage.keptElements,
      computedElements: coverage.computedElements,
      totalElements: coverage.totalElements,
    },
    replicasPerKvStream,
    kvPasses,
    phases,
    reconfigurations: phases.length - 1,
    notes,
  };
}

interface SizedPhase {
  make: (p: PipelineParams) => PipelineGraph;
  unitsPerStage: Record<string, number>;
  computeUnitsUsed: number;
  fifoBytesPerReplica: number;
  perRowProvisional: PipelineGraph;
}

/**
 * Give each compute stage enough units that it keeps up with the busiest vector stage on one
 * unit (vector stages are the narrow part of SDPA on wide-matmul devices); share units when a
 * replica would need more than the device has.
 */
function sizePhase(make: (p: PipelineParams) => PipelineGraph, shape: SdpaShape, res: DataflowResources, opts: PlanOptions): SizedPhase {
  const unlimited = (): StreamRate => ({ ...res.memory, bytesPerCycle: Number.POSITIVE_INFINITY });
  const depths = {
    ...(opts.streamDepth !== undefined ? { streamDepth: opts.streamDepth } : {}),
    ...(opts.bypassDepth !== undefined ? { bypassDepth: opts.bypassDepth } : {}),
  };
  const single = make({ shape, rates: res.rates, stream: unlimited, ...depths });
  const compute = single.units.filter((u) => u.kind !== 'memory-read' && u.kind !== 'memory-write');
  // Busy cycles per row of each stage on one unit.
  const load = new Map(compute.map((u) => [u.name, firingsOf(u) * u.initiationIntervalCycles]));
  const vectorLoads = compute.filter((u) => u.kind !== 'matmul').map((u) => load.get(u.name)!);
  let target = Math.max(1, ...vectorLoads);
  let unitsPerStage: Record<string, number> = {};
  for (let step = 0; step < MAX_SHARING_STEPS; step++) {
    unitsPerStage = Object.fromEntries(compute.map((u) => [u.name, Math.max(1, Math.ceil(load.get(u.name)! / target))]));
    const used = Object.values(unitsPerStage).reduce((a, b) => a + b, 0);
    if (used <= res.computeUnits) break;
    target *= 2;
  }
  const computeUnitsUsed = Object.values(unitsPerStage).reduce((a, b) => a + b, 0);
  if (computeUnitsUsed > res.computeUnits) {
    throw new InputError('units.compute.count', `one ${single.name} pipeline needs ${computeUnitsUsed} compute units; the device has ${res.computeUnits}`);
  }
  const perRowProvisional = make({ shape, rates: res.rates, stream: unlimited, unitsPerStage, ...depths });
  const fifoBytesPerReplica = perRowProvisional.fifos.reduce((sum, f) => sum + (Number.isFinite(f.depth) ? f.depth * f.tokenBytes : 0), 0);
  return { make, unitsPerStage, computeUnitsUsed, fifoBytesPerReplica, perRowProvisional };
}

/**
 * Bandwidth of the memory tier split among the streams running at once in proportion to the
 * bytes each moves (what a compiler that knows the volumes would allocate): broadcast streams
 * run once per K/V group, the others once per replica. No stream gets less than `floor`.
 */
function shareBandwidth(perRow: PipelineGraph, tier: StreamRate, floor: number, replicas: number, kvStreams: number): Record<string, number> {
  const volume = new Map<string, number>();
  let total = 0;
  for (const u of perRow.units) {
    if (!u.memory) continue;
    const copies = u.memory.broadcast ? kvStreams : replicas;
    const bytes = firingsOf(u) * u.memory.bytesPerFiring;
    volume.set(u.memory.stream, (volume.get(u.memory.stream) ?? 0) + bytes);
    total += bytes * copies;
  }
  const out: Record<string, number> = {};
  for (const [stream, bytes] of volume) out[stream] = Math.max(floor, total > 0 ? (tier.bytesPerCycle * bytes) / total : tier.bytesPerCycle);
  return out;
}
