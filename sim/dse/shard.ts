import { InputError } from '../../hardware/errors.js';

/**
 * `--shard i/n`: this run computes the i-th of n contiguous blocks of point indices (i counts
 * from 0, as Slurm's `--array=0-N` and Kubernetes' JOB_COMPLETION_INDEX do). Contiguous blocks
 * keep a design's workloads together, so each shard derives each of its specs once.
 */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string, flag = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError(flag, `expected i/n with 0 ≤ i < n (e.g. 0/8), got "${text}"`);
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  if (shard.count < 1 || shard.index >= shard.count) throw new InputError(flag, `expected i/n with 0 ≤ i < n (e.g. 0/8), got "${text}"`);
  return shard;
}

/** The half-open range [start, end) of point indices that belong to `shard`. */
export function shardRange(pointCount: number, shard: Shard): { start: number; end: number } {
  const at = (i: number) => Math.floor((i * pointCount) / shard.count);
  return { start: at(shard.index), end: at(shard.index + 1) };
}
