import { getPreset } from '../hardware/index.js';
import { runCyclePlan } from '../sim/engines/gpu-cycle/index.js';
import { lowerKernel } from '../sim/kernels/index.js';
import { simulatePlan } from '../sim/simulate.js';
import { getModel, modelWorkload } from '../workloads/models/index.js';

/**
 * Speed of the GPU cycle engine: whole-model attention of Llama-3.1-70B (80 layers, 128K-token
 * prefill) on the H200, and the engine's raw event rate on the first (simulated, not replayed)
 * layer. Run with `npm run build && node dist/bench/gpu-cycle.js`.
 */
const HARDWARE = 'h200-sxm';
const CONTEXT = 131072;

function bench(): void {
  const spec = getPreset(HARDWARE);
  const model = getModel('llama-3.1-70b');
  const rows: string[][] = [['case', 'layers', 'wall time', 'simulated layers', 'events', 'events/s (simulated layer)', 'latency per layer']];
  for (const kernel of ['fa3', 'sdpa-cudnn', 'sdpa-flash']) {
    const start = performance.now();
    let events = 0;
    let simulated = 0;
    let firstLayerMs = 0;
    let latency = 0;
    for (let layer = 0; layer < model.layers; layer++) {
      const t0 = performance.now();
      const workload = modelWorkload({ model: model.id, context: CONTEXT, layer });
      const plan = lowerKernel(kernel, workload, spec);
      // The engine run (or its replay), then the report from it (the replay cache hands it over).
      const run = runCyclePlan(plan, spec, workload, { kernelId: kernel });
      const report = simulatePlan(plan, spec, workload, kernel, 'cycle');
      const ms = performance.now() - t0;
      if (!run.replayed) {
        events += run.events;
        simulated += 1;
        if (simulated === 1) firstLayerMs = ms;
      }
      latency = report.latencySeconds;
    }
    const wall = (performance.now() - start) / 1000;
    rows.push([
      `llama-3.1-70b 128K prefill, ${kernel}`,
      String(model.layers),
      `${wall.toFixed(3)} s`,
      String(simulated),
      String(events),
      firstLayerMs > 0 ? `${(events / simulated / (firstLayerMs / 1000) / 1e6).toFixed(2)} M` : '-',
      `${(latency * 1e3).toFixed(2)} ms`,
    ]);
  }
  console.log(`attnsim bench, GPU cycle engine, node ${process.version}, ${new Date().toISOString()}`);
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  for (const r of rows) console.log(r.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!))).join('  '));
}

bench();
