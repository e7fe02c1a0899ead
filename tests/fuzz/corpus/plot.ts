import type { FuzzEntry } from '../entry.js';
import { bad, ok } from './helpers.js';

/** `attnsim plot` (SVG files) and `attnsim viz` (a server: only inputs it must refuse before serving). */

const SMALL = '--heads 8 --q-len 1k --head-dim 64';

const plot: FuzzEntry[] = [
  ok(`plot roofline ${SMALL} --out r.svg`, 'a roofline', { outputs: ['r.svg'] }),
  ok(`plot breakdown ${SMALL} --compare h100-sxm --out b.svg`, 'a breakdown beside another machine', { outputs: ['b.svg'] }),
  ok(`plot sparse --heads 8 --q-len 4k --head-dim 64 --out s.svg`, 'a sparse speedup curve', { outputs: ['s.svg'] }),
  ok(`plot timeline ${SMALL} --out t.svg`, 'a cycle-engine timeline', { outputs: ['t.svg'] }),
  ok('plot roofline --model llama-3.1-8b --phase decode --context 1 --out r.svg', 'decode against one cached token', { outputs: ['r.svg'] }),
  ok('plot timeline --heads 1 --q-len 1 --head-dim 8 --out t.svg', 'a timeline of one tiny CTA', { outputs: ['t.svg'] }),
  bad(`plot nope ${SMALL} --out x.svg`, /view/, 'an unknown view'),
  bad(`plot roofline ${SMALL}`, /--out/, 'no output file'),
  bad(`plot roofline ${SMALL} --out x.png`, '--out', 'the views are SVG'),
  bad(`plot roofline ${SMALL} --out /proc/x.svg`, '--out', '/proc cannot hold a file'),
  bad(`plot roofline ${SMALL} --out d.svg`, '--out', 'a directory named d.svg', { files: { 'd.svg/keep': 'x' } }),
  bad(`plot roofline ${SMALL} --compare nope --out x.svg`, '--compare', 'an unknown preset to compare'),
  bad(`plot roofline ${SMALL} --kernel nope --out x.svg`, '--kernel', 'an unknown kernel'),
  bad(`plot roofline ${SMALL} --set x=1 --out x.svg`, '--set', 'no such field'),
  bad(`plot roofline ${SMALL} --kernel nope --out x.svg`, '--kernel', 'a refused plot leaves the old SVG as it was', { files: { 'x.svg': '<svg/>' } }),
  bad(`plot sparse ${SMALL} --densities 0,1 --out x.svg`, '--densities', 'a density of 0'),
  bad(['plot', 'sparse', ...SMALL.split(' '), '--densities', '', '--out', 'x.svg'], '--densities', 'no densities'),
  bad(`plot sparse ${SMALL} --block 0 --out x.svg`, '--block', 'an empty block'),
  bad('plot timeline --context 10m --out x.svg', '--context', "past the model's context, and the cycle engine's limits"),
  bad('plot timeline --heads 32 --q-len 10M --head-dim 128 --out x.svg', /^(--(engine|q-len|heads)|workload)\b/, 'billions of CTA tiles for a timeline'),
];

/** Every entry here must be refused before the server starts: one that is not serves until the runner's time limit. */
const viz: FuzzEntry[] = [
  bad('viz --port -1', '--port', 'a negative port'),
  bad('viz --port 65536', '--port', 'past the last port'),
  bad('viz --port abc', '--port', 'not a port'),
  bad(['viz', '--port', ''], '--port', 'an empty port is not port 0 ("pick one")'),
  bad('viz missing.jsonl --port 0', /results|missing\.jsonl/, 'no such results file'),
  bad('viz {gen}/a-directory.jsonl --port 0', /results|a-directory\.jsonl/, 'a directory'),
  bad('viz {gen}/garbage.jsonl --port 0', /results|garbage\.jsonl/, 'binary garbage: refused before serving a page that cannot show it'),
  bad('viz {gen}/results.jsonl {gen}/results.csv --port 0', undefined, 'two results files'),
];

export const PLOT: FuzzEntry[] = [...plot, ...viz];
