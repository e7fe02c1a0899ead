import { getPreset } from '../hardware/index.js';
import { simulate } from '../sim/simulate.js';
import { modelWorkload } from '../workloads/models/index.js';
import { makeWorkload, type Workload } from '../workloads/workload.js';

/**
 * The golden reports' cases and how each report is made, shared by tests/golden.test.ts (which
 * only compares) and scripts/golden-update.mjs (which rewrites tests/golden/ on purpose).
 */

export interface GoldenCase {
  name: string;
  hardware: string;
  kernel: string;
  workload: Workload;
}

export const GOLDEN_CASES: GoldenCase[] = [
  { name: 'h200-fa2-llama8b-prefill32k', hardware: 'h200-sxm', kernel: 'fa2', workload: modelWorkload({ model: 'llama-3.1-8b', context: 32768 }) },
  { name: 'h100-fa3-causal16k-d128', hardware: 'h100-sxm', kernel: 'fa3', workload: makeWorkload({ batch: 2, heads: 32, qLen: 16384, headDim: 128, mask: { kind: 'causal' } }) },
  { name: 'a100-fa2-llama70b-decode32k-b8', hardware: 'a100-sxm-80gb', kernel: 'fa2', workload: modelWorkload({ model: 'llama-3.1-70b', context: 32768, phase: 'decode', batch: 8 }) },
  { name: 'mi300x-naive-4k', hardware: 'mi300x', kernel: 'naive', workload: makeWorkload({ heads: 16, qLen: 4096, headDim: 128 }) },
  { name: 'b200-splitkv-qwen-decode128k', hardware: 'b200', kernel: 'split-kv', workload: modelWorkload({ model: 'qwen2.5-7b', context: 131072, phase: 'decode' }) },
  { name: 'l40s-fa2-mistral-prefill8k', hardware: 'l40s', kernel: 'fa2', workload: modelWorkload({ model: 'mistral-7b', context: 8192 }) },
];

/** The case's golden file, as a path relative to the repository root. */
export const goldenFile = (c: GoldenCase): string => `tests/golden/${c.name}.json`;

/** The report as its golden file holds it: the simulator's JSON, two-space indented, newline-terminated. */
export function goldenText(c: GoldenCase): string {
  const report = simulate({ hardware: getPreset(c.hardware), workload: c.workload, kernel: c.kernel });
  return `${JSON.stringify(report, null, 2)}\n`;
}
