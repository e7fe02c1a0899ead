import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { predictCase } from '../sim/validate/run.js';
it('flex errors', () => {
  const lines = readFileSync('/work/main/validation/data/h200-sxm/flex.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const res = lines.map((c) => ({ c, r: predictCase(c, 'analytical') as any }));
  const dense = new Map<string, [number, number]>();
  for (const { c, r } of res) if (c.workload.mask.kind === 'none') dense.set(c.id.split('/')[1], [r.measured.latency, r.predicted.latency]);
  let s = 0, n = 0, ss = 0, sn = 0, smax = 0;
  for (const { c, r } of res) {
    const shape = c.id.split('/')[1];
    const d = dense.get(shape);
    const err = r.error.latency;
    s += Math.abs(err); n++;
    let sp = '';
    if (d && c.workload.mask.kind !== 'none') {
      const mS = d[0] / r.measured.latency, pS = d[1] / r.predicted.latency;
      const e = pS / mS - 1; ss += Math.abs(e); sn++; smax = Math.max(smax, Math.abs(e));
      sp = `speedup m=${mS.toFixed(2)} p=${pS.toFixed(2)} err=${(e * 100).toFixed(1)}%`;
    }
    console.log(`${c.id.padEnd(70)} ${r.split.padEnd(11)} m=${(r.measured.latency*1e3).toFixed(3)} p=${(r.predicted.latency*1e3).toFixed(3)} err=${(err*100).toFixed(1)}% ${sp}`);
  }
  console.log(`latency MAPE ${(s / n * 100).toFixed(2)}% over ${n}; speedup MAPE ${(ss / sn * 100).toFixed(2)}% max ${(smax*100).toFixed(1)}% over ${sn}`);
});
