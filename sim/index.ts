export * from '../hardware/errors.js';
export * from './report.js';
export * from './simulate.js';
export * from './kernels/index.js';
export type { Counts, ReadWrite } from './counts.js';
export type { Bound } from './costs/latency.js';
