import { getPreset } from '../../hardware/index.js';
import type { GpuSpec } from '../../hardware/schema.js';
import { validateWorkload, type Workload } from '../../workloads/workload.js';
import type { KernelPlan } from '../kernels/plan.js';
import { calibrationFamilyOf, calibrationFor, getProfile } from '../kernels/profiles/index.js';
import { runCyclePlan, withCycleConstants, type CycleCalibration, type CycleKernelConstants, type L2ProbePoint } from '../engines/gpu-cycle/index.js';
import { simulatePlan } from '../simulate.js';
import { caseMask, type MeasuredCase } from '../validate/format.js';
import { isCalibrationCase } from '../validate/stats.js';
import { fitL2FromProbe } from './l2-probe.js';

/**
 * Fitting the cycle engine's constants. The L2's capacity, edge and room for shared data come
 * from the L2 probe (l2-probe.ts), not from attention cases. Then, on measured cases of the
 * calibration split (the caller selects them; nothing here sees a held-out case):
 * 1. the HBM round trip of a streaming CTA, on latency (a grid);
 * 2. per kernel family, tensor efficiency, fixed time per launch and per-tile overhead, on
 *    latency MAPE, by coordinate search with golden sections (the engine is too slow for the
 *    analytical fit's dense grids).
 * Latency here is the engine's busy time plus fixed time; the power limit (applied after the
 * engine, in simulate.ts) is included through `latencyOf`, which the caller supplies.
 */
export interface FitCase {
  kernel: string;
  plan: KernelPlan;
  workload: Workload;
  measuredSeconds: number;
  measuredDramBytes?: number;
  measuredJoules?: number;
}

/** The engine-wide constants every latency evaluation runs with. */
export interface EngineConstants {
  l2EffectiveFraction: number;
  l2SurvivalSpread: number;
  l2SharedRoom: number;
  dramRoundTripSeconds: number;
}

type L2Engine = Omit<EngineConstants, 'dramRoundTripSeconds'>;

export type LatencyOf = (plan: KernelPlan, c: FitCase, engine: EngineConstants) => number;
/** The engine's dynamic energy of a case (joules, energy scale 1: the plan as given). */
export type DynamicEnergyOf = (plan: KernelPlan, c: FitCase, engine: EngineConstants) => number;

/** From the unloaded pointer-chase latency (350 ns) to several times it under load. */
const ROUND_TRIP_GRID_SECONDS = [0.35e-6, 0.5e-6, 0.75e-6, 1e-6, 1.25e-6, 1.5e-6, 2e-6];
const RANGES = {
  matrixEfficiency: [0.2, 1],
  extraFixedSeconds: [0, 10e-6],
  tileOverheadSeconds: [0, 5e-6],
  ctaSoloFraction: [0.3, 1],
  iterationOverheadSeconds: [0, 1e-6],
} as const;
const GOLDEN_STEPS = 10;
const ROUNDS = 3;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

function mapePct(errors: number[]): number {
  return errors.length === 0 ? NaN : (100 * errors.reduce((a, e) => a + Math.abs(e), 0)) / errors.length;
}

function goldenMinimum(f: (x: number) => number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < GOLDEN_STEPS; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = f(d);
    }
  }
  const ends = [
    [lo, f(lo)],
    [hi, f(hi)],
    [(a + b) / 2, f((a + b) / 2)],
  ] as const;
  return ends.reduce((best, e) => (e[1] < best[1] ? e : best))[0];
}

/** DRAM bytes MAPE of the calibration cases with these L2 constants (a check on the probe's constants, not a fit). */
export function dramMape(cases: readonly FitCase[], spec: GpuSpec, l2: L2Engine): number {
  const withDram = cases.filter((c) => c.measuredDramBytes !== undefined && c.measuredDramBytes > 0);
  return mapePct(
    withDram.map((c) => {
      // As Nsight Compute measured them: the L2 flushed before every kernel of the call.
      const run = runCyclePlan(c.plan, spec, c.workload, { ...l2, coldLaunches: true });
      const bytes = run.launches.reduce((s, l) => s + l.counts.bytes.hbm.read + l.counts.bytes.hbm.write, 0);
      return bytes / c.measuredDramBytes! - 1;
    }),
  );
}

export function fitKernelLatency(cases: readonly FitCase[], l2: EngineConstants, start: Omit<CycleKernelConstants, 'calibrationCases' | 'fitMape'>, latencyOf: LatencyOf): CycleKernelConstants {
  let best = { ...start };
  const score = (k: typeof best) => mapePct(cases.map((c) => latencyOf(withCycleConstants(c.plan, k), c, l2) / c.measuredSeconds - 1));
  for (let round = 0; round < ROUNDS; round++) {
    for (const key of Object.keys(RANGES) as Array<keyof typeof RANGES>) {
      const [lo, hi] = RANGES[key];
      const value = goldenMinimum((x) => score({ ...best, [key]: x }), lo, hi);
      best = { ...best, [key]: value };
    }
  }
  return { ...best, calibrationCases: cases.length, fitMape: score(best) };
}

/** Latency constants that leave a plan's timing alone (dynamic energy does not depend on them). */
const NEUTRAL = { matrixEfficiency: 1, extraFixedSeconds: 0, tileOverheadSeconds: 0, iterationOverheadSeconds: 0 } as const;

/**
 * A family's dynamic energy scale on this engine's counts: least squares of relative residuals
 * of measured energy against idle power × measured time + scale × dynamic energy (closed form,
 * as the analytical calibration fits its own). Null without measured energy.
 */
export function fitDynamicEnergyScale(cases: readonly FitCase[], engine: EngineConstants, idleWatts: number, dynamicOf: DynamicEnergyOf): number | null {
  let num = 0;
  let den = 0;
  for (const c of cases) {
    if (c.measuredJoules === undefined) continue;
    const a = dynamicOf(withCycleConstants(c.plan, { ...NEUTRAL, dynamicEnergyScale: 1 }), c, engine) / c.measuredJoules;
    const b = (c.measuredJoules - idleWatts * c.measuredSeconds) / c.measuredJoules;
    num += a * b;
    den += a * a;
  }
  return den > 0 ? Math.max(0, num / den) : null;
}

/**
 * The HBM round trip, on latency MAPE over every calibration case with each family's starting
 * constants (a grid: it moves only the cases whose CTAs stream from HBM with little else to do).
 */
function fitRoundTrip(cases: readonly FitCase[], l2: L2Engine, start: (kernel: string) => Omit<CycleKernelConstants, 'calibrationCases' | 'fitMape'>, latencyOf: LatencyOf): number {
  let best = { seconds: ROUND_TRIP_GRID_SECONDS[0]!, mape: Infinity };
  for (const seconds of ROUND_TRIP_GRID_SECONDS) {
    const engine = { ...l2, dramRoundTripSeconds: seconds };
    const m = mapePct(cases.map((c) => latencyOf(withCycleConstants(c.plan, start(c.kernel)), c, engine) / c.measuredSeconds - 1));
    if (m < best.mape) best = { seconds, mape: m };
  }
  return best.seconds;
}

/**
 * Fit every constant; `start` gives each family's starting point (its analytical constants),
 * `probe` the L2 probe points the L2 constants come from (`table`: the files they were read from).
 */
export function fitCycleCalibration(
  cases: readonly FitCase[],
  spec: GpuSpec,
  probe: { table: string; points: readonly L2ProbePoint[] },
  start: (kernel: string) => Omit<CycleKernelConstants, 'calibrationCases' | 'fitMape'>,
  latencyOf: LatencyOf,
  dynamicOf: DynamicEnergyOf,
  date: string,
): CycleCalibration {
  const measured = fitL2FromProbe(probe.points, spec.memory.l2.bytes);
  const l2Engine: L2Engine = { l2EffectiveFraction: measured.fraction, l2SurvivalSpread: measured.spread, l2SharedRoom: measured.sharedRoom };
  const l2 = { ...l2Engine, dramRoundTripSeconds: fitRoundTrip(cases, l2Engine, start, latencyOf) };
  const kernels: Record<string, CycleKernelConstants> = {};
  for (const kernel of [...new Set(cases.map((c) => c.kernel))].sort()) {
    const own = cases.filter((c) => c.kernel === kernel);
    // The constants act on main-loop (tensor-core) launches only; a family without one keeps none.
    if (!own.some((c) => c.plan.launches.some((l) => l.matrixPath))) continue;
    // Energy first: under the power limit the latency follows from it.
    const scale = fitDynamicEnergyScale(own, l2, spec.power.idleWatts, dynamicOf);
    kernels[kernel] = fitKernelLatency(own, l2, { ...start(kernel), ...(scale !== null ? { dynamicEnergyScale: scale } : {}) }, latencyOf);
  }
  return {
    ...l2,
    l2FittedOn: { table: probe.table, points: measured.points, rmsLostFraction: Number(measured.rmsError.toFixed(4)) },
    fittedOn: {
      rule: 'calibration split: FNV-1a(case id) mod 4 = 0; held-out cases are never used here',
      cases: cases.length,
      command: 'attnsim calibrate --engine cycle --write',
      date,
      dramFitMape: dramMape(cases, spec, l2Engine),
    },
    kernels,
  };
}

/**
 * The calibration-split cases of one hardware as the cycle fit takes them: lowered by the
 * calibrated kernel profiles on the calibrated preset (the analytical constants are the fit's
 * starting point and are replaced on the main-loop launches), each under its calibration family.
 */
export function prepareCycleCases(cases: readonly MeasuredCase[], hardware: string, spec: GpuSpec = getPreset(hardware)): FitCase[] {
  const out: FitCase[] = [];
  for (const c of cases) {
    const mask = caseMask(c);
    const profile = getProfile(c.kernel);
    if (c.hardware !== hardware || !isCalibrationCase(c.id) || !mask.ok || !profile) continue;
    const workload = validateWorkload({ ...c.workload, mask: mask.mask, phase: c.phase });
    const m = c.measured;
    const plan = profile.lower(workload, spec);
    out.push({
      kernel: calibrationFamilyOf(plan, c.kernel),
      plan,
      workload,
      measuredSeconds: m.latencyMs / 1e3,
      ...(m.dramReadBytes !== undefined && m.dramWriteBytes !== undefined ? { measuredDramBytes: m.dramReadBytes + m.dramWriteBytes } : {}),
      ...(m.energyMilliJoules !== undefined ? { measuredJoules: m.energyMilliJoules / 1e3 } : {}),
    });
  }
  return out;
}

/**
 * Fit the `cycle` section of one hardware's calibration: its calibration-split cases, its L2
 * probe table (`probe.table` names the files it was read from), each family starting from its
 * analytical constants, latency and energy as simulate reports them on the cycle engine (so
 * the power limit is in them); `date` only documents the result.
 */
export function calibrateCycle(cases: readonly MeasuredCase[], hardware: string, probe: { table: string; points: readonly L2ProbePoint[] }, date: string): CycleCalibration {
  const spec = getPreset(hardware);
  const start = (kernel: string) => {
    const k = calibrationFor(hardware, kernel);
    return {
      matrixEfficiency: k?.matrixEfficiency ?? 1,
      extraFixedSeconds: k?.extraFixedSeconds ?? 0,
      tileOverheadSeconds: k?.tileOverheadSeconds ?? 0,
      iterationOverheadSeconds: k?.iterationOverheadSeconds ?? 0,
    };
  };
  const latencyOf: LatencyOf = (plan, c, l2) => simulatePlan(plan, spec, c.workload, c.kernel, 'cycle', { kernelId: undefined, ...l2 }).latencySeconds;
  const dynamicOf: DynamicEnergyOf = (plan, c, l2) => {
    const energy = simulatePlan(plan, spec, c.workload, c.kernel, 'cycle', { kernelId: undefined, ...l2 }).energy;
    return energy.total - energy.static;
  };
  return fitCycleCalibration(prepareCycleCases(cases, hardware, spec), spec, probe, start, latencyOf, dynamicOf, date);
}
