/**
 * Seconds of a software-pipelined main loop: the first tile's load is exposed, then each
 * iteration's compute overlaps the next tile's load (double buffering: cp.async stages on
 * Ampere, a TMA producer warp group on Hopper), and the last compute is exposed.
 * With n iterations, load l and compute c per iteration: l + (n − 1)·max(l, c) + c.
 */
export function pipelinedSeconds(iterations: number, loadSeconds: number, computeSeconds: number): number {
  if (iterations <= 0) return 0;
  return loadSeconds + (iterations - 1) * Math.max(loadSeconds, computeSeconds) + computeSeconds;
}
