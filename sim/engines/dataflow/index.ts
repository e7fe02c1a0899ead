export { runPipeline, type RunResult, type UnitStats, type FifoStats, type DeadlockReport, type WaitingUnit, type EngineOptions } from './engine.js';
export { runCompressed, type CompressedRun, type CompressOptions } from './compress.js';
export { fifoRequirements, cyclesVsDepth, type FifoRequirement, type FifoRequirements, type DepthPoint } from './sweep.js';
export { simulateDataflow, dataflowKernelOf, type DataflowRequest, type DataflowOptions } from './simulate.js';
export { countPipeline, type DataflowCounts } from './counts.js';
export { dataflowEnergy } from './energy.js';
export { resourcesOf } from './resources.js';
export type { DataflowDetails, DataflowPhaseDetails } from './details.js';
