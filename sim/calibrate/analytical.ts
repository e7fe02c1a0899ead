import { getPreset, withEnergyScales, withRetainedDirtyBytes, type GpuSpec, type HardwareCalibration, type KernelCalibration } from '../../hardware/index.js';
import { InputError, isInputError } from '../../hardware/errors.js';
import { validateWorkload, type Workload } from '../../workloads/workload.js';
import { calibrationFamilyOf, calibratePlan, getProfile, type CalibrationConstants } from '../kernels/profiles/index.js';
import type { KernelPlan } from '../kernels/plan.js';
import { checkFitsInMemory, simulatePlan } from '../simulate.js';
import { caseMask, type MeasuredCase } from '../validate/format.js';
import { nnls } from './nnls.js';
import { isCalibrationCase, mape, relativeError } from '../validate/stats.js';

/**
 * Calibration: a few named constants per hardware and kernel family, fitted on the calibration
 * split only (FNV-1a(id) mod 4 = 0). Two stages:
 * 1. the hardware's energy table, by non-negative least squares of measured energy minus idle
 *    power × measured time against the model's action counts (relative residuals);
 * 2. per kernel family, the main loop's tensor-rate efficiency and a fixed time per launch, by
 *    coordinate search on latency MAPE, with the fitted energies (and so the power limit) in place.
 */

/**
 * The energy table is fitted as four scale factors on the preset's estimates (ENERGY_GROUPS),
 * not field by field: the per-action counts are too collinear (tensor FLOPs, shared-memory
 * bytes and exps grow together) for a free fit to give physical values. Decode identifies the
 * memory-side factor, prefill the SM-side one.
 */

export interface PreparedCase {
  c: MeasuredCase;
  workload: Workload;
  /** The uncalibrated lowering: counts do not depend on the constants being fitted. */
  plan: KernelPlan;
}

export function prepareCases(cases: readonly MeasuredCase[], hardware: string): PreparedCase[] {
  const spec = getPreset(hardware, { calibrated: false });
  const out: PreparedCase[] = [];
  for (const c of cases) {
    if (c.hardware !== hardware || !isCalibrationCase(c.id)) continue;
    const profile = getProfile(c.kernel, { calibrated: false });
    const mask = caseMask(c);
    if (!profile || !mask.ok) continue;
    // A case the simulator cannot model is left out here as validate lists it: not fitted on.
    try {
      const workload = validateWorkload({ ...c.workload, mask: mask.mask, phase: c.phase });
      checkFitsInMemory(workload, spec);
      out.push({ c, workload, plan: profile.lower(workload, spec) });
    } catch (e) {
      if (!isInputError(e)) throw e;
    }
  }
  return out;
}

export interface EnergyFit {
  /** Multipliers on the preset's SM-side (tensor, shared memory), softmax-side (vector, exp), memory-side and operand-delivery energies. */
  smScale: number;
  softmaxScale: number;
  memoryScale: number;
  operandScale: number;
  cases: number;
  /** Energy MAPE on the calibration cases with measured latency (fit quality, not the score). */
  fitMape: number;
}

/** The model's dynamic energy split into the three groups, at the spec's energies. */
function energySides(p: PreparedCase, spec: GpuSpec): [number, number, number, number] {
  const e = simulatePlan(p.plan, spec, p.workload, p.c.kernel).energy;
  return [e.matrix + e.smem, e.vector + e.exp, e.l2 + e.hbm, e.operand];
}

export function fitEnergy(prepared: readonly PreparedCase[], spec: GpuSpec): EnergyFit {
  const rows: number[][] = [];
  const targets: number[] = [];
  const used: Array<{ sides: number[]; measured: number; seconds: number }> = [];
  for (const p of prepared) {
    const joules = p.c.measured.energyMilliJoules;
    if (joules === undefined) continue;
    const seconds = p.c.measured.latencyMs / 1e3;
    const measured = joules / 1e3;
    const sides = energySides(p, spec);
    // Relative residuals: each case weighs the same whatever its size, as MAPE does.
    rows.push(sides.map((x) => x / measured));
    targets.push((measured - spec.power.idleWatts * seconds) / measured);
    used.push({ sides, measured, seconds });
  }
  // No measured energy: nothing to fit, the preset's estimates stand (every scale 1).
  if (used.length === 0) return { smScale: 1, softmaxScale: 1, memoryScale: 1, operandScale: 1, cases: 0, fitMape: NaN };
  const [smScale, softmaxScale, memoryScale, operandScale] = nnls(rows, targets) as [number, number, number, number];
  const scales = [smScale, softmaxScale, memoryScale, operandScale];
  const predicted = used.map((u) => spec.power.idleWatts * u.seconds + u.sides.reduce((s, x, i) => s + x * scales[i]!, 0));
  return { smScale, softmaxScale, memoryScale, operandScale, cases: used.length, fitMape: mape(predicted.map((p, i) => relativeError(p, used[i]!.measured))) };
}

/** The spec with the fitted energy scales applied. */
export function withEnergyFit(spec: GpuSpec, fit: EnergyFit): GpuSpec {
  return withEnergyScales(spec, fit, 'attnsim calibrate');
}

const EFFICIENCY_GRID = { from: 0.2, to: 1, step: 0.005 };
/**
 * Search ranges. The fixed time per launch is capped at 10 µs: the shortest measured call of any
 * kernel takes 11.6 µs in all, so a larger constant would be fitting something else.
 */
const FIXED_GRID_SECONDS = { from: 0, to: 10e-6, step: 0.25e-6 };
const TILE_OVERHEAD_GRID_SECONDS = { from: 0, to: 5e-6, step: 0.05e-6 };
/** What one CTA alone gets of its SM: from a third (one warp per sub-partition, latency-bound) to all of it. */
const SOLO_FRACTION_GRID = { from: 0.3, to: 1, step: 0.05 };
/** Per main-loop iteration: up to 1 µs, ~2000 cycles (a 128×128×128 wgmma iteration takes ~1.2 µs). */
const ITERATION_OVERHEAD_GRID_SECONDS = { from: 0, to: 1e-6, step: 0.02e-6 };
const SEARCH_ROUNDS = 4;
/** The latency constants in the order each search round visits them, with their grids. */
const LATENCY_SEARCH = [
  ['matrixEfficiency', EFFICIENCY_GRID],
  ['extraFixedSeconds', FIXED_GRID_SECONDS],
  ['tileOverheadSeconds', TILE_OVERHEAD_GRID_SECONDS],
  ['ctaSoloFraction', SOLO_FRACTION_GRID],
  ['iterationOverheadSeconds', ITERATION_OVERHEAD_GRID_SECONDS],
] as const;

function grid(g: { from: number; to: number; step: number }): number[] {
  const out: number[] = [];
  for (let v = g.from; v <= g.to + g.step / 2; v += g.step) out.push(Number(v.toFixed(12)));
  return out;
}

export function latencyMape(prepared: readonly PreparedCase[], spec: GpuSpec, calibration: Constants): number {
  const errors = prepared.map((p) => {
    const r = simulatePlan(calibratePlan(p.plan, calibration), spec, p.workload, p.c.kernel);
    return relativeError(r.latencySeconds, p.c.measured.latencyMs / 1e3);
  });
  return mape(errors);
}

type Constants = CalibrationConstants;

/**
 * The family's energy scale: least squares of relative residuals of measured energy against
 * idle power × measured time + scale × the model's dynamic energy. Closed form for one factor.
 */
export function fitEnergyScale(prepared: readonly PreparedCase[], spec: GpuSpec): { scale: number; fitMape: number } {
  let num = 0;
  let den = 0;
  const rows: Array<{ dynamic: number; measured: number; seconds: number }> = [];
  for (const p of prepared) {
    if (p.c.measured.energyMilliJoules === undefined) continue;
    const measured = p.c.measured.energyMilliJoules / 1e3;
    const seconds = p.c.measured.latencyMs / 1e3;
    const e = simulatePlan(p.plan, spec, p.workload, p.c.kernel).energy;
    const dynamic = e.total - e.static;
    const a = dynamic / measured;
    const b = (measured - spec.power.idleWatts * seconds) / measured;
    num += a * b;
    den += a * a;
    rows.push({ dynamic, measured, seconds });
  }
  const scale = den > 0 ? Math.max(0, num / den) : 1;
  const errors = rows.map((r) => relativeError(spec.power.idleWatts * r.seconds + scale * r.dynamic, r.measured));
  return { scale, fitMape: errors.length > 0 ? mape(errors) : NaN };
}

/** The family's energy scale, then coordinate search over its four latency constants. */
export function fitKernel(prepared: readonly PreparedCase[], spec: GpuSpec): KernelCalibration {
  const energy = fitEnergyScale(prepared, spec);
  let best: Constants = { matrixEfficiency: 1, extraFixedSeconds: 0, tileOverheadSeconds: 0, ctaSoloFraction: 1, iterationOverheadSeconds: 0, dynamicEnergyScale: energy.scale };
  let bestMape = latencyMape(prepared, spec, best);
  for (let round = 0; round < SEARCH_ROUNDS; round++) {
    for (const [key, range] of LATENCY_SEARCH) {
      for (const value of grid(range)) {
        const candidate = { ...best, [key]: value };
        const m = latencyMape(prepared, spec, candidate);
        if (m < bestMape) [best, bestMape] = [candidate, m];
      }
    }
  }
  return { ...best, calibrationCases: prepared.length, fitMape: bestMape, energyFitMape: energy.fitMape };
}

const RETAINED_DIRTY_STEP_BYTES = 0.25 * 2 ** 20;

/**
 * The dirty bytes L2 still holds when a kernel ends: a grid search on DRAM-bytes MAPE of the
 * calibration cases that have profiler byte counts (ncu flushes caches before each kernel, so
 * whatever is still dirty at its end is not counted in its DRAM writes).
 */
export function fitRetainedDirty(prepared: readonly PreparedCase[], spec: GpuSpec): HardwareCalibration['l2'] {
  const withBytes = prepared.filter((p) => p.c.measured.dramReadBytes !== undefined && p.c.measured.dramWriteBytes !== undefined);
  const score = (bytes: number) => {
    const s = withRetainedDirtyBytes(spec, bytes, 'attnsim calibrate');
    return mape(
      withBytes.map((p) => {
        const r = simulatePlan(p.plan, s, p.workload, p.c.kernel);
        return relativeError(r.bytes.hbm.read + r.bytes.hbm.write, p.c.measured.dramReadBytes! + p.c.measured.dramWriteBytes!);
      }),
    );
  };
  // No profiler byte counts: nothing to fit, no dirty bytes assumed (the uncalibrated model).
  if (withBytes.length === 0) return { retainedDirtyBytes: 0, calibrationCases: 0, fitMape: NaN };
  let best = { retainedDirtyBytes: 0, calibrationCases: withBytes.length, fitMape: score(0) };
  for (let b = RETAINED_DIRTY_STEP_BYTES; b <= spec.memory.l2.bytes; b += RETAINED_DIRTY_STEP_BYTES) {
    const m = score(b);
    if (m < best.fitMape) best = { ...best, retainedDirtyBytes: b, fitMape: m };
  }
  return best;
}

/** Fit every constant of one hardware; `files` and `date` only document the result. */
export function calibrate(cases: readonly MeasuredCase[], hardware: string, files: string[], date: string): HardwareCalibration {
  const prepared = prepareCases(cases, hardware);
  if (prepared.length === 0) throw new InputError('data', `no calibration-split case of "${hardware}" that the simulator can model`);
  const raw = getPreset(hardware, { calibrated: false });
  const l2 = fitRetainedDirty(prepared, raw);
  const spec = withRetainedDirtyBytes(raw, l2.retainedDirtyBytes, 'attnsim calibrate');
  const energy = fitEnergy(prepared, spec);
  const calibratedSpec = withEnergyFit(spec, energy);
  const kernels: HardwareCalibration['kernels'] = {};
  const familyOf = (p: PreparedCase) => calibrationFamilyOf(p.plan, p.c.kernel);
  for (const family of [...new Set(prepared.map(familyOf))].sort()) {
    kernels[family] = fitKernel(
      prepared.filter((p) => familyOf(p) === family),
      calibratedSpec,
    );
  }
  return {
    hardware,
    fittedOn: { files, rule: 'calibration split: FNV-1a(case id) mod 4 = 0; all other cases are held out and never used here', cases: prepared.length, command: 'attnsim calibrate --write', date },
    energy: { smScale: energy.smScale, softmaxScale: energy.softmaxScale, memoryScale: energy.memoryScale, operandScale: energy.operandScale, calibrationCases: energy.cases, fitMape: energy.fitMape },
    l2,
    kernels,
  };
}
