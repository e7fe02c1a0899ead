import { z } from 'zod';

/**
 * The normalized GPU spec: every quantity a plain number in the base unit its name says.
 * Spec files hold the same tree with each number wrapped as a sourced value (see
 * presets/FORMAT.md); `loadSpec` unwraps, parses units and validates against this schema.
 */
export const DTYPES = ['fp32', 'tf32', 'bf16', 'fp16', 'fp8'] as const;
export type Dtype = (typeof DTYPES)[number];

export const MATRIX_PATHS = ['wgmma', 'mma_sync', 'tcgen05', 'mfma'] as const;
export type MatrixPath = (typeof MATRIX_PATHS)[number];

const positive = z.number().positive('must be above 0');
const nonNegative = z.number().nonnegative('must not be negative');
const count = z.number().int('must be a whole number').positive('must be at least 1');

const ratesByDtype = z.partialRecord(z.enum(DTYPES), positive);

const onChipLevel = z.strictObject({
  bandwidthBytesPerSecond: positive,
  readEnergyJoulesPerByte: nonNegative,
  writeEnergyJoulesPerByte: nonNegative,
});

const cacheLevel = onChipLevel.extend({
  bytes: positive,
  latencySeconds: nonNegative,
  /**
   * Written bytes a write-back cache still holds, dirty, when a kernel ends: they reach memory
   * later (when evicted), not during the kernel. Unset: 0. A calibration constant (fitted on the
   * calibration split of the measured DRAM write bytes).
   */
  retainedDirtyBytes: nonNegative.optional(),
  /**
   * Independent instances the capacity is split into, each private to its part of the chip
   * (MI300X: one L2 per XCD): a CTA hits only its own. Unset: one, shared by the whole chip.
   */
  slices: count.optional(),
});

export const gpuSpecSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, "." and "-"'),
  kind: z.literal('gpu'),
  name: z.string().min(1),
  vendor: z.string().min(1),
  architecture: z.string().min(1),
  compute: z.strictObject({
    sms: count,
    clockHz: positive,
    matrixFlopsPerSecond: z.partialRecord(z.enum(MATRIX_PATHS), ratesByDtype),
    defaultMatrixPath: z.enum(MATRIX_PATHS),
    vectorFlopsPerSecond: z.strictObject({ fp32: positive, fp16: positive.optional() }),
    expPerSecond: positive,
    maxThreadsPerSm: count,
    maxCtasPerSm: count,
    registersPerSm: count,
    maxRegistersPerThread: count,
    sharedMemoryBytesPerSm: positive,
    maxSharedMemoryBytesPerCta: positive,
  }),
  memory: z.strictObject({
    smem: onChipLevel,
    l2: cacheLevel,
    llc: cacheLevel.optional(),
    hbm: cacheLevel.extend({ technology: z.string().min(1) }),
  }),
  energy: z.strictObject({
    matrixJoulesPerFlop: z.partialRecord(z.enum(DTYPES), nonNegative),
    /**
     * Extra energy per tensor FLOP to deliver operands on an instruction path: mma.sync moves
     * its fragments through the register file every instruction; wgmma reads them from shared
     * memory in large blocks. Absent paths cost nothing extra.
     */
    operandJoulesPerFlop: z.partialRecord(z.enum(MATRIX_PATHS), nonNegative).optional(),
    vectorJoulesPerFlop: nonNegative,
    expJoulesPerOp: nonNegative,
  }),
  power: z.strictObject({ idleWatts: nonNegative, maxWatts: positive }),
  launch: z.strictObject({ overheadSeconds: nonNegative, chainedOverheadSeconds: nonNegative.optional(), ctaDispatchSeconds: nonNegative.optional() }),
});

export type GpuSpecData = z.infer<typeof gpuSpecSchema>;

/** Where one number came from. */
export interface Provenance {
  basis: 'datasheet' | 'measured' | 'derived' | 'estimate';
  source: string;
  notes: string;
  /** The value as written in the file, e.g. "4.8 TB/s". */
  written: string;
}

/** A loaded spec: the numbers, plus the provenance of each, keyed by dotted path. */
export interface GpuSpec extends GpuSpecData {
  provenance: Readonly<Record<string, Provenance>>;
}

export type HardwareSpec = GpuSpec;
