import { DTYPES, type Dtype } from '../../hardware/schema.js';
import { InputError } from '../../hardware/errors.js';

/**
 * A positive whole number from the command line. Token counts may use k and M suffixes in the
 * binary sense the field uses: 32k = 32768, 1M = 1048576.
 */
export function parseCount(text: string, flag: string): number {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(text);
  if (!m) throw new InputError(flag, `expected a positive whole number (e.g. 4096 or 32k), got "${text}"`);
  const scale = m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1024 : 1024 * 1024;
  const n = Number(m[1]) * scale;
  if (!Number.isInteger(n) || n <= 0) throw new InputError(flag, `expected a positive whole number, got "${text}"`);
  if (n > Number.MAX_SAFE_INTEGER) throw new InputError(flag, `"${text}" is above the largest exact whole number (2^53 − 1)`);
  return n;
}

/** A position counted from 0 (a layer of a model). */
export function parseIndex(text: string, flag: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new InputError(flag, `expected a whole number ≥ 0, got "${text}"`);
  return Number(text);
}

export function parseDtype(text: string, flag = '--dtype'): Dtype {
  if (!(DTYPES as readonly string[]).includes(text)) throw new InputError(flag, `unknown type "${text}"; valid types: ${DTYPES.join(', ')}`);
  return text as Dtype;
}

export function parsePhase(text: string): 'prefill' | 'decode' {
  if (text !== 'prefill' && text !== 'decode') throw new InputError('--phase', `expected prefill or decode, got "${text}"`);
  return text;
}

/** `path=value` pairs of `--set`, e.g. `memory.hbm.bandwidthBytesPerSecond=6TB/s`. */
export function parseOverrides(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new InputError('--set', `expected path=value (e.g. memory.hbm.bandwidthBytesPerSecond=6TB/s), got "${pair}"`);
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}
