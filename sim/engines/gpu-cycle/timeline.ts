import { MAX_COUNTER_SAMPLES_PER_LAUNCH, MAX_TIMELINE_SPANS } from './constants.js';

/** One CTA (work tile) on one SM, from its start to its end. */
export interface CtaSpan {
  launch: number;
  sm: number;
  tile: number;
  workClass: number;
  startSeconds: number;
  endSeconds: number;
}

/** Counters at one moment: HBM and L2 traffic rates, the L2 hit rate so far, CTAs resident. */
export interface CounterSample {
  seconds: number;
  hbmBytesPerSecond: number;
  l2BytesPerSecond: number;
  l2HitRate: number;
  residentCtas: number;
}

export interface LaunchSpan {
  name: string;
  startSeconds: number;
  endSeconds: number;
  tiles: number;
  events: number;
}

/** What the cycle engine saw over time: the `timeline` field of a report. */
export interface Timeline {
  sms: number;
  launches: LaunchSpan[];
  ctas: CtaSpan[];
  /** CTA spans not kept (beyond MAX_TIMELINE_SPANS); the counters still cover them. */
  droppedCtas: number;
  counters: CounterSample[];
}

/** Collects a timeline while launches run; times are given relative to the launch start. */
export class TimelineRecorder {
  readonly timeline: Timeline;
  private launchIndex = -1;
  private offsetSeconds = 0;
  private samples: CounterSample[] = [];

  constructor(sms: number) {
    this.timeline = { sms, launches: [], ctas: [], droppedCtas: 0, counters: [] };
  }

  beginLaunch(offsetSeconds: number): void {
    this.launchIndex += 1;
    this.offsetSeconds = offsetSeconds;
    this.samples = [];
  }

  span(sm: number, tile: number, workClass: number, startSeconds: number, endSeconds: number): void {
    if (this.timeline.ctas.length >= MAX_TIMELINE_SPANS) {
      this.timeline.droppedCtas += 1;
      return;
    }
    this.timeline.ctas.push({
      launch: this.launchIndex,
      sm,
      tile,
      workClass,
      startSeconds: this.offsetSeconds + startSeconds,
      endSeconds: this.offsetSeconds + endSeconds,
    });
  }

  sample(s: CounterSample): void {
    this.samples.push({ ...s, seconds: this.offsetSeconds + s.seconds });
  }

  endLaunch(launch: LaunchSpan): void {
    this.timeline.launches.push(launch);
    const n = this.samples.length;
    const step = Math.max(1, Math.ceil(n / MAX_COUNTER_SAMPLES_PER_LAUNCH));
    for (let i = 0; i < n; i += step) this.timeline.counters.push(this.samples[i]!);
    if (n > 0 && (n - 1) % step !== 0) this.timeline.counters.push(this.samples[n - 1]!);
  }
}
