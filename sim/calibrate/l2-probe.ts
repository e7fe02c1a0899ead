import type { L2Constants, L2ProbePoint } from '../engines/gpu-cycle/index.js';
import { modelLostFraction } from '../engines/gpu-cycle/index.js';

/**
 * The cycle engine's L2 constants from the L2 probe table (validation/data/<hw>/probes/
 * l2-replacement*.jsonl): the capacity, edge and room for shared data with which the engine's
 * L2 (modelLostFraction) loses what the probe measured.
 */

function sumSquares(points: readonly L2ProbePoint[], l2Bytes: number, c: L2Constants): number {
  let s = 0;
  for (const p of points) s += (modelLostFraction(p, l2Bytes, c) - p.lostFraction) ** 2;
  return s;
}

function grid(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let i = 0; lo + i * step <= hi + 1e-9; i++) out.push(Number((lo + i * step).toFixed(4)));
  return out;
}

/**
 * Least squares on the probe table, in two steps: capacity and edge on the private (split)
 * cases, where the room of shared data plays no part; then that room on the cases read by
 * every CTA. Returns the constants and the RMS error of the lost fraction over all points.
 */
export function fitL2FromProbe(points: readonly L2ProbePoint[], l2Bytes: number): L2Constants & { rmsError: number; points: number } {
  const split = points.filter((p) => p.hotReadBy === 'split');
  const every = points.filter((p) => p.hotReadBy === 'every CTA');
  if (split.length === 0 || every.length === 0) throw new Error('the L2 probe table needs cases read split and by every CTA');
  let best = { fraction: 0.5, spread: 0.5, sharedRoom: 1, score: Infinity };
  for (const fraction of grid(0.4, 0.9, 0.005)) {
    for (const spread of grid(0, 0.5, 0.01)) {
      const score = sumSquares(split, l2Bytes, { fraction, spread, sharedRoom: 1 });
      if (score < best.score) best = { fraction, spread, sharedRoom: 1, score };
    }
  }
  let room = { sharedRoom: 1, score: Infinity };
  for (const sharedRoom of grid(1, 2.5, 0.01)) {
    const score = sumSquares(every, l2Bytes, { ...best, sharedRoom });
    if (score < room.score) room = { sharedRoom, score };
  }
  const constants = { fraction: best.fraction, spread: best.spread, sharedRoom: room.sharedRoom };
  return { ...constants, rmsError: Math.sqrt(sumSquares(points, l2Bytes, constants) / points.length), points: points.length };
}
