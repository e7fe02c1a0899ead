import type { FuzzEntry } from '../entry.js';
import { bad, ok } from './helpers.js';

/** `attnsim sparse`: static masks, dynamic methods, densities, sweeps. */

const SHAPE = '--heads 8 --q-len 4k --head-dim 64';

export const SPARSE: FuzzEntry[] = [
  ok(`sparse ${SHAPE} --density 0.1`, 'given blocks at 10%'),
  ok(`sparse ${SHAPE} --density 1`, 'every block kept: no speedup'),
  ...['sale', 'minference', 'spargeattn', 'loki', 'fsa'].map((m) => ok(`sparse ${SHAPE} --method ${m}`, `the ${m} preset`)),
  ok(`sparse ${SHAPE} --mask window:64`, 'a static window'),
  ok(`sparse ${SHAPE} --density 0.1 --block 64`, "blocks smaller than FlexAttention's 128"),
  ok(`sparse ${SHAPE} --method sale --sweep density --points 0.05,0.5`, 'a density curve'),
  ok(`sparse ${SHAPE} --density 0.1 --sweep seq --points 1k,2k`, 'a sequence-length curve'),
  ok(`sparse ${SHAPE} --density 0.1 --json`, 'one point as JSON'),
  ok('sparse --model llama-3.1-8b --phase decode --context 4k --density 0.1', 'decode'),
  bad(`sparse ${SHAPE}`, '--mask', 'no pattern: a mask, a method or a density is needed'),
  bad(`sparse ${SHAPE} --mask window:64 --method sale`, '--mask', 'a static mask and a dynamic method at once'),
  bad(`sparse ${SHAPE} --method nope`, '--method', 'an unknown method'),
  bad(`sparse ${SHAPE} --density 0`, '--density', 'a density of 0'),
  bad(`sparse ${SHAPE} --density 1.5`, '--density', 'a density above 1'),
  bad(`sparse ${SHAPE} --density NaN`, '--density', 'NaN'),
  bad(`sparse ${SHAPE} --density 0.1 --base window:64`, '--base', 'the dense run is none or causal'),
  bad(`sparse ${SHAPE} --density 0.1 --block 0`, '--block', 'an empty block'),
  bad(`sparse ${SHAPE} --density 0.1 --block 100000`, '--block', 'a block longer than the sequence'),
  bad(`sparse ${SHAPE} --density 0.1 --sweep nope`, '--sweep', 'density or seq'),
  bad(`sparse ${SHAPE} --method sale --sweep density --points 0,2`, '--points', 'densities outside (0, 1]'),
  bad(`sparse ${SHAPE} --density 0.1 --sweep seq --points 0`, '--points', 'a sequence of no tokens'),
  ok(`sparse ${SHAPE} --density 0.1 --sweep seq --points 10M`, 'a 10M-token point of one head group: answered within the bounds'),
  bad('sparse --heads 1 --q-len 1M --head-dim 64 --mask block:16,density:0.1', '--mask', 'a 16-token block mask at 1M tokens'),
  bad('sparse --heads 32 --q-len 10M --head-dim 128 --density 0.1 --engine cycle', /^(--(engine|q-len)|workload)\b/, 'the cycle engine at 10M tokens'),
  bad(`sparse ${SHAPE} --density 0.1 --tile-q 7`, '--tile-q', 'a 7-row tile'),
  bad('sparse --model llama-3.1-8b --context 10M --method sale', '--context', "past the model's context"),
  bad(`sparse ${SHAPE} --density 0.1 --set power.maxWatts=0W`, '--set', 'no power'),
];
