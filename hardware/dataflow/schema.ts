import { z } from 'zod';
import type { Provenance } from '../schema.js';

/**
 * The `dataflow` device kind: a spatial array of compute units joined by on-chip FIFOs, with
 * on-chip memory units and (optionally) off-chip DRAM tiers. Every quantity is a plain number
 * in the base unit its name says; spec files wrap each number as a sourced value (see
 * hardware/presets/FORMAT.md) and `loadDataflowSpec` unwraps, parses and validates.
 */

const positive = z.number().positive('must be above 0');
const nonNegative = z.number().nonnegative('must not be negative');
const count = z.number().int('must be a whole number').positive('must be at least 1');

const dramTier = z.strictObject({
  bytes: positive,
  bandwidthBytesPerSecond: positive,
  latencySeconds: nonNegative,
  readEnergyJoulesPerByte: nonNegative,
  writeEnergyJoulesPerByte: nonNegative,
  technology: z.string().min(1),
});

export const dataflowSpecSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, "." and "-"'),
  kind: z.literal('dataflow'),
  name: z.string().min(1),
  vendor: z.string().min(1),
  architecture: z.string().min(1),
  clockHz: positive,
  units: z.strictObject({
    compute: z.strictObject({
      /** Compute units a pipeline can be placed on (PCUs, cores, pipeline stages). */
      count,
      /** Multiply-accumulates per cycle of one unit (bf16/fp16 in, fp32 accumulate). */
      macsPerCycle: count,
      /** Elements per cycle of one unit on map, reduce and scan work. */
      vectorLanes: count,
      opLatencyCycles: count,
      matmulLatencyCycles: count,
    }),
    memory: z.strictObject({
      /** On-chip memory units (PMUs, per-core SRAMs). */
      count,
      /** Bytes per cycle one memory unit's port moves. */
      portBytesPerCycle: count,
      accessLatencyCycles: count,
    }),
  }),
  memory: z.strictObject({
    onChip: z.strictObject({
      bytes: positive,
      readEnergyJoulesPerByte: nonNegative,
      writeEnergyJoulesPerByte: nonNegative,
    }),
    /** On-chip bytes a pipeline may give to FIFOs and stream buffers. */
    fifoBudgetBytes: positive,
    /** Off-chip tiers by name ("hbm", "ddr"); empty for a device with on-chip memory only. */
    dram: z.record(z.string().regex(/^[a-z][a-z0-9]*$/), dramTier),
    /** Where Q, K, V and O live: "onChip" or the name of a DRAM tier. */
    inputTier: z.string().min(1),
  }),
  /** The token a pipeline streams: a block of queries × keys (1 × 1 streams single scores). */
  mapping: z.strictObject({ blockQueries: count, blockKeys: count }),
  energy: z.strictObject({
    matrixJoulesPerFlop: nonNegative,
    vectorJoulesPerOp: nonNegative,
    expJoulesPerOp: nonNegative,
  }),
  power: z.strictObject({ idleWatts: nonNegative, maxWatts: positive }),
  /** Time to load a new configuration onto the array (between time-multiplexed phases). */
  reconfigurationSeconds: nonNegative,
});

export type DataflowSpecData = z.infer<typeof dataflowSpecSchema>;

/** A loaded dataflow spec: the numbers, plus the provenance of each, keyed by dotted path. */
export interface DataflowSpec extends DataflowSpecData {
  provenance: Readonly<Record<string, Provenance>>;
}

/** The name of the on-chip level in byte counts and stream levels. */
export const ON_CHIP = 'onChip';

/** Peak matrix rate of the whole array: a MAC takes bf16 or fp16 operands and is two FLOPs. */
export function peakMatrixFlopsPerSecond(spec: DataflowSpecData): number {
  return 2 * spec.units.compute.count * spec.units.compute.macsPerCycle * spec.clockHz;
}

/** Bandwidth of the on-chip memory units together: each moves its port's bytes every cycle. */
export function onChipBandwidthBytesPerSecond(spec: DataflowSpecData): number {
  return spec.units.memory.count * spec.units.memory.portBytesPerCycle * spec.clockHz;
}
