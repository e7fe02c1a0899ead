import { DTYPES } from '../../hardware/schema.js';
import { parseMask, validateMask, describeMask, type Mask } from '../../workloads/masks/mask.js';
import { getModel, modelWorkload } from '../../workloads/models/index.js';
import { makeWorkload, type Workload, type WorkloadInput } from '../../workloads/workload.js';
import { InputError, isInputError } from '../../hardware/errors.js';
import { expandValues, MAX_PARAMETER_VALUES } from './values.js';

/**
 * The workload list of a sweep (also `attnsim compare --workloads`). Each entry is either a
 * model call, expanded over its phases × contexts × batches:
 *   `{model: llama-3.1-8b, phase: [prefill, decode], contexts: [32k, 128k], batch: 16, layer: 0, mask: causal}`
 * or explicit shapes, one workload:
 *   `{heads: 32, kvHeads: 8, qLen: 4096, headDim: 128, mask: "window:1024", batch: 2, dtype: bf16}`.
 * Token counts take k and M suffixes in the binary sense the CLI uses (32k = 32768).
 */
export interface LabeledWorkload {
  /** Short, unique within a sweep; a results column. */
  label: string;
  workload: Workload;
}

const MODEL_KEYS = ['model', 'layer', 'phase', 'context', 'contexts', 'batch', 'mask'] as const;
const SHAPE_KEYS = ['batch', 'heads', 'kvHeads', 'qLen', 'kvLen', 'headDim', 'valueHeadDim', 'dtype', 'mask', 'phase'] as const;
const SHAPE_COUNTS = ['batch', 'heads', 'kvHeads', 'qLen', 'kvLen', 'headDim', 'valueHeadDim'] as const;
/** The workloads of one sweep: one axis of its grid, bounded like a parameter's values. */
const MAX_WORKLOADS = MAX_PARAMETER_VALUES;
const TOKENS_PER_K = 1024;
const TOKENS_PER_M = 1024 * 1024;

export function expandWorkloads(raw: unknown, place: string): LabeledWorkload[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new InputError(place, 'expected a non-empty list of workloads (model calls or explicit shapes)');
  const out: LabeledWorkload[] = [];
  raw.forEach((entry, i) => {
    out.push(...expandEntry(entry, `${place}[${i}]`, MAX_WORKLOADS - out.length, place));
  });
  const seen = new Map<string, number>();
  return out.map(({ label, workload }) => {
    // Two entries may describe the same call; keep both, with labels that tell them apart.
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return { label: n === 1 ? label : `${label} #${n}`, workload };
  });
}

/** `room`: how many more workloads the list may hold; checked before any is built. */
function expandEntry(entry: unknown, place: string, room: number, listPlace: string): LabeledWorkload[] {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new InputError(place, 'expected a workload: {model, contexts, ...} or {heads, qLen, headDim, ...}');
  const e = entry as Record<string, unknown>;
  if (room < 1) throw tooMany(listPlace);
  return 'model' in e ? expandModelEntry(e, place, room, listPlace) : [shapeEntry(e, place)];
}

function tooMany(listPlace: string): InputError {
  return new InputError(listPlace, `more than ${MAX_WORKLOADS} workloads (entries × phases × contexts × batches); a sweep's workload list is bounded like a parameter's values`);
}

function expandModelEntry(e: Record<string, unknown>, place: string, room: number, listPlace: string): LabeledWorkload[] {
  rejectUnknownKeys(e, MODEL_KEYS, place);
  if (typeof e.model !== 'string') throw new InputError(`${place}.model`, 'expected a model id');
  if ('context' in e && 'contexts' in e) throw new InputError(`${place}.contexts`, 'give context or contexts, not both');
  const contextKey = 'contexts' in e ? 'contexts' : 'context';
  if (e[contextKey] === undefined) throw new InputError(`${place}.contexts`, 'a model call needs its context length(s), e.g. contexts: [32k, 128k]');
  const contexts = expandValues(e[contextKey], `${place}.${contextKey}`).map((v) => tokens(v, `${place}.${contextKey}`));
  const model = relocated(place, () => getModel(e.model as string));
  for (const context of contexts) {
    if (context > model.maxContext)
      throw new InputError(`${place}.${contextKey}`, `${formatTokens(context)} tokens is past ${model.id}'s context of ${formatTokens(model.maxContext)} (${model.maxContext} tokens)`);
  }
  const phases = listOf(e.phase ?? 'prefill', `${place}.phase`).map((p) => phase(p, `${place}.phase`));
  const batches = e.batch === undefined ? [1] : expandValues(e.batch, `${place}.batch`).map((v) => tokens(v, `${place}.batch`));
  const layer = e.layer === undefined ? undefined : wholeNumber(e.layer, `${place}.layer`, 0);
  const mask = e.mask === undefined ? undefined : maskOf(e.mask, `${place}.mask`);
  if (phases.length * contexts.length * batches.length > room) throw tooMany(listPlace);
  const out: LabeledWorkload[] = [];
  for (const p of phases) {
    for (const context of contexts) {
      for (const batch of batches) {
        const workload = relocated(place, () => {
          const call = modelWorkload({ model: e.model as string, context, phase: p, batch, ...(layer !== undefined ? { layer } : {}) });
          return mask ? makeWorkload({ ...call, mask }) : call;
        });
        const parts = [e.model as string, p, formatTokens(context), `b${batch}`];
        if (layer) parts.push(`layer${layer}`);
        if (mask) parts.push(describeMask(mask));
        out.push({ label: parts.join(' '), workload });
      }
    }
  }
  return out;
}

function shapeEntry(e: Record<string, unknown>, place: string): LabeledWorkload {
  rejectUnknownKeys(e, SHAPE_KEYS, place);
  const input: Record<string, unknown> = {};
  for (const key of SHAPE_COUNTS) if (e[key] !== undefined) input[key] = tokens(e[key], `${place}.${key}`);
  for (const key of ['heads', 'qLen', 'headDim'] as const) {
    if (input[key] === undefined) throw new InputError(`${place}.${key}`, 'is required for explicit shapes (or give a model)');
  }
  if (e.dtype !== undefined) {
    if (!(DTYPES as readonly unknown[]).includes(e.dtype)) throw new InputError(`${place}.dtype`, `unknown type ${JSON.stringify(e.dtype)}; valid types: ${DTYPES.join(', ')}`);
    input.dtype = e.dtype;
  }
  if (e.mask !== undefined) input.mask = maskOf(e.mask, `${place}.mask`);
  if (e.phase !== undefined) input.phase = phase(e.phase, `${place}.phase`);
  const w = relocated(place, () => makeWorkload(input as unknown as WorkloadInput));
  const heads = w.kvHeads === w.heads ? `h${w.heads}` : `h${w.heads}/kv${w.kvHeads}`;
  const dims = w.valueHeadDim === w.headDim ? `d${w.headDim}` : `d${w.headDim}/${w.valueHeadDim}`;
  return { label: `${heads} q${formatTokens(w.qLen)}×kv${formatTokens(w.kvLen)} ${dims} ${describeMask(w.mask)} b${w.batch} ${w.dtype}`, workload: w };
}

function rejectUnknownKeys(e: Record<string, unknown>, allowed: readonly string[], place: string): void {
  const extra = Object.keys(e).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw new InputError(`${place}.${extra}`, `unknown workload key; a ${allowed.includes('model') ? 'model call' : 'shape'} takes ${allowed.join(', ')}`);
}

function listOf(v: unknown, place: string): unknown[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new InputError(place, 'empty list');
  return list;
}

function phase(v: unknown, place: string): 'prefill' | 'decode' {
  if (v !== 'prefill' && v !== 'decode') throw new InputError(place, `expected prefill or decode, got ${JSON.stringify(v)}`);
  return v;
}

function maskOf(v: unknown, place: string): Mask {
  return typeof v === 'string' ? parseMask(v, place) : validateMask(v, place);
}

function wholeNumber(v: unknown, place: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InputError(place, `expected a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/** 4096, "4096", "32k" (32768) or "1M" (1048576). */
export function tokens(v: unknown, place: string): number {
  if (typeof v === 'number') return wholeNumber(v, place, 1);
  const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(v) : null;
  if (!m) throw new InputError(place, `expected a whole number of tokens (e.g. 4096 or 32k), got ${JSON.stringify(v)}`);
  const scale = m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? TOKENS_PER_K : TOKENS_PER_M;
  return wholeNumber(Number(m[1]) * scale, place, 1);
}

export function formatTokens(n: number): string {
  if (n % TOKENS_PER_M === 0) return `${n / TOKENS_PER_M}M`;
  if (n % TOKENS_PER_K === 0) return `${n / TOKENS_PER_K}k`;
  return String(n);
}

/** Errors from the workload constructors name a field ("kvHeads"); put the entry's place in front. */
function relocated<T>(place: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (!isInputError(e)) throw e;
    const message = e.message.slice(e.field.length + 2);
    throw new InputError(`${place}.${e.field}`, message);
  }
}
