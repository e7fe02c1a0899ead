export * from './bounds.js';
export * from './operator-cost.js';
export * from './sweep.js';
export * from './kernel.js';
