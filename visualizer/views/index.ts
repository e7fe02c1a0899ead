export { rooflineView, rooflineDefaults, autoRooflineDomains, type RooflineOptions } from './roofline.js';
export { breakdownView, breakdownDefaults, type BreakdownOptions } from './breakdown.js';
export { sparseView, sparseDefaults, type SparseOptions } from './sparse.js';
export { scatterView, scatterDefaults, type ScatterOptions } from './scatter.js';
export { timelineView, timelineDefaults, type TimelineOptions } from './timeline.js';
export type { BaseOptions, Margins } from './svg.js';
