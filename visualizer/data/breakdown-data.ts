import type { EnergyBreakdown } from '../../sim/costs/energy.js';
import type { ReadWrite } from '../../sim/counts.js';
import type { Report } from '../../sim/report.js';
import type { MemoryLevel } from './roofline-data.js';

/** What the bytes-and-energy bars need from one report. */
export interface BreakdownItem {
  label: string;
  bytes: Record<MemoryLevel, ReadWrite>;
  energyJoules: Omit<EnergyBreakdown, 'total'>;
}

export function breakdownItem(report: Report, label = report.hardware.id): BreakdownItem {
  const { total: _total, ...parts } = report.energy;
  return { label, bytes: { smem: report.bytes.smem, l2: report.bytes.l2, hbm: report.bytes.hbm }, energyJoules: parts };
}
