import { unitForFieldName, type BaseUnit } from '../../../hardware/units.js';
import { formatJoules, formatSeconds, withPrefix } from '../../render/format.js';
import type { ObjectiveId } from '../objectives.js';
import type { Cell } from '../rows.js';

/** Terminal formatting of DSE tables: objectives and parameter values with their units. */

const BYTES_PER_KIB = 1024;
const BINARY_PREFIXES = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
const SIGNIFICANT_DIGITS = 3;

export function formatObjective(id: ObjectiveId, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  switch (id) {
    case 'latency':
      return formatSeconds(value);
    case 'energy':
      return formatJoules(value);
    case 'edp':
      return `${value.toPrecision(SIGNIFICANT_DIGITS)} J·s`;
    case 'area':
      return `${value.toFixed(0)} mm²`;
    case 'cost':
      return `$${value.toFixed(0)}`;
  }
}

/** The unit of a parameter's numbers, from its name: the nearest key that names one. */
export function unitOfParameter(name: string): BaseUnit {
  const keys = name.split('.');
  for (let i = keys.length - 1; i >= 0; i--) {
    const unit = unitForFieldName(keys[i]!);
    if (unit !== 'count') return unit;
  }
  return 'count';
}

export function formatFactor(name: string, value: Cell): string {
  if (value === null) return '-';
  if (typeof value === 'string') return value;
  const unit = unitOfParameter(name);
  if (unit === 'count') return String(value);
  if (unit === 'B') return formatBinaryBytes(value);
  return withPrefix(value, unit);
}

/** Memory sizes as datasheets write them: 228 KiB, 50 MiB. */
export function formatBinaryBytes(bytes: number): string {
  let value = bytes;
  let k = 0;
  while (Math.abs(value) >= BYTES_PER_KIB && k < BINARY_PREFIXES.length - 1) {
    value /= BYTES_PER_KIB;
    k++;
  }
  const digits = Number.isInteger(value) ? String(value) : value.toPrecision(SIGNIFICANT_DIGITS);
  return `${digits} ${BINARY_PREFIXES[k]}`;
}
