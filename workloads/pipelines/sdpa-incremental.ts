import { each, PipelineBuilder, rowFirst, rowLast, tokenBytes, type PipelineParams } from './builder.js';
import type { PipelineGraph } from './graph.js';

/**
 * The incremental (online-softmax, FlashAttention-style) streaming SDPA of Sohn, Zhang and
 * Olukotun (2024):
 *
 *   QKᵀ → running max ─┬→ running sum ─────────┐
 *                      └→ running ·V (rescaled) ┴→ divide
 *
 * The running max emits, for every score block, the rescale factor exp(m_old − m_new) and
 * the exponentials exp(s − m_new); the running sum and the running ·V fold them in as they
 * come (l ← l·δ + Σ e, o ← o·δ + e·V) and emit once per row, and one divide per row finishes.
 * No stage waits for a row to end before using its tokens, so every FIFO stays at a small
 * constant depth whatever N is: O(1) intermediate memory.
 */
export function incrementalSdpaPipeline(params: PipelineParams): PipelineGraph {
  const b = new PipelineBuilder(params);
  const s = b.shape;
  const bytes = tokenBytes(s);
  const cells = s.blockQ * s.blockK;
  const replicas = Array.from({ length: b.replicas }, (_, i) => i);

  const kFifos = b.broadcastRead('k', bytes.k, s.keyBlocks);
  const vFifos = b.broadcastRead('v', bytes.v, s.keyBlocks);

  for (const i of replicas) {
    const t = (name: string) => b.tag(name, i);
    const q = b.fifo(t('q'), bytes.q);
    const scores = b.fifo(t('s'), bytes.scores);
    const deltaToSum = b.fifo(t('delta>sum'), bytes.rowStat);
    const expToSum = b.fifo(t('exp>sum'), bytes.scores);
    const deltaToPv = b.fifo(t('delta>pv'), bytes.rowStat);
    const expToPv = b.fifo(t('exp>pv'), bytes.scores);
    const sum = b.fifo(t('sum'), bytes.rowStat);
    const acc = b.fifo(t('acc'), bytes.accumulator);
    const o = b.fifo(t('o'), bytes.accumulator);

    b.read(t('read-q'), 'q', bytes.q, 1, [q]);
    b.matmul(t('qk'), 'qk', { macs: cells * s.headDim, vectorOps: 0, exps: 0 }, s.headDim, [rowFirst(q), each(kFifos[i]!)], [each(scores)]);
    // Per block: block row max, new running max, s − m, m_old − m_new; exps of both.
    b.vector(
      t('running-max'),
      'running-max',
      'scan',
      cells,
      { macs: 0, vectorOps: 2 * cells + 2 * s.blockQ, exps: cells + s.blockQ },
      s.keyBlocks,
      [each(scores)],
      [each(deltaToSum), each(expToSum), each(deltaToPv), each(expToPv)],
    );
    b.vector(t('running-sum'), 'running-sum', 'scan', cells, { macs: 0, vectorOps: cells + s.blockQ, exps: 0 }, s.keyBlocks, [each(deltaToSum), each(expToSum)], [rowLast(sum)]);
    b.matmul(t('running-pv'), 'running-pv', { macs: cells * s.valueHeadDim, vectorOps: s.blockQ * s.valueHeadDim, exps: 0 }, 1, [each(deltaToPv), each(expToPv), each(vFifos[i]!)], [rowLast(acc)]);
    b.vector(t('divide'), 'divide', 'map', s.blockQ * s.valueHeadDim, { macs: 0, vectorOps: s.blockQ * s.valueHeadDim, exps: 0 }, 1, [each(acc), rowFirst(sum)], [each(o)]);
    b.write(t('write-o'), 'o', bytes.o, 1, o);
  }
  return b.build('sdpa-incremental', b.tag('write-o', b.replicas - 1));
}
