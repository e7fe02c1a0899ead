import type { GpuSpec } from '../../../hardware/schema.js';
import type { Workload } from '../../../workloads/workload.js';
import type { KernelPlan } from '../../kernels/plan.js';
import { cycleCalibrationFor, cycleKernelConstants, withCycleConstants } from './calibration.js';
import { InputError } from '../../../hardware/errors.js';
import { DEFAULT_L2_EFFECTIVE_FRACTION, MAX_CHUNKS_PER_OPERAND, MAX_CYCLE_EVENTS, MAX_CYCLE_TILES, REPLAY_CACHE_ENTRIES, SHARED_L2_ROOM, SURVIVAL_SPREAD } from './constants.js';
import { CycleLaunchRunner, type CycleOptions, type LaunchOutcome } from './launch-runner.js';
import type { Timeline } from './timeline.js';

export interface CyclePlanResult {
  /** The plan as simulated: with the cycle engine's constants of its family, if any. */
  plan: KernelPlan;
  launches: LaunchOutcome[];
  /** Discrete events processed for this plan (0 when it was replayed from an earlier run). */
  events: number;
  replayed: boolean;
  timeline?: Timeline;
}

/**
 * Replay: a plan that was simulated before on the same spec (every layer of a model runs the
 * same attention; a sweep revisits points) is not simulated again. The key is the plan and
 * workload as data, so any difference in work, tiling or order is a different entry.
 */
const replay = new WeakMap<GpuSpec, Map<string, LaunchOutcome[]>>();

function remember(spec: GpuSpec, key: string, launches: LaunchOutcome[]): void {
  let bySpec = replay.get(spec);
  if (!bySpec) replay.set(spec, (bySpec = new Map()));
  if (bySpec.size >= REPLAY_CACHE_ENTRIES) bySpec.delete(bySpec.keys().next().value!);
  bySpec.set(key, launches);
}

export interface CyclePlanOptions extends CycleOptions {
  /**
   * The kernel id the plan was lowered with: the cycle engine's fitted constants for that
   * family (or the plan's calibrationFamily) replace the analytical ones on its main-loop
   * launches. Unset: the plan as it is.
   */
  kernelId?: string;
}

/**
 * The plan with a family's constants, and a plan's replay key, made once per plan object: a
 * plan handed in again (the next layer of a model, lowered from the same workload) is
 * recognised without serializing it again.
 */
const constantsApplied = new WeakMap<KernelPlan, Map<unknown, KernelPlan>>();
const planIds = new WeakMap<KernelPlan, number>();
/** Plans as data → a small id, so equal plans from different objects share replays. Bounded (a plan's text can be ~1 MB). */
const idsByContent = new Map<string, number>();
const PLAN_IDS_KEPT = 64;
let nextPlanId = 0;

function withConstantsOnce(given: KernelPlan, constants: ReturnType<typeof cycleKernelConstants>): KernelPlan {
  let byConstants = constantsApplied.get(given);
  const known = byConstants?.get(constants);
  if (known) return known;
  const plan = withCycleConstants(given, constants);
  if (!byConstants) constantsApplied.set(given, (byConstants = new Map()));
  byConstants.set(constants, plan);
  return plan;
}

function planId(plan: KernelPlan): number {
  let id = planIds.get(plan);
  if (id === undefined) {
    const content = JSON.stringify(plan);
    id = idsByContent.get(content);
    if (id === undefined) {
      if (idsByContent.size >= PLAN_IDS_KEPT) idsByContent.delete(idsByContent.keys().next().value!);
      idsByContent.set(content, (id = nextPlanId++));
    }
    planIds.set(plan, id);
  }
  return id;
}

/** Simulate every launch of a plan in order on one GPU whose L2 starts cold (the call after a flush). */
export function runCyclePlan(given: KernelPlan, spec: GpuSpec, w: Workload, requested: CyclePlanOptions = {}): CyclePlanResult {
  const family = requested.kernelId ? (given.calibrationFamily ?? requested.kernelId) : undefined;
  const plan = family ? withConstantsOnce(given, cycleKernelConstants(spec.id, family)) : given;
  const calibration = cycleCalibrationFor(spec.id);
  const options: CycleOptions = {
    ...requested,
    l2EffectiveFraction: requested.l2EffectiveFraction ?? calibration?.l2EffectiveFraction ?? DEFAULT_L2_EFFECTIVE_FRACTION,
    l2SurvivalSpread: requested.l2SurvivalSpread ?? calibration?.l2SurvivalSpread ?? SURVIVAL_SPREAD,
    l2SharedRoom: requested.l2SharedRoom ?? calibration?.l2SharedRoom ?? SHARED_L2_ROOM,
    dramRoundTripSeconds: requested.dramRoundTripSeconds ?? calibration?.dramRoundTripSeconds ?? spec.memory.hbm.latencySeconds,
  };
  const key = options.timeline
    ? null
    : JSON.stringify([
        planId(plan),
        w,
        options.l2EffectiveFraction,
        options.l2SurvivalSpread,
        options.l2SharedRoom,
        options.farPartitionFillFraction,
        options.coldLaunches,
        options.dramRoundTripSeconds,
        options.dirtyL2AtStart,
      ]);
  const cached = key ? replay.get(spec)?.get(key) : undefined;
  if (cached) return { plan, launches: cached, events: 0, replayed: true };
  checkCycleWork(plan);
  const runner = new CycleLaunchRunner(spec, plan, w, options);
  const launches = plan.launches.map((l) => runner.run(l));
  if (key) remember(spec, key, launches);
  const timeline = runner.timeline();
  return { plan, launches, events: launches.reduce((s, l) => s + l.events, 0), replayed: false, ...(timeline ? { timeline } : {}) };
}

/**
 * The engine's work, estimated from the plan before any of it is done: CTA tiles, and events
 * (a start and an end per tile, plus one per key chunk read from a shared operand, in
 * proportion to the part of the score matrix computed). A call past either limit is refused
 * with both numbers named, instead of running for minutes or exhausting memory.
 */
export function estimateCycleWork(plan: KernelPlan): { tiles: number; events: number } {
  const cov = plan.coverage;
  const computed = cov ? cov.computedElements / cov.totalElements : 1;
  let tiles = 0;
  let events = 0;
  for (const launch of plan.launches) {
    const n = launch.work.reduce((a, c) => a + c.count, 0);
    tiles += n;
    events += n * (2 + (launch.sharedOperands.length > 0 ? MAX_CHUNKS_PER_OPERAND * computed : 0));
  }
  return { tiles, events };
}

function checkCycleWork(plan: KernelPlan): void {
  const { tiles, events } = estimateCycleWork(plan);
  if (tiles > MAX_CYCLE_TILES || events > MAX_CYCLE_EVENTS) {
    throw new InputError(
      'engine',
      `the cycle engine would simulate ${tiles.toExponential(2)} CTA tiles and ~${events.toExponential(1)} events, above its limits of ${MAX_CYCLE_TILES.toExponential(0)} tiles and ${MAX_CYCLE_EVENTS.toExponential(1)} events (about half a minute and 1 GB); use --engine analytical, or a smaller batch, head count or sequence`,
    );
  }
}
