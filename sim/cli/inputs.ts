import { Option, type Command } from 'commander';
import { listDevicePresets } from '../../hardware/device.js';
import { deriveSpec, getPreset, listPresets, loadSpec, type GpuSpec } from '../../hardware/index.js';
import { parseMask } from '../../workloads/masks/mask.js';
import { listModels, modelWorkload } from '../../workloads/models/index.js';
import { makeWorkload, type Workload } from '../../workloads/workload.js';
import { InputError } from '../../hardware/errors.js';
import { parseCount, parseDtype, parseIndex, parseOverrides, parsePhase } from './args.js';
import { fsErrorCode, fsReason } from '../node/files.js';
import type { CliIo } from './io.js';

/** Hardware and workload from command-line flags: shared by every command that simulates. */

/** The built-in default of `attnsim simulate`: Llama-3.1-8B attention, 32K prefill, on an H200. */
export const DEFAULT_CALL = { hardware: 'h200-sxm', kernel: 'fa2', model: 'llama-3.1-8b', context: 32768 } as const;

export interface SimulateFlags {
  hardware: string;
  set: string[];
  kernel: string;
  engine?: string;
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

/**
 * A preset id, or a path to a spec file of the preset format (bare numbers allowed there).
 * `flag` names where the name came from, for errors.
 */
export function resolveHardware(name: string, overrides: readonly string[], io: CliIo, flag = '--hardware'): GpuSpec {
  let spec: GpuSpec;
  if (name.endsWith('.json') || name.includes('/')) {
    let text: string;
    try {
      text = io.readFile(name);
    } catch (e) {
      const code = fsErrorCode(e);
      throw new InputError(flag, `"${name}" is not a preset and cannot be read as a spec file${code ? ` (${fsReason(code)})` : ''}; presets: ${listPresets().join(', ')}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new InputError(flag, `"${name}" is not a preset, and not a spec file: not valid JSON (${(e as Error).message.split('\n')[0]})`);
    }
    spec = loadSpec(raw, { requireProvenance: false, origin: name });
  } else {
    try {
      spec = getPreset(name);
    } catch (e) {
      // Presets of every kind reach this point only when no other kind has the name.
      if (e instanceof InputError && e.field === 'hardware')
        throw new InputError(
          flag,
          `unknown preset "${name}"; valid presets: ${listDevicePresets()
            .map((p) => p.id)
            .join(', ')}`,
        );
      throw e;
    }
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
      layer: f.layer !== undefined ? parseIndex(f.layer, '--layer') : 0,
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
    for (const [key, flag] of [
      ['heads', '--heads'],
      ['qLen', '--q-len'],
      ['headDim', '--head-dim'],
    ] as const) {
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

/** `--hardware` and `--set`: the machine, as every simulating command takes it (see resolveHardware). */
export function addHardwareOptions(command: Command): Command {
  return command
    .option(
      '--hardware <id|file>',
      `hardware preset (${listDevicePresets()
        .map((p) => p.id)
        .join(', ')}) or a spec file`,
      DEFAULT_CALL.hardware,
    )
    .option('--set <path=value>', 'override a spec number, e.g. memory.hbm.bandwidthBytesPerSecond=6TB/s (repeatable)', (v, acc: string[]) => [...acc, v], []);
}

/** The model and shape flags every simulating command takes (see workloadFromFlags); masks are each command's own. */
export function addWorkloadOptions(command: Command): Command {
  return command
    .option(
      '--model <id>',
      `model config (${listModels()
        .map((m) => m.id)
        .join(', ')})`,
    )
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
    .option('--dtype <type>', 'element type (bf16, fp16, fp8, fp32)');
}
