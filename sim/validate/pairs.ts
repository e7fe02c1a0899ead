import type { CaseResult } from './case-result.js';

/**
 * Which of two kernels on the same workload reads more DRAM: the question a roofline cannot
 * answer and the cycle engine must. Cases pair up when their ids differ only in the kernel
 * (`<kernel>/<shape>/<mask>`) and both have measured DRAM bytes.
 *
 * Two kernels whose measured bytes differ by less than the measurement's own run-to-run spread
 * have no "which reads more": such a pair is a tie and is not scored. Where the cases were
 * measured again (repeat passes, validation/data/<hardware>/repeat/), a pair is an ordering only
 * if every pass that measured both puts them more than the tie fraction apart the same way.
 */

/**
 * Relative difference of measured DRAM bytes below which a pair is a tie. In 36 prefill cases
 * measured twice with Nsight Compute (validation/data/h200-sxm/raw/repeat-prefill, against the
 * shipped figures) DRAM bytes moved by a median 0.4%, by up to 3.5% in 34 of them and by 6.1%
 * and 9.6% in the two whose reuse depends most on timing (FlashAttention-2 at 32K, the
 * memory-efficient kernel's global-memory accumulator at d = 256). Over the 260 cases with a
 * pair, each measured three times (the shipped pass and raw/repeat-pairs), a case's spread over its passes
 * is 0.15% median and 4.2% at the 90th percentile. 5% keeps the 90th percentile of that spread
 * out of the score. tests/pairs.test.ts recomputes it from the data.
 */
export const DRAM_TIE_FRACTION = 0.05;

export interface KernelPair {
  /** The workload part of the ids (shape and mask). */
  workload: string;
  kernels: [string, string];
  split: [CaseResult['split'], CaseResult['split']];
  measured: [number, number];
  predicted: [number, number];
  /** Measured bytes differ by more than the tie fraction. */
  distinguishable: boolean;
  /** The model names the same kernel as the bigger reader (ties: predicted within the tie fraction too). */
  right: boolean;
}

export interface PairOrdering {
  tieFraction: number;
  /** Repeat passes consulted besides the measurement the cases carry. */
  repeatPasses: number;
  pairs: KernelPair[];
  /** Distinguishable pairs, and of them the ones ordered right. */
  scored: number;
  ordered: number;
  ties: number;
}

const workloadOf = (id: string) => id.slice(id.indexOf('/') + 1);

function relativeGap(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.min(a, b), 1);
}

/** One repeat pass: measured DRAM bytes (read + write) by case id. */
export type RepeatPass = ReadonlyMap<string, number>;

/** Every pass that measured both cases puts them more than the tie fraction apart, the same way round. */
function orderedInEveryPass(ids: [string, string], measured: [number, number], passes: readonly RepeatPass[], tieFraction: number): boolean {
  const sign = Math.sign(measured[0] - measured[1]);
  if (relativeGap(...measured) <= tieFraction) return false;
  return passes.every((pass) => {
    const a = pass.get(ids[0]);
    const b = pass.get(ids[1]);
    return a === undefined || b === undefined || (relativeGap(a, b) > tieFraction && Math.sign(a - b) === sign);
  });
}

export function dramOrdering(results: readonly CaseResult[], tieFraction = DRAM_TIE_FRACTION, passes: readonly RepeatPass[] = []): PairOrdering {
  const byWorkload = new Map<string, CaseResult[]>();
  for (const r of results) {
    if (r.measured.dramBytes === undefined || r.predicted.dramBytes === undefined) continue;
    const key = workloadOf(r.id);
    byWorkload.set(key, [...(byWorkload.get(key) ?? []), r]);
  }
  const pairs: KernelPair[] = [];
  for (const [workload, group] of byWorkload) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = group[i]!;
        const b = group[j]!;
        const measured: [number, number] = [a.measured.dramBytes!, b.measured.dramBytes!];
        const predicted: [number, number] = [a.predicted.dramBytes!, b.predicted.dramBytes!];
        const distinguishable = orderedInEveryPass([a.id, b.id], measured, passes, tieFraction);
        const right = distinguishable ? Math.sign(measured[0] - measured[1]) === Math.sign(predicted[0] - predicted[1]) : relativeGap(...predicted) <= tieFraction;
        pairs.push({ workload, kernels: [a.kernel, b.kernel], split: [a.split, b.split], measured, predicted, distinguishable, right });
      }
    }
  }
  const scored = pairs.filter((p) => p.distinguishable);
  return { tieFraction, repeatPasses: passes.length, pairs, scored: scored.length, ordered: scored.filter((p) => p.right).length, ties: pairs.length - scored.length };
}
