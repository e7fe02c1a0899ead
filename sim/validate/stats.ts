/** Error statistics of validate: errors are (predicted − measured) / measured. */

export function relativeError(predicted: number, measured: number): number {
  return (predicted - measured) / measured;
}

/** Mean absolute percentage error, in percent. */
export function mape(errors: readonly number[]): number {
  if (errors.length === 0) return NaN;
  return (100 * errors.reduce((a, e) => a + Math.abs(e), 0)) / errors.length;
}

export function maxAbsPctError(errors: readonly number[]): number {
  return errors.reduce((a, e) => Math.max(a, 100 * Math.abs(e)), 0);
}

/** Ranks with ties given their average rank (the standard Spearman treatment). */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j += 1;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]![1]] = rank;
    i = j + 1;
  }
  return out;
}

/** Spearman rank correlation: Pearson correlation of the ranks. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 2) return NaN;
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return da === 0 || db === 0 ? NaN : num / Math.sqrt(da * db);
}

/** FNV-1a, 32-bit: a stable hash of a case id, the same in every runtime. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The fixed split rule: a case is in the calibration split when FNV-1a(id) mod 4 = 0 (about a
 * quarter of the cases); every other case is held out. Adding cases never moves an old one.
 */
export function isCalibrationCase(id: string): boolean {
  return fnv1a(id) % 4 === 0;
}
