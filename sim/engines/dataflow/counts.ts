import { ON_CHIP } from '../../../hardware/dataflow/schema.js';
import { firingsOf, tokensThrough, type PipelineGraph } from '../../../workloads/pipelines/graph.js';
import type { ReadWrite } from '../../counts.js';

/** What a dataflow run does, before any cost is attached: operations and bytes per memory level. */
export interface DataflowCounts {
  macs: number;
  vectorOps: number;
  exps: number;
  /** Bytes read and written per level ("onChip" for FIFOs and on-chip streams, DRAM tiers by name). */
  bytes: Record<string, ReadWrite>;
}

export function zeroDataflowCounts(): DataflowCounts {
  return { macs: 0, vectorOps: 0, exps: 0, bytes: { [ON_CHIP]: { read: 0, write: 0 } } };
}

/**
 * Counts of a pipeline whose graph covers one row block, repeated `rows` times, with broadcast
 * streams (K, V shared by replicas) repeated `passes` times instead. FIFO traffic is on-chip:
 * every token is written once and read once.
 */
export function countPipeline(perRow: PipelineGraph, rows: number, passes: number, into = zeroDataflowCounts()): DataflowCounts {
  const level = (name: string): ReadWrite => (into.bytes[name] ??= { read: 0, write: 0 });
  for (const u of perRow.units) {
    const times = u.memory?.broadcast ? passes : rows;
    const firings = firingsOf(u) * times;
    into.macs += firings * u.work.macs;
    into.vectorOps += firings * u.work.vectorOps;
    into.exps += firings * u.work.exps;
    if (u.memory) {
      const rw = level(u.memory.level);
      if (u.kind === 'memory-read') rw.read += firings * u.memory.bytesPerFiring;
      else rw.write += firings * u.memory.bytesPerFiring;
    }
    for (const p of u.outputs) {
      const fifo = perRow.fifos.find((f) => f.name === p.fifo)!;
      const bytes = tokensThrough(u, p) * rows * fifo.tokenBytes;
      level(ON_CHIP).write += bytes;
      level(ON_CHIP).read += bytes;
    }
  }
  return into;
}
