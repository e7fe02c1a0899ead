import { firingsOf, type PipelineGraph } from '../../../workloads/pipelines/graph.js';
import { runPipeline, type EngineOptions, type RunResult } from './engine.js';

/**
 * Event compression for long streams. A pipeline that repeats the same work row after row
 * settles into a periodic steady state: after a few rows, each row (or each group of p rows,
 * for fractional memory schedules) completes a fixed number of cycles after the previous one.
 * So the engine simulates a short prefix of rows exactly, finds that period, and extrapolates
 * the rest. Rows are processed in order through FIFOs, so the first R rows of a long run happen
 * exactly as in an R-row run; extrapolation is exact once the period holds (tests compare it
 * with full runs).
 */

export interface CompressOptions extends EngineOptions {
  /** Runs of at most this many rows are simulated in full. */
  exactRowLimit?: number;
  /** Rows simulated first when compressing; doubled until the period shows. */
  prefixRows?: number;
  /** Give up looking for a period beyond this many simulated rows. */
  maxPrefixRows?: number;
}

/** Enough rows to pass the fill and show three equal periods. */
const DEFAULT_EXACT_ROW_LIMIT = 12;
const DEFAULT_PREFIX_ROWS = 12;
const DEFAULT_MAX_PREFIX_ROWS = 192;
/** Fractional memory schedules repeat every few rows; look for periods up to this many rows. */
const MAX_PERIOD_ROWS = 8;
/** Consecutive equal windows that count as a steady state. */
const PERIOD_WINDOWS = 3;

export interface CompressedRun {
  result: RunResult;
  /** Rows simulated event by event. */
  simulatedRows: number;
  totalRows: number;
  /** How the total was obtained: in full, by an exact period, by an average slope (approximate), or not at all (a deadlocked prefix). */
  method: 'full' | 'periodic' | 'slope' | 'prefix';
  /** Steady-state cycles per row (0 for a full run). */
  cyclesPerRow: number;
}

/**
 * Run `build(totalRows)` — or a prefix of it and extrapolate. `build(rows)` must give the same
 * pipeline with every unit's row count scaled to `rows` rows.
 */
export function runCompressed(build: (rows: number) => PipelineGraph, totalRows: number, options: CompressOptions = {}): CompressedRun {
  const exactLimit = options.exactRowLimit ?? DEFAULT_EXACT_ROW_LIMIT;
  if (totalRows <= exactLimit) {
    return { result: runPipeline(build(totalRows), options), simulatedRows: totalRows, totalRows, method: 'full', cyclesPerRow: 0 };
  }
  const maxPrefix = Math.min(options.maxPrefixRows ?? DEFAULT_MAX_PREFIX_ROWS, totalRows);
  let rows = Math.min(options.prefixRows ?? DEFAULT_PREFIX_ROWS, totalRows);
  for (;;) {
    const prefix = runPipeline(build(rows), options);
    if (!prefix.completed || rows >= totalRows) {
      // A prefix that deadlocks shows the deadlock of the whole run: rows only add tokens behind it.
      return { result: prefix, simulatedRows: rows, totalRows, method: rows >= totalRows ? 'full' : 'prefix', cyclesPerRow: 0 };
    }
    const done = prefix.rowDoneCycles;
    const period = findPeriod(done);
    if (period !== null || rows >= maxPrefix) {
      const full = build(totalRows);
      const last = done.length - 1;
      let lastRowDone: number;
      let cyclesPerRow: number;
      if (period !== null) {
        const { rows: p, cycles: c } = period;
        // The target row's phase within the period, then whole periods on top.
        const target = totalRows - 1;
        const base = last - ((((last - target) % p) + p) % p);
        lastRowDone = done[base]! + ((target - base) / p) * c;
        cyclesPerRow = c / p;
      } else {
        const half = Math.floor(last / 2);
        cyclesPerRow = (done[last]! - done[half]!) / (last - half);
        lastRowDone = done[last]! + (totalRows - 1 - last) * cyclesPerRow;
      }
      const tail = prefix.cycles - done[last]!;
      return {
        result: extrapolate(prefix, full, Math.round(lastRowDone + tail)),
        simulatedRows: rows,
        totalRows,
        method: period !== null ? 'periodic' : 'slope',
        cyclesPerRow,
      };
    }
    rows = Math.min(rows * 2, maxPrefix);
  }
}

/** The smallest p such that the last windows of p rows all took the same number of cycles. */
function findPeriod(done: readonly number[]): { rows: number; cycles: number } | null {
  const last = done.length - 1;
  for (let p = 1; p <= MAX_PERIOD_ROWS; p++) {
    if (last - PERIOD_WINDOWS * p < 0) break;
    const cycles = done[last]! - done[last - p]!;
    let steady = true;
    for (let w = 1; w < PERIOD_WINDOWS && steady; w++) {
      steady = done[last - w * p]! - done[last - (w + 1) * p]! === cycles;
    }
    if (steady) return { rows: p, cycles };
  }
  return null;
}

/** The prefix's run, with counts and cycles those of the full run; peaks repeat in steady state. */
function extrapolate(prefix: RunResult, full: PipelineGraph, cycles: number): RunResult {
  const scale = cycles / Math.max(prefix.cycles, 1);
  return {
    ...prefix,
    cycles,
    units: prefix.units.map((u, i) => {
      const spec = full.units[i]!;
      const firings = firingsOf(spec);
      const busy = firings * spec.initiationIntervalCycles;
      return {
        ...u,
        firings,
        busyCycles: busy,
        stallCycles: Math.round(u.stallCycles * scale),
        utilization: Math.min(1, busy / cycles),
        lastDoneCycle: u.lastDoneCycle + (cycles - prefix.cycles),
      };
    }),
    fifos: prefix.fifos.map((f) => {
      const ratio = f.pushes > 0 ? tokensOf(full, f.name) / f.pushes : 0;
      return { ...f, pushes: Math.round(f.pushes * ratio), pops: Math.round(f.pops * ratio) };
    }),
    rowDoneCycles: prefix.rowDoneCycles,
  };
}

function tokensOf(graph: PipelineGraph, fifo: string): number {
  for (const u of graph.units) {
    for (const p of u.outputs) if (p.fifo === fifo) return p.rate === 'each' ? firingsOf(u) : u.rows;
  }
  return 0;
}
