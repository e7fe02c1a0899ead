import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SweepPlan } from '../plan.js';
import type { ResultsFormat } from '../results-header.js';
import { evaluateChunk, type ChunkRequest, type ChunkResult } from './chunk.js';
import { ChunkCutter } from './chunk-cutter.js';

/**
 * Evaluate points on `workers` threads: this one plus `workers − 1` worker threads. This
 * thread works too, from the first chunk on, so a worker's start-up (loading the simulator) is
 * never idle time, and a short sweep ends before any worker is ready. Workers get the finished
 * plan and load compiled JavaScript (dist/sim/dse/node/worker.js, beside this file once built);
 * run from TypeScript sources, as the tests do, everything runs in this thread.
 */
const WORKER_FILE = new URL('./worker.js', import.meta.url);
/** Chunks queued per worker, so that none waits for this thread between chunks. */
const CHUNKS_IN_FLIGHT_PER_WORKER = 2;
/**
 * Seconds a worker thread takes to start (load the simulator's modules), as bench/dse.ts
 * measures it: 0.3–1.2 s on the 2-core dev machine, depending on what the simulator imports.
 */
const WORKER_START_SECONDS = 1;

export type PoolMode = 'threads' | 'in-process';

export interface PoolOptions {
  workers: number;
  /** Start the worker threads however short the sweep looks (an explicit --workers). */
  alwaysStartWorkers?: boolean;
  /** Called with each finished chunk, in completion order. */
  onChunk: (result: ChunkResult) => void;
  /** Asked between chunks; true stops handing out new ones (those in flight still finish). */
  shouldStop: () => boolean;
}

export function workerAvailable(): boolean {
  return WORKER_FILE.pathname.endsWith('.js') && existsSync(fileURLToPath(WORKER_FILE));
}

/**
 * Evaluate the points `todo` (indices), handing each finished chunk to `onChunk`. The first
 * chunk runs here; unless asked to always start them, worker threads start only if what it
 * took says the rest would outlast their start-up twice over (else they would finish later
 * than this thread alone).
 */
export async function evaluatePoints(plan: SweepPlan, format: ResultsFormat, todo: readonly number[], options: PoolOptions): Promise<PoolMode> {
  const evaluate = evaluateChunk(plan, format);
  const cutter = new ChunkCutter(todo, options.workers);
  let nextId = 0;
  let inFlight = 0;
  let failure: unknown;
  const take = (): ChunkRequest | null => {
    if (options.shouldStop() || failure !== undefined) return null;
    const indices = cutter.take();
    return indices ? { id: nextId++, indices } : null;
  };
  const finished = (result: ChunkResult) => {
    cutter.record(result.points, result.seconds);
    try {
      options.onChunk(result);
    } catch (e) {
      failure ??= e;
    }
  };
  const first = take();
  if (first) {
    const result = evaluate(first);
    finished(result);
    if (failure !== undefined) throw failure;
    await new Promise((r) => setImmediate(r));
  }
  const secondsLeft = cutter.remaining * cutter.secondsPerPointEstimate;
  const worthIt = options.alwaysStartWorkers === true || secondsLeft > 2 * WORKER_START_SECONDS;
  const useWorkers = workerAvailable() && options.workers > 1 && cutter.remaining > 0 && worthIt;
  const workers = useWorkers ? Array.from({ length: options.workers - 1 }, () => new Worker(WORKER_FILE, { workerData: { plan, format } })) : [];
  const allDone = new Promise<void>((resolve) => {
    const settleIfDone = () => {
      // A failure ends the run at once: a crashed worker never answers its chunks in flight.
      if (failure !== undefined || (inFlight === 0 && (cutter.remaining === 0 || options.shouldStop()))) resolve();
    };
    const send = (worker: Worker) => {
      const request = take();
      if (!request) return settleIfDone();
      inFlight++;
      worker.postMessage(request);
    };
    for (const worker of workers) {
      worker.on('message', (result: ChunkResult) => {
        inFlight--;
        finished(result);
        send(worker);
        settleIfDone();
      });
      worker.on('error', (e) => {
        failure ??= e;
        settleIfDone();
      });
      for (let k = 0; k < CHUNKS_IN_FLIGHT_PER_WORKER; k++) send(worker);
    }
    // This thread's own share, one chunk at a time.
    const ownShare = async () => {
      for (let request = take(); request; request = take()) {
        try {
          finished(evaluate(request));
        } catch (e) {
          failure ??= e; // a bug in the simulator: stop, and report it once the workers are gone
        }
        // Let worker replies, timers (the progress bar) and signals (Ctrl-C) in between chunks.
        await new Promise((r) => setImmediate(r));
      }
      settleIfDone();
    };
    void ownShare();
  });
  try {
    await allDone;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure !== undefined) throw failure;
  return workers.length > 0 ? 'threads' : 'in-process';
}
