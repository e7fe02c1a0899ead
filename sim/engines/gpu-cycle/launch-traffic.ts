import type { GpuSpec } from '../../../hardware/schema.js';
import { bytesPerElement } from '../../../workloads/dtype.js';
import type { Workload } from '../../../workloads/workload.js';
import { ctaSeconds } from '../../costs/latency.js';
import type { LaunchPlan } from '../../kernels/plan.js';
import type { PhaseCost } from './fluid-sms.js';
import { roomPerByte, type Blocks, type L2Cache } from './l2-cache.js';
import { pipelinedSeconds } from './pipeline.js';
import { chunkOfPhase, type TileOrder } from './tile-order.js';

/**
 * What each phase of each tile of one launch moves and costs: the per-class costs of its work,
 * and the L2 lookups that decide, phase by phase in simulated time, which bytes come from HBM.
 * The fluid SM model (fluid-sms.ts) asks for a tile's phases as they start.
 */

/** One work class's cost, the same for every tile of the class: computed once per class. */
export interface ClassCost {
  /** Cycles of work on the SM (the pipelined main loop). */
  cycles: number;
  /**
   * Cycles the tile waits with nothing to compute, not holding its SM: its prologue (Q and the
   * first K/V tile on their way; the calibrated per-tile overhead) before its first phase, and
   * the loop's exposed round trips (iterationStallSeconds) spread over its phases. CTAs beside
   * it on the SM hide them; a CTA alone does not.
   */
  prologueCycles: number;
  stallCycles: number;
  readBytes: number;
  writeBytes: number;
  matrixSeconds: number;
  softmaxSeconds: number;
  stallSeconds: number;
}

export function classCosts(launch: LaunchPlan, spec: GpuSpec): ClassCost[] {
  const perSmL2BytesPerSecond = spec.memory.l2.bandwidthBytesPerSecond / spec.compute.sms;
  return launch.work.map((work) => {
    const t = ctaSeconds(work, launch, spec);
    const overhead = launch.tileOverheadSeconds ?? 0;
    const stalls = work.iterations * (launch.iterationStallSeconds ?? 0);
    const core = Math.max(0, t.total - overhead - stalls);
    const iterations = Math.max(1, work.iterations);
    // The main loop's loads come through this SM's share of the L2 bandwidth, overlapped with
    // the previous iteration's math; HBM misses are slowed further chip-wide (fluid-sms.ts).
    const load = work.globalReadBytes / iterations / perSmL2BytesPerSecond;
    return {
      cycles: pipelinedSeconds(iterations, load, core / iterations) * spec.compute.clockHz,
      prologueCycles: overhead * spec.compute.clockHz,
      stallCycles: stalls * spec.compute.clockHz,
      readBytes: work.globalReadBytes,
      writeBytes: work.globalWriteBytes,
      matrixSeconds: t.matrix,
      softmaxSeconds: t.softmax,
      stallSeconds: stalls,
    };
  });
}

/**
 * Bytes of K/V a CTA can have in flight: its shared memory beyond the Q tile, the stages that
 * cp.async or TMA fill ahead of the math (from the kernel's launch record).
 */
export function stageBytes(launch: LaunchPlan, w: Workload): number {
  if (launch.tileQ === null) return 0;
  return Math.max(0, launch.sharedBytesPerCta - launch.tileQ * w.headDim * bytesPerElement(launch.dtype));
}

export interface LaunchTrafficInput {
  launch: LaunchPlan;
  order: TileOrder;
  costs: readonly ClassCost[];
  cache: L2Cache;
  /** Distinguishes this launch's blocks from other launches' in the cache. */
  key: string;
  w: Workload;
  spec: GpuSpec;
  /** A combine kernel reading the partials its split launch just wrote: they hit. */
  readsRecentWrites: boolean;
  dramRoundTripSeconds: number;
}

/**
 * Phase i of a tile that reads the shared operand reads one chunk of it, in its loop's order;
 * its query tile is read in the first phase and its output written in the last. Other tiles
 * have one phase. Reads and writes beyond a tile's share of the compulsory bytes revisit its
 * own data (the gmem accumulator of sdpa-efficient at d = 256): touched once per phase, they
 * hit unless other traffic pushed them out in between (then written back and read again).
 */
export class LaunchTraffic {
  /** Bytes read from HBM, requested from L2, and written, over the phases so far. */
  missBytes = 0;
  readBytes = 0;
  writeBytes = 0;
  /** Dirty revisited data written back when pushed out (the accumulator). */
  revisitWrittenBack = 0;
  private readonly order: TileOrder;
  private readonly costs: readonly ClassCost[];
  private readonly cache: L2Cache;
  private readonly spec: GpuSpec;
  private readonly blocks: Blocks | null;
  private readonly ownBlocks: Blocks | null;
  private readonly revisitBytes: number;
  private readonly readsRecentWrites: boolean;
  private readonly onceBytesPerTile: number;
  private readonly newWriteBytesPerTile: number;
  private readonly inFlightBytes: number;
  private readonly dramRoundTrip: number;
  private readonly serialLoads: number;

  constructor(input: LaunchTrafficInput) {
    const { launch, order, cache, key } = input;
    const op = order.operand;
    this.order = order;
    this.costs = input.costs;
    this.cache = cache;
    this.spec = input.spec;
    this.blocks = op ? cache.blocks(`${key}:${op.label}`, op.instances * order.chunks, { room: roomPerByte(op.readersPerInstance, cache.sharedRoom), evictLast: launch.kvEvictLast ?? false }) : null;
    this.revisitBytes = launch.revisitBytesPerTile ?? 0;
    this.ownBlocks = this.revisitBytes > 0 ? cache.blocks(`${key}:own`, order.tiles) : null;
    this.readsRecentWrites = input.readsRecentWrites;
    this.onceBytesPerTile = Math.max(0, launch.compulsoryReadBytes - (op ? op.instances * op.bytes : 0)) / Math.max(1, order.tiles);
    this.newWriteBytesPerTile = launch.compulsoryWriteBytes / Math.max(1, order.tiles);
    this.inFlightBytes = op ? stageBytes(launch, input.w) : 0;
    this.dramRoundTrip = input.dramRoundTripSeconds;
    this.serialLoads = launch.serialLoadsPerCta ?? 0;
  }

  /** Phase `index` of `tile`, or null when the tile has no more. */
  phase(tile: number, index: number): PhaseCost | null {
    const op = this.order.operand;
    const cost = this.costs[this.order.workOf(tile)]!;
    let phases = 1;
    let miss = 0;
    let shared = 0;
    let reads = 0;
    let keyTilesThisPhase = 1;
    if (this.blocks && op) {
      const { first, last, visited: keptTiles } = this.order.keyRange(tile);
      const tpc = this.order.tilesPerChunk;
      const lo = Math.floor(first / tpc);
      const hi = Math.ceil(last / tpc);
      phases = Math.max(1, hi - lo);
      if (index >= phases) return null;
      const visited = Math.max(1, keptTiles);
      // Of the key tiles in its span, the fraction it reads (1 unless a sparse mask scatters them).
      const density = visited / Math.max(1, last - first);
      // Its share of the operand, at most what it asks of L2 (a short last key tile). A tile
      // that reads its copy whole (split-KV decode, where the last splits may get more or
      // fewer key tiles than an even share) reads all but its once-only bytes from it.
      const bytesPerKeyTile = this.order.keyTiles === 1 ? Math.max(0, cost.readBytes - this.onceBytesPerTile) : Math.min(op.bytes / this.order.keyTiles, cost.readBytes / visited);
      if (hi > lo) {
        const ch = chunkOfPhase(this.order, lo, hi, index);
        const from = Math.max(first, ch * tpc);
        const to = Math.min(last, (ch + 1) * tpc);
        reads = (to - from) * density * bytesPerKeyTile;
        keyTilesThisPhase = Math.max(1, Math.round((to - from) * density));
        const tileBytes = this.order.keyTiles === 1 ? bytesPerKeyTile : op.bytes / this.order.keyTiles;
        miss = this.cache.read(this.blocks, this.order.instanceOf(tile) * this.order.chunks + ch, reads, from, to, tileBytes);
        shared = visited * bytesPerKeyTile;
      }
    } else if (index >= 1) {
      return null;
    }
    if (index === 0) {
      const once = Math.max(0, cost.readBytes - shared);
      reads += once;
      if (once > 0 && !this.readsRecentWrites) miss += this.cache.readOnce(Math.min(once, this.onceBytesPerTile));
    }
    let ownWrittenBack = 0;
    if (this.ownBlocks) {
      const own = this.cache.revisit(this.ownBlocks, tile, this.revisitBytes, keyTilesThisPhase);
      miss += own.miss;
      ownWrittenBack = own.writtenBack;
      this.revisitWrittenBack += own.writtenBack;
      if (index === phases - 1) this.cache.retire(this.ownBlocks, tile);
    }
    const writes = index === phases - 1 ? cost.writeBytes : 0;
    this.cache.write(Math.min(writes, this.newWriteBytesPerTile));
    // An earlier kernel's dirty lines this phase pushed out: HBM time, not this call's bytes.
    const earlierDirty = this.cache.takeSeedWrittenBack();
    this.missBytes += miss;
    this.readBytes += reads;
    this.writeBytes += writes;
    // Little's law per CTA: its K/V stages in shared memory bound the bytes it has in flight;
    // misses wait a round trip to HBM, hits one to L2. A CTA streaming from HBM alone on its SM
    // (decode without split-KV) is held to in-flight bytes per round trip.
    const l2Latency = this.spec.memory.l2.latencySeconds;
    const waitSeconds = this.inFlightBytes > 0 ? (miss * this.dramRoundTrip + (reads - miss) * l2Latency) / this.inFlightBytes : 0;
    // Loads that wait one for another each take the round trip of where this phase's data was.
    const missFraction = reads > 0 ? Math.min(1, miss / reads) : 0;
    const serialSeconds = index === 0 ? this.serialLoads * (missFraction * this.dramRoundTrip + (1 - missFraction) * l2Latency) : 0;
    return {
      cycles: Math.max(cost.cycles / phases, waitSeconds * this.spec.compute.clockHz),
      waitCycles: (index === 0 ? cost.prologueCycles : 0) + cost.stallCycles / phases + serialSeconds * this.spec.compute.clockHz,
      hbmBytes: miss + Math.min(writes, this.newWriteBytesPerTile) + ownWrittenBack + earlierDirty,
      l2Bytes: reads + writes,
      l2HitBytes: reads - miss,
      l2ReadBytes: reads,
    };
  }
}
