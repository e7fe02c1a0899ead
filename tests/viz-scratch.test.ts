import { it } from 'vitest';
import { compute } from '../visualizer/app/compute.js';
import { initialState } from '../visualizer/app/state.js';
it('timing', () => {
for (const seq of [1024, 8192, 32768, 131072]) {
  compute({ ...initialState, sequenceTokens: seq });
  const t = performance.now();
  const c = compute({ ...initialState, sequenceTokens: seq, compare: ['h100-sxm', 'b200'] });
  console.log(seq, (performance.now() - t).toFixed(1), 'ms', c.reports.map(r=>r.latencySeconds), c.sparse.map(p=>`${p.density}:${p.idealSpeedup.toFixed(2)}/${p.tileBoundSpeedup.toFixed(2)}/${p.simulatedSpeedup.toFixed(2)}`).join(' '));
  const t2 = performance.now();
  compute({ ...initialState, sequenceTokens: seq, hbmBandwidthScale: 2, smCountScale: 0.5 });
  console.log('  scaled', (performance.now() - t2).toFixed(1));
}
});
