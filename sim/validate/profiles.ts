import type { GpuSpec } from '../../hardware/schema.js';
import type { Workload } from '../../workloads/workload.js';
import { lowerFa2 } from '../kernels/fa2.js';
import { lowerFa3 } from '../kernels/fa3.js';
import { lowerNaive } from '../kernels/naive.js';
import type { KernelPlan } from '../kernels/plan.js';

/**
 * Kernel profiles: what a measured kernel really does (tile sizes, CTAs, instruction path,
 * split-KV behaviour, visiting order), read from the profiler's launch records in
 * validation/data, expressed as a lowering.
 */
export interface KernelProfile {
  id: string;
  summary: string;
  lower: (w: Workload, spec: GpuSpec) => KernelPlan;
}

const PROFILES: Record<string, KernelProfile> = {
  'sdpa-flash': { id: 'sdpa-flash', summary: 'PyTorch SDPA flash backend (FlashAttention-2)', lower: (w, s) => lowerFa2(w, s) },
  'sdpa-cudnn': { id: 'sdpa-cudnn', summary: 'PyTorch SDPA cuDNN backend', lower: (w, s) => lowerFa3(w, s) },
  'sdpa-math': { id: 'sdpa-math', summary: 'PyTorch SDPA math backend (unfused)', lower: (w, s) => lowerNaive(w, s, { scoreBytes: 4 }) },
};

export function getProfile(kernel: string): KernelProfile | undefined {
  return PROFILES[kernel];
}

export function listProfiles(): string[] {
  return Object.keys(PROFILES);
}
