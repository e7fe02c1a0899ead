import { getDevicePreset, type DeviceSpec } from '../../hardware/device.js';
import type { Report } from '../../sim/report.js';
import { simulate } from '../../sim/simulate.js';
import { breakdownItem, type BreakdownItem } from '../data/breakdown-data.js';
import { rooflineSeries, type RooflineSeries } from '../data/roofline-data.js';
import { defaultSparseDensities, sparseSpeedupCurve, type SparsePoint } from '../data/sparse-data.js';
import { hardwareFor, workloadFor, type AppState } from './state.js';

/** What the views show for one state: the same `simulate` the CLI runs, once per machine shown (each kind on its own engine). */
export interface Computed {
  /** Primary machine first, then each compared preset, of any kind. */
  reports: Report[];
  series: RooflineSeries[];
  breakdown: BreakdownItem[];
  /** The primary machine's block-sparse curve; null for a non-GPU device (the bounds are a GPU kernel's tiles). */
  sparse: SparsePoint[] | null;
}

export function compute(state: AppState): Computed {
  const workload = workloadFor(state);
  const primary = hardwareFor(state);
  const machines: DeviceSpec[] = [primary, ...state.compare.filter((id) => id !== state.hardware).map((id) => getDevicePreset(id))];
  const reports = machines.map((spec) => simulate({ hardware: spec, workload, kernel: state.kernel }));
  return {
    reports,
    series: machines.map((spec, i) => rooflineSeries(spec, reports[i]!)),
    breakdown: reports.map((r, i) => breakdownItem(r, machines[i]!.kind)),
    sparse: primary.kind === 'gpu' ? sparseSpeedupCurve({ hardware: primary, workload, kernel: state.kernel, densities: defaultSparseDensities, blockSizeTokens: state.blockSizeTokens }) : null,
  };
}
