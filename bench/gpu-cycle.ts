import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPreset } from '../hardware/index.js';
import { shippedL2Probe } from '../sim/validate/node/data-files.js';
import { fitCycleCalibration, runCyclePlan, type FitCase } from '../sim/engines/gpu-cycle/index.js';
import { lowerKernel } from '../sim/kernels/index.js';
import { calibrationFamilyOf, calibrationFor, getProfile } from '../sim/kernels/profiles/index.js';
import { simulatePlan } from '../sim/simulate.js';
import { caseMask, parseCases } from '../sim/validate/format.js';
import { isCalibrationCase } from '../sim/validate/stats.js';
import { getModel, modelWorkload } from '../workloads/models/index.js';
import { validateWorkload } from '../workloads/workload.js';

/**
 * Speed of the GPU cycle engine: whole-model attention of Llama-3.1-70B (80 layers, 128K-token
 * prefill) on the H200, and the engine's raw event rate on the first (simulated, not replayed)
 * layer. Run with `npm run build && node dist/bench/gpu-cycle.js`.
 *
 * `--fit` instead takes the L2 constants from the L2 probe table and fits the cycle engine's
 * other calibration constants on the calibration split of the shipped H200 data, and writes them as the `cycle` section of hardware/calibration/h200-sxm.json
 * (the other sections are kept as they are).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
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
    rows.push([`llama-3.1-70b 128K prefill, ${kernel}`, String(model.layers), `${wall.toFixed(3)} s`, String(simulated), String(events),
      firstLayerMs > 0 ? `${(events / simulated / (firstLayerMs / 1000) / 1e6).toFixed(2)} M` : '-', `${(latency * 1e3).toFixed(2)} ms`]);
  }
  console.log(`attnsim bench, GPU cycle engine, node ${process.version}, ${new Date().toISOString()}`);
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  for (const r of rows) console.log(r.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!))).join('  '));
}

function fit(): void {
  const spec = getPreset(HARDWARE);
  const dir = join(ROOT, 'validation', 'data', HARDWARE);
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl') && !f.startsWith('ceilings')).sort();
  const cases: FitCase[] = [];
  for (const file of files) {
    for (const c of parseCases(readFileSync(join(dir, file), 'utf8'), file).cases) {
      const mask = caseMask(c);
      const profile = getProfile(c.kernel);
      if (c.hardware !== HARDWARE || !isCalibrationCase(c.id) || !mask.ok || !profile) continue;
      const workload = validateWorkload({ ...c.workload, mask: mask.mask, phase: c.phase });
      const m = c.measured;
      const plan = profile.lower(workload, spec);
      cases.push({
        kernel: calibrationFamilyOf(plan, c.kernel), plan, workload, measuredSeconds: m.latencyMs / 1e3,
        ...(m.dramReadBytes !== undefined && m.dramWriteBytes !== undefined ? { measuredDramBytes: m.dramReadBytes + m.dramWriteBytes } : {}),
        ...(m.energyMilliJoules !== undefined ? { measuredJoules: m.energyMilliJoules / 1e3 } : {}),
      });
    }
  }
  // Every L2 probe table (the coarse grid and the two finer passes around the edge).
  const calibration = fitCycleCalibration(cases, spec, shippedL2Probe(HARDWARE), (kernel) => {
    const k = calibrationFor(HARDWARE, kernel);
    return {
      matrixEfficiency: k?.matrixEfficiency ?? 1, extraFixedSeconds: k?.extraFixedSeconds ?? 0, tileOverheadSeconds: k?.tileOverheadSeconds ?? 0,
      iterationOverheadSeconds: k?.iterationOverheadSeconds ?? 0,
    };
  }, (plan, c, l2) => simulatePlan(plan, spec, c.workload, c.kernel, 'cycle', { kernelId: undefined, ...l2 }).latencySeconds,
  (plan, c, l2) => {
    const energy = simulatePlan(plan, spec, c.workload, c.kernel, 'cycle', { kernelId: undefined, ...l2 }).energy;
    return energy.total - energy.static;
  },
  new Date().toISOString().slice(0, 10));
  const file = join(ROOT, 'hardware', 'calibration', `${HARDWARE}.json`);
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, `${JSON.stringify({ ...json, cycle: calibration }, null, 2)}\n`);
  console.log(JSON.stringify(calibration, null, 2));
  console.log(`wrote the cycle section of ${file}`);
}

if (process.argv.includes('--fit')) fit();
else bench();
