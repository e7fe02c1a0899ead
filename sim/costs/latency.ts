import type { GpuSpec } from '../../hardware/schema.js';
import type { Counts } from '../counts.js';
import { totalBytes } from '../counts.js';
import type { CtaWork, LaunchPlan } from '../kernels/plan.js';
import { matrixRate } from './rates.js';

/** What can bound a launch. */
export type Bound = 'compute' | 'softmax' | 'hbm' | 'l2' | 'smem' | 'launch' | 'power' | 'dram' | 'fifo';

export interface LaunchTiming {
  seconds: number;
  bound: Bound;
  /** Each candidate bound's time; the largest (plus fixed costs) is the launch's latency. */
  terms: { compute: number; hbm: number; l2: number; smem: number; fixed: number };
  /** Of the compute term: tensor-core time and softmax (exp + vector) time of the busiest SM. */
  matrixSeconds: number;
  softmaxSeconds: number;
  /** Work tiles per SM, rounded up: the wave count at SM granularity. */
  waves: number;
  /** The compute term with the work spread evenly over every SM: no wave tail, no longest CTA. */
  balancedComputeSeconds: number;
  /** Of `seconds`, the busiest SM's iteration stalls (waiting on loads; see LaunchPlan). Unset: none. */
  stallSeconds?: number;
}

/**
 * Seconds one SM spends on one CTA's work: tensor-core time and softmax time, overlapped as
 * far as the kernel's `softmaxOverlap` says.
 */
export function ctaSeconds(work: CtaWork, launch: LaunchPlan, spec: GpuSpec): { total: number; matrix: number; softmax: number; stall: number } {
  const sms = spec.compute.sms;
  const rate = launch.matrixPath ? matrixRate(spec, launch.matrixPath, launch.dtype) * (launch.matrixEfficiency ?? 1) : 0;
  const matrix = rate > 0 ? work.matrixFlops / (rate / sms) : 0;
  const softmax = work.exps / (spec.compute.expPerSecond / sms) + work.vectorFlops / (spec.compute.vectorFlopsPerSecond.fp32 / sms);
  const hidden = launch.softmaxOverlap * Math.min(matrix, softmax);
  const stalls = work.iterations * (launch.iterationStallSeconds ?? 0);
  const bookkeeping = work.iterations * (launch.iterationOverheadSeconds ?? 0);
  return { total: matrix + softmax - hidden + bookkeeping + (launch.tileOverheadSeconds ?? 0) + stalls, matrix, softmax, stall: stalls };
}

/**
 * The launch cost of a kernel: the first of a call waits for its host launch; one that follows
 * another on the stream was launched while the previous ran and pays only the GPU-side start.
 */
export function launchOverheadSeconds(spec: GpuSpec, chained: boolean): number {
  return chained ? (spec.launch.chainedOverheadSeconds ?? spec.launch.overheadSeconds) : spec.launch.overheadSeconds;
}

/**
 * Seconds between two CTA starts of a launch: the block scheduler starts CTAs at a finite rate
 * (spec.launch.ctaDispatchSeconds); a persistent kernel's CTAs fetch their next tiles themselves.
 */
export function ctaDispatchInterval(launch: LaunchPlan, spec: GpuSpec): number {
  return launch.persistent ? 0 : (spec.launch.ctaDispatchSeconds ?? 0);
}

/**
 * Roofline per launch with wave quantization: the SMs share the work tiles; a launch takes the
 * longest of its compute time (work per SM, at least the longest tile) and its memory times at
 * each level, plus the launch overhead and one memory round trip to fill the pipeline.
 */
export function launchLatency(launch: LaunchPlan, counts: Counts, spec: GpuSpec, chained = false): LaunchTiming {
  const sms = spec.compute.sms;
  let tiles = 0;
  let sum = 0;
  let longest = 0;
  let matrixSum = 0;
  let softmaxSum = 0;
  let stallSum = 0;
  for (const w of launch.work) {
    if (w.count === 0) continue;
    const t = ctaSeconds(w, launch, spec);
    tiles += w.count;
    sum += w.count * t.total;
    matrixSum += w.count * t.matrix;
    softmaxSum += w.count * t.softmax;
    stallSum += w.count * t.stall;
    // A CTA alone on its SM (a partial wave, the tail) runs at the family's solo fraction of it.
    longest = Math.max(longest, t.total / Math.min(1, launch.ctaSoloFraction ?? 1));
  }
  const waves = Math.ceil(tiles / sms);
  // Wave quantization: with n equal tiles on s SMs the busiest SM runs ceil(n/s) of them.
  const quantization = tiles > 0 ? waves / (tiles / sms) : 1;
  // The block scheduler cannot start the launch's CTAs faster than its rate.
  const dispatch = launch.ctaCount * ctaDispatchInterval(launch, spec);
  const compute = Math.max((quantization * sum) / sms, longest, dispatch);
  const scale = sum > 0 ? compute / sum : 0;
  const hbm = totalBytes(counts.bytes.hbm) / spec.memory.hbm.bandwidthBytesPerSecond;
  const l2 = totalBytes(counts.bytes.l2) / spec.memory.l2.bandwidthBytesPerSecond;
  const smem = totalBytes(counts.bytes.smem) / spec.memory.smem.bandwidthBytesPerSecond;
  const fixed = launchOverheadSeconds(spec, chained) + dependentRoundTrips(launch) * spec.memory.hbm.latencySeconds + serialLoadSeconds(launch, spec) + (launch.extraFixedSeconds ?? 0);
  const busiest = Math.max(compute, hbm, l2, smem);
  let bound: Bound;
  if (fixed > busiest) bound = 'launch';
  else if (busiest === compute) bound = softmaxSum > matrixSum ? 'softmax' : 'compute';
  else if (busiest === hbm) bound = 'hbm';
  else if (busiest === l2) bound = 'l2';
  else bound = 'smem';
  return {
    seconds: fixed + busiest,
    bound,
    terms: { compute, hbm, l2, smem, fixed },
    matrixSeconds: matrixSum * scale,
    softmaxSeconds: softmaxSum * scale,
    waves,
    balancedComputeSeconds: sum / sms,
    stallSeconds: busiest === compute ? stallSum * scale : 0,
  };
}

/**
 * The board cannot draw more than its power limit: when the work's dynamic energy over the
 * roofline time would need more, the clocks drop until it fits. Returns the stretched time,
 * or the given one when the limit is not reached.
 */
export function powerLimitedSeconds(seconds: number, dynamicJoules: number, idleWatts: number, maxWatts: number): number {
  const headroom = maxWatts - idleWatts;
  if (headroom <= 0) return seconds;
  return Math.max(seconds, dynamicJoules / headroom);
}

/**
 * The power cap for any device kind: the time at full speed and the energy it would take (its
 * static part at that time) give the capped time and, when the cap binds, the one warning every
 * report prints for it. `label` names the part of the call (a launch), or is empty for the whole.
 */
export function applyPowerCap(
  seconds: number,
  atFullSpeed: { total: number; static: number },
  device: { id: string; power: { idleWatts: number; maxWatts: number } },
  label = '',
): { seconds: number; warning: string | null } {
  const capped = powerLimitedSeconds(seconds, atFullSpeed.total - atFullSpeed.static, device.power.idleWatts, device.power.maxWatts);
  if (capped <= seconds) return { seconds, warning: null };
  return {
    seconds: capped,
    warning: `${label ? `${label}: ` : ''}the work needs ${(atFullSpeed.total / seconds).toFixed(0)} W at full speed, above ${device.id}'s ${device.power.maxWatts} W limit; clocks drop and it takes ${(capped / seconds).toFixed(2)}× longer`,
  };
}

/**
 * A CTA's loads that wait one for another (LaunchPlan.serialLoadsPerCta), each one round trip:
 * to L2 when the launch's inputs fit there (a combine kernel's partials, just written by the
 * split launch), else to HBM. The cycle engine decides hit or miss from its simulated L2.
 */
export function serialLoadSeconds(launch: LaunchPlan, spec: GpuSpec): number {
  const loads = launch.serialLoadsPerCta ?? 0;
  if (loads === 0) return 0;
  const inL2 = launch.compulsoryReadBytes <= spec.memory.l2.bytes;
  return loads * (inL2 ? spec.memory.l2.latencySeconds : spec.memory.hbm.latencySeconds);
}

/**
 * HBM round trips one after another on every launch's critical path, whatever its size: a
 * fused attention loads Q, then its first K/V tile (the math waits for both), and its last
 * stores drain before the kernel ends; a combine or element-wise pass reads, then writes. A
 * tiny launch is these round trips plus the launch (ncu's tiny kernels: 6–8 µs for an
 * attention, 4.5–5.5 µs for FlashAttention-2's combine; raw/ncu-kernels.jsonl).
 */
export function dependentRoundTrips(launch: LaunchPlan): number {
  return launch.role === 'attention' || launch.role === 'split-attention' ? 3 : 2;
}
