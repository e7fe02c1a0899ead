import { methodDensity } from '../../workloads/sparse/graph.js';
import { InputError } from '../../hardware/errors.js';
import { sparseBounds, type SparseQuery } from './bounds.js';

/** One point of a sparse-speedup curve. */
export interface SparseSweepRow {
  density: number | null;
  seqLen: number;
  keptFraction: number;
  ideal: number;
  tileLevel: number;
  predicted: number;
  denseSeconds: number;
  sparseSeconds: number;
  estimatorSeconds: number;
  breakEvenDensity?: number | null;
}

/** Densities of `--sweep density` when none are given: log-spaced low end, where sparsity pays. */
export const DEFAULT_DENSITIES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1];
/** Sequence lengths of `--sweep seq` when none are given: 4K to 128K, doubling. */
export const DEFAULT_SEQ_LENS = [4096, 8192, 16384, 32768, 65536, 131072];

function row(q: SparseQuery, density: number | null, breakEven: boolean): SparseSweepRow {
  const b = sparseBounds({ ...q, breakEven });
  return {
    density,
    seqLen: q.workload.kvLen,
    keptFraction: b.keptFraction,
    ideal: b.ideal,
    tileLevel: b.tileLevel,
    predicted: b.predicted,
    denseSeconds: b.seconds.dense,
    sparseSeconds: b.seconds.total,
    estimatorSeconds: b.seconds.estimator,
    ...(breakEven ? { breakEvenDensity: b.breakEvenDensity ?? null } : {}),
  };
}

/** The bounds as density varies (a dynamic method, or block-sparse with given blocks). */
export function sweepDensity(q: SparseQuery, densities: readonly number[] = DEFAULT_DENSITIES): SparseSweepRow[] {
  if (q.pattern.kind !== 'dynamic') throw new InputError('--sweep', 'a density sweep needs --method or --density (a static --mask has no density to vary)');
  const pattern = q.pattern;
  return densities.map((density) => row({ ...q, pattern: { ...pattern, density } }, density, false));
}

/** The bounds as the sequence grows (prefill: qLen = kvLen; decode: kvLen), break-even per point. */
export function sweepSeq(q: SparseQuery, seqLens: readonly number[] = DEFAULT_SEQ_LENS): SparseSweepRow[] {
  if (q.pattern.kind === 'static' && (q.pattern.mask.kind === 'neighborhood' || q.pattern.mask.kind === 'document')) {
    throw new InputError('--sweep', `a ${q.pattern.mask.kind} mask fixes the token count; a sequence sweep cannot vary it`);
  }
  return seqLens.map((n) => {
    const workload = { ...q.workload, kvLen: n, qLen: q.workload.phase === 'decode' ? q.workload.qLen : n };
    const b = row({ ...q, workload }, null, true);
    return { ...b, density: q.pattern.kind === 'dynamic' ? (q.pattern.density ?? methodDensity(q.pattern.method, workload, workload.mask)) : null };
  });
}
