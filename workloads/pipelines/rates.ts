/**
 * How fast a device's units go, in the plain numbers a pipeline lowering needs: the lowering
 * turns each stage's work per token into an initiation interval and a latency. The hardware
 * layer fills these from a dataflow spec; tests fill them by hand.
 */

/** One compute unit of the device. */
export interface UnitRates {
  /** Multiply-accumulates per cycle of one unit on dot products (matmul stages). */
  macsPerCycle: number;
  /** Elements per cycle of one unit on elementwise, reduction and scan work. */
  vectorLanes: number;
  /** Pipeline depth of a map, reduce or scan stage. */
  opLatencyCycles: number;
  /** Pipeline depth of a multiply stage, before any reduction tree. */
  matmulLatencyCycles: number;
}

/** One memory stream (a read or write of Q, K, V, O or a spilled intermediate). */
export interface StreamRate {
  /** The memory level it touches, as the device names it: "onChip", "hbm", "ddr", ... */
  level: string;
  /** Bandwidth this stream gets: its share of the memory's, which sets its sustained rate. */
  bytesPerCycle: number;
  /**
   * Bandwidth one request is served at when it goes out (default: bytesPerCycle). Sharing is
   * work-conserving: a lone request, such as a row's first Q block, moves at the full rate.
   */
  burstBytesPerCycle?: number;
  latencyCycles: number;
}

/** The seed paper's abstract hardware: every unit has latency 1 and II 1, QKᵀ latency 1 + log2(d). */
export const SEED_PAPER_RATES: UnitRates = {
  // A unit takes one token per cycle, a token being a score or a d-vector (d ≤ 128 here).
  macsPerCycle: 128,
  vectorLanes: 128,
  opLatencyCycles: 1,
  matmulLatencyCycles: 1,
};

/** Streams of the seed paper's generators: one token per cycle, one cycle to arrive. */
export const SEED_PAPER_STREAM: StreamRate = { level: 'onChip', bytesPerCycle: Number.POSITIVE_INFINITY, latencyCycles: 1 };

export interface StageTiming {
  initiationIntervalCycles: number;
  latencyCycles: number;
}

/**
 * A dot-product stage on `units` ganged units: II from its MACs per token; latency adds a
 * reduction tree of log2(reduction) levels (the seed paper's QKᵀ: 1 + log2 d).
 */
export function matmulStage(macs: number, reduction: number, rates: UnitRates, units = 1): StageTiming {
  const ii = Math.max(1, Math.ceil(macs / (rates.macsPerCycle * units)));
  const tree = reduction > 1 ? Math.ceil(Math.log2(reduction)) : 0;
  return { initiationIntervalCycles: ii, latencyCycles: ii - 1 + rates.matmulLatencyCycles + tree };
}

/** An elementwise, reduce or scan stage over `elements` per token. */
export function vectorStage(elements: number, rates: UnitRates, units = 1): StageTiming {
  const ii = Math.max(1, Math.ceil(elements / (rates.vectorLanes * units)));
  return { initiationIntervalCycles: ii, latencyCycles: ii - 1 + rates.opLatencyCycles };
}

/**
 * A memory stream moving `bytes` per token: at most one token per cycle, else as its share of
 * the bandwidth allows (fractional: the engine keeps a steady fractional schedule). A token
 * arrives after the access latency plus its transfer at the burst rate.
 */
export function memoryStage(bytes: number, stream: StreamRate): StageTiming {
  const ii = Math.max(1, bytes / stream.bytesPerCycle);
  const transfer = Math.max(1, Math.ceil(bytes / (stream.burstBytesPerCycle ?? stream.bytesPerCycle)));
  return { initiationIntervalCycles: ii, latencyCycles: stream.latencyCycles + transfer - 1 };
}
