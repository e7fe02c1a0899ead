import { getPreset, listPresets } from '../hardware/index.js';
import { simulate } from '../sim/simulate.js';
import { modelWorkload } from '../workloads/models/index.js';
import { makeWorkload, type Workload } from '../workloads/workload.js';

/**
 * Simulator speed, measured as rates within one run (this machine is noisy: compare the rows
 * of one run with each other, not runs with runs). `npm run bench` prints a table.
 */
interface Case {
  name: string;
  kernel: string;
  workload: Workload;
}

const CASES: Case[] = [
  { name: 'llama-8b prefill 32K causal', kernel: 'fa2', workload: modelWorkload({ model: 'llama-3.1-8b', context: 32768 }) },
  { name: 'llama-70b prefill 128K causal', kernel: 'fa3', workload: modelWorkload({ model: 'llama-3.1-70b', context: 131072 }) },
  { name: 'llama-70b decode 128K b16', kernel: 'fa2', workload: modelWorkload({ model: 'llama-3.1-70b', context: 131072, phase: 'decode', batch: 16 }) },
  { name: 'block-sparse 64K d=10%', kernel: 'fa2', workload: makeWorkload({ heads: 32, kvHeads: 8, qLen: 65536, headDim: 128, mask: { kind: 'block_sparse', blockSize: 128, blockDensity: 0.1 } }) },
  { name: 'naive 8K', kernel: 'naive', workload: makeWorkload({ heads: 32, qLen: 8192, headDim: 128 }) },
];

function rate(fn: () => void, minSeconds = 0.5): number {
  fn(); // warm: first call fills the mask-coverage cache, as a sweep's first point does
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minSeconds * 1000) {
    fn();
    n += 1;
    elapsed = performance.now() - start;
  }
  return n / (elapsed / 1000);
}

const rows: string[][] = [['case', 'simulations/s (same preset)', 'simulations/s (cycling 6 presets)']];
const presets = listPresets().map((id) => getPreset(id));
for (const c of CASES) {
  const h200 = getPreset('h200-sxm');
  const one = rate(() => simulate({ hardware: h200, kernel: c.kernel, workload: c.workload }));
  let i = 0;
  const cycling = rate(() => {
    const spec = presets[i++ % presets.length]!;
    try {
      simulate({ hardware: spec, kernel: c.kernel, workload: c.workload });
    } catch {
      // fa3 is refused off Hopper: that is a simulated point too
    }
  });
  rows.push([c.name, one.toFixed(0), cycling.toFixed(0)]);
}
const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
console.log(`attnsim bench, analytical engine, node ${process.version}, ${new Date().toISOString()}`);
for (const r of rows) console.log(r.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!))).join('  '));
