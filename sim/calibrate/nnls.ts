/**
 * Non-negative least squares by cyclic coordinate descent: minimize ‖A x − b‖² with x ≥ 0.
 * Convex, so it converges; fine for the handful of columns a calibration fits.
 */
export function nnls(a: readonly number[][], b: readonly number[], iterations = 5000): number[] {
  const cols = a[0]?.length ?? 0;
  const x = new Array<number>(cols).fill(0);
  const colNorm = Array.from({ length: cols }, (_, j) => a.reduce((s, row) => s + row[j]! ** 2, 0));
  const residual = b.slice();
  for (let it = 0; it < iterations; it++) {
    let moved = 0;
    for (let j = 0; j < cols; j++) {
      if (colNorm[j] === 0) continue;
      let grad = 0;
      for (let i = 0; i < a.length; i++) grad += a[i]![j]! * residual[i]!;
      const next = Math.max(0, x[j]! + grad / colNorm[j]!);
      const delta = next - x[j]!;
      if (delta !== 0) {
        for (let i = 0; i < a.length; i++) residual[i] = residual[i]! - a[i]![j]! * delta;
        x[j] = next;
        moved = Math.max(moved, Math.abs(delta) / Math.max(Math.abs(next), 1e-300));
      }
    }
    if (moved < 1e-10) break;
  }
  return x;
}
