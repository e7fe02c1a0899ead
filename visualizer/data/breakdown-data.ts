import type { EnergyBreakdown } from '../../sim/costs/energy.js';
import type { ReadWrite } from '../../sim/counts.js';
import type { Report } from '../../sim/report.js';
import { reportKind, type MemoryLevel } from './roofline-data.js';

/** What the bytes-and-energy bars need from one report. */
export interface BreakdownItem {
  label: string;
  /** The device kind, which names its levels: a dataflow device's `smem` is on-chip, its `hbm` is DRAM, and it has no L2. */
  kind: string;
  bytes: Record<MemoryLevel, ReadWrite>;
  energyJoules: Omit<EnergyBreakdown, 'total'>;
}

/** `kind`: the device kind the report was simulated on (by default told from the report, for the built-in kinds). */
export function breakdownItem(report: Report, kind = reportKind(report), label = report.hardware.id): BreakdownItem {
  const { total: _total, ...parts } = report.energy;
  return { label, kind, bytes: { smem: report.bytes.smem, l2: report.bytes.l2, hbm: report.bytes.hbm }, energyJoules: parts };
}
