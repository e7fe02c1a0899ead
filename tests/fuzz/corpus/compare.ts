import type { FuzzEntry } from '../entry.js';
import { bad, ok } from './helpers.js';

/** `attnsim compare`: machines, workload flags and workload files. */

const TWO = 'compare h100-sxm h200-sxm';

export const COMPARE: FuzzEntry[] = [
  ok(`${TWO} --contexts 4k`, 'two presets on one prefill'),
  ok(`${TWO} --workloads {fx}/workloads.yaml`, 'a workload list file'),
  ok(`${TWO} --workloads {fx}/tiny.yaml`, "a sweep file's workloads"),
  ok('compare a100-sxm-80gb h100-sxm --kernel fa3,fa2 --contexts 4k', 'FA3 where it runs, FA2 elsewhere'),
  ok(`${TWO} --contexts 4k --csv -`, 'CSV on stdout'),
  ok(`${TWO} --contexts 4k --csv c.csv`, 'CSV to a file', { outputs: ['c.csv'] }),
  ok('compare {fx}/toy-gpu.json h100-sxm --contexts 4k', 'a spec file beside a preset'),
  ok('compare a100-sxm-80gb h100-sxm --kernel fa3 --contexts 4k', 'a kernel that cannot run on one machine: "cannot run", no NaN'),
  bad('compare h100-sxm', /hardware/, 'one machine: nothing to compare'),
  bad('compare h100-sxm nope', /nope|hardware/, 'an unknown preset'),
  bad('compare h100-sxm missing.json', /missing\.json|hardware/, 'no such spec file'),
  bad(`${TWO} --phase middle`, '--phase', 'an unknown phase'),
  bad(`${TWO} --contexts 0`, '--contexts', 'a context of no tokens'),
  bad(`${TWO} --contexts 10M`, '--contexts', "past the model's 131072-token context"),
  bad(`${TWO} --contexts 4k,,8k`, '--contexts', 'an empty entry in the list'),
  bad(`${TWO} --batch 0`, '--batch', 'an empty batch'),
  bad(`${TWO} --kernel nope`, '--kernel', 'an unknown kernel'),
  bad(`${TWO} --objectives speed`, '--objectives', 'an unknown objective'),
  bad(`${TWO} --set x=1`, '--set', 'no such field'),
  bad(`${TWO} --set power.maxWatts=50W`, '--set', "a cap below both machines' idle power"),
  bad(`${TWO} --model nope`, '--model', 'an unknown model'),
  bad(`${TWO} --layer 99`, '--layer', 'Llama-3.1-8B has 32 layers'),
  bad(`${TWO} --mask nope`, '--mask', 'an unknown mask'),
  bad(`${TWO} --csv /proc/x.csv`, '--csv', '/proc cannot hold a file'),
  bad(`${TWO} --workloads missing.yaml`, /^(--workloads|missing\.yaml)\b/, 'no such file'),
  bad(`${TWO} --workloads {gen}/garbage.yaml`, /^(--workloads\b|\S*garbage\.yaml\b)/, 'binary garbage'),
  bad(`${TWO} --workloads {gen}/deep.yaml`, /^(--workloads\b|\S*deep\.yaml\b)/, '20000 nested sequences'),
  bad(`${TWO} --workloads w.yaml`, /--workloads|workloads\[0\]/, 'an unknown model in the list', { files: { 'w.yaml': '- model: nope\n  contexts: [4k]\n' } }),
  bad(`${TWO} --workloads w.yaml`, /--workloads|workloads/, 'a mapping that is neither a list nor a sweep', { files: { 'w.yaml': 'model: llama-3.1-8b\n' } }),
];
