export * from './graph.js';
export * from './rates.js';
export { PipelineBuilder, DEFAULT_STREAM_DEPTH, tokenBytes, type PipelineParams, type SdpaShape } from './builder.js';
export { naiveSdpaPipeline } from './sdpa-naive.js';
export { incrementalSdpaPipeline } from './sdpa-incremental.js';
export { naivePhasePipeline, NAIVE_PHASES, type NaivePhase } from './sdpa-phases.js';
export * from './tiling.js';
