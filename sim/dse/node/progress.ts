/**
 * The sweep progress bar on a terminal: points done, percentage, rate and time left, redrawn in
 * place on one line. Off a terminal the sweep prints nothing while it runs.
 */
export interface ProgressSink {
  write(text: string): void;
  /** Terminal width in characters, when known. */
  columns?: number;
}

/** Redraws more often than this only flicker and cost time. */
const REDRAW_INTERVAL_MS = 100;
const BAR_WIDTH = 28;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;

export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private readonly start = performance.now();

  constructor(
    private readonly sink: ProgressSink,
    private readonly total: number,
    private readonly label: string,
  ) {}

  /** `points` more finished. */
  advance(points: number): void {
    this.done += points;
    const now = performance.now();
    if (now - this.lastDraw >= REDRAW_INTERVAL_MS || this.done >= this.total) {
      this.lastDraw = now;
      this.sink.write(`\r${this.line(now)}\x1b[K`);
    }
  }

  /** Clear the bar so that the summary starts on a clean line. */
  finish(): void {
    this.sink.write('\r\x1b[K');
  }

  line(now = performance.now()): string {
    const seconds = (now - this.start) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const fraction = this.total > 0 ? this.done / this.total : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const eta = rate > 0 ? formatDuration((this.total - this.done) / rate) : '?';
    const text = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${this.done}/${this.total} ${(fraction * 100).toFixed(1)}%  ${formatRate(rate)} points/s  ETA ${eta}`;
    return this.sink.columns ? text.slice(0, this.sink.columns - 1) : text;
  }
}

export function formatRate(perSecond: number): string {
  return perSecond >= 1000 ? `${(perSecond / 1000).toFixed(1)}k` : perSecond.toFixed(0);
}

/** h:mm:ss, or m:ss under an hour. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / SECONDS_PER_HOUR);
  const m = Math.floor((s % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE);
  const ss = String(s % SECONDS_PER_MINUTE).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
