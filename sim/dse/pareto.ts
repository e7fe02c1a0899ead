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
 * vector sorts lexicographically before what it dominates, so one pass in that order decides
 * each vector against those before it. With up to three objectives (all a sweep allows), "is
 * there an earlier vector no worse on the second and third?" is a prefix minimum over the
 * second objective's ranks (a Fenwick tree): O(n log n) however large the front. A front of
 * 100,000 designs (time falling as energy rises) is then a fraction of a second, where checking
 * each vector against the front so far would take n² / 2 comparisons.
 */
export function paretoFront(vectors: ReadonlyArray<readonly number[]>): number[] {
  const order = vectors.map((_, i) => i).sort((i, j) => compareLexicographic(vectors[i]!, vectors[j]!) || i - j);
  if ((vectors[0]?.length ?? 0) > FENWICK_OBJECTIVES) return frontByComparison(vectors, order);
  const second = (v: readonly number[]) => v[1] ?? 0;
  const third = (v: readonly number[]) => v[2] ?? 0;
  const seconds = [...new Set(vectors.map(second))].sort((a, b) => a - b);
  const rankOf = new Map(seconds.map((b, r) => [b, r + 1]));
  // tree[i]: the least third objective among the earlier vectors whose second's rank falls in i's block.
  const tree = new Float64Array(seconds.length + 1).fill(Infinity);
  const leastThirdUpTo = (rank: number) => {
    let least = Infinity;
    for (let i = rank; i > 0; i -= i & -i) least = Math.min(least, tree[i]!);
    return least;
  };
  const insert = (rank: number, value: number) => {
    for (let i = rank; i < tree.length; i += i & -i) tree[i] = Math.min(tree[i]!, value);
  };
  const front: number[] = [];
  for (let g = 0; g < order.length; ) {
    // Equal vectors do not dominate each other: a run of them is decided together, then inserted.
    const v = vectors[order[g]!]!;
    let h = g + 1;
    while (h < order.length && compareLexicographic(vectors[order[h]!]!, v) === 0) h++;
    const rank = rankOf.get(second(v))!;
    if (leastThirdUpTo(rank) > third(v)) front.push(...order.slice(g, h));
    insert(rank, third(v));
    g = h;
  }
  return front;
}

/** Objectives the prefix-minimum pass handles: the first by the sort, the second by rank, the third by value. */
const FENWICK_OBJECTIVES = 3;

/** Any number of objectives: each vector against the front so far, O(n × front size). */
function frontByComparison(vectors: ReadonlyArray<readonly number[]>, order: readonly number[]): number[] {
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
