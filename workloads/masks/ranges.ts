/**
 * Sorted lists of disjoint half-open integer ranges, flattened as [s0, e0, s1, e1, ...].
 * Small (a mask row has at most two intervals), so plain arrays beat anything cleverer.
 */
export type Ranges = number[];

/** The union, normalized: inputs may overlap or repeat (a row's intervals can touch one tile). */
export function unionRanges(a: Ranges, b: Ranges): Ranges {
  const all: Array<[number, number]> = [];
  for (let i = 0; i < a.length; i += 2) all.push([a[i]!, a[i + 1]!]);
  for (let i = 0; i < b.length; i += 2) all.push([b[i]!, b[i + 1]!]);
  all.sort((x, y) => x[0] - y[0]);
  const out: Ranges = [];
  for (const [s, e] of all) {
    const last = out.length - 1;
    if (last > 0 && s <= out[last]!) out[last] = Math.max(out[last]!, e);
    else out.push(s, e);
  }
  return out;
}

export function intersectRanges(a: Ranges, b: Ranges): Ranges {
  const out: Ranges = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i]!, b[j]!);
    const e = Math.min(a[i + 1]!, b[j + 1]!);
    if (s < e) out.push(s, e);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

export function rangesLength(r: Ranges): number {
  let n = 0;
  for (let i = 0; i < r.length; i += 2) n += r[i + 1]! - r[i]!;
  return n;
}
