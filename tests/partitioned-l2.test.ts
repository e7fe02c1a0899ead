import { describe, expect, it } from 'vitest';
import { PartitionedL2 } from '../experiments/partitioned-l2.js';

/** Lines homed in the given partition, in increasing order. */
function linesHomedIn(partition: 0 | 1, count: number, from = 0): number[] {
  const out: number[] = [];
  for (let line = from; out.length < count; line++) if (PartitionedL2.homeOf(line) === partition) out.push(line);
  return out;
}

describe('PartitionedL2 (the line-level L2 of experiments/l2-lines.ts)', () => {
  it('homes lines in both partitions about evenly', () => {
    let ones = 0;
    for (let line = 0; line < 10_000; line++) ones += PartitionedL2.homeOf(line);
    expect(ones).toBeGreaterThan(4_800);
    expect(ones).toBeLessThan(5_200);
  });

  it('a near-homed line: one DRAM read, then near hits', () => {
    const l2 = new PartitionedL2({ bytes: 1 << 20, ways: 16 });
    const [line] = linesHomedIn(0, 1);
    l2.read(0, line!);
    l2.read(0, line!);
    expect(l2.counts).toMatchObject({ requests: 2, nearMisses: 1, fabricRequests: 0, dramReads: 1 });
  });

  it('a far-homed line crosses the fabric once, is fetched once, and is then served by either partition', () => {
    const l2 = new PartitionedL2({ bytes: 1 << 20, ways: 16 });
    const [line] = linesHomedIn(1, 1);
    l2.read(0, line!); // near miss, fabric miss at the home, DRAM; a copy kept near
    l2.read(1, line!); // hit at the home
    l2.read(0, line!); // hit on the near copy
    expect(l2.counts).toMatchObject({ requests: 3, nearMisses: 1, fabricRequests: 1, fabricMisses: 1, dramReads: 1 });
    // The other way round: its home partition fetches it; the far SM's fabric request then hits.
    const [other] = linesHomedIn(1, 1, line! + 1);
    l2.read(1, other!);
    l2.read(0, other!);
    expect(l2.counts).toMatchObject({ nearMisses: 3, fabricRequests: 2, fabricMisses: 1, dramReads: 2 });
  });

  it('evicts the least recently used way of a set, and writes a dirty line back when it leaves', () => {
    // One set of two ways per partition: every line of a partition competes for the same two ways.
    const l2 = new PartitionedL2({ bytes: 2 * 2 * 128, ways: 2 });
    const [a, b, c] = linesHomedIn(0, 3);
    l2.read(0, a!);
    l2.write(b!); // allocated dirty in its home, partition 0
    l2.read(0, a!); // a is now the more recent
    l2.read(0, c!); // evicts b, which is dirty
    expect(l2.counts.dramWrites).toBe(1);
    l2.read(0, a!);
    expect(l2.counts.dramReads).toBe(2); // a and c only: a still hits
    l2.read(0, b!);
    expect(l2.counts.dramReads).toBe(3);
  });

  it('bimodal insertion keeps part of a working set that cycles through more than the capacity; LRU keeps none', () => {
    const lines = linesHomedIn(0, 3 * 1024); // 1.5 times partition 0's 2048 lines
    const missRate = (insertion: 'lru' | 'dip') => {
      const l2 = new PartitionedL2({ bytes: 2 * 2048 * 128, ways: 16, insertion });
      for (const line of lines) l2.read(0, line);
      const before = l2.counts.dramReads;
      for (let pass = 0; pass < 4; pass++) for (const line of lines) l2.read(0, line);
      return (l2.counts.dramReads - before) / (4 * lines.length);
    };
    expect(missRate('lru')).toBeGreaterThan(0.95);
    expect(missRate('dip')).toBeLessThan(0.7);
  });
});
