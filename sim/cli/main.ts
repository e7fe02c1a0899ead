import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { deriveSpec, getPreset, listPresets, loadSpec, type GpuSpec } from '../../hardware/index.js';
import { describeMask, parseMask } from '../../workloads/masks/mask.js';
import { listModels, modelWorkload } from '../../workloads/models/index.js';
import { makeWorkload, type Workload } from '../../workloads/workload.js';
import { InputError, isInputError } from '../errors.js';
import { KERNELS, listKernels } from '../kernels/index.js';
import { ENGINES, simulate, type EngineId } from '../simulate.js';
import { parseCount, parseDtype, parseOverrides, parsePhase } from './args.js';
import { formatBytes, table, withPrefix } from './format.js';
import { renderReport } from './render.js';

/** Where the CLI reads and writes: the process in real use, buffers in tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => string;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: (p) => readFileSync(p, 'utf8'),
};

/** The built-in default of `attnsim simulate`: Llama-3.1-8B attention, 32K prefill, on an H200. */
export const DEFAULT_CALL = { hardware: 'h200-sxm', kernel: 'fa2', model: 'llama-3.1-8b', context: 32768 } as const;

interface SimulateFlags {
  hardware: string;
  set: string[];
  kernel: string;
  engine: string;
  model?: string;
  layer?: string;
  context?: string;
  phase?: string;
  batch?: string;
  heads?: string;
  kvHeads?: string;
  qLen?: string;
  kvLen?: string;
  headDim?: string;
  valueHeadDim?: string;
  mask?: string;
  dtype?: string;
  tileQ?: string;
  tileK?: string;
  splits?: string;
  json?: boolean;
}

/** A preset id, or a path to a spec file of the preset format (bare numbers allowed there). */
export function resolveHardware(name: string, overrides: readonly string[], io: CliIo): GpuSpec {
  let spec: GpuSpec;
  if (name.endsWith('.json') || name.includes('/')) {
    let text: string;
    try {
      text = io.readFile(name);
    } catch {
      throw new InputError('--hardware', `cannot read hardware file "${name}"`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new InputError('--hardware', `"${name}" is not valid JSON (${(e as Error).message})`);
    }
    spec = loadSpec(raw, { requireProvenance: false, origin: name });
  } else {
    spec = getPreset(name);
  }
  return overrides.length > 0 ? deriveSpec(spec, parseOverrides(overrides), '--set') : spec;
}

const SHAPE_FLAGS = ['heads', 'kvHeads', 'qLen', 'kvLen', 'headDim', 'valueHeadDim'] as const;

/** The workload the flags describe: a model layer, explicit shapes, or the built-in default. */
export function workloadFromFlags(f: SimulateFlags): Workload {
  const shapeGiven = SHAPE_FLAGS.some((k) => f[k] !== undefined);
  const phase = f.phase !== undefined ? parsePhase(f.phase) : undefined;
  const count = (v: string | undefined, flag: string) => (v === undefined ? undefined : parseCount(v, flag));
  let base: Partial<Workload> = {};
  if (f.model !== undefined || !shapeGiven) {
    const model = f.model ?? DEFAULT_CALL.model;
    base = modelWorkload({
      model,
      layer: f.layer !== undefined ? Number(f.layer) : 0,
      context: count(f.context, '--context') ?? DEFAULT_CALL.context,
      ...(phase ? { phase } : {}),
      batch: count(f.batch, '--batch') ?? 1,
    });
  } else if (f.context !== undefined || f.layer !== undefined) {
    throw new InputError(f.context !== undefined ? '--context' : '--layer', 'needs --model (or give --q-len and --kv-len)');
  }
  const explicit: Partial<Workload> = {};
  const set = <K extends keyof Workload>(key: K, value: Workload[K] | undefined) => {
    if (value !== undefined) explicit[key] = value;
  };
  set('batch', count(f.batch, '--batch'));
  set('heads', count(f.heads, '--heads'));
  set('kvHeads', count(f.kvHeads, '--kv-heads'));
  set('qLen', count(f.qLen, '--q-len'));
  set('kvLen', count(f.kvLen, '--kv-len'));
  set('headDim', count(f.headDim, '--head-dim'));
  set('valueHeadDim', count(f.valueHeadDim, '--value-head-dim'));
  if (f.mask !== undefined) explicit.mask = parseMask(f.mask, '--mask');
  if (f.dtype !== undefined) explicit.dtype = parseDtype(f.dtype);
  if (phase) explicit.phase = phase;
  const merged = { ...base, ...explicit };
  if (!f.model && shapeGiven) {
    for (const [key, flag] of [['heads', '--heads'], ['qLen', '--q-len'], ['headDim', '--head-dim']] as const) {
      if (merged[key] === undefined) throw new InputError(flag, 'is required with explicit shapes (or use --model)');
    }
  }
  if (f.model !== undefined && f.headDim !== undefined && f.valueHeadDim === undefined) merged.valueHeadDim = merged.headDim;
  if (f.model !== undefined && (f.qLen !== undefined) !== (f.kvLen !== undefined) && merged.phase !== 'decode') {
    // One of the two lengths given with a model: keep prefill square.
    merged.kvLen = merged.qLen = (f.qLen !== undefined ? merged.qLen : merged.kvLen)!;
  }
  return makeWorkload(merged as Parameters<typeof makeWorkload>[0]);
}

function buildProgram(io: CliIo): Command {
  const program = new Command('attnsim')
    .description('How fast, how many bytes, how many joules would this attention take on that hardware?')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError(false);

  program
    .command('simulate')
    .description('predict latency, bytes per memory level and energy of one attention call (default: Llama-3.1-8B, 32K prefill, h200-sxm)')
    .option('--hardware <id|file>', `hardware preset (${listPresets().join(', ')}) or a spec file`, DEFAULT_CALL.hardware)
    .option('--set <path=value>', 'override a spec number, e.g. memory.hbm.bandwidthBytesPerSecond=6TB/s (repeatable)', (v, acc: string[]) => [...acc, v], [])
    .option('--kernel <id>', `kernel lowering (${listKernels().join(', ')})`, DEFAULT_CALL.kernel)
    .option('--engine <id>', `engine (${ENGINES.join(', ')})`, 'analytical')
    .option('--model <id>', `model config (${listModels().map((m) => m.id).join(', ')})`)
    .option('--layer <n>', 'layer of the model (default 0)')
    .option('--context <tokens>', 'context length with --model: prompt for prefill, cache for decode (e.g. 32k)')
    .addOption(new Option('--phase <phase>', 'prefill or decode'))
    .option('--batch <n>', 'sequences in the batch')
    .option('--heads <n>', 'query heads')
    .option('--kv-heads <n>', 'key/value heads (GQA: fewer than heads; MQA: 1)')
    .option('--q-len <n>', 'query tokens per sequence')
    .option('--kv-len <n>', 'key/value tokens per sequence')
    .option('--head-dim <n>', 'query/key head dimension')
    .option('--value-head-dim <n>', 'value head dimension (default: head dim)')
    .option('--mask <spec>', 'none | causal | window:W | sinks:S,window:W | block:B,density:D | doc:LxN[,causal]')
    .option('--dtype <type>', 'element type (bf16, fp16, fp8, fp32)')
    .option('--tile-q <n>', 'query rows per tile (default: as the kernel chooses)')
    .option('--tile-k <n>', 'keys per tile (default: as the kernel chooses)')
    .option('--splits <n>', 'KV splits for split-KV decode (default: heuristic)')
    .option('--json', 'print the full report as JSON')
    .action((flags: SimulateFlags) => {
      const spec = resolveHardware(flags.hardware, flags.set, io);
      const workload = workloadFromFlags(flags);
      const count = (v: string | undefined, flag: string) => (v === undefined ? undefined : parseCount(v, flag));
      const report = simulate({
        hardware: spec,
        workload,
        kernel: flags.kernel,
        engine: flags.engine as EngineId,
        kernelOptions: { tileQ: count(flags.tileQ, '--tile-q'), tileK: count(flags.tileK, '--tile-k'), splits: count(flags.splits, '--splits') },
      });
      io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report)}\n`);
    });

  const hardware = program.command('hardware').description('list or show hardware presets');
  hardware.command('list').description('the presets, one line each').action(() => {
    const rows = [['id', 'name', 'SMs', 'HBM', 'HBM bandwidth', 'bf16 tensor (default path)']];
    for (const id of listPresets()) {
      const s = getPreset(id);
      const rate = s.compute.matrixFlopsPerSecond[s.compute.defaultMatrixPath]?.bf16;
      rows.push([id, s.name, String(s.compute.sms), formatBytes(s.memory.hbm.bytes), withPrefix(s.memory.hbm.bandwidthBytesPerSecond, 'B/s'),
        rate ? `${withPrefix(rate, 'FLOP/s')} (${s.compute.defaultMatrixPath})` : '-']);
    }
    io.stdout(`${table(rows)}\n`);
  });
  hardware.command('show <id>').description('every number of a preset with its source').option('--json', 'as JSON').action((id: string, opts: { json?: boolean }) => {
    const spec = resolveHardware(id, [], io);
    if (opts.json) {
      io.stdout(`${JSON.stringify(spec, null, 2)}\n`);
      return;
    }
    const rows = [['field', 'value', 'basis', 'source']];
    for (const [path, p] of Object.entries(spec.provenance)) rows.push([path, p.written, p.basis, p.source]);
    io.stdout(`${spec.name} (${spec.id}), ${spec.architecture}\n\n${table(rows)}\n`);
  });

  program.command('models').description('model configs usable with --model').option('--json', 'as JSON').action((opts: { json?: boolean }) => {
    const models = listModels();
    if (opts.json) {
      io.stdout(`${JSON.stringify(models, null, 2)}\n`);
      return;
    }
    const rows = [['id', 'name', 'layers', 'heads', 'kv heads', 'head dim', 'mask (layer 0)', 'max context']];
    for (const m of models) {
      rows.push([m.id, m.name, String(m.layers), String(m.heads), String(m.kvHeads), String(m.headDim), describeMask(m.attention[0]!.mask), String(m.maxContext)]);
    }
    io.stdout(`${table(rows)}\n`);
  });

  program.command('kernels').description('kernel lowerings usable with --kernel').action(() => {
    io.stdout(`${table([['id', 'what it models'], ...listKernels().map((k) => [k, KERNELS[k]!.summary])])}\n`);
  });
  return program;
}

/** Run the CLI; returns the exit code (0 ok, 2 bad input, 1 a bug). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; commander has already printed its message for usage errors.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isInputError(e)) {
      io.stderr(`attnsim: error: ${e.message}\n`);
      return 2;
    }
    io.stderr(`attnsim: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
