import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../sim/dse/candidates.js';
import { candidatesFrom } from '../sim/dse/candidates.js';
import { dominates, paretoFront } from '../sim/dse/pareto.js';
import { sweepSensitivity } from '../sim/dse/sensitivity.js';

/** The definition, O(n²): a point is on the front if no point dominates it. */
function bruteForceFront(vectors: number[][]): number[] {
  return vectors.map((_, i) => i).filter((i) => !vectors.some((v, j) => j !== i && dominates(v, vectors[i]!)));
}

describe('paretoFront', () => {
  it('paretoFront equals the brute-force definition on random sets of 1 to 4 objectives (ties and duplicates included)', () => {
    // Small integer coordinates make ties and exact duplicates common.
    const vectors = fc.integer({ min: 1, max: 4 }).chain((k) => fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: k, maxLength: k }), { maxLength: 60 }));
    fc.assert(
      fc.property(vectors, (vs) => {
        expect([...paretoFront(vs)].sort((a, b) => a - b)).toEqual(bruteForceFront(vs));
      }),
      { numRuns: 400 },
    );
  });

  it('paretoFront on real-valued points: the front is sorted by the first objective and mutually non-dominated', () => {
    const vectors = fc.array(fc.tuple(fc.double({ min: 1e-6, max: 1e3, noNaN: true }), fc.double({ min: 1e-6, max: 1e3, noNaN: true })), { maxLength: 200 });
    fc.assert(
      fc.property(vectors, (vs) => {
        const front = paretoFront(vs);
        expect([...front].sort((a, b) => a - b)).toEqual(bruteForceFront(vs));
        for (let i = 1; i < front.length; i++) expect(vs[front[i]!]![0]).toBeGreaterThanOrEqual(vs[front[i - 1]!]![0]);
      }),
      { numRuns: 200 },
    );
  });

  it('paretoFront on 100,000 points that are all on the front (time falling as energy rises): every one, in order, without n² work', () => {
    const n = 100_000;
    const vs = Array.from({ length: n }, (_, i) => [1 / (1 + i), 1 + i / n]);
    const front = paretoFront(vs);
    expect(front).toHaveLength(n);
    expect(front[0]).toBe(n - 1);
    expect(front[n - 1]).toBe(0);
  });

  it('dominates: better on one and no worse on the others; equal vectors do not dominate', () => {
    expect(dominates([1, 2], [1, 3])).toBe(true);
    expect(dominates([1, 3], [1, 3])).toBe(false);
    expect(dominates([0, 4], [1, 3])).toBe(false);
  });
});

describe('candidatesFrom', () => {
  const columns = ['index', 'design', 'workload', 'sms', 'hardware', 'kernel', 'workloadLabel', 'status', 'bound', 'latencySeconds', 'energyJoules', 'reason'];
  const row = (index: number, design: number, workload: number, sms: number, latency: number | null, energy: number | null) => ({
    index,
    design,
    workload,
    sms,
    hardware: 'h',
    kernel: 'k',
    workloadLabel: `w${workload}`,
    status: latency === null ? 'infeasible' : 'ok',
    bound: 'hbm',
    latencySeconds: latency,
    energyJoules: energy,
    reason: null,
  });

  it('candidatesFrom(design mode): time and energy add over workloads, EDP is their product; infeasible and incomplete designs are left out', () => {
    const rows = [row(0, 0, 0, 66, 1, 10), row(1, 0, 1, 66, 2, 20), row(2, 1, 0, 132, 1, 1), row(3, 1, 1, 132, null, null), row(4, 2, 0, 200, 1, 1)];
    const set = candidatesFrom(rows, columns, ['latency', 'energy', 'edp'], 'design');
    expect(set.candidates).toHaveLength(1);
    expect(set.candidates[0]!.objectives).toEqual({ latency: 3, energy: 30, edp: 90 });
    expect(set.candidates[0]!.factors).toEqual({ sms: 66, hardware: 'h', kernel: 'k' });
    expect(set.infeasible).toBe(1);
    expect(set.incomplete).toBe(1);
  });

  it('candidatesFrom: an objective the results lack is an error naming it', () => {
    expect(() => candidatesFrom([row(0, 0, 0, 66, 1, 1)], columns, ['cost'], 'design')).toThrow(/--objectives: the results have no cost \(costDollars\)/);
  });
});

describe('sweepSensitivity', () => {
  const candidate = (a: number, b: number, y: number): Candidate => ({ design: 0, point: null, factors: { a, b }, objectives: { latency: y }, bound: 'hbm' });

  it('sweepSensitivity: a factor that alone sets the objective explains all of its variance; one that does nothing, none', () => {
    const cs = [1, 2, 4].flatMap((a) => [10, 20].map((b) => candidate(a, b, a * 3)));
    const [first, second] = sweepSensitivity(cs, ['a', 'b'], 'latency');
    expect(first).toMatchObject({ factor: 'a', best: 1, worst: 4 });
    expect(first!.varianceShare).toBeCloseTo(1, 12);
    expect(first!.swing).toBeCloseTo(4, 12);
    expect(second!.factor).toBe('b');
    expect(second!.varianceShare).toBeCloseTo(0, 12);
    expect(second!.swing).toBeCloseTo(1, 12);
  });

  it('sweepSensitivity: on a full grid with y = a·b, the two shares follow the spread of log a and log b', () => {
    const cs = [1, 2].flatMap((a) => [1, 4].map((b) => candidate(a, b, a * b)));
    const effects = sweepSensitivity(cs, ['a', 'b'], 'latency');
    // Var(log y) = Var(log a) + Var(log b) = (ln 2)²/4 + (ln 4)²/4; shares 1/5 and 4/5.
    expect(effects.map((e) => e.factor)).toEqual(['b', 'a']);
    expect(effects[0]!.varianceShare).toBeCloseTo(0.8, 12);
    expect(effects[1]!.varianceShare).toBeCloseTo(0.2, 12);
  });
});
