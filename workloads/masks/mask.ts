import { z } from 'zod';
import { InputError } from '../../hardware/errors.js';

/**
 * Masks as data. Query row i of a (qLen × kvLen) problem sits at absolute position
 * p = i + (kvLen − qLen): masks are aligned to the bottom-right, as for decode and chunked prefill.
 */
const positiveInt = z.number().int().positive();

const baseMaskOptions = [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('causal') }),
  /** Causal, and each query sees its `window` most recent keys (itself included). */
  z.strictObject({ kind: z.literal('sliding_window'), window: positiveInt }),
  /** StreamingLLM: causal, the first `sinks` keys plus the `window` most recent keys. */
  z.strictObject({ kind: z.literal('sink_window'), sinks: z.number().int().nonnegative(), window: positiveInt }),
  /**
   * Block-sparse on a blockSize × blockSize grid: every query-block row keeps exactly
   * max(1, round(blockDensity × kvBlocks)) key blocks, placed by a seeded generator. Kept blocks
   * are entirely kept. `causal`: a row chooses among the blocks at or before its diagonal only
   * (blockDensity of those), always keeps its diagonal block (every query sees itself) and is
   * causal inside it: the block mask a dynamic method selects over a causal base.
   * `fullBlocks`/`partialBlocks` are what a measurement recorded (informational).
   */
  z.strictObject({
    kind: z.literal('block_sparse'),
    blockSize: positiveInt,
    blockDensity: z.number().gt(0, 'density must be in (0, 1]').lte(1, 'density must be in (0, 1]'),
    seed: z.number().int().nonnegative().optional(),
    causal: z.boolean().optional(),
    fullBlocks: z.number().int().nonnegative().optional(),
    partialBlocks: z.number().int().nonnegative().optional(),
  }),
  /** Packed documents (sum of lengths = qLen = kvLen); a query sees keys of its own document. */
  z.strictObject({ kind: z.literal('document'), lengths: z.array(positiveInt).min(1), causal: z.boolean().optional() }),
  /**
   * Dilated sliding window (Longformer): causal, keys at distances 0, dilation, 2·dilation, …,
   * (window − 1)·dilation from the query: `window` keys spread over window × dilation positions.
   */
  z.strictObject({ kind: z.literal('dilated'), window: positiveInt, dilation: positiveInt }),
  /**
   * Sparse Transformers' strided pattern (Child et al. 2019), the two heads' patterns as one
   * mask: causal, the `stride` most recent keys plus every key whose distance is a multiple of
   * `stride`.
   */
  z.strictObject({ kind: z.literal('strided'), stride: positiveInt }),
  /** Block-sparse from an explicit list of kept [queryBlock, keyBlock] pairs on a blockSize grid. */
  z.strictObject({
    kind: z.literal('block_list'),
    blockSize: positiveInt,
    blocks: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])).min(1, 'the block list needs at least one block'),
  }),
  /**
   * Neighborhood attention (NATTEN / GNA) over a 2-D (H×W) or 3-D (T×H×W) token grid, tokens in
   * row-major order: each query keeps the `window` (per dimension) keys around it, the window
   * shifted inward at the borders so every query keeps the same count; a causal dimension keeps
   * only keys at or before the query. `tile` reorders tokens tile by tile (multi-dimensional
   * tiling): a kernel tile of tile[0]×tile[1](×tile[2]) tokens is then a patch, not a run of rows.
   */
  z.strictObject({
    kind: z.literal('neighborhood'),
    grid: z.array(positiveInt).min(2, 'grid needs 2 or 3 dimensions').max(3, 'grid needs 2 or 3 dimensions'),
    window: z.array(positiveInt),
    causal: z.array(z.boolean()).optional(),
    tile: z.array(positiveInt).optional(),
  }),
] as const;

export const baseMaskSchema = z.discriminatedUnion('kind', [...baseMaskOptions]);

export const maskSchema = z.discriminatedUnion('kind', [
  ...baseMaskOptions,
  /**
   * A different mask per head (MoA's per-head windows, DuoAttention's retrieval vs streaming
   * heads): the groups cycle over the heads in order, `count` heads each. Coverage is the
   * average over one cycle, exact when the head count is a multiple of the cycle.
   */
  z.strictObject({
    kind: z.literal('per_head'),
    groups: z.array(z.strictObject({ mask: baseMaskSchema, count: positiveInt })).min(1, 'per-head masks need at least one group'),
  }),
]);

export type Mask = z.infer<typeof maskSchema>;
export type MaskKind = Mask['kind'];
export type BaseMask = z.infer<typeof baseMaskSchema>;
export const MASK_KINDS: readonly MaskKind[] = ['none', 'causal', 'sliding_window', 'sink_window', 'block_sparse', 'document', 'dilated', 'strided', 'block_list', 'neighborhood', 'per_head'];

/**
 * Parse the CLI's mask syntax: `none`, `causal`, `window:4096`, `sinks:4,window:2048`,
 * `window:512,dilation:4`, `strided:128`, `block:128,density:0.1[,seed:7]`,
 * `blocks:128,list:0-0/1-0/1-1`, `doc:4096x8[,causal]` or `doc:1000+3000[,causal]`,
 * `nbhd:64x64,window:7x7[,tile:8x16][,causal:1x0]`, and per-head groups
 * `perhead:causal*8|sinks:4,window:1024*24` (a mask, `*`, how many heads; groups joined by `|`).
 */
export function parseMask(text: string, field = 'mask'): Mask {
  const spec = text.trim();
  if (spec.startsWith('perhead:')) return parsePerHead(spec, field);
  return validateMask(parseBaseMask(spec, field), field);
}

const MASK_SYNTAX =
  'none, causal, window:W, sinks:S,window:W, window:W,dilation:D, strided:S, block:B,density:D[,causal], blocks:B,list:Q-K/Q-K, doc:LxN[,causal], nbhd:HxW,window:AxB[,tile:AxB] or perhead:MASK*N|MASK*N';

function parseBaseMask(spec: string, field: string): unknown {
  const parts = Object.fromEntries(
    spec.split(',').map((part) => {
      const [key, ...rest] = part.split(':');
      return [key!.trim(), rest.join(':').trim()];
    }),
  );
  const num = (key: string): number => {
    const raw = parts[key];
    const n = Number(raw);
    if (raw === undefined || raw === '' || !Number.isFinite(n)) throw new InputError(field, `"${spec}": ${key} needs a number (e.g. ${key}:128)`);
    return n;
  };
  const dims = (key: string): number[] => {
    const raw = parts[key] ?? '';
    const values = raw.split('x').map(Number);
    if (raw === '' || values.some((n) => !Number.isFinite(n))) throw new InputError(field, `"${spec}": ${key} takes sizes joined by x (e.g. ${key}:8x16)`);
    return values;
  };
  if (spec === 'none' || spec === 'causal') return { kind: spec };
  if ('nbhd' in parts) {
    return {
      kind: 'neighborhood',
      grid: dims('nbhd'),
      window: dims('window'),
      ...('tile' in parts ? { tile: dims('tile') } : {}),
      ...('causal' in parts ? { causal: dims('causal').map((v) => v !== 0) } : {}),
    };
  }
  if ('sinks' in parts) return { kind: 'sink_window', sinks: num('sinks'), window: num('window') };
  if ('dilation' in parts) return { kind: 'dilated', window: num('window'), dilation: num('dilation') };
  if ('window' in parts) return { kind: 'sliding_window', window: num('window') };
  if ('strided' in parts) return { kind: 'strided', stride: num('strided') };
  if ('block' in parts) {
    return {
      kind: 'block_sparse',
      blockSize: num('block'),
      blockDensity: num('density'),
      ...('seed' in parts ? { seed: num('seed') } : {}),
      ...('causal' in parts ? { causal: true } : {}),
    };
  }
  if ('blocks' in parts) return { kind: 'block_list', blockSize: num('blocks'), blocks: parseBlockList(parts.list ?? '', field, spec) };
  if ('doc' in parts) return { kind: 'document', lengths: parseLengths(parts.doc ?? '', field, spec), causal: 'causal' in parts };
  throw new InputError(field, `unknown mask "${spec}"; use ${MASK_SYNTAX}`);
}

function parsePerHead(spec: string, field: string): Mask {
  const groups = spec
    .slice('perhead:'.length)
    .split('|')
    .map((part) => {
      const star = part.lastIndexOf('*');
      const count = star < 0 ? 1 : Number(part.slice(star + 1));
      if (!Number.isInteger(count) || count <= 0) throw new InputError(field, `"${part}": a per-head group is MASK*HEADS with HEADS a positive whole number`);
      return { mask: parseBaseMask((star < 0 ? part : part.slice(0, star)).trim(), field), count };
    });
  return validateMask({ kind: 'per_head', groups }, field);
}

function parseBlockList(text: string, field: string, spec: string): Array<[number, number]> {
  return text.split('/').map((pair) => {
    const m = /^(\d+)-(\d+)$/.exec(pair.trim());
    if (!m) throw new InputError(field, `"${spec}": list takes QUERYBLOCK-KEYBLOCK pairs joined by / (e.g. list:0-0/1-0/1-1)`);
    return [Number(m[1]), Number(m[2])];
  });
}

/** Most documents a document mask lists: a million one-token documents, one number each. */
const MAX_DOCUMENTS = 2 ** 20;

function parseLengths(text: string, field: string, spec: string): number[] {
  const repeat = /^(\d+)x(\d+)$/.exec(text);
  const count = repeat ? Number(repeat[2]) : text.split('+').length;
  if (count > MAX_DOCUMENTS) throw new InputError(field, `"${spec}": ${count} documents, above the limit of ${MAX_DOCUMENTS} (2^20)`);
  if (repeat) return Array.from({ length: count }, () => Number(repeat[1]));
  const lengths = text.split('+').map(Number);
  if (lengths.some((n) => !Number.isFinite(n))) throw new InputError(field, `"${spec}": doc takes LENxCOUNT or L1+L2+...`);
  return lengths;
}

export function validateMask(candidate: unknown, field = 'mask'): Mask {
  const result = maskSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? `${field}.${issue.path.join('.')}` : field;
    throw new InputError(where, issue.message);
  }
  const mask = result.data;
  if (mask.kind === 'per_head') mask.groups.forEach((g, i) => checkShape(g.mask, `${field}.groups.${i}.mask`));
  else checkShape(mask, field);
  return mask;
}

/** What the schema cannot say: a neighborhood's arrays agree with its grid. */
function checkShape(mask: BaseMask, field: string): void {
  if (mask.kind !== 'neighborhood') return;
  const n = mask.grid.length;
  for (const key of ['window', 'causal', 'tile'] as const) {
    const v = mask[key];
    if (v !== undefined && v.length !== n) throw new InputError(`${field}.${key}`, `needs ${n} entries, one per grid dimension (grid ${mask.grid.join('x')})`);
  }
  mask.window.forEach((w, d) => {
    if (w > mask.grid[d]!) throw new InputError(`${field}.window`, `window ${w} is wider than grid dimension ${d} (${mask.grid[d]})`);
  });
  mask.tile?.forEach((t, d) => {
    if (mask.grid[d]! % t !== 0) throw new InputError(`${field}.tile`, `tile ${t} must divide grid dimension ${d} (${mask.grid[d]})`);
  });
}

/** Short human description, used in ids and tables. */
export function describeMask(mask: Mask): string {
  switch (mask.kind) {
    case 'none':
    case 'causal':
      return mask.kind;
    case 'sliding_window':
      return `window:${mask.window}`;
    case 'sink_window':
      return `sinks:${mask.sinks},window:${mask.window}`;
    case 'block_sparse':
      return `block:${mask.blockSize},density:${mask.blockDensity}${mask.causal === true ? ',causal' : ''}`;
    case 'document':
      return `doc:${mask.lengths.length}docs${mask.causal ? ',causal' : ''}`;
    case 'dilated':
      return `window:${mask.window},dilation:${mask.dilation}`;
    case 'strided':
      return `strided:${mask.stride}`;
    case 'block_list':
      return `blocks:${mask.blockSize},${mask.blocks.length}listed`;
    case 'neighborhood':
      return `nbhd:${mask.grid.join('x')},window:${mask.window.join('x')}${mask.tile ? `,tile:${mask.tile.join('x')}` : ''}${mask.causal ? `,causal:${mask.causal.map(Number).join('x')}` : ''}`;
    case 'per_head':
      return `perhead:${mask.groups.map((g) => `${describeMask(g.mask)}*${g.count}`).join('|')}`;
  }
}
