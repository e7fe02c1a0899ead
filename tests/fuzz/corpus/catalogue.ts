import type { FuzzEntry } from '../entry.js';
import { bad, ok } from './helpers.js';

/** `attnsim hardware`, `models`, `kernels` and `dataflow list/show/fifo-sweep`. */

const hardware: FuzzEntry[] = [
  ok('hardware list', 'the presets'),
  ok('hardware show h200-sxm', 'every number of a preset with its source'),
  ok('hardware show b200 --json', 'a preset as JSON'),
  ok('hardware show {fx}/toy-gpu.json', 'a spec file'),
  bad('hardware show nope', /nope/, 'an unknown preset: the line names it and lists the presets'),
  bad('hardware show', /id/, 'the preset id is missing'),
  bad('hardware show ../../etc/passwd', undefined, 'a path that is not a spec file'),
  bad('hardware show {gen}/garbage.json', undefined, 'binary garbage as a spec file'),
  bad('hardware list --json', /'--json'/, 'list has no --json'),
  bad('hardware nope', /nope/, 'an unknown subcommand'),
];

const catalogue: FuzzEntry[] = [
  ok('models', 'the models'),
  ok('models --json', 'the models as JSON'),
  ok('kernels', 'the kernels'),
  bad('models --foo', /'--foo'/, 'an unknown option'),
  bad('models llama', undefined, 'models takes no argument'),
  bad('kernels --json', /'--json'/, 'kernels has no --json'),
];

const dataflow: FuzzEntry[] = [
  ok('dataflow list', 'the dataflow presets'),
  ok('dataflow show sn40l-like', 'a dataflow preset'),
  ok('dataflow show wafer-mesh-like --json', 'a dataflow preset as JSON'),
  ok('dataflow show {fx}/toy-dataflow.json', 'a dataflow spec file'),
  bad('dataflow show nope', /nope/, 'an unknown dataflow preset'),
  bad('dataflow show h200-sxm', undefined, 'a GPU preset is not a dataflow device'),
  bad('dataflow show {gen}/empty.json', undefined, 'an empty spec file'),
  bad('dataflow nope', /nope/, 'an unknown subcommand'),
  ok('dataflow fifo-sweep', 'the default sweep'),
  ok('dataflow fifo-sweep --pipeline incremental --n 256 --depths 1-2', 'the documented example'),
  ok('dataflow fifo-sweep --n 1 --head-dim 1', 'one query, one key, one dimension'),
  bad('dataflow fifo-sweep --pipeline nope', '--pipeline', 'naive or incremental'),
  bad('dataflow fifo-sweep --n 0', '--n', 'no tokens'),
  bad('dataflow fifo-sweep --n 10M', '--n', 'a 10M-token pipeline: refused up front, not after a minute of simulated events'),
  bad('dataflow fifo-sweep --head-dim 0', '--head-dim', 'a head of no dimensions'),
  bad('dataflow fifo-sweep --block-q 0', '--block-q', 'an empty block'),
  bad('dataflow fifo-sweep --block-k 100000', '--block-k', 'a key block longer than the 64-token sequence'),
  bad('dataflow fifo-sweep --fifo nope', '--fifo', 'no such FIFO: the line lists them'),
  bad('dataflow fifo-sweep --depths 0', '--depths', 'a FIFO of depth 0 holds nothing'),
  bad('dataflow fifo-sweep --depths N-100', '--depths', 'N-100 is below 1'),
  bad('dataflow fifo-sweep --depths 1-1000000000', '--depths', 'a billion depths: refused, not looped over'),
  bad('dataflow fifo-sweep --hardware h200-sxm', '--hardware', 'a GPU is not a dataflow device'),
  bad('dataflow fifo-sweep --hardware missing.json', '--hardware', 'no such file'),
  bad('dataflow fifo-sweep --set memory.fifoBudgetBytes=-1', '--set', 'a negative budget'),
];

export const CATALOGUE: FuzzEntry[] = [...hardware, ...catalogue, ...dataflow];
