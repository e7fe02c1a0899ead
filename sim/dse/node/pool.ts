import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SweepPlan } from '../plan.js';
import type { ResultsFormat } from '../rows.js';
import { evaluateChunk, type ChunkRequest, type ChunkResult } from './chunk.js';

/**
 * Evaluate chunks of points on `workers` threads: this one plus `workers − 1` worker threads.
 * This thread works too, from the first chunk on, so a worker's start-up (loading the
 * simulator, about a second) is never idle time, and a short sweep ends before any worker is
 * ready. Workers get the finished plan and load compiled JavaScript (dist/sim/dse/node/worker.js, beside this file once
 * built); run from TypeScript sources, as the tests do, everything runs in this thread.
 */
const WORKER_FILE = new URL('./worker.js', import.meta.url);
/** Chunks queued per worker, so that none waits for this thread between chunks. */
const CHUNKS_IN_FLIGHT_PER_WORKER = 2;

export type PoolMode = 'threads' | 'in-process';

export interface PoolOptions {
  workers: number;
  /** Called with each finished chunk, in completion order. */
  onChunk: (result: ChunkResult) => void;
  /** Asked between chunks; true stops handing out new ones (those in flight still finish). */
  shouldStop: () => boolean;
}

export function workerAvailable(): boolean {
  return WORKER_FILE.pathname.endsWith('.js') && existsSync(fileURLToPath(WORKER_FILE));
}

export async function evaluateChunks(plan: SweepPlan, format: ResultsFormat, chunks: number[][], options: PoolOptions): Promise<PoolMode> {
  const threads = workerAvailable() ? Math.min(options.workers, chunks.length) - 1 : 0;
  const workers = Array.from({ length: Math.max(0, threads) }, () => new Worker(WORKER_FILE, { workerData: { plan, format } }));
  let next = 0;
  let inFlight = 0;
  let failure: unknown;
  const take = () => (next < chunks.length && !options.shouldStop() && failure === undefined ? next++ : -1);
  const allSent = new Promise<void>((resolve) => {
    const settleIfDone = () => {
      // A failure ends the run at once: a crashed worker never answers its chunks in flight.
      if (failure !== undefined || (inFlight === 0 && (next >= chunks.length || options.shouldStop()))) resolve();
    };
    const send = (worker: Worker) => {
      const id = take();
      if (id < 0) return settleIfDone();
      inFlight++;
      const request: ChunkRequest = { id, indices: chunks[id]! };
      worker.postMessage(request);
    };
    for (const worker of workers) {
      worker.on('message', (result: ChunkResult) => {
        inFlight--;
        try {
          options.onChunk(result);
        } catch (e) {
          failure ??= e;
        }
        send(worker);
        settleIfDone();
      });
      worker.on('error', (e) => {
        failure ??= e;
        settleIfDone();
      });
      for (let k = 0; k < CHUNKS_IN_FLIGHT_PER_WORKER; k++) send(worker);
    }
    // This thread's own share, checked after each of its chunks.
    const evaluate = evaluateChunk(plan, format);
    const ownShare = async () => {
      for (let id = take(); id >= 0; id = take()) {
        try {
          options.onChunk(evaluate({ id, indices: chunks[id]! }));
        } catch (e) {
          failure ??= e;
        }
        // Let worker replies, timers (the progress bar) and signals (Ctrl-C) in between chunks.
        await new Promise((r) => setImmediate(r));
      }
      settleIfDone();
    };
    void ownShare();
  });
  try {
    await allSent;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure !== undefined) throw failure;
  return workers.length > 0 ? 'threads' : 'in-process';
}
