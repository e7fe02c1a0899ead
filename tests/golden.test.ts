import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getPreset } from '../hardware/index.js';
import { simulate } from '../sim/simulate.js';
import { modelWorkload } from '../workloads/models/index.js';
import { makeWorkload, type Workload } from '../workloads/workload.js';

/**
 * Golden reports: the whole JSON report of a few preset × workload pairs, compared key by key
 * with a relative tolerance. A model change that moves a number fails here until the goldens
 * are regenerated on purpose (`npm run golden:update`) and the diff is read in review.
 */
const REL_TOL = 1e-6;

const CASES: Array<{ name: string; hardware: string; kernel: string; workload: Workload }> = [
  { name: 'h200-fa2-llama8b-prefill32k', hardware: 'h200-sxm', kernel: 'fa2', workload: modelWorkload({ model: 'llama-3.1-8b', context: 32768 }) },
  { name: 'h100-fa3-causal16k-d128', hardware: 'h100-sxm', kernel: 'fa3', workload: makeWorkload({ batch: 2, heads: 32, qLen: 16384, headDim: 128, mask: { kind: 'causal' } }) },
  { name: 'a100-fa2-llama70b-decode32k-b8', hardware: 'a100-sxm-80gb', kernel: 'fa2', workload: modelWorkload({ model: 'llama-3.1-70b', context: 32768, phase: 'decode', batch: 8 }) },
  { name: 'mi300x-naive-4k', hardware: 'mi300x', kernel: 'naive', workload: makeWorkload({ heads: 16, qLen: 4096, headDim: 128 }) },
  { name: 'b200-splitkv-qwen-decode128k', hardware: 'b200', kernel: 'split-kv', workload: modelWorkload({ model: 'qwen2.5-7b', context: 131072, phase: 'decode' }) },
  { name: 'l40s-fa2-mistral-prefill8k', hardware: 'l40s', kernel: 'fa2', workload: modelWorkload({ model: 'mistral-7b', context: 8192 }) },
];

function compare(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    const scale = Math.max(Math.abs(expected), 1e-300);
    expect(Math.abs((actual as number) - expected) / scale, `${path}: ${actual} vs golden ${expected}`).toBeLessThanOrEqual(REL_TOL);
  } else if (expected !== null && typeof expected === 'object') {
    expect(actual, path).toBeTypeOf('object');
    expect(Object.keys(actual as object).sort(), `${path}: keys`).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) compare((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    expect(actual, path).toEqual(expected);
  }
}

describe('golden reports', () => {
  for (const c of CASES) {
    it(`simulate(${c.kernel}) on ${c.hardware}: ${c.name} matches its golden report`, () => {
      const report = simulate({ hardware: getPreset(c.hardware), workload: c.workload, kernel: c.kernel });
      const file = new URL(`./golden/${c.name}.json`, import.meta.url);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        if (process.env.CI) expect.fail(`golden file ${c.name}.json is missing`);
        writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
      }
      compare(JSON.parse(JSON.stringify(report)), JSON.parse(readFileSync(file, 'utf8')), c.name);
    });
  }
});
