import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_CASES, goldenFile, goldenText } from './golden-cases.js';

/**
 * Golden reports: the whole JSON report of a few preset × workload pairs, compared key by key
 * with a relative tolerance. A model change that moves a number fails here until the goldens
 * are regenerated on purpose (`npm run golden:update`) and the diff is read in review. The test
 * only reads them: a test run never rewrites a golden file.
 */
const REL_TOL = 1e-6;
const REPO_ROOT = join(import.meta.dirname, '..');

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
  for (const c of GOLDEN_CASES) {
    it(`simulate(${c.kernel}) on ${c.hardware}: ${c.name} matches its golden report`, () => {
      const file = join(REPO_ROOT, goldenFile(c));
      if (!existsSync(file)) expect.fail(`golden file ${goldenFile(c)} is missing; run npm run golden:update and review it`);
      compare(JSON.parse(goldenText(c)), JSON.parse(readFileSync(file, 'utf8')), c.name);
    });
  }
});
