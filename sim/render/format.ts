/** Human-readable numbers for terminal output (decimal prefixes, as datasheets use). */

const PREFIXES: ReadonlyArray<readonly [number, string]> = [
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

export function withPrefix(value: number, unit: string, digits = 3): string {
  if (value === 0) return `0 ${unit}`;
  for (const [scale, prefix] of PREFIXES) {
    if (Math.abs(value) >= scale) return `${(value / scale).toPrecision(digits)} ${prefix}${unit}`;
  }
  return `${value.toPrecision(digits)} ${unit}`;
}

export function formatSeconds(s: number): string {
  if (s >= 1) return `${s.toPrecision(4)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toPrecision(4)} ms`;
  if (s >= 1e-6) return `${(s * 1e6).toPrecision(4)} µs`;
  return `${(s * 1e9).toPrecision(4)} ns`;
}

export function formatBytes(b: number): string {
  return withPrefix(b, 'B');
}

export function formatJoules(j: number): string {
  if (j >= 1) return `${j.toPrecision(4)} J`;
  return `${(j * 1e3).toPrecision(4)} mJ`;
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Columns padded to their widest cell: the first left-aligned, the others right-aligned unless `leftAligned`. */
export function table(rows: string[][], leftAligned = false): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 || leftAligned ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
