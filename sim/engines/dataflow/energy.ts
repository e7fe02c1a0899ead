import { ON_CHIP, type DataflowSpec } from '../../../hardware/dataflow/schema.js';
import type { EnergyBreakdown } from '../../costs/energy.js';
import type { DataflowCounts } from './counts.js';

/**
 * Energy = Σ action count × energy per action (the spec's table) + idle power × time, in the
 * breakdown every report uses: on-chip SRAM under `smem`, all DRAM tiers under `hbm`.
 */
export function dataflowEnergy(counts: DataflowCounts, seconds: number, spec: DataflowSpec): EnergyBreakdown {
  const onChip = counts.bytes[ON_CHIP] ?? { read: 0, write: 0 };
  let dram = 0;
  for (const [level, rw] of Object.entries(counts.bytes)) {
    if (level === ON_CHIP) continue;
    const tier = spec.memory.dram[level]!;
    dram += rw.read * tier.readEnergyJoulesPerByte + rw.write * tier.writeEnergyJoulesPerByte;
  }
  const parts = {
    static: spec.power.idleWatts * seconds,
    // A MAC is two FLOPs.
    matrix: 2 * counts.macs * spec.energy.matrixJoulesPerFlop,
    // Operands stream into the units from FIFOs: their cost is the on-chip traffic below.
    operand: 0,
    vector: counts.vectorOps * spec.energy.vectorJoulesPerOp,
    exp: counts.exps * spec.energy.expJoulesPerOp,
    smem: onChip.read * spec.memory.onChip.readEnergyJoulesPerByte + onChip.write * spec.memory.onChip.writeEnergyJoulesPerByte,
    l2: 0,
    hbm: dram,
  };
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), ...parts };
}
