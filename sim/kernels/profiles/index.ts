import type { GpuSpec } from '../../../hardware/schema.js';
import type { Workload } from '../../../workloads/workload.js';
import { withMainLoopConstants, type KernelPlan } from '../plan.js';
import { getCalibration, type KernelCalibration } from '../../../hardware/calibration.js';
import { lowerCudnn } from './cudnn.js';
import { lowerEfficient } from './efficient.js';
import { lowerSdpaFlash } from './flash.js';
import { lowerFlex } from './flex.js';
import { lowerMath } from './math.js';

/**
 * Kernel profiles: what a measured kernel really does (tiles, CTAs, instruction path, split-KV
 * behaviour, visiting order), read from the profiler's launch records in validation/data, as a
 * lowering. Each profile then takes its hardware's fitted calibration constants, if any.
 */
export interface KernelProfile {
  id: string;
  summary: string;
  lower: (w: Workload, spec: GpuSpec) => KernelPlan;
}

export function calibrationFor(hardware: string, kernel: string): KernelCalibration | undefined {
  return getCalibration(hardware)?.kernels[kernel];
}

/** The calibration entry of a plan lowered by profile `kernel` (KernelPlan.calibrationFamily). */
export function calibrationFamilyOf(plan: KernelPlan, kernel: string): string {
  return plan.calibrationFamily ?? kernel;
}

/** A plan with a kernel family's calibration constants on its main-loop launches. */
export function calibratePlan(plan: KernelPlan, calibration: CalibrationConstants | undefined): KernelPlan {
  if (!calibration) return plan;
  return {
    ...plan,
    launches: plan.launches.map((l) => withMainLoopConstants({ ...l, dynamicEnergyScale: calibration.dynamicEnergyScale }, calibration)),
  };
}

export type CalibrationConstants = Pick<KernelCalibration, 'matrixEfficiency' | 'extraFixedSeconds' | 'tileOverheadSeconds' | 'dynamicEnergyScale' | 'ctaSoloFraction' | 'iterationOverheadSeconds'>;

const UNCALIBRATED: Record<string, Omit<KernelProfile, 'id'>> = {
  'sdpa-flash': { summary: 'PyTorch SDPA flash backend: FlashAttention-2 as launched on the H200 (split-KV decode, register spills)', lower: lowerSdpaFlash },
  'sdpa-cudnn': { summary: 'PyTorch SDPA cuDNN backend: persistent wgmma prefill, sm80 split-KV decode + lean reduction', lower: lowerCudnn },
  'sdpa-efficient': { summary: 'PyTorch SDPA memory-efficient backend: CUTLASS mma.sync, 64-row tiles, no split-KV, no GQA', lower: lowerEfficient },
  flex: { summary: 'FlexAttention (Triton): 128×128 block mask, partial blocks masked per element', lower: lowerFlex },
  'sdpa-math': { summary: 'PyTorch SDPA math backend: fp32 upcast, FFMA GEMMs, ~20 launches', lower: lowerMath },
};

/** The profile, lowering with the calibration fitted for that hardware (if any). */
export function getProfile(kernel: string, options: { calibrated?: boolean } = {}): KernelProfile | undefined {
  const base = UNCALIBRATED[kernel];
  if (!base) return undefined;
  const calibrated = options.calibrated ?? true;
  return {
    id: kernel,
    summary: base.summary,
    lower: (w, spec) => {
      const plan = base.lower(w, spec);
      return calibrated ? calibratePlan(plan, calibrationFor(spec.id, calibrationFamilyOf(plan, kernel))) : plan;
    },
  };
}

export function listProfiles(): string[] {
  return Object.keys(UNCALIBRATED);
}
