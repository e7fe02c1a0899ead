import type { GpuSpec } from '../../../hardware/schema.js';
import type { Workload } from '../../../workloads/workload.js';
import { ctaDispatchInterval, dependentRoundTrips, launchOverheadSeconds, type Bound, type LaunchTiming } from '../../costs/latency.js';
import type { KernelPlan, LaunchPlan } from '../../kernels/plan.js';
import { countLaunch } from '../analytical.js';
import { totalBytes, type Counts } from '../../counts.js';
import { DEFAULT_L2_EFFECTIVE_FRACTION, FAR_PARTITION_FILL_FRACTION, SHARED_L2_ROOM, SURVIVAL_SPREAD } from './constants.js';
import { runFluid, type PhaseCost } from './fluid-sms.js';
import { L2Cache } from './l2-cache.js';
import { classCosts, LaunchTraffic, type ClassCost } from './launch-traffic.js';
import { tileOrder } from './tile-order.js';
import { TimelineRecorder, type Timeline } from './timeline.js';

/** Knobs of the cycle engine; unset means the physical defaults in constants.ts. */
export interface CycleOptions {
  /** Keep a timeline (CTA spans per SM, HBM and L2 counters) for the report and --trace. */
  timeline?: boolean;
  /** Fraction of the L2 capacity that holds data for reuse (DEFAULT_L2_EFFECTIVE_FRACTION). */
  l2EffectiveFraction?: number;
  /** Half-width of the stack distances over which lines leave L2, over its capacity (SURVIVAL_SPREAD). */
  l2SurvivalSpread?: number;
  /** L2 room per byte of data every SM reads, against data one SM reads (SHARED_L2_ROOM). */
  l2SharedRoom?: number;
  /** Fraction of HBM fill bytes seen at a second L2 tag (FAR_PARTITION_FILL_FRACTION). */
  farPartitionFillFraction?: number;
  /**
   * Start every launch with an empty L2 and leave its dirty lines uncounted, as Nsight Compute
   * measures with --cache-control all (it flushes before each kernel, outside the kernel's
   * counters): a combine kernel then reads its partials from HBM. Off: launches of a call share
   * the L2, as they do when the call runs unprofiled.
   */
  coldLaunches?: boolean;
  /**
   * Seconds one load round trip to HBM takes under load, as a CTA streaming its K/V sees it
   * (MEMORY_ROUND_TRIP_SECONDS unless fitted): with its shared-memory stages full, a CTA cannot
   * fetch faster than its bytes in flight per round trip, whatever the bandwidth left.
   */
  dramRoundTripSeconds?: number;
  /**
   * Start with the L2 full of another kernel's dirty data, written back as the call pushes it
   * out (taking HBM bandwidth): the state after triton's do_bench clears the cache with a
   * 256 MB memset before each timed call, and after any kernel that wrote more than the L2
   * holds. Default: on, unless coldLaunches (a profiler that flushes first).
   */
  dirtyL2AtStart?: boolean;
}

export interface LaunchOutcome {
  counts: Counts;
  timing: LaunchTiming;
  /** Discrete events processed (CTA starts, phase changes and ends). */
  events: number;
}

/**
 * Runs a plan's launches one after another on one simulated GPU whose L2 persists between
 * them (a combine kernel finds the partials its split launch just wrote). Bytes per level come
 * out of the simulated cache; time out of the fluid SM model.
 */
export class CycleLaunchRunner {
  private cache: L2Cache;
  private readonly recorder: TimelineRecorder | null;
  private readonly farFraction: number;
  private readonly coldLaunches: boolean;
  private readonly dramRoundTrip: number;
  private elapsedSeconds = 0;
  private launchIndex = 0;
  private writtenBack = 0;

  constructor(
    private readonly spec: GpuSpec,
    private readonly plan: KernelPlan,
    private readonly w: Workload,
    options: CycleOptions = {},
  ) {
    this.cache = new L2Cache(
      spec.memory.l2.bytes * (options.l2EffectiveFraction ?? DEFAULT_L2_EFFECTIVE_FRACTION),
      options.l2SurvivalSpread ?? SURVIVAL_SPREAD,
      options.l2SharedRoom ?? SHARED_L2_ROOM,
    );
    this.recorder = options.timeline ? new TimelineRecorder(spec.compute.sms) : null;
    this.farFraction = options.farPartitionFillFraction ?? FAR_PARTITION_FILL_FRACTION;
    this.coldLaunches = options.coldLaunches ?? false;
    this.dramRoundTrip = options.dramRoundTripSeconds ?? spec.memory.hbm.latencySeconds;
    if (options.dirtyL2AtStart ?? !this.coldLaunches) this.cache.seedDirty(this.cache.capacityBytes);
  }

  timeline(): Timeline | undefined {
    return this.recorder?.timeline;
  }

  run(launch: LaunchPlan): LaunchOutcome {
    const spec = this.spec;
    const clock = spec.compute.clockHz;
    const index = this.launchIndex++;
    if (this.coldLaunches && index > 0) {
      this.cache = new L2Cache(this.cache.capacityBytes, this.cache.spread, this.cache.sharedRoom);
      this.writtenBack = 0;
    }
    const order = tileOrder(launch, this.plan.coverage, this.w);
    const costs = classCosts(launch, spec);
    // A combine kernel reads the partials its split launch wrote a moment ago: L2 hits unless
    // they outgrew the cache.
    const traffic = new LaunchTraffic({
      launch,
      order,
      costs,
      cache: this.cache,
      key: String(index),
      w: this.w,
      spec,
      readsRecentWrites: !this.coldLaunches && launch.role === 'combine' && launch.compulsoryReadBytes <= this.cache.capacityBytes,
      dramRoundTripSeconds: this.dramRoundTrip,
    });
    const phase = (tile: number, i: number) => traffic.phase(tile, i);

    const rec = this.recorder;
    rec?.beginLaunch(this.elapsedSeconds);
    const slotsPerSm = Math.max(1, launch.ctasPerSm);
    const slots = launch.persistent ? launch.ctaCount : spec.compute.sms * slotsPerSm;
    const hbmBytesPerCycle = spec.memory.hbm.bandwidthBytesPerSecond / clock;
    const l2BytesPerCycle = spec.memory.l2.bandwidthBytesPerSecond / clock;
    const dispatchCycles = ctaDispatchInterval(launch, spec) * clock;
    const replayed = replayUniformWaves(launch, order.tiles, slots, spec.compute.sms, (tile) => phase(tile, 0)!, hbmBytesPerCycle, l2BytesPerCycle, dispatchCycles);
    const result = runFluid({
      sms: spec.compute.sms,
      slotsPerSm,
      slots,
      ...(launch.ctaSoloFraction !== undefined ? { soloFraction: launch.ctaSoloFraction } : {}),
      tiles: order.tiles - replayed.tiles,
      dispatchCycles,
      hbmBytesPerCycle,
      l2BytesPerCycle,
      phase: (tile, index) => phase(tile + replayed.tiles, index),
      ...(rec
        ? {
            onSpan: (sm: number, tile: number, s: number, e: number) =>
              rec.span(sm, tile + replayed.tiles, order.workOf(tile + replayed.tiles), (replayed.cycles + s) / clock, (replayed.cycles + e) / clock),
            onSample: (cycle: number, hbm: number, l2: number, hitRate: number, resident: number) =>
              rec.sample({
                seconds: (replayed.cycles + cycle) / clock,
                hbmBytesPerSecond: hbm * clock,
                l2BytesPerSecond: l2 * clock,
                l2HitRate: hitRate,
                residentCtas: resident,
              }),
          }
        : {}),
    });
    result.cycles += replayed.cycles;
    result.hbmLimitedCycles += replayed.hbmLimitedCycles;

    const written = this.cache.writtenBackBytes();
    const hbmWrite = written - this.writtenBack;
    this.writtenBack = written;
    const base = countLaunch(launch, spec);
    const counts: Counts = {
      ...base,
      bytes: {
        hbm: { read: traffic.missBytes, write: hbmWrite + traffic.revisitWrittenBack },
        // lts__t_bytes: every request, plus the far-partition tag pass of half the HBM fills.
        l2: { read: traffic.readBytes + this.farFraction * traffic.missBytes, write: traffic.writeBytes },
        smem: base.bytes.smem,
      },
    };
    const timing = this.timing(launch, counts, result.cycles / clock, result, costs, order.tiles, slots, index > 0);
    rec?.endLaunch({ name: launch.name, startSeconds: this.elapsedSeconds, endSeconds: this.elapsedSeconds + timing.seconds, tiles: order.tiles, events: result.events });
    this.elapsedSeconds += timing.seconds;
    return { counts, timing, events: result.events };
  }

  private timing(
    launch: LaunchPlan,
    counts: Counts,
    busySeconds: number,
    result: { hbmLimitedCycles: number; l2LimitedCycles: number; cycles: number },
    costs: readonly ClassCost[],
    tiles: number,
    slots: number,
    chained: boolean,
  ): LaunchTiming {
    const spec = this.spec;
    const sms = spec.compute.sms;
    let workSeconds = 0;
    let matrix = 0;
    let softmax = 0;
    let stall = 0;
    launch.work.forEach((w, i) => {
      stall += w.count * costs[i]!.stallSeconds;
      workSeconds += (w.count * costs[i]!.cycles) / spec.compute.clockHz;
      matrix += w.count * costs[i]!.matrixSeconds;
      softmax += w.count * costs[i]!.softmaxSeconds;
    });
    const fixed = launchOverheadSeconds(spec, chained) + dependentRoundTrips(launch) * this.dramRoundTrip + (launch.extraFixedSeconds ?? 0);
    let bound: Bound;
    if (fixed > busySeconds) bound = 'launch';
    else if (result.hbmLimitedCycles > 0.5 * result.cycles) bound = 'hbm';
    else if (result.l2LimitedCycles > 0.5 * result.cycles) bound = 'l2';
    else bound = softmax > matrix ? 'softmax' : 'compute';
    return {
      seconds: fixed + busySeconds,
      bound,
      terms: {
        compute: workSeconds / sms,
        hbm: totalBytes(counts.bytes.hbm) / spec.memory.hbm.bandwidthBytesPerSecond,
        l2: totalBytes(counts.bytes.l2) / spec.memory.l2.bandwidthBytesPerSecond,
        smem: totalBytes(counts.bytes.smem) / spec.memory.smem.bandwidthBytesPerSecond,
        fixed,
      },
      matrixSeconds: matrix / sms,
      softmaxSeconds: softmax / sms,
      stallSeconds: stall / sms,
      balancedComputeSeconds: workSeconds / sms,
      waves: Math.ceil(tiles / Math.max(1, Math.min(slots, sms * launch.ctasPerSm))),
    };
  }
}

/** Full waves of a uniform launch are replayed, not simulated, once there are more than this many. */
const REPLAY_AFTER_WAVES = 2;

/**
 * A launch whose tiles are all alike and share nothing (the element-wise passes of an unfused
 * kernel: up to millions of CTAs) runs in identical full waves: every slot holds one tile, all
 * at one rate, so a wave takes a tile's cycles × CTAs per SM, over the memory factor. Its
 * leading full waves beyond REPLAY_AFTER_WAVES are replayed by that formula (their tiles still
 * pass through the L2 model, without events); the rest, tail included, is simulated.
 */
function replayUniformWaves(
  launch: LaunchPlan,
  tiles: number,
  slots: number,
  sms: number,
  firstPhase: (tile: number) => PhaseCost,
  hbmBytesPerCycle: number,
  l2BytesPerCycle: number,
  dispatchCycles: number,
): { tiles: number; cycles: number; hbmLimitedCycles: number } {
  const none = { tiles: 0, cycles: 0, hbmLimitedCycles: 0 };
  const fullChip = sms * Math.max(1, launch.ctasPerSm);
  if (launch.work.length !== 1 || launch.sharedOperands.length > 0 || launch.persistent || slots !== fullChip) return none;
  const waves = Math.floor(tiles / slots) - REPLAY_AFTER_WAVES;
  if (waves <= 0) return none;
  let cycles = 0;
  let hbmLimited = 0;
  for (let tile = 0; tile < waves * slots; tile += slots) {
    let cost = firstPhase(tile);
    for (let t = tile + 1; t < tile + slots; t++) cost = firstPhase(t);
    const tileCycles = Math.max(1, cost.cycles);
    const factor = Math.min(1, cost.hbmBytes > 0 ? (hbmBytesPerCycle * tileCycles) / (sms * cost.hbmBytes) : 1, cost.l2Bytes > 0 ? (l2BytesPerCycle * tileCycles) / (sms * cost.l2Bytes) : 1);
    // A wave also takes at least the block scheduler's time to start its CTAs.
    const wave = Math.max((tileCycles * launch.ctasPerSm) / factor, slots * dispatchCycles);
    cycles += wave;
    if (factor < 1) hbmLimited += wave;
  }
  return { tiles: waves * slots, cycles, hbmLimitedCycles: hbmLimited };
}
