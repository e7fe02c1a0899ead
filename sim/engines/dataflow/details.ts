import type { ReadWrite } from '../../counts.js';
import type { FifoStats, UnitStats } from './engine.js';

/** What the dataflow engine adds to a report: the plan it simulated and what each phase did. */
export interface DataflowPhaseDetails {
  name: string;
  pipeline: string;
  cycles: number;
  /** Cycles of the same phase with unbounded FIFOs: more means FIFO depths cost time. */
  idealCycles: number;
  seconds: number;
  rowsPerReplica: number;
  replicas: number;
  simulatedReplicas: number;
  simulatedRows: number;
  /** How the cycles were obtained: full run, exact steady-state period, or average slope. */
  method: string;
  cyclesPerRow: number;
  computeUnitsPerReplica: number;
  unitsPerStage: Record<string, number>;
  fifoBytesPerReplica: number;
  streamBytesPerCycle: Record<string, number>;
  /** The memory level its streams use. */
  memoryLevel: string;
  /** What limits this phase: the busiest unit, or the FIFOs when they stall it. */
  limiter: string;
  units: UnitStats[];
  fifos: FifoStats[];
  events: number;
}

export interface DataflowDetails {
  kernel: string;
  strategy: string;
  clockHz: number;
  cycles: number;
  block: { queries: number; keys: number };
  keyBlocksPerRow: number;
  queryBlocks: number;
  totalRowBlocks: number;
  replicas: number;
  replicasPerKvStream: number;
  kvPasses: number;
  reconfigurations: number;
  reconfigurationSeconds: number;
  /** Bytes read and written per memory level, by the device's names ("onChip", "hbm", "ddr"). */
  bytesByLevel: Record<string, ReadWrite>;
  phases: DataflowPhaseDetails[];
}
