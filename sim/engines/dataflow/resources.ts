import { ON_CHIP, type DataflowSpec } from '../../../hardware/dataflow/schema.js';
import type { DataflowResources } from '../../../workloads/pipelines/tiling.js';

/** A dataflow spec's numbers in the plain form the pipeline lowering takes. */
export function resourcesOf(spec: DataflowSpec): DataflowResources {
  const c = spec.units.compute;
  const m = spec.units.memory;
  const tier = spec.memory.inputTier;
  const dram = spec.memory.dram[tier];
  const memory = dram
    ? {
        level: tier,
        bytesPerCycle: dram.bandwidthBytesPerSecond / spec.clockHz,
        // At least one cycle: a memory access is never free in the engine's clock.
        latencyCycles: Math.max(1, Math.ceil(dram.latencySeconds * spec.clockHz)),
      }
    : { level: ON_CHIP, bytesPerCycle: m.count * m.portBytesPerCycle, latencyCycles: m.accessLatencyCycles };
  return {
    computeUnits: c.count,
    rates: { macsPerCycle: c.macsPerCycle, vectorLanes: c.vectorLanes, opLatencyCycles: c.opLatencyCycles, matmulLatencyCycles: c.matmulLatencyCycles },
    fifoBudgetBytes: spec.memory.fifoBudgetBytes,
    memory,
    streamFloorBytesPerCycle: dram ? 0 : m.portBytesPerCycle,
    block: { queries: spec.mapping.blockQueries, keys: spec.mapping.blockKeys },
  };
}
