import h200 from './calibration/h200-sxm.json' with { type: 'json' };
import type { GpuSpec } from './schema.js';

/**
 * Calibration constants per hardware: a few named numbers fitted by `attnsim calibrate` on the
 * calibration split of that hardware's shipped measurements (never on held-out cases). Presets
 * keep their sourced estimates; these are applied on top, so refitting never compounds.
 */
export interface KernelCalibration {
  /** Fraction of the instruction path's tensor rate the kernel's main loop sustains. */
  matrixEfficiency: number;
  /** Fraction of an SM's rate one CTA of the family reaches alone (LaunchPlan.ctaSoloFraction); missing: 1. */
  ctaSoloFraction?: number;
  /** Fixed seconds per main-loop launch beyond the hardware's launch overhead. */
  extraFixedSeconds: number;
  /** Seconds each work tile spends outside its main loop (prologue and epilogue). */
  tileOverheadSeconds: number;
  /** SM seconds per main-loop iteration beyond its math (LaunchPlan.iterationOverheadSeconds); missing: 0. */
  iterationOverheadSeconds?: number;
  /** Multiplier on the family's dynamic energy (energy per action beyond the counts). */
  dynamicEnergyScale: number;
  /** Energy MAPE on its calibration cases after the fit. */
  energyFitMape: number;
  calibrationCases: number;
  /** Latency MAPE on its calibration cases (fit quality; the score is the held-out error). */
  fitMape: number;
}

export interface HardwareCalibration {
  hardware: string;
  fittedOn: { files: string[]; rule: string; cases: number; command: string; date: string };
  energy: {
    /** Multiplier on the preset's SM-side energies: tensor and shared memory. */
    smScale: number;
    /** Multiplier on the preset's softmax-side energies: vector and exp. */
    softmaxScale: number;
    /** Multiplier on the preset's memory-side energies: L2 and HBM. */
    memoryScale: number;
    /** Multiplier on the preset's operand-delivery energy per tensor FLOP (per instruction path). */
    operandScale: number;
    calibrationCases: number;
    fitMape: number;
  };
  /** Dirty bytes L2 still holds when a kernel ends (memory.l2.retainedDirtyBytes). */
  l2: { retainedDirtyBytes: number; calibrationCases: number; fitMape: number };
  kernels: Record<string, KernelCalibration>;
}

/** The spec with an L2 dirty-retention constant. */
export function withRetainedDirtyBytes(spec: GpuSpec, bytes: number, origin: string): GpuSpec {
  return {
    ...spec,
    memory: { ...spec.memory, l2: { ...spec.memory.l2, retainedDirtyBytes: bytes } },
    provenance: { ...spec.provenance, 'memory.l2.retainedDirtyBytes': { basis: 'estimate', source: origin, notes: 'calibration constant', written: String(bytes) } },
  };
}

/** Multipliers on the preset's energies, one per group (softmax defaults to the SM side's). */
export interface EnergyScales {
  smScale: number;
  softmaxScale?: number;
  memoryScale: number;
  operandScale: number;
}

/** The spec fields each energy scale multiplies. */
export const ENERGY_GROUPS = {
  sm: [
    'energy.matrixJoulesPerFlop.bf16',
    'energy.matrixJoulesPerFlop.fp16',
    'energy.matrixJoulesPerFlop.fp8',
    'energy.matrixJoulesPerFlop.tf32',
    'memory.smem.readEnergyJoulesPerByte',
    'memory.smem.writeEnergyJoulesPerByte',
  ],
  /**
   * The softmax side, apart from the tensor side: per tensor FLOP an attention does 1/d as many
   * exps and row operations, so head dims 64 and 256 tell the two apart (one shared scale left
   * d = 64 under- and d = 256 over-predicted by 10–25% on the calibration split).
   */
  softmax: ['energy.vectorJoulesPerFlop', 'energy.expJoulesPerOp'],
  memory: ['memory.l2.readEnergyJoulesPerByte', 'memory.l2.writeEnergyJoulesPerByte', 'memory.hbm.readEnergyJoulesPerByte', 'memory.hbm.writeEnergyJoulesPerByte'],
  operand: ['energy.operandJoulesPerFlop.mma_sync', 'energy.operandJoulesPerFlop.wgmma', 'energy.operandJoulesPerFlop.tcgen05', 'energy.operandJoulesPerFlop.mfma'],
} as const;

const H200 = h200 as unknown as HardwareCalibration;

/**
 * Calibrations by preset. The H100 SXM is the same GH100 die as the H200 at the same clocks and
 * the same 700 W limit, running the same kernel binaries, so it takes the H200's constants
 * (transferred, not validated: no H100 measurements ship yet). Other presets have none.
 */
const CALIBRATIONS: Readonly<Record<string, HardwareCalibration>> = {
  'h200-sxm': H200,
  'h100-sxm': H200,
};

/** The preset whose measurements a calibration was fitted on (differs when transferred). */
export function calibrationSource(hardware: string): string | undefined {
  return CALIBRATIONS[hardware]?.hardware;
}

export function getCalibration(hardware: string): HardwareCalibration | undefined {
  const c = CALIBRATIONS[hardware];
  return c && c.kernels ? c : undefined;
}

/**
 * The spec with energy scales applied to its SM-side, memory-side and operand-delivery
 * energies. Built directly (no re-validation through the unit parser: the values are numbers
 * already), so code that only derives specs, such as sweep workers, need not load mathjs.
 */
export function withEnergyScales(spec: GpuSpec, scales: EnergyScales, origin: string): GpuSpec {
  const copy = structuredClone(spec) as GpuSpec & Record<string, unknown>;
  const provenance = { ...spec.provenance };
  const groups = [
    [ENERGY_GROUPS.sm, scales.smScale],
    [ENERGY_GROUPS.softmax, scales.softmaxScale ?? scales.smScale],
    [ENERGY_GROUPS.memory, scales.memoryScale],
    [ENERGY_GROUPS.operand, scales.operandScale],
  ] as const;
  for (const [paths, scale] of groups) {
    for (const path of paths) {
      const keys = path.split('.');
      const parent = keys.slice(0, -1).reduce<Record<string, unknown> | undefined>((node, key) => node?.[key] as Record<string, unknown> | undefined, copy);
      const leaf = keys[keys.length - 1]!;
      const value = parent?.[leaf];
      if (typeof value !== 'number') continue;
      parent![leaf] = value * scale;
      const before = provenance[path];
      provenance[path] = {
        basis: before?.basis ?? 'estimate',
        source: `${before?.source ?? 'preset'}; × ${scale.toFixed(3)} (${origin})`,
        notes: before?.notes ?? '',
        written: before?.written ?? String(value),
      };
    }
  }
  return { ...copy, provenance };
}
