import type { FuzzEntry } from '../entry.js';
import { CATALOGUE } from './catalogue.js';
import { COMPARE } from './compare.js';
import { PLOT } from './plot.js';
import { RESULTS } from './results.js';
import { SIMULATE } from './simulate.js';
import { SPARSE } from './sparse.js';
import { SWEEP } from './sweep.js';
import { VALIDATE } from './validate.js';

/** Every fuzz entry, command by command. */
export const CORPUS: readonly FuzzEntry[] = [...SIMULATE, ...CATALOGUE, ...VALIDATE, ...SWEEP, ...RESULTS, ...COMPARE, ...SPARSE, ...PLOT];
