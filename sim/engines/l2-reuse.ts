import type { GpuSpec } from '../../hardware/schema.js';
import type { LaunchPlan } from '../kernels/plan.js';

/**
 * The analytical engine's model of HBM reads: compulsory bytes, plus re-fetches of shared
 * operands (K/V) whose readers run too far apart for L2 to keep the data between them.
 *
 * - If everything the launch touches fits in L2, every operand is fetched once.
 * - Compulsory bytes count whole tensors; a sparse mask may leave some K/V unread, so reads
 *   are also capped by what the CTAs request.
 * - A copy whose readers span several waves is re-fetched by later waves only in so far as
 *   the copies in use at once (those the resident CTAs read, plus the next, at most all of
 *   them) overflow L2: with a working set W over a cache of C, a fraction 1 − C/W of the
 *   re-reads miss (W ≤ C: none do).
 * - Readers that run in the same wave (the sms × ctasPerSm resident CTAs, in launch order)
 *   stream a shared operand through L2 together; a later wave that misses fetches it again:
 *   at most readerSpan / resident CTAs fetches, and at most one per reader.
 * The cycle engine replaces this with a simulated cache; this is the closed form for sweeps.
 */
export function hbmReadBytes(launch: LaunchPlan, spec: GpuSpec, l2ReadBytes: number): number {
  const footprint = launch.compulsoryReadBytes + launch.compulsoryWriteBytes;
  if (footprint <= spec.memory.l2.bytes) return Math.min(launch.compulsoryReadBytes, l2ReadBytes);
  const resident = spec.compute.sms * launch.ctasPerSm;
  let extra = 0;
  for (const op of launch.sharedOperands) {
    // Copies in use at once: the ones the resident CTAs read, plus the next one starting. Of
    // each, the resident readers touch the part one reader reads plus how far the parts of the
    // resident query tiles move from one to the next.
    const live = Math.min(op.instances, Math.ceil(resident / Math.max(1, op.readersPerInstance)) + 1);
    const residentTiles = Math.max(1, Math.min(op.readerPositions ?? op.readersPerInstance, resident));
    const touched = Math.min(op.bytes, (op.bytesPerReader ?? op.bytes) + (residentTiles - 1) * (op.readerAdvanceBytes ?? 0));
    const workingSet = live * touched;
    const missFraction = workingSet <= spec.memory.l2.bytes ? 0 : 1 - spec.memory.l2.bytes / workingSet;
    const waveFetches = op.readerSpan <= resident ? 1 : Math.min(op.readersPerInstance, op.readerSpan / resident);
    const fetches = 1 + missFraction * (waveFetches - 1);
    extra += op.instances * op.bytes * (fetches - 1);
  }
  // HBM can never deliver more than the SMs asked L2 for.
  return Math.min(launch.compulsoryReadBytes + extra, l2ReadBytes);
}
