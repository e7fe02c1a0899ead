import type { GpuSpec } from '../../../hardware/schema.js';
import type { Workload } from '../../../workloads/workload.js';
import { lowerFa2 } from '../fa2.js';
import type { KernelPlan, LaunchPlan } from '../plan.js';

/**
 * PyTorch's flash backend on the H200: FlashAttention-2 as `lowerFa2` plans it, plus what the
 * profiler shows that the algorithm does not: `flash_fwd_kernel` runs at 255 registers per
 * thread and spills. Its SMs write 1039.1 MB to L2 for a 68.2 MB output (O and its log-sum-exp)
 * at 8K causal, 32 heads over 8 kv heads, d = 128 (raw/spill-writes-probe, a case of the calibration
 * split); cuDNN on the same call writes exactly its output. Spread over the call's 133 120
 * main-loop iterations, that is 7294 B per iteration per CTA (≈ 57 B per thread): local-memory
 * stores that go through to L2 every iteration while the reloads hit L1 (its L2 reads are within
 * 2% of cuDNN's). The same lines are rewritten each iteration, so a CTA's spill footprint is one
 * iteration's stores; the dead lines of finished CTAs are written back once pushed out.
 * Measured at d = 128; taken per iteration at every head dim (d = 64 and 256 unmeasured in the
 * calibration split). The split-KV decode kernel is not covered.
 */
export const FA2_SPILL_STORE_BYTES_PER_ITERATION = 7294;

export function lowerSdpaFlash(w: Workload, spec: GpuSpec): KernelPlan {
  const plan = lowerFa2(w, spec);
  const withSpills = (l: LaunchPlan): LaunchPlan =>
    l.role !== 'attention'
      ? l
      : {
          ...l,
          work: l.work.map((c) => ({ ...c, globalWriteBytes: c.globalWriteBytes + c.iterations * FA2_SPILL_STORE_BYTES_PER_ITERATION })),
          revisitBytesPerTile: FA2_SPILL_STORE_BYTES_PER_ITERATION,
        };
  return { ...plan, launches: plan.launches.map(withSpills) };
}
