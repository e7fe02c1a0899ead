import { getDataflowPreset } from '../hardware/dataflow/index.js';
import { runPipeline } from '../sim/engines/dataflow/engine.js';
import { simulateDataflow } from '../sim/engines/dataflow/simulate.js';
import { modelWorkload } from '../workloads/models/index.js';
import { SEED_PAPER_RATES, SEED_PAPER_STREAM } from '../workloads/pipelines/rates.js';
import { naiveSdpaPipeline } from '../workloads/pipelines/sdpa-naive.js';
import { makeWorkload, type Workload } from '../workloads/workload.js';

/**
 * Speed of the dataflow cycle engine. Long attention is simulated by event compression (a
 * steady-state prefix of rows, then extrapolation); the first rows show the raw event rate
 * without it. Run with `npm run build && node dist/bench/dataflow.js`.
 */

interface Case {
  name: string;
  hardware: string;
  kernel: string;
  workload: Workload;
}

const llama8b64k = modelWorkload({ model: 'llama-3.1-8b', context: 65536 });
const dense64k = makeWorkload({ heads: 32, kvHeads: 8, qLen: 65536, headDim: 128 });
const CASES: Case[] = [
  { name: 'llama-3.1-8b 64K causal, incremental', hardware: 'sn40l-like', kernel: 'incremental', workload: llama8b64k },
  { name: '64K dense (32 heads, d 128), incremental', hardware: 'sn40l-like', kernel: 'incremental', workload: dense64k },
  { name: '64K dense, naive (N+1 bypasses)', hardware: 'sn40l-like', kernel: 'naive', workload: dense64k },
  { name: '64K dense, incremental', hardware: 'wafer-mesh-like', kernel: 'incremental', workload: dense64k },
  { name: '4K dense, 1×1 tokens (seed paper)', hardware: 'streaming-dataflow-generic', kernel: 'incremental', workload: makeWorkload({ heads: 32, qLen: 4096, headDim: 128 }) },
];

function seconds(fn: () => void): number {
  const start = performance.now();
  fn();
  return (performance.now() - start) / 1000;
}

console.log(`attnsim bench, dataflow cycle engine, node ${process.version}, ${new Date().toISOString()}`);
const rows: string[][] = [['case', 'device', 'simulated latency', 'cycles', 'events', 'rows simulated / total', 'wall time']];
for (const c of CASES) {
  let report = simulateDataflow({ hardware: getDataflowPreset(c.hardware), workload: c.workload, kernel: c.kernel });
  const wall = seconds(() => {
    report = simulateDataflow({ hardware: getDataflowPreset(c.hardware), workload: c.workload, kernel: c.kernel });
  });
  const d = report.dataflow!;
  const events = d.phases.reduce((sum, p) => sum + p.events, 0);
  const simulated = d.phases.map((p) => `${p.simulatedRows}/${p.rowsPerReplica}`).join(', ');
  rows.push([c.name, c.hardware, `${(report.latencySeconds * 1e3).toFixed(2)} ms`, d.cycles.toExponential(3), String(events), simulated, `${wall.toFixed(3)} s`]);
}
const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
for (const r of rows) console.log(r.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!))).join('  '));

// Raw engine rate without compression: the seed paper's naive pipeline at N = 512, every event.
const n = 512;
const graph = naiveSdpaPipeline({
  shape: { rows: n, keyBlocks: n, blockQ: 1, blockK: 1, headDim: 64, valueHeadDim: 64, elementBytes: 2, accumulatorBytes: 4 },
  rates: SEED_PAPER_RATES,
  stream: () => SEED_PAPER_STREAM,
});
let result = runPipeline(graph);
const wall = seconds(() => {
  result = runPipeline(graph);
});
console.log(`\nuncompressed: seed naive pipeline N = ${n}: ${result.cycles} cycles, ${result.events} events in ${wall.toFixed(3)} s ` + `(${(result.events / wall / 1e6).toFixed(1)} M events/s)`);
