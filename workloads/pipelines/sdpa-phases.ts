import { each, PipelineBuilder, rowFirst, rowLast, tokenBytes, type PipelineParams } from './builder.js';
import type { PipelineGraph } from './graph.js';

/**
 * The naive SDPA time-multiplexed onto a device whose FIFO memory cannot hold the N+1-deep
 * bypasses: the pipeline is cut at each row reduction into three configurations that run one
 * after another, and what the bypass would have held makes a round trip through memory.
 *
 *   1 scores:        QKᵀ → row max;            write S and m
 *   2 exp-sum:       read m, S → subtract/exp → row sum; write E and l
 *   3 normalize-pv:  read l, E, V → divide → ·V; write O
 *
 * Each configuration reads the row statistic before the row's scores, so none needs a bypass:
 * the O(N) FIFO becomes O(N²) memory traffic (S and E written and read once each).
 */
export const NAIVE_PHASES = ['scores', 'exp-sum', 'normalize-pv'] as const;
export type NaivePhase = (typeof NAIVE_PHASES)[number];

export function naivePhasePipeline(phase: NaivePhase, params: PipelineParams): PipelineGraph {
  const b = new PipelineBuilder(params);
  const s = b.shape;
  const bytes = tokenBytes(s);
  const cells = s.blockQ * s.blockK;
  const replicas = Array.from({ length: b.replicas }, (_, i) => i);

  if (phase === 'scores') {
    const kFifos = b.broadcastRead('k', bytes.k, s.keyBlocks);
    for (const i of replicas) {
      const t = (name: string) => b.tag(name, i);
      const q = b.fifo(t('q'), bytes.q);
      const sToMax = b.fifo(t('s>max'), bytes.scores);
      const sToMemory = b.fifo(t('s>mem'), bytes.scores);
      const max = b.fifo(t('max'), bytes.rowStat);
      b.read(t('read-q'), 'q', bytes.q, 1, [q]);
      b.matmul(t('qk'), 'qk', { macs: cells * s.headDim, vectorOps: 0, exps: 0 }, s.headDim, [rowFirst(q), each(kFifos[i]!)], [each(sToMax), each(sToMemory)]);
      b.vector(t('row-max'), 'row-max', 'reduce', cells, { macs: 0, vectorOps: cells, exps: 0 }, s.keyBlocks, [each(sToMax)], [rowLast(max)]);
      b.write(t('write-s'), 's', bytes.scores, s.keyBlocks, sToMemory);
      b.write(t('write-max'), 'max', bytes.rowStat, 1, max);
    }
    return b.build('sdpa-naive/scores', b.tag('write-max', b.replicas - 1));
  }

  if (phase === 'exp-sum') {
    for (const i of replicas) {
      const t = (name: string) => b.tag(name, i);
      const max = b.fifo(t('max'), bytes.rowStat);
      const scores = b.fifo(t('s'), bytes.scores);
      const eToSum = b.fifo(t('e>sum'), bytes.scores);
      const eToMemory = b.fifo(t('e>mem'), bytes.scores);
      const sum = b.fifo(t('sum'), bytes.rowStat);
      b.read(t('read-max'), 'max', bytes.rowStat, 1, [max]);
      b.read(t('read-s'), 's', bytes.scores, s.keyBlocks, [scores]);
      b.vector(t('sub-exp'), 'sub-exp', 'map', cells, { macs: 0, vectorOps: cells, exps: cells }, s.keyBlocks, [each(scores), rowFirst(max)], [each(eToSum), each(eToMemory)]);
      b.vector(t('row-sum'), 'row-sum', 'reduce', cells, { macs: 0, vectorOps: cells, exps: 0 }, s.keyBlocks, [each(eToSum)], [rowLast(sum)]);
      b.write(t('write-e'), 'e', bytes.scores, s.keyBlocks, eToMemory);
      b.write(t('write-sum'), 'sum', bytes.rowStat, 1, sum);
    }
    return b.build('sdpa-naive/exp-sum', b.tag('write-sum', b.replicas - 1));
  }

  const vFifos = b.broadcastRead('v', bytes.v, s.keyBlocks);
  for (const i of replicas) {
    const t = (name: string) => b.tag(name, i);
    const sum = b.fifo(t('sum'), bytes.rowStat);
    const e = b.fifo(t('e'), bytes.scores);
    const p = b.fifo(t('p'), bytes.scores);
    const o = b.fifo(t('o'), bytes.accumulator);
    b.read(t('read-sum'), 'sum', bytes.rowStat, 1, [sum]);
    b.read(t('read-e'), 'e', bytes.scores, s.keyBlocks, [e]);
    b.vector(t('divide'), 'divide', 'map', cells, { macs: 0, vectorOps: cells, exps: 0 }, s.keyBlocks, [each(e), rowFirst(sum)], [each(p)]);
    b.matmul(t('pv'), 'pv', { macs: cells * s.valueHeadDim, vectorOps: 0, exps: 0 }, 1, [each(p), each(vFifos[i]!)], [rowLast(o)]);
    b.write(t('write-o'), 'o', bytes.o, 1, o);
  }
  return b.build('sdpa-naive/normalize-pv', b.tag('write-o', b.replicas - 1));
}
