export * from './method.js';
export * from './operators.js';
export * from './graph.js';
export * from './presets.js';
