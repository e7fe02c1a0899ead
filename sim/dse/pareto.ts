/**
 * The Pareto front of points under minimization: the points that no other point beats on one
 * objective without losing on another. Points with equal vectors do not dominate each other,
 * so duplicates on the front are all kept.
 */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k]! > b[k]!) return false;
    if (a[k]! < b[k]!) strictly = true;
  }
  return strictly;
}

/**
 * Indices of the non-dominated vectors, in lexicographic order of their vectors. A dominating
 * vector sorts lexicographically before what it dominates, so one pass in that order, checking
 * each candidate against the front so far, is exact: O(n log n + n × front size).
 */
export function paretoFront(vectors: ReadonlyArray<readonly number[]>): number[] {
  const order = vectors.map((_, i) => i).sort((i, j) => compareLexicographic(vectors[i]!, vectors[j]!) || i - j);
  const front: number[] = [];
  for (const i of order) {
    const v = vectors[i]!;
    if (!front.some((f) => dominates(vectors[f]!, v))) front.push(i);
  }
  return front;
}

function compareLexicographic(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
}
