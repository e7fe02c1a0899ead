import { InputError } from '../../hardware/errors.js';
import { validateMethod, type SparseMethod } from './method.js';
import fsa from './presets/fsa.json' with { type: 'json' };
import loki from './presets/loki.json' with { type: 'json' };
import minference from './presets/minference.json' with { type: 'json' };
import sale from './presets/sale.json' with { type: 'json' };
import spargeattn from './presets/spargeattn.json' with { type: 'json' };

/** Dynamic-sparsity presets: data files with their sources, validated once at load. */
const PRESETS: readonly SparseMethod[] = [sale, minference, spargeattn, loki, fsa].map((raw) => validateMethod(raw, `preset ${raw.id}`));

export function listMethods(): SparseMethod[] {
  return [...PRESETS];
}

export function getMethod(id: string): SparseMethod {
  const method = PRESETS.find((m) => m.id === id);
  if (!method) throw new InputError('--method', `unknown sparse method "${id}"; presets: ${PRESETS.map((m) => m.id).join(', ')}`);
  return method;
}
