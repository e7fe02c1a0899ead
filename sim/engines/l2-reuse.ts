import type { GpuSpec } from '../../hardware/schema.js';
import type { LaunchPlan } from '../kernels/plan.js';

/**
 * The analytical engine's model of HBM reads: compulsory bytes, plus re-fetches of shared
 * operands (K/V) whose readers run too far apart for L2 to keep the data between them.
 *
 * - If everything the launch touches fits in L2, every operand is fetched once.
 * - Compulsory bytes count whole tensors; a sparse mask may leave some K/V unread, so reads
 *   are also capped by what the CTAs request.
 * - A copy whose readers span several waves stays in L2 between them when the copies in use at
 *   once (those the resident CTAs read, plus the next) fit in L2: it is fetched once.
 * - Otherwise readers that run in the same wave (the sms × ctasPerSm resident CTAs, in launch
 *   order) stream a shared operand through L2 together, and each later wave that reads it
 *   fetches it again: fetches ≈ readerSpan / resident CTAs, at least 1, at most the readers.
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
    // resident query tiles (a copy's readers are `readerSpan / readersPerInstance` apart) move.
    const live = Math.ceil(resident / Math.max(1, op.readersPerInstance)) + 1;
    const residentTiles = Math.max(1, Math.min(op.readerPositions ?? op.readersPerInstance, resident));
    const touched = Math.min(op.bytes, (op.bytesPerReader ?? op.bytes) + (residentTiles - 1) * (op.readerAdvanceBytes ?? 0));
    const staysInL2 = live * touched <= spec.memory.l2.bytes;
    const fetches = staysInL2 || op.readerSpan <= resident ? 1 : Math.min(op.readersPerInstance, op.readerSpan / resident);
    extra += op.instances * op.bytes * (fetches - 1);
  }
  // HBM can never deliver more than the SMs asked L2 for.
  return Math.min(launch.compulsoryReadBytes + extra, l2ReadBytes);
}
