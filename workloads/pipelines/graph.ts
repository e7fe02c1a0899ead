import { InputError } from '../../hardware/errors.js';

/**
 * A streaming dataflow pipeline as the engine runs it: units joined by bounded FIFOs. Each
 * unit fires `rows × rowLength` times in order; a port says on which of those firings it
 * consumes or produces one token, so one description covers elementwise maps, row reductions
 * (one output per row), broadcasts of a per-row scalar (one input per row) and memory streams.
 */

export const UNIT_KINDS = ['matmul', 'map', 'reduce', 'scan', 'memory-read', 'memory-write'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/**
 * When a port moves a token: on every firing, on the first firing of each row (a per-row
 * operand such as a query vector or a row maximum), or on the last (a reduction's result).
 */
export type PortRate = 'each' | 'rowFirst' | 'rowLast';

export interface Port {
  fifo: string;
  rate: PortRate;
}

/** Work one firing does: the engine multiplies by the firing count; costs are attached later. */
export interface FiringWork {
  /** Multiply-accumulates (one MAC = 2 FLOP). */
  macs: number;
  /** Elementwise and reduction operations (max, add, subtract, divide, rescale). */
  vectorOps: number;
  exps: number;
}

/** Where a memory unit reads or writes, and how much per firing. */
export interface MemoryAccess {
  /** The tensor it streams: q, k, v, o, or a spilled intermediate (s, e, max, sum). */
  stream: string;
  /** The memory level, as the device names it: "onChip", "hbm", "ddr", ... */
  level: string;
  bytesPerFiring: number;
  /**
   * Read once and broadcast to every spatial replica (K and V shared by replicas working on
   * the same head): counted once per pass, not once per replica.
   */
  broadcast?: boolean;
}

export interface UnitSpec {
  name: string;
  kind: UnitKind;
  /** Cycles from a firing to its outputs arriving in the output FIFOs. */
  latencyCycles: number;
  /**
   * Cycles between firings. May be fractional for bandwidth-limited memory streams: firings
   * then fall on the ceilings of a steady fractional schedule (e.g. 1.5 → cycles 0, 2, 3, 5, ...).
   */
  initiationIntervalCycles: number;
  rows: number;
  rowLength: number;
  inputs: Port[];
  outputs: Port[];
  work: FiringWork;
  memory?: MemoryAccess;
}

export interface FifoSpec {
  name: string;
  /** Tokens it holds; Infinity for an unbounded FIFO (used to find the depths a schedule needs). */
  depth: number;
  /** Bytes of one token, for the FIFO's storage and its SRAM traffic. */
  tokenBytes: number;
  /** A FIFO that carries a row past a row reduction (the ones that grow with N in the naive pipeline). */
  bypass?: boolean;
}

export interface PipelineGraph {
  name: string;
  units: UnitSpec[];
  fifos: FifoSpec[];
  /** The unit whose per-row completions measure progress (the final write); default: the last unit. */
  progressUnit?: string;
}

export const NO_WORK: FiringWork = { macs: 0, vectorOps: 0, exps: 0 };

export function firingsOf(unit: UnitSpec): number {
  return unit.rows * unit.rowLength;
}

/** Tokens a port moves over the whole run. */
export function tokensThrough(unit: UnitSpec, port: Port): number {
  return port.rate === 'each' ? firingsOf(unit) : unit.rows;
}

/**
 * Check that the graph is well formed: names unique, every FIFO has exactly one producer and
 * one consumer, and both ends agree on how many tokens pass through it (otherwise the run
 * would end with tokens stranded or a consumer waiting forever, which is a lowering bug, not
 * a deadlock worth reporting).
 */
export function validateGraph(graph: PipelineGraph): void {
  const field = `pipeline ${graph.name}`;
  const fifoNames = new Set<string>();
  for (const f of graph.fifos) {
    if (fifoNames.has(f.name)) throw new InputError(field, `FIFO "${f.name}" is declared twice`);
    fifoNames.add(f.name);
    if (!(f.depth >= 1) || (Number.isFinite(f.depth) && !Number.isInteger(f.depth))) {
      throw new InputError(`${field}: ${f.name}`, `FIFO depth must be a whole number ≥ 1, got ${f.depth}`);
    }
    if (!(f.tokenBytes >= 0)) throw new InputError(`${field}: ${f.name}`, `token bytes must be ≥ 0, got ${f.tokenBytes}`);
  }
  const producers = new Map<string, number>();
  const consumers = new Map<string, number>();
  const unitNames = new Set<string>();
  for (const u of graph.units) {
    if (unitNames.has(u.name)) throw new InputError(field, `unit "${u.name}" is declared twice`);
    unitNames.add(u.name);
    const where = `${field}: ${u.name}`;
    if (!Number.isInteger(u.rows) || u.rows < 1 || !Number.isInteger(u.rowLength) || u.rowLength < 1) {
      throw new InputError(where, `rows and rowLength must be whole numbers ≥ 1, got ${u.rows} × ${u.rowLength}`);
    }
    if (!(u.latencyCycles >= 1) || !Number.isInteger(u.latencyCycles)) throw new InputError(where, `latency must be a whole number of cycles ≥ 1, got ${u.latencyCycles}`);
    if (!(u.initiationIntervalCycles > 0) || !Number.isFinite(u.initiationIntervalCycles)) {
      throw new InputError(where, `initiation interval must be > 0 cycles, got ${u.initiationIntervalCycles}`);
    }
    for (const [ports, ends, role] of [
      [u.inputs, consumers, 'reads'],
      [u.outputs, producers, 'writes'],
    ] as const) {
      for (const p of ports) {
        if (!fifoNames.has(p.fifo)) throw new InputError(where, `${role} unknown FIFO "${p.fifo}"`);
        if (ends.has(p.fifo)) throw new InputError(where, `FIFO "${p.fifo}" already has a ${role === 'reads' ? 'consumer' : 'producer'}`);
        ends.set(p.fifo, tokensThrough(u, p));
      }
    }
  }
  for (const name of fifoNames) {
    const made = producers.get(name);
    const taken = consumers.get(name);
    if (made === undefined || taken === undefined) throw new InputError(`${field}: ${name}`, `FIFO needs one producer and one consumer`);
    if (made !== taken) throw new InputError(`${field}: ${name}`, `producer writes ${made} tokens but consumer reads ${taken}`);
  }
  if (graph.progressUnit !== undefined && !unitNames.has(graph.progressUnit)) {
    throw new InputError(field, `progress unit "${graph.progressUnit}" is not a unit of the pipeline`);
  }
}

/** The same graph with some FIFO depths replaced (sweeps derive graphs; they never mutate one). */
export function withFifoDepths(graph: PipelineGraph, depths: Readonly<Record<string, number>>): PipelineGraph {
  for (const name of Object.keys(depths)) {
    if (!graph.fifos.some((f) => f.name === name)) throw new InputError('fifo', `no FIFO "${name}" in pipeline ${graph.name}; FIFOs: ${graph.fifos.map((f) => f.name).join(', ')}`);
  }
  return { ...graph, fifos: graph.fifos.map((f) => (f.name in depths ? { ...f, depth: depths[f.name]! } : f)) };
}
