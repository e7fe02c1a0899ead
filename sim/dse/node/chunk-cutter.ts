/**
 * Cuts the points still to do into chunks sized by time, not count: about TARGET_CHUNK_SECONDS
 * of work each, whatever the engine. Analytical points take microseconds and cycle-level ones
 * up to a second; a fixed count would either drown in messages or leave the progress bar (and
 * Ctrl-C) waiting for minutes. Sizes start small and follow the measured time per point.
 */
const TARGET_CHUNK_SECONDS = 0.05;
const FIRST_CHUNK_POINTS = 8;
/** Past this, messages cost nothing measurable and bigger chunks only delay progress updates. */
export const MAX_CHUNK_POINTS = 1024;
/** Weight of the newest chunk in the running time per point. */
const SMOOTHING = 0.5;

export class ChunkCutter {
  private next = 0;
  private secondsPerPoint: number | null = null;

  constructor(
    private readonly todo: readonly number[],
    private readonly threads: number,
  ) {}

  get remaining(): number {
    return this.todo.length - this.next;
  }

  /** The next chunk of point indices, or null when all are handed out. */
  take(): number[] | null {
    if (this.remaining === 0) return null;
    const byTime = this.secondsPerPoint === null ? FIRST_CHUNK_POINTS : Math.round(TARGET_CHUNK_SECONDS / this.secondsPerPoint);
    // Near the end, smaller chunks so that the threads finish together.
    const fairShare = Math.ceil(this.remaining / this.threads);
    const size = Math.max(1, Math.min(byTime, MAX_CHUNK_POINTS, fairShare));
    const chunk = this.todo.slice(this.next, this.next + size);
    this.next += chunk.length;
    return chunk;
  }

  /** Seconds per point on one thread, as measured so far (0 before any chunk is done). */
  get secondsPerPointEstimate(): number {
    return this.secondsPerPoint ?? 0;
  }

  /** A chunk of `points` took `seconds` of one thread's time. */
  record(points: number, seconds: number): void {
    if (points === 0) return;
    const measured = Math.max(seconds, Number.EPSILON) / points;
    this.secondsPerPoint = this.secondsPerPoint === null ? measured : SMOOTHING * measured + (1 - SMOOTHING) * this.secondsPerPoint;
  }
}
