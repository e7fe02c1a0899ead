import type { FuzzEntry } from '../entry.js';
import { bad, ok, SMALL, toyDataflowWith, toySpecWith } from './helpers.js';

/** `attnsim simulate`: presets, models, kernels, masks, units, sizes, tiles, spec files, and the dataflow branch. */

const HBM = 'memory.hbm.bandwidthBytesPerSecond';

const names: FuzzEntry[] = [
  bad('simulate --hardware nope', '--hardware', 'unknown preset: the line lists the presets'),
  bad(['simulate', '--hardware', ''], '--hardware', 'an empty preset id'),
  bad('simulate --model nope', '--model', 'unknown model: the line lists the models'),
  bad('simulate --model llama-3.1-8b --layer 99', '--layer', 'Llama-3.1-8B has 32 layers'),
  bad('simulate --model llama-3.1-8b --layer abc', '--layer', 'a layer is a number, not "abc" (Number("abc") is NaN)'),
  bad('simulate --kernel nope', '--kernel', 'unknown kernel: the line lists the kernels'),
  bad('simulate --engine nope', '--engine', 'unknown engine: the line lists the engines'),
  bad('simulate --phase middle', '--phase', 'prefill or decode'),
  bad('simulate --dtype fp8', /^--(dtype|kernel)\b/, 'fa2 runs on mma.sync, which has no fp8 rate on the H200: the flag that picked it is named'),
];

const masks: FuzzEntry[] = [
  bad(`simulate ${SMALL} --mask nope`, '--mask', 'unknown mask: the line shows the syntax'),
  bad(['simulate', ...SMALL.split(' '), '--mask', ''], '--mask', 'an empty mask'),
  bad(`simulate ${SMALL} --mask window:0`, '--mask', 'a window of no keys attends to nothing'),
  bad(`simulate ${SMALL} --mask block:128`, '--mask', 'a block-sparse mask without its density'),
  bad(`simulate ${SMALL} --mask block:128,density:0`, '--mask', 'a density of 0 keeps no block: nothing to compute'),
  bad(`simulate ${SMALL} --mask doc:100+200`, '--mask', 'documents of 300 tokens do not cover a 1024-token sequence'),
  bad('simulate --heads 1 --q-len 1M --head-dim 64 --mask doc:1x100000000', '--mask', '10^8 one-token documents, more than the 1M-token sequence holds: refused before building them'),
  bad(`simulate ${SMALL} --mask nbhd:64x64,window:7x7`, '--mask', 'a 64×64 grid is 4096 tokens, not the 1024 of the sequence'),
  bad('simulate --heads 16 --q-len 1k --head-dim 64 --mask perhead:causal*8|window:1024*24', '--mask', 'per-head groups cover 32 heads; the call has 16'),
  bad('simulate --heads 1 --q-len 1M --head-dim 64 --mask block:16,density:0.1', '--mask', 'a 16-token block mask at 1M tokens is 4×10^9 blocks: refused rather than counted for minutes'),
  bad('simulate --heads 1 --q-len 1M --head-dim 64 --mask blocks:16,list:0-0/1-0/1-1', '--mask', 'a 16-token block list at 1M tokens: refused rather than counted for minutes'),
  bad(`simulate ${SMALL} --kernel flex --mask block:64,density:0.5`, /^(--mask|--kernel)\b/, 'FlexAttention visits 128-token blocks'),
];

const overrides: FuzzEntry[] = [
  bad(`simulate --set ${HBM}=fast`, '--set', 'not a quantity'),
  bad(`simulate --set ${HBM}=0`, '--set', 'zero bandwidth: nothing ever arrives'),
  bad(`simulate --set ${HBM}=-1TB/s`, '--set', 'a negative bandwidth'),
  bad(`simulate --set ${HBM}=1e-300B/s`, /^(--set|memory\.hbm\.bandwidthBytesPerSecond)\b/, 'a bandwidth so small that every latency overflows: a limit names what is allowed'),
  bad(`simulate --set ${HBM}=NaN`, '--set', 'NaN is not a bandwidth'),
  bad(`simulate --set ${HBM}=Infinity`, '--set', 'infinite bandwidth'),
  bad(['simulate', '--set', `${HBM}=4.8 TB`], '--set', 'bytes where bytes per second are expected'),
  bad(`simulate --set ${HBM}=`, '--set', 'no value'),
  bad('simulate --set nosuch.field=3', '--set', 'no such field'),
  bad('simulate --set compute.sms=0', '--set', 'a GPU of no SMs'),
  bad('simulate --set compute.clockHz=0', '--set', 'a stopped clock'),
  bad('simulate --set power.maxWatts=100W', '--set', "a power cap below the H200's 121 W idle: the board could do no work"),
  bad('simulate --set power.idleWatts=800W', '--set', 'idle above the 700 W cap'),
  bad('simulate --set compute.maxSharedMemoryBytesPerCta=1MiB', '--set', 'a CTA cannot have more shared memory than its SM (228 KiB)'),
  bad('simulate --set compute.sharedMemoryBytesPerSm=1KiB', undefined, '1 KiB of shared memory holds no FA2 tile: refused (what is named is the tile or the override)'),
  ok(`simulate --set ${HBM}=6TB/s`, 'a what-if bandwidth'),
  ok('simulate --set power.maxWatts=122W', 'a cap just above idle: slow but finite'),
  ok('simulate --set compute.sms=1000000', 'an absurd what-if is still arithmetic: finite numbers'),
  ok(`simulate --set ${HBM}=1TB/s --set ${HBM}=2TB/s`, 'the same field set twice: the last one holds, as with any repeated flag'),
];

const sizes: FuzzEntry[] = [
  bad('simulate --batch -1', '--batch', 'a negative batch'),
  bad('simulate --batch 0', '--batch', 'an empty batch'),
  bad('simulate --batch 1e6', '--batch', 'counts are written 1000000 or 1M, not in exponent form'),
  bad('simulate --batch 1000000', undefined, 'a million 32K sequences need ~130 PB of K/V; the H200 has 141 GB of HBM'),
  bad('simulate --context 10M', '--context', "Llama-3.1-8B's context is 131072 tokens (and 10M tokens of Q/K/V/O are 215 GB, beyond the HBM)"),
  bad('simulate --model mistral-7b --context 128k', '--context', "Mistral-7B's context is 32768 tokens"),
  bad('simulate --context 0', '--context', 'a context of no tokens'),
  bad('simulate --heads 8 --q-len 0 --head-dim 64', '--q-len', 'no queries'),
  bad('simulate --heads 32 --kv-heads 3 --q-len 1k --head-dim 64', '--kv-heads', '32 query heads cannot share 3 key/value heads evenly'),
  bad('simulate --heads 32 --kv-heads 64 --q-len 1k --head-dim 64', '--kv-heads', 'more key/value heads than query heads'),
  bad('simulate --model llama-3.1-8b --heads 7', /^--(heads|kv-heads)\b/, "7 heads cannot share the model's 8 key/value heads"),
  bad('simulate --heads 8 --q-len 1k --head-dim 512', '--head-dim', 'FlashAttention-2 runs head dims up to 256'),
  bad('simulate --heads 8 --q-len 1k', '--head-dim', 'explicit shapes need a head dim'),
  bad('simulate --phase decode --heads 8 --q-len 4096 --kv-len 1024 --head-dim 64', /^--(q-len|kv-len|phase)\b/, 'a decode step has no more queries than cached keys'),
  ok('simulate --heads 1 --q-len 1 --head-dim 8', 'the smallest call: one head, one token, head dim 8'),
  ok('simulate --model llama-3.1-8b --phase decode --context 1', 'decode against a one-token cache'),
  ok('simulate --phase decode --heads 32 --q-len 1 --kv-len 1 --head-dim 128', 'batch 1 decode of 1 token'),
  ok('simulate --heads 1 --q-len 10M --head-dim 128', '10M tokens of one head fit in HBM (10.7 GB): the analytical engine answers'),
  ok('simulate --heads 8 --q-len 1k --head-dim 7', "head dim 7, padded to 8 as FlashAttention's wrapper does"),
  ok('simulate --heads 8 --q-len 1k --head-dim 128 --value-head-dim 64', 'a value head narrower than the key head'),
  ok('simulate --model llama-3.1-8b --batch 64 --phase decode --context 128k', 'a large but real decode batch'),
];

const tiles: FuzzEntry[] = [
  bad(`simulate ${SMALL} --tile-q 7`, '--tile-q', 'a 7-row tile: FA2 tiles are multiples of the 16-row MMA'),
  bad(`simulate ${SMALL} --tile-k 100000`, '--tile-k', '100000-key tiles need ~51 MB of shared memory; a CTA has 227 KiB'),
  bad('simulate --model llama-3.1-8b --phase decode --context 4k --kernel split-kv --splits 1000000', '--splits', 'a million splits of 4K keys'),
  ok(`simulate ${SMALL} --tile-q 64 --tile-k 64`, 'tiles that fit'),
  ok('simulate --model llama-3.1-8b --phase decode --context 4k --kernel split-kv --splits 4', 'explicit splits'),
];

const kernels: FuzzEntry[] = [
  ...['naive', 'fa2', 'fa3', 'sdpa-flash', 'sdpa-cudnn', 'flex', 'sdpa-math'].map((k) => ok(`simulate ${SMALL} --mask causal --kernel ${k}`, `${k} on a small causal prefill`)),
  ok('simulate --heads 8 --kv-heads 8 --q-len 1k --head-dim 64 --kernel sdpa-efficient', 'sdpa-efficient without GQA'),
  bad('simulate --heads 32 --kv-heads 8 --q-len 1k --head-dim 64 --kernel sdpa-efficient', /^--(kv-heads|kernel)\b/, 'sdpa-efficient has no GQA path'),
  ok('simulate --model llama-3.1-8b --phase decode --context 4k --kernel split-kv', 'flash-decoding'),
  ok(`simulate ${SMALL} --dtype fp8 --kernel fa3`, "fp8 on Hopper's wgmma path"),
  ok(`simulate ${SMALL} --mask window:100000`, 'a window wider than the sequence is full attention'),
  ok(`simulate ${SMALL} --mask block:128,density:1`, 'every block kept'),
  ok('simulate --heads 32 --q-len 1k --head-dim 64 --mask perhead:causal*8|window:128*24', 'per-head masks that cover the heads'),
  ok('simulate --hardware l40s --model llama-3.1-8b --phase decode --context 8k', 'an Ada GPU'),
  ok(`simulate --hardware mi300x ${SMALL}`, 'an AMD GPU'),
  ok(`simulate --hardware b200 ${SMALL} --json`, 'a Blackwell GPU, as JSON'),
  bad(`simulate --hardware a100-sxm-80gb ${SMALL} --kernel fa3`, /^--(kernel|hardware)\b/, "FA3 needs Hopper's wgmma"),
];

const engines: FuzzEntry[] = [
  ok('simulate --engine cycle --heads 1 --q-len 128 --head-dim 64', 'the cycle engine on one tile'),
  ok('simulate --engine cycle --model llama-3.1-8b --phase decode --context 4k', 'the cycle engine on a decode step'),
  ok(`simulate --engine cycle ${SMALL} --trace t.json`, 'a trace file', { outputs: ['t.json'] }),
  bad('simulate --engine cycle --context 10m', /^--(context|engine)\b/, "past the model's context, and far past what the cycle engine simulates in a minute"),
  bad('simulate --engine cycle --heads 32 --q-len 10M --head-dim 128', /^(--(engine|q-len|heads)|workload)\b/, 'billions of CTA tiles: refused up front, not simulated for hours'),
  bad(`simulate ${SMALL} --trace t.json`, '--trace', 'a timeline comes from the cycle engine'),
  bad(`simulate --engine cycle ${SMALL} --trace nodir/x.json`, '--trace', 'no such directory'),
  bad(`simulate --engine cycle ${SMALL} --trace t.json`, '--trace', 't.json is a directory: the trace cannot be written there', { files: { 't.json/keep': 'x' } }),
];

const specFiles: FuzzEntry[] = [
  ok(`simulate --hardware {fx}/toy-gpu.json ${SMALL}`, 'a spec file'),
  bad('simulate --hardware {gen}/empty.json', '--hardware', 'an empty file'),
  bad('simulate --hardware {gen}/garbage.json', '--hardware', 'binary garbage'),
  bad('simulate --hardware {gen}/deep-spec.json', /^(--hardware\b|\S*deep-spec\.json: compute\b)/, 'a spec whose compute section nests 100000 deep'),
  bad('simulate --hardware /dev/zero', '--hardware', 'an endless file: refused within the memory bound, not read forever'),
  bad(`simulate --hardware hw.json ${SMALL}`, /^(--hardware|(hw\.json: )?compute\.sms)\b/, 'sms is "many"', { files: { 'hw.json': toySpecWith({ 'compute.sms': 'many' }) } }),
  bad(`simulate --hardware hw.json ${SMALL}`, /^(--hardware|(hw\.json: )?memory\.hbm\.bandwidthBytesPerSecond)\b/, 'zero HBM bandwidth', { files: { 'hw.json': toySpecWith({ [HBM]: '0 TB/s' }) } }),
  bad(`simulate --hardware hw.json ${SMALL}`, /^(--hardware|(hw\.json: )?compute\.clockHz)\b/, 'a NaN clock', { files: { 'hw.json': toySpecWith({ 'compute.clockHz': 'NaN GHz' }) } }),
  bad(`simulate --hardware hw.json ${SMALL}`, /^(--hardware|(hw\.json: )?power)\b/, 'a power cap below idle', { files: { 'hw.json': toySpecWith({ 'power.maxWatts': '40 W' }) } }),
  bad(`simulate --hardware hw.json ${SMALL}`, /^(--hardware|(hw\.json: )?memory)\b/, 'no memory section', { files: { 'hw.json': toySpecWith({ memory: undefined }) } }),
  bad(`simulate --hardware hw.json ${SMALL}`, /^(--hardware|hw\.json)\b/, 'a JSON array, not a spec', { files: { 'hw.json': '[]' } }),
  bad(`simulate --hardware hw.json ${SMALL}`, /^(--hardware|hw\.json)\b/, 'a spec cut off halfway', { files: { 'hw.json': toySpecWith({}).slice(0, 400) } }),
];

const dataflow: FuzzEntry[] = [
  ok('simulate --hardware streaming-dataflow-generic --heads 1 --q-len 256 --head-dim 64', 'the generic dataflow device'),
  ok('simulate --hardware sn40l-like --kernel naive --heads 4 --q-len 2k --head-dim 128', 'the SN40L-like device, naive pipeline'),
  ok('simulate --hardware {fx}/toy-dataflow.json --heads 2 --q-len 256 --head-dim 64 --json', 'a dataflow spec file'),
  bad(
    'simulate --hardware streaming-dataflow-generic --heads 1 --q-len 10M --head-dim 64',
    undefined,
    '10M tokens through a one-key-per-cycle pipeline: refused up front, not after a minute of simulated events',
  ),
  bad('simulate --hardware sn40l-like --set memory.fifoBudgetBytes=0', '--set', 'no room for any FIFO'),
  ok('simulate --hardware sn40l-like --kernel fa3', 'fa2 and fa3 name the incremental softmax, the pipeline a dataflow device runs for them (documented aliases)'),
  bad('simulate --hardware sn40l-like --splits 4', '--splits', 'split-KV is a GPU kernel option'),
  bad('simulate --hardware streaming-dataflow-generic --heads 1 --q-len 256 --head-dim 64 --tile-q 0', '--tile-q', 'an empty block'),
  bad('simulate --hardware streaming-dataflow-generic --heads 1 --q-len 256 --head-dim 64 --engine cycle', '--engine', 'the GPU cycle engine does not run dataflow devices (they have their own)'),
  bad('simulate --hardware df.json --heads 1 --q-len 256 --head-dim 64', /^(--hardware|(df\.json: )?memory)\b/, 'no memory section', { files: { 'df.json': toyDataflowWith({ memory: undefined }) } }),
];

const usage: FuzzEntry[] = [
  bad('simulate --foo', /'--foo'/, 'an unknown option'),
  bad('simulate h200-sxm', undefined, 'a preset as a positional argument: simulate takes none'),
  bad('simulate --batch', /--batch/, 'an option without its value'),
  bad('simulat', /simulat/, 'a misspelt command'),
  bad('nosuchcommand', /nosuchcommand/, 'an unknown command'),
  bad('--version', undefined, 'no version option: one line, not a stack'),
];

export const SIMULATE: FuzzEntry[] = [...names, ...masks, ...overrides, ...sizes, ...tiles, ...kernels, ...engines, ...specFiles, ...dataflow, ...usage];
