import { z } from 'zod';
import { InputError } from '../../../hardware/errors.js';
import { parseJsonLines } from '../../jsonl.js';
import { MAX_CHUNKS_PER_OPERAND } from './constants.js';
import { L2Cache, roomPerByte } from './l2-cache.js';

/**
 * The cycle engine's L2 constants, measured rather than fitted on attention: the L2 probe
 * (validation/harness/probe_l2.py, table in validation/data/<hw>/probes/l2-replacement.jsonl)
 * fills the L2 with junk, reads a hot buffer, streams other data past it and reads the hot
 * buffer again; the fraction re-read from DRAM is what left the L2. The same sequence run
 * through this engine's L2Cache gives the model's fraction; the capacity, the width of its edge
 * and the room of data every SM reads are the values that reproduce the probe best
 * (sim/calibrate/l2-probe.ts fits them).
 */
export interface L2ProbePoint {
  hotBytes: number;
  streamBytes: number;
  stream: 'read' | 'write';
  /** 'split': each CTA reads its own slice (private data); 'every CTA': each reads all of it. */
  hotReadBy: 'split' | 'every CTA';
  ctas: number;
  /** Fraction of the hot buffer re-read from DRAM, measured. */
  lostFraction: number;
}

const probePointSchema = z.object({
  hotBytes: z.number().positive(),
  streamBytes: z.number().nonnegative(),
  stream: z.enum(['read', 'write']),
  hotReadBy: z.enum(['split', 'every CTA']),
  // The engine's L2 has no protection of reused lines (the H200's has: a hot buffer read twice
  // before the stream loses less, raw/l2-probe-reuse): only cases whose hot buffer was read once
  // before the stream say what it models.
  hotReads: z.literal(1, { message: 'only cases with the hot buffer read once (hotReads 1) fit this L2; the reuse probe stays in raw/' }).optional(),
  ctas: z.number().int().positive(),
  lostFraction: z.number().min(0).max(1),
});

/** The probe table (JSON lines, probe_l2_table.py); the first bad line is an error naming its line and field. */
export function parseL2Probe(text: string, file: string): L2ProbePoint[] {
  const { items, errors } = parseJsonLines(text, file, probePointSchema);
  const bad = errors[0];
  if (bad) throw new InputError(`${bad.file}:${bad.line}`, bad.message);
  return items;
}

export interface L2Constants {
  /** Capacity over the spec's L2 bytes. */
  fraction: number;
  /** Half-width of the edge over the capacity (l2-cache.ts, survival). */
  spread: number;
  /** Room per byte of data every SM reads (SHARED_L2_ROOM). */
  sharedRoom: number;
}

/** The hot buffer is tracked in as many blocks as one K/V copy is. */
const PROBE_CHUNKS = MAX_CHUNKS_PER_OPERAND;
/** The probe's first step: 256 MiB of junk read, so the L2 starts full of clean lines. */
const JUNK_BYTES = 256 * 2 ** 20;

/** The fraction of the hot buffer this engine's L2 loses in one probe case. */
export function modelLostFraction(p: L2ProbePoint, l2Bytes: number, c: L2Constants): number {
  const cache = new L2Cache(c.fraction * l2Bytes, c.spread, c.sharedRoom);
  cache.readOnce(JUNK_BYTES);
  const readers = p.hotReadBy === 'every CTA' ? p.ctas : 1;
  const hot = cache.blocks('hot', PROBE_CHUNKS, { room: roomPerByte(readers, c.sharedRoom) });
  const chunk = p.hotBytes / PROBE_CHUNKS;
  for (let i = 0; i < PROBE_CHUNKS; i++) cache.read(hot, i, chunk);
  if (p.stream === 'read') cache.readOnce(p.streamBytes);
  else cache.write(p.streamBytes);
  let miss = 0;
  for (let i = 0; i < PROBE_CHUNKS; i++) miss += cache.read(hot, i, chunk);
  return miss / p.hotBytes;
}
