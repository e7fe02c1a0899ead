export * from './workload.js';
export * from './dtype.js';
export * from './masks/mask.js';
export * from './masks/coverage.js';
export * from './models/index.js';
