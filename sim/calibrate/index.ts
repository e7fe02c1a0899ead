/**
 * Calibration fitting: the named constants of hardware/calibration/<id>.json, fitted on the
 * calibration split only (FNV-1a(id) mod 4 = 0). `calibrate` fits the analytical engine's
 * sections, `calibrateCycle` the cycle engine's `cycle` section; `attnsim calibrate [--engine
 * cycle]` runs them.
 */
export { calibrate, prepareCases, fitEnergy, fitEnergyScale, fitKernel, fitRetainedDirty, latencyMape, withEnergyFit, type EnergyFit, type PreparedCase } from './analytical.js';
export {
  calibrateCycle,
  prepareCycleCases,
  fitCycleCalibration,
  fitKernelLatency,
  fitDynamicEnergyScale,
  dramMape,
  type FitCase,
  type LatencyOf,
  type DynamicEnergyOf,
  type EngineConstants,
} from './cycle.js';
export { fitL2FromProbe } from './l2-probe.js';
export { nnls } from './nnls.js';
