import type { GpuSpec } from '../../hardware/schema.js';
import type { Workload } from '../../workloads/workload.js';
import { InputError } from '../errors.js';
import { lowerFa2 } from './fa2.js';
import { lowerFa3 } from './fa3.js';
import { lowerNaive } from './naive.js';
import type { KernelOptions } from './options.js';
import type { KernelPlan } from './plan.js';
import { lowerSplitKv } from './split-kv.js';
import { fa2MatrixPath } from './fa2.js';
import { calibratePlan, calibrationFor, getProfile, listProfiles } from './profiles/index.js';

export type { KernelPlan, LaunchPlan, CtaWork, SharedOperand } from './plan.js';
export type { KernelOptions } from './options.js';

interface KernelEntry {
  summary: string;
  lower: (w: Workload, spec: GpuSpec, options: KernelOptions) => KernelPlan;
}

/** Flash-decoding with its own defaults: 64-row query tiles, 128-key tiles, 4 warps. */
function lowerFlashDecoding(w: Workload, spec: GpuSpec, options: KernelOptions): KernelPlan {
  return lowerSplitKv(w, spec, {
    kernelName: 'flash_decoding',
    description: 'split-KV decode (flash-decoding): KV range split across CTAs, fp32 partials merged by log-sum-exp',
    matrixPath: fa2MatrixPath(spec),
    tileQ: options.tileQ ?? 64,
    tileK: options.tileK ?? 128,
    threadsPerCta: 128,
    registersPerThread: 255,
    kvSmemReaders: 4,
    softmaxOverlap: 0,
    ...(options.splits !== undefined ? { splits: options.splits } : {}),
    combineRowsPerCta: 4,
    combineThreadsPerCta: 128,
  });
}

const LOWERINGS: Readonly<Record<string, KernelEntry>> = {
  naive: { summary: 'unfused QKᵀ → softmax → PV, scores materialized in HBM', lower: (w, s) => lowerNaive(w, s) },
  // The same lowering as the measured sdpa-flash kernel, so it takes that kernel's calibration
  // on hardware that has one.
  fa2: {
    summary: 'FlashAttention-2 (mma.sync; split-KV for decode), as in PyTorch SDPA',
    lower: (w, s, o) => calibratePlan(lowerFa2(w, s, o), calibrationFor(s.id, 'sdpa-flash')),
  },
  fa3: { summary: 'FlashAttention-3 (Hopper wgmma + TMA, warp-specialized, persistent)', lower: lowerFa3 },
  'split-kv': { summary: 'flash-decoding: KV split across CTAs + log-sum-exp combine', lower: lowerFlashDecoding },
};

/** The lowerings, then the profiles of measured kernels: `--kernel sdpa-flash` predicts that kernel. */
export const KERNELS: Readonly<Record<string, KernelEntry>> = {
  ...LOWERINGS,
  ...Object.fromEntries(listProfiles().map((id) => {
    const profile = getProfile(id)!;
    return [id, { summary: profile.summary, lower: (w: Workload, s: GpuSpec) => profile.lower(w, s) }];
  })),
};

export function listKernels(): string[] {
  return Object.keys(KERNELS);
}

/**
 * Lowerings already made on a spec, by kernel, workload and options: the layers of a model
 * lower to the same plan, and handing back the same (immutable) object lets the cycle engine
 * recognise it without comparing it field by field. Bounded; the oldest entry goes first.
 */
const lowered = new WeakMap<GpuSpec, Map<string, KernelPlan>>();
const LOWERED_ENTRIES = 64;

/** Lower a workload onto a GPU with the named kernel (the same plan object for the same inputs). */
export function lowerKernel(kernel: string, w: Workload, spec: GpuSpec, options: KernelOptions = {}): KernelPlan {
  const entry = KERNELS[kernel];
  if (!entry) throw new InputError('kernel', `unknown kernel "${kernel}"; valid kernels: ${listKernels().join(', ')}`);
  for (const [name, v] of Object.entries(options)) {
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw new InputError(name, `must be a positive integer, got ${v}`);
  }
  const key = JSON.stringify([kernel, w, options]);
  let bySpec = lowered.get(spec);
  const known = bySpec?.get(key);
  if (known) return known;
  const plan = entry.lower(w, spec, options);
  if (!bySpec) lowered.set(spec, (bySpec = new Map()));
  if (bySpec.size >= LOWERED_ENTRIES) bySpec.delete(bySpec.keys().next().value!);
  bySpec.set(key, plan);
  return plan;
}
