import { each, PipelineBuilder, rowFirst, rowLast, tokenBytes, type PipelineParams } from './builder.js';
import type { PipelineGraph } from './graph.js';

/**
 * The naive streaming SDPA of Sohn, Zhang and Olukotun (2024):
 *
 *   QKᵀ → row max → subtract/exp → row sum → divide → ·V
 *
 * Each row reduction emits its result only after the row's last score, but the next stage
 * needs that result *before* the row's first score. So the scores go around the reduction
 * through a bypass FIFO that must hold a whole row (keyBlocks tokens) plus the one arriving
 * as the row's first is taken: depth N+1, O(N) on-chip memory. Shallower, the pipeline
 * stalls (depth N) or deadlocks (depth < N).
 */
export function naiveSdpaPipeline(params: PipelineParams): PipelineGraph {
  const b = new PipelineBuilder(params);
  const s = b.shape;
  const bytes = tokenBytes(s);
  const cells = s.blockQ * s.blockK;
  const replicas = Array.from({ length: b.replicas }, (_, i) => i);

  // K and V are read once and broadcast to every replica.
  const kFifos = b.broadcastRead('k', bytes.k, s.keyBlocks);
  const vFifos = b.broadcastRead('v', bytes.v, s.keyBlocks);

  for (const i of replicas) {
    const t = (name: string) => b.tag(name, i);
    const q = b.fifo(t('q'), bytes.q);
    const sToMax = b.fifo(t('s>max'), bytes.scores);
    const sBypass = b.fifo(t('s>sub'), bytes.scores, true);
    const max = b.fifo(t('max'), bytes.rowStat);
    const eToSum = b.fifo(t('e>sum'), bytes.scores);
    const eBypass = b.fifo(t('e>div'), bytes.scores, true);
    const sum = b.fifo(t('sum'), bytes.rowStat);
    const p = b.fifo(t('p'), bytes.scores);
    const o = b.fifo(t('o'), bytes.accumulator);

    b.read(t('read-q'), 'q', bytes.q, 1, [q]);
    b.matmul(t('qk'), 'qk', { macs: cells * s.headDim, vectorOps: 0, exps: 0 }, s.headDim, [rowFirst(q), each(kFifos[i]!)], [each(sToMax), each(sBypass)]);
    b.vector(t('row-max'), 'row-max', 'reduce', cells, { macs: 0, vectorOps: cells, exps: 0 }, s.keyBlocks, [each(sToMax)], [rowLast(max)]);
    b.vector(t('sub-exp'), 'sub-exp', 'map', cells, { macs: 0, vectorOps: cells, exps: cells }, s.keyBlocks, [each(sBypass), rowFirst(max)], [each(eToSum), each(eBypass)]);
    b.vector(t('row-sum'), 'row-sum', 'reduce', cells, { macs: 0, vectorOps: cells, exps: 0 }, s.keyBlocks, [each(eToSum)], [rowLast(sum)]);
    b.vector(t('divide'), 'divide', 'map', cells, { macs: 0, vectorOps: cells, exps: 0 }, s.keyBlocks, [each(eBypass), rowFirst(sum)], [each(p)]);
    // Outer-product accumulation: each probability scales a row of V into the running output.
    b.matmul(t('pv'), 'pv', { macs: cells * s.valueHeadDim, vectorOps: 0, exps: 0 }, 1, [each(p), each(vFifos[i]!)], [rowLast(o)]);
    b.write(t('write-o'), 'o', bytes.o, 1, o);
  }
  return b.build('sdpa-naive', b.tag('write-o', b.replicas - 1));
}
