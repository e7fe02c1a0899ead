import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shippedDataFiles, shippedRepeatFiles } from '../sim/validate/node/data-files.js';
import { parseCases } from '../sim/validate/format.js';
import { DRAM_TIE_FRACTION, dramOrdering } from '../sim/validate/pairs.js';
import type { CaseResult } from '../sim/validate/case-result.js';

const result = (id: string, measured: number, predicted: number): CaseResult => ({
  id,
  kernel: id.split('/')[0]!,
  split: 'held-out',
  predicted: { latency: 1, dramBytes: predicted },
  measured: { latency: 1, dramBytes: measured },
  error: {},
  baseline: { latency: 1, error: 0 },
});

describe('dramOrdering', () => {
  it('pairs kernels on the same workload only, and scores the order of distinguishable pairs', () => {
    const o = dramOrdering(
      [
        result('a/w1/causal', 100, 50),
        result('b/w1/causal', 200, 60), // ordered right (b reads more)
        result('c/w1/causal', 300, 55), // vs a: right; vs b: wrong (predicted c < b)
        result('a/w2/none', 100, 100), // alone on its workload: no pair
      ],
      0.05,
    );
    expect(o.pairs).toHaveLength(3);
    expect(o.scored).toBe(3);
    expect(o.ordered).toBe(2);
    expect(o.pairs.find((p) => p.kernels.join() === 'b,c')!.right).toBe(false);
  });

  it('a pair measured within the tie fraction is a tie: not scored, agreed when predicted within it too', () => {
    const o = dramOrdering([result('a/w/m', 100, 100), result('b/w/m', 104, 90), result('c/w/m', 103, 102)], 0.05);
    expect(o.scored).toBe(0);
    expect(o.ties).toBe(3);
    expect(o.pairs.filter((p) => p.right).map((p) => p.kernels.join())).toEqual(['a,c']);
  });

  it('with repeat passes, a pair is an ordering only if every pass that measured both agrees by more than the tie fraction', () => {
    const cases = [result('a/w/m', 100, 100), result('b/w/m', 120, 130), result('c/w/m', 200, 300)];
    const passes = [
      new Map([
        ['a/w/m', 100],
        ['b/w/m', 103],
        ['c/w/m', 210],
      ]), // a, b 3% apart in this pass: a tie
      new Map([
        ['a/w/m', 100],
        ['c/w/m', 90],
      ]), // c below a in this pass: a tie; b not measured: no say
    ];
    const o = dramOrdering(cases, 0.05, passes);
    expect(o.repeatPasses).toBe(2);
    expect(o.pairs.filter((p) => p.distinguishable).map((p) => p.kernels.join())).toEqual(['b,c']);
    expect(dramOrdering(cases, 0.05).scored).toBe(3);
  });

  it('the tie fraction covers the run-to-run spread of the repeated measurements (90th percentile)', () => {
    const read = (path: string) => parseCases(readFileSync(path, 'utf8'), path).cases;
    const shipped = new Map(
      shippedDataFiles()
        .flatMap(read)
        .map((c) => [c.id, c]),
    );
    const dram = (m: { dramReadBytes?: number; dramWriteBytes?: number }) => m.dramReadBytes! + m.dramWriteBytes!;
    const spreads = shippedRepeatFiles()
      .flatMap(read)
      .map((c) => Math.abs(dram(c.measured) / dram(shipped.get(c.id)!.measured) - 1))
      .sort((a, b) => a - b);
    expect(spreads.length).toBeGreaterThanOrEqual(500);
    expect(DRAM_TIE_FRACTION).toBeGreaterThanOrEqual(spreads[Math.floor(0.9 * spreads.length)]!);
    // ...and is not so wide that most repeated pairs of different kernels would count as ties.
    expect(DRAM_TIE_FRACTION).toBeLessThanOrEqual(spreads[spreads.length - 1]!);
  });
});
