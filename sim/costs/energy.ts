import type { GpuSpec } from '../../hardware/schema.js';
import type { Counts } from '../counts.js';
import type { Dtype, MatrixPath } from '../../hardware/schema.js';
import { matrixEnergyPerFlop } from './rates.js';

/** Joules by where they go. `static` is idle power over the latency. */
export interface EnergyBreakdown {
  total: number;
  static: number;
  matrix: number;
  /** Operand delivery of the instruction path (register-file traffic of mma.sync). */
  operand: number;
  vector: number;
  exp: number;
  smem: number;
  l2: number;
  hbm: number;
}

/**
 * Energy of one launch = Σ action count × energy per action (the spec's table) + idle power ×
 * time. `path` is the launch's tensor-core instruction path (its operand-delivery cost).
 */
export function energyOf(counts: Counts, dtype: Dtype, path: MatrixPath | null, seconds: number, spec: GpuSpec, dynamicScale = 1): EnergyBreakdown {
  const m = spec.memory;
  const dynamic = {
    matrix: counts.activeMatrixFlops > 0 ? counts.activeMatrixFlops * matrixEnergyPerFlop(spec, dtype) : 0,
    operand: path ? counts.activeMatrixFlops * (spec.energy.operandJoulesPerFlop?.[path] ?? 0) : 0,
    vector: counts.vectorFlops * spec.energy.vectorJoulesPerFlop,
    exp: counts.exps * spec.energy.expJoulesPerOp,
    smem: counts.bytes.smem.read * m.smem.readEnergyJoulesPerByte + counts.bytes.smem.write * m.smem.writeEnergyJoulesPerByte,
    l2: counts.bytes.l2.read * m.l2.readEnergyJoulesPerByte + counts.bytes.l2.write * m.l2.writeEnergyJoulesPerByte,
    hbm: counts.bytes.hbm.read * m.hbm.readEnergyJoulesPerByte + counts.bytes.hbm.write * m.hbm.writeEnergyJoulesPerByte,
  };
  const parts: Omit<EnergyBreakdown, 'total'> = { static: spec.power.idleWatts * seconds, ...dynamic };
  for (const key of Object.keys(dynamic) as Array<keyof typeof dynamic>) parts[key] = dynamic[key] * dynamicScale;
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return { total, ...parts };
}

export function addEnergy(a: EnergyBreakdown, b: EnergyBreakdown): EnergyBreakdown {
  const out = { ...a };
  for (const key of Object.keys(a) as Array<keyof EnergyBreakdown>) out[key] = a[key] + b[key];
  return out;
}

export function zeroEnergy(): EnergyBreakdown {
  return { total: 0, static: 0, matrix: 0, operand: 0, vector: 0, exp: 0, smem: 0, l2: 0, hbm: 0 };
}
