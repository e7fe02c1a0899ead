import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readSweepInput } from '../sim/dse/node/read-sweep.js';
import { runSweep } from '../sim/dse/node/run-sweep.js';
import { workerAvailable } from '../sim/dse/node/pool.js';
import { PointEvaluator } from '../sim/dse/evaluate.js';
import { planSweep, type SweepInput } from '../sim/dse/plan.js';
import { engineIds } from '../sim/simulate.js';

/**
 * Design-space exploration speed: `node dist/bench/dse.js` (after `npm run build`; worker
 * threads need the compiled worker). Rates are design points (one design × one workload) per
 * second. This machine is shared and noisy: compare rows of one run with each other.
 *
 * 1. evaluator: PointEvaluator alone in this thread (derive spec, simulate, objectives), no I/O.
 * 2. sweep: the whole `attnsim sweep` path (plan, evaluate, encode, append, final sort) with
 *    1 and 2 threads, wall time including worker start-up, on examples/h200-design-grid.yaml
 *    and on the same grid with 2× and 4× the workloads (slow engines: its first points only).
 */
const GRID_FILE = new URL('../../examples/h200-design-grid.yaml', import.meta.url).pathname;
const EVALUATOR_SECONDS = 2;
const REPEATS = 2;

/** The grid with more contexts per workload entry: a longer sweep, over which start-up amortizes. */
function withContexts(input: SweepInput, contexts: readonly string[]): SweepInput {
  const sweep = structuredClone(input.sweep) as { workloads: Array<{ contexts: unknown }> };
  for (const w of sweep.workloads) w.contexts = [...contexts];
  return { ...input, sweep };
}

/** Seconds from creating a worker thread to its first answer (loading the evaluator's modules). */
async function workerStartSeconds(input: SweepInput): Promise<number> {
  const start = performance.now();
  const worker = new Worker(new URL('../sim/dse/node/worker.js', import.meta.url), { workerData: { plan: planSweep(input), format: 'jsonl' } });
  await new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage({ id: 0, indices: [0] });
  });
  await worker.terminate();
  return (performance.now() - start) / 1000;
}

function withEngine(input: SweepInput, engine: string): SweepInput {
  return { ...input, sweep: { ...(input.sweep as object), engine } };
}

function evaluatorRate(input: SweepInput): number {
  const plan = planSweep(input);
  const evaluator = new PointEvaluator(plan);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < EVALUATOR_SECONDS * 1000) evaluator.evaluate(n++ % plan.pointCount);
  return n / ((performance.now() - start) / 1000);
}

/**
 * Best of REPEATS runs. CPU seconds (all threads of the process) are reported beside wall time:
 * on a loaded machine they show what the sweep costs when wall time shows what it got.
 */
async function sweepRate(input: SweepInput, workers: number, dir: string, limit?: number): Promise<{ rate: number; seconds: number; cpuSeconds: number; points: number }> {
  const plan = planSweep(input);
  const output = join(dir, `bench-${workers}.jsonl`);
  const points = Math.min(plan.pointCount, limit ?? Infinity);
  let best = { seconds: Infinity, cpuSeconds: Infinity };
  for (let r = 0; r < (limit === undefined ? REPEATS : 1); r++) {
    rmSync(output, { force: true });
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await runSweep(plan, { output, workers, alwaysStartWorkers: true, progress: null, ...(limit !== undefined ? { limit } : {}) });
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    if (seconds < best.seconds) best = { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }
  return { rate: points / best.seconds, ...best, points };
}

/** Slow engines (cycle-level) are timed on the first points of the grid only. */
const SLOW_ENGINE_POINTS = 48;
const COLUMN_WIDTHS = [10, 30, 7, 7, 8, 6, 9];

/** Rows print as they are measured: a slow engine's rows take a while. */
function printRow(cells: readonly string[]): void {
  console.log(cells.map((c, k) => (k <= 1 ? c.padEnd(COLUMN_WIDTHS[k]!) : c.padStart(COLUMN_WIDTHS[k]!))).join('  '));
}

const dir = mkdtempSync(join(tmpdir(), 'attnsim-bench-'));
try {
  const grid = readSweepInput(GRID_FILE);
  console.log(`attnsim DSE bench, node ${process.version}, ${new Date().toISOString()}; worker threads ${workerAvailable() ? 'available' : 'MISSING (run from dist/)'}`);
  // Each GPU engine of the simulator is measured; a new one shows up here once it is registered.
  const ENGINES = engineIds('gpu');
  console.log(
    `engines in this tree: ${ENGINES.join(', ')}; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} on ${availableParallelism()} cores`,
  );
  printRow(['engine', 'what', 'points', 'threads', 'seconds', 'CPU s', 'points/s']);
  for (const engine of ENGINES) {
    const base = withEngine(grid, engine);
    const slow = engine !== 'analytical';
    printRow([engine, 'evaluator only (this thread)', '-', '1', String(EVALUATOR_SECONDS), '-', evaluatorRate(base).toFixed(slow ? 1 : 0)]);
    if (workerAvailable()) printRow([engine, 'worker thread start-up', '-', '1', (await workerStartSeconds(base)).toFixed(2), '-', '-']);
    const sweeps: ReadonlyArray<readonly [string, SweepInput]> = slow
      ? [[`sweep grid, first ${SLOW_ENGINE_POINTS} points`, base]]
      : [
          ['sweep h200-design-grid', base],
          ['sweep grid, 2× workloads', withContexts(base, ['4k', '8k', '16k', '32k'])],
          ['sweep grid, 4× workloads', withContexts(base, ['2k', '4k', '8k', '12k', '16k', '24k', '32k', '48k'])],
        ];
    for (const [what, input] of sweeps) {
      for (const workers of [1, 2]) {
        const r = await sweepRate(input, workers, dir, slow ? SLOW_ENGINE_POINTS : undefined);
        printRow([engine, what, String(r.points), String(workers), r.seconds.toFixed(2), r.cpuSeconds.toFixed(2), r.rate.toFixed(slow ? 1 : 0)]);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
