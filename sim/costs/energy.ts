import type { GpuSpec } from '../../hardware/schema.js';
import type { Counts } from '../engines/counts.js';
import type { Dtype } from '../../hardware/schema.js';
import { matrixEnergyPerFlop } from './rates.js';

/** Joules by where they go. `static` is idle power over the latency. */
export interface EnergyBreakdown {
  total: number;
  static: number;
  matrix: number;
  vector: number;
  exp: number;
  smem: number;
  l2: number;
  hbm: number;
}

/** Energy = Σ action count × energy per action (the spec's table) + idle power × time. */
export function energyOf(counts: Counts, dtype: Dtype, seconds: number, spec: GpuSpec): EnergyBreakdown {
  const m = spec.memory;
  const parts = {
    static: spec.power.idleWatts * seconds,
    matrix: counts.matrixFlops * matrixEnergyPerFlop(spec, dtype),
    vector: counts.vectorFlops * spec.energy.vectorJoulesPerFlop,
    exp: counts.exps * spec.energy.expJoulesPerOp,
    smem: counts.bytes.smem.read * m.smem.readEnergyJoulesPerByte + counts.bytes.smem.write * m.smem.writeEnergyJoulesPerByte,
    l2: counts.bytes.l2.read * m.l2.readEnergyJoulesPerByte + counts.bytes.l2.write * m.l2.writeEnergyJoulesPerByte,
    hbm: counts.bytes.hbm.read * m.hbm.readEnergyJoulesPerByte + counts.bytes.hbm.write * m.hbm.writeEnergyJoulesPerByte,
  };
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return { total, ...parts };
}
