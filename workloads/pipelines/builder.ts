import { NO_WORK, type FifoSpec, type FiringWork, type PipelineGraph, type Port, type UnitKind, type UnitSpec } from './graph.js';
import { matmulStage, memoryStage, vectorStage, type StageTiming, type StreamRate, type UnitRates } from './rates.js';

/** What every SDPA pipeline is parameterized by: the shape of the stream and how fast units go. */

/**
 * The stream one pipeline instance processes: `rows` query blocks one after another, each
 * against `keyBlocks` key blocks. A token is one block: blockQ × blockK scores (1 × 1 in the
 * seed paper, which streams single scores), a blockK × d slice of K, and so on.
 */
export interface SdpaShape {
  rows: number;
  keyBlocks: number;
  blockQ: number;
  blockK: number;
  headDim: number;
  valueHeadDim: number;
  /** Bytes of a Q, K, V or O element in memory. */
  elementBytes: number;
  /** Bytes of a score, softmax statistic or output accumulator on chip (fp32). */
  accumulatorBytes: number;
}

export interface PipelineParams {
  shape: SdpaShape;
  rates: UnitRates;
  /** Bandwidth and latency of each memory stream, by stream name (q, k, v, o, s, max, ...). */
  stream: (name: string) => StreamRate;
  /** Compute units ganged on a stage (by stage name, e.g. { qk: 20 }); default 1. */
  unitsPerStage?: Readonly<Record<string, number>>;
  /** Depth of the ordinary FIFOs; default 2, the short FIFOs of the seed paper's reference pipelines. */
  streamDepth?: number;
  /** Depth of the bypass FIFOs around row reductions; default keyBlocks + 1, the least that never stalls. */
  bypassDepth?: number;
  /** Spatial copies of the compute stages; they share (broadcast) the K and V streams. Default 1. */
  replicas?: number;
}

/** The seed paper's short FIFOs (depth 2 in its reference pipelines). */
export const DEFAULT_STREAM_DEPTH = 2;

/** Collects units and FIFOs; names get a replica suffix when there are several replicas. */
export class PipelineBuilder {
  private readonly units: UnitSpec[] = [];
  private readonly fifos: FifoSpec[] = [];

  constructor(private readonly params: PipelineParams) {}

  get replicas(): number {
    return this.params.replicas ?? 1;
  }

  get shape(): SdpaShape {
    return this.params.shape;
  }

  /** `name` for replica `i` (unchanged with a single replica). */
  tag(name: string, i: number): string {
    return this.replicas > 1 ? `${name}[${i}]` : name;
  }

  fifo(name: string, tokenBytes: number, bypass = false): string {
    const depth = bypass ? (this.params.bypassDepth ?? this.shape.keyBlocks + 1) : (this.params.streamDepth ?? DEFAULT_STREAM_DEPTH);
    this.fifos.push(bypass ? { name, depth, tokenBytes, bypass } : { name, depth, tokenBytes });
    return name;
  }

  /** A memory stream: reads feed `outputs` (several for a broadcast), writes drain `input`. */
  /**
   * A memory stream read once and broadcast to every replica (K or V): one FIFO per replica,
   * named `<stream>` tagged with the replica. Returns the FIFOs, replica by replica.
   */
  broadcastRead(stream: 'k' | 'v', tokenBytes: number, rowLength: number): string[] {
    const fifos = Array.from({ length: this.replicas }, (_, i) => this.fifo(this.tag(stream, i), tokenBytes));
    this.read(`read-${stream}`, stream, tokenBytes, rowLength, fifos, true);
    return fifos;
  }

  read(name: string, stream: string, bytes: number, rowLength: number, outputs: string[], broadcast = false): void {
    const rate = this.params.stream(stream);
    this.add(
      name,
      'memory-read',
      memoryStage(bytes, rate),
      rowLength,
      [],
      outputs.map((fifo) => ({ fifo, rate: 'each' })),
      NO_WORK,
      {
        stream,
        level: rate.level,
        bytesPerFiring: bytes,
        ...(broadcast ? { broadcast } : {}),
      },
    );
  }

  write(name: string, stream: string, bytes: number, rowLength: number, input: string): void {
    const rate = this.params.stream(stream);
    this.add(name, 'memory-write', memoryStage(bytes, rate), rowLength, [{ fifo: input, rate: 'each' }], [], NO_WORK, { stream, level: rate.level, bytesPerFiring: bytes });
  }

  /** A dot-product stage; `reduction` is the length of each dot product (its adder tree). */
  matmul(name: string, stage: string, work: FiringWork, reduction: number, inputs: Port[], outputs: Port[]): void {
    this.add(name, 'matmul', matmulStage(work.macs, reduction, this.params.rates, this.unitsOf(stage)), this.shape.keyBlocks, inputs, outputs, work);
  }

  /** A map, reduce or scan stage over `elements` per token. */
  vector(name: string, stage: string, kind: 'map' | 'reduce' | 'scan', elements: number, work: FiringWork, rowLength: number, inputs: Port[], outputs: Port[]): void {
    this.add(name, kind, vectorStage(elements, this.params.rates, this.unitsOf(stage)), rowLength, inputs, outputs, work);
  }

  build(name: string, progressUnit: string): PipelineGraph {
    return { name, units: this.units, fifos: this.fifos, progressUnit };
  }

  private unitsOf(stage: string): number {
    return this.params.unitsPerStage?.[stage] ?? 1;
  }

  private add(name: string, kind: UnitKind, timing: StageTiming, rowLength: number, inputs: Port[], outputs: Port[], work: FiringWork, memory?: UnitSpec['memory']): void {
    this.units.push({
      name,
      kind,
      ...timing,
      rows: this.shape.rows,
      rowLength,
      inputs,
      outputs,
      work,
      ...(memory ? { memory } : {}),
    });
  }
}

/** Port helpers: a token on every firing, on a row's first firing, on its last. */
export const each = (fifo: string): Port => ({ fifo, rate: 'each' });
export const rowFirst = (fifo: string): Port => ({ fifo, rate: 'rowFirst' });
export const rowLast = (fifo: string): Port => ({ fifo, rate: 'rowLast' });

/** Bytes of the tokens every SDPA pipeline moves. */
export function tokenBytes(s: SdpaShape) {
  return {
    q: s.blockQ * s.headDim * s.elementBytes,
    k: s.blockK * s.headDim * s.elementBytes,
    v: s.blockK * s.valueHeadDim * s.elementBytes,
    /** A block of scores, exponentials or probabilities. */
    scores: s.blockQ * s.blockK * s.accumulatorBytes,
    /** One statistic (max, sum, rescale factor) per query row of the block. */
    rowStat: s.blockQ * s.accumulatorBytes,
    accumulator: s.blockQ * s.valueHeadDim * s.accumulatorBytes,
    o: s.blockQ * s.valueHeadDim * s.elementBytes,
  };
}
