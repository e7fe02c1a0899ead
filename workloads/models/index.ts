import { z } from 'zod';
import { DTYPES } from '../../hardware/schema.js';
import { InputError } from '../../hardware/errors.js';
import { maskSchema, type Mask } from '../masks/mask.js';
import { validateWorkload, type Workload } from '../workload.js';
import llama8b from './llama-3.1-8b.json' with { type: 'json' };
import llama70b from './llama-3.1-70b.json' with { type: 'json' };
import mistral7b from './mistral-7b.json' with { type: 'json' };
import qwen7b from './qwen2.5-7b.json' with { type: 'json' };

const count = z.number().int().positive();

/** A model's attention shapes, as data. `attention` says which mask each layer uses. */
export const modelSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  layers: count,
  heads: count,
  kvHeads: count,
  headDim: count,
  hiddenSize: count,
  maxContext: count,
  dtype: z.enum(DTYPES),
  attention: z
    .array(
      z.strictObject({
        /** "all", or an inclusive [first, last] range of layer indices. */
        layers: z.union([z.literal('all'), z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])]),
        mask: maskSchema,
      }),
    )
    .min(1),
  source: z.string().min(1),
});

export type ModelConfig = z.infer<typeof modelSchema>;

const MODELS: ReadonlyMap<string, ModelConfig> = new Map(
  [llama8b, llama70b, mistral7b, qwen7b].map((raw) => {
    const model = modelSchema.parse(raw);
    return [model.id, model] as const;
  }),
);

export function listModels(): ModelConfig[] {
  return [...MODELS.values()];
}

export function getModel(id: string): ModelConfig {
  const model = MODELS.get(id);
  if (!model) throw new InputError('model', `unknown model "${id}"; valid models: ${[...MODELS.keys()].join(', ')}`);
  return model;
}

/** The mask of layer `layer`: the first `attention` entry that covers it. */
export function maskForLayer(model: ModelConfig, layer: number): Mask {
  if (!Number.isInteger(layer) || layer < 0 || layer >= model.layers) {
    throw new InputError('layer', `${model.id} has layers 0..${model.layers - 1}, got ${layer}`);
  }
  const entry = model.attention.find((a) => a.layers === 'all' || (layer >= a.layers[0] && layer <= a.layers[1]));
  if (!entry) throw new InputError('layer', `${model.id} gives no attention pattern for layer ${layer}`);
  return entry.mask;
}

export interface ModelCall {
  model: string;
  layer?: number;
  /** Tokens in the context: the prompt length for prefill, the cached length for decode. */
  context: number;
  phase?: 'prefill' | 'decode';
  batch?: number;
}

/** "The attention of layer L of model M at context C" as a workload. */
export function modelWorkload(call: ModelCall): Workload {
  const model = getModel(call.model);
  if (call.context > model.maxContext) {
    throw new InputError('context', `${call.context} tokens is past ${model.id}'s context of ${model.maxContext} tokens (give the shapes with --q-len/--kv-len to go beyond it)`);
  }
  const phase = call.phase ?? 'prefill';
  const mask = maskForLayer(model, call.layer ?? 0);
  return validateWorkload({
    batch: call.batch ?? 1,
    heads: model.heads,
    kvHeads: model.kvHeads,
    qLen: phase === 'decode' ? 1 : call.context,
    kvLen: call.context,
    headDim: model.headDim,
    valueHeadDim: model.headDim,
    dtype: model.dtype,
    mask,
    phase,
  });
}
