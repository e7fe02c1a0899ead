import type { SweepPlan } from '../plan.js';
import { formatOfPath, resultsPreamble } from '../rows.js';
import { shardRange, type Shard } from '../shard.js';
import { evaluatePoints, type PoolMode } from './pool.js';
import { ProgressBar, type ProgressSink } from './progress.js';
import { acquireOutputLock, LOCK_REFRESH_MS } from './output-lock.js';
import { prepareResults, ResultsAppender, sortResultsFile } from './results-file.js';
import { specHash } from './spec-hash.js';

export interface SweepRunOptions {
  output: string;
  shard?: Shard;
  workers: number;
  /** Start worker threads even for a sweep that looks too short to gain from them. */
  alwaysStartWorkers?: boolean;
  /** Compute at most this many new points, then stop (a rerun continues). */
  limit?: number;
  /** Where to draw the progress bar; null for none. */
  progress: ProgressSink | null;
  /** Asked between chunks (Ctrl-C sets it): stop cleanly, keeping what is done. */
  shouldStop?: () => boolean;
}

export interface SweepRunSummary {
  /** Points of this run (the shard's, or all). */
  points: number;
  /** Already in the file from an earlier run. */
  resumed: number;
  computed: number;
  /** Computed points that cannot run (reasons in the file). */
  infeasible: number;
  /** Still missing: a later run computes them. */
  remaining: number;
  seconds: number;
  mode: PoolMode | 'nothing to do';
  /** Threads that evaluated points: this one, plus worker threads in 'threads' mode. */
  threads: number;
  droppedPartialLine: boolean;
}

export async function runSweep(plan: SweepPlan, options: SweepRunOptions): Promise<SweepRunSummary> {
  const lock = acquireOutputLock(options.output, '--output');
  const heartbeat = setInterval(() => lock.refresh(), LOCK_REFRESH_MS);
  heartbeat.unref();
  try {
    return await runLocked(plan, options);
  } finally {
    clearInterval(heartbeat);
    lock.release();
  }
}

async function runLocked(plan: SweepPlan, options: SweepRunOptions): Promise<SweepRunSummary> {
  const format = formatOfPath(options.output);
  const range = options.shard ? shardRange(plan.pointCount, options.shard) : { start: 0, end: plan.pointCount };
  const header = { sweep: plan.name, specHash: specHash(plan) };
  const resumed = prepareResults(options.output, plan, header, format, range);
  const todo: number[] = [];
  for (let i = range.start; i < range.end && todo.length < (options.limit ?? Infinity); i++) if (!resumed.done.has(i)) todo.push(i);

  const start = performance.now();
  const bar = options.progress && todo.length > 0 ? new ProgressBar(options.progress, todo.length, plan.name) : null;
  const appender = new ResultsAppender(options.output);
  let computed = 0;
  let infeasible = 0;
  let mode: SweepRunSummary['mode'] = 'nothing to do';
  try {
    if (todo.length > 0) {
      mode = await evaluatePoints(plan, format, todo, {
        workers: options.workers,
        alwaysStartWorkers: options.alwaysStartWorkers === true,
        shouldStop: options.shouldStop ?? (() => false),
        onChunk: (result) => {
          appender.append(result.lines);
          computed += result.points;
          infeasible += result.infeasible;
          bar?.advance(result.points);
        },
      });
    }
  } finally {
    appender.close();
    bar?.finish();
  }
  const inFile = sortResultsFile(options.output, resultsPreamble(header, plan.columns, format), format);
  const points = range.end - range.start;
  return {
    points,
    resumed: resumed.done.size,
    computed,
    infeasible,
    remaining: points - inFile,
    seconds: (performance.now() - start) / 1000,
    mode,
    threads: mode === 'threads' ? options.workers : 1,
    droppedPartialLine: resumed.droppedPartialLine,
  };
}
