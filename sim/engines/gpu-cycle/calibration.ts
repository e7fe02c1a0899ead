import h200 from '../../../hardware/calibration/h200-sxm.json' with { type: 'json' };
import { withMainLoopConstants, type KernelPlan, type LaunchPlan } from '../../kernels/plan.js';

/**
 * The cycle engine's own calibration constants, in the `cycle` section of
 * hardware/calibration/<id>.json, fitted on the calibration split only (FNV-1a(id) mod 4 = 0) by
 * `attnsim calibrate --engine cycle` (sim/calibrate/cycle.ts). The analytical constants of a
 * kernel family (tensor efficiency, fixed time, per-tile overhead) absorb what a roofline cannot
 * see: tails, pipeline prologues, contention. The cycle engine simulates those, so it refits the
 * same three constants with them in place; energy scales are shared. Missing section: the
 * analytical ones.
 */
export interface CycleKernelConstants {
  matrixEfficiency: number;
  extraFixedSeconds: number;
  tileOverheadSeconds: number;
  /** SM seconds per main-loop iteration beyond its math (LaunchPlan.iterationOverheadSeconds); missing: 0. */
  iterationOverheadSeconds?: number;
  /** Fraction of an SM's rate one CTA reaches alone (fluid-sms.ts); missing: 1. */
  ctaSoloFraction?: number;
  /**
   * Multiplier on the family's dynamic energy as this engine counts it (its DRAM and L2 bytes
   * differ from the analytical engine's, so the analytical scale does not carry over); fitted on
   * measured energy. Missing: the analytical one.
   */
  dynamicEnergyScale?: number;
  calibrationCases: number;
  /** Latency MAPE on its calibration cases after the fit (fit quality, not the score). */
  fitMape: number;
}

export interface CycleCalibration {
  /** Fraction of the L2 that holds data for reuse: from the L2 probe (l2-probe.ts), not from attention data. */
  l2EffectiveFraction: number;
  /** Half-width of the stack distances over which lines leave, over the capacity; from the probe with it. */
  l2SurvivalSpread?: number;
  /** L2 room per byte of data every SM reads (SHARED_L2_ROOM); from the probe with them. */
  l2SharedRoom?: number;
  /** Where the three L2 constants come from: the probe table and how well the engine's L2 reproduces it. */
  l2FittedOn?: { table: string; points: number; rmsLostFraction: number };
  /** HBM round trip under load as a streaming CTA sees it (launch-runner.ts), fitted on latency. */
  dramRoundTripSeconds?: number;
  fittedOn: { rule: string; cases: number; command: string; date: string; dramFitMape: number };
  kernels: Record<string, CycleKernelConstants>;
}

const CALIBRATIONS: Readonly<Record<string, CycleCalibration | undefined>> = {
  'h200-sxm': (h200 as { cycle?: CycleCalibration }).cycle,
};

/** Kernel ids that run a measured kernel's lowering (kernels/index.ts: fa2 takes sdpa-flash's constants). */
const FAMILY_OF: Readonly<Record<string, string>> = { fa2: 'sdpa-flash' };

export function cycleCalibrationFor(hardware: string): CycleCalibration | undefined {
  return CALIBRATIONS[hardware];
}

export function cycleKernelConstants(hardware: string, kernel: string): CycleKernelConstants | undefined {
  return CALIBRATIONS[hardware]?.kernels[FAMILY_OF[kernel] ?? kernel];
}

/** The plan with the cycle engine's latency constants on its main-loop launches (as calibratePlan does). */
export function withCycleConstants(
  plan: KernelPlan,
  constants: Pick<CycleKernelConstants, 'matrixEfficiency' | 'extraFixedSeconds' | 'tileOverheadSeconds' | 'ctaSoloFraction' | 'dynamicEnergyScale' | 'iterationOverheadSeconds'> | undefined,
): KernelPlan {
  if (!constants) return plan;
  // The energy scale covers every launch of the family, as calibratePlan's does.
  const scaled = (l: LaunchPlan): LaunchPlan => (constants.dynamicEnergyScale !== undefined ? { ...l, dynamicEnergyScale: constants.dynamicEnergyScale } : l);
  return { ...plan, launches: plan.launches.map((l) => withMainLoopConstants(scaled(l), constants)) };
}
