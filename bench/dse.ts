import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readSweepInput } from '../sim/dse/node/read-sweep.js';
import { runSweep } from '../sim/dse/node/run-sweep.js';
import { workerAvailable } from '../sim/dse/node/pool.js';
import { PointEvaluator } from '../sim/dse/evaluate.js';
import { planSweep, type SweepInput } from '../sim/dse/plan.js';
import { ENGINES } from '../sim/simulate.js';

/**
 * Design-space exploration speed: `node dist/bench/dse.js` (after `npm run build`; worker
 * threads need the compiled worker). Rates are design points (one design × one workload) per
 * second. This machine is shared and noisy: compare rows of one run with each other.
 *
 * 1. evaluator: PointEvaluator alone in this thread (derive spec, simulate, objectives), no I/O.
 * 2. sweep: the whole `attnsim sweep` path (plan, evaluate, encode, append, final sort) with
 *    1 and 2 threads, wall time including worker start-up, on examples/h200-design-grid.yaml
 *    and on the same grid with twice the workloads.
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

/** Seconds from creating a worker thread to its first answer (it loads and plans the sweep). */
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

async function sweepRate(input: SweepInput, workers: number, dir: string): Promise<{ rate: number; seconds: number; points: number }> {
  const plan = planSweep(input);
  const output = join(dir, `bench-${workers}.jsonl`);
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    rmSync(output, { force: true });
    const start = performance.now();
    await runSweep(plan, { output, workers, progress: null });
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return { rate: plan.pointCount / best, seconds: best, points: plan.pointCount };
}

const dir = mkdtempSync(join(tmpdir(), 'attnsim-bench-'));
try {
  const grid = readSweepInput(GRID_FILE);
  console.log(`attnsim DSE bench, node ${process.version}, ${new Date().toISOString()}; worker threads ${workerAvailable() ? 'available' : 'MISSING (run from dist/)'}`);
  console.log(`engines in this tree: ${ENGINES.join(', ')}`);
  const rows: string[][] = [['engine', 'what', 'points', 'threads', 'seconds', 'points/s']];
  for (const engine of ENGINES) {
    const base = withEngine(grid, engine);
    rows.push([engine, 'evaluator only (this thread)', '-', '1', String(EVALUATOR_SECONDS), evaluatorRate(base).toFixed(0)]);
    if (workerAvailable()) rows.push([engine, 'worker start-up (load + plan)', '1', '1', (await workerStartSeconds(base)).toFixed(2), '-']);
    const sweeps = [
      ['sweep h200-design-grid', base],
      ['sweep grid, 2× workloads', withContexts(base, ['4k', '8k', '16k', '32k'])],
      ['sweep grid, 4× workloads', withContexts(base, ['2k', '4k', '8k', '12k', '16k', '24k', '32k', '48k'])],
    ] as const;
    for (const [what, input] of sweeps) {
      for (const workers of [1, 2]) {
        const r = await sweepRate(input, workers, dir);
        rows.push([engine, what, String(r.points), String(workers), r.seconds.toFixed(2), r.rate.toFixed(0)]);
      }
    }
  }
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  for (const r of rows) console.log(r.map((c, k) => (k <= 1 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  '));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
