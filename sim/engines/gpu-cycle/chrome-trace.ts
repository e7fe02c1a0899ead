import type { Timeline } from './timeline.js';

/**
 * A timeline as Chrome trace JSON (the Trace Event Format that Perfetto and chrome://tracing
 * open): one thread per SM with a complete event per CTA, one thread of launches, and counter
 * tracks for HBM and L2 bandwidth, the L2 hit rate and the CTAs resident. Times in µs.
 */
const PID = 1;
const LAUNCH_TID = 0;
const MICROSECONDS_PER_SECOND = 1e6;

export function chromeTrace(timeline: Timeline, title: string): object {
  const us = (s: number) => s * MICROSECONDS_PER_SECOND;
  const events: object[] = [
    { name: 'process_name', ph: 'M', pid: PID, args: { name: title } },
    { name: 'thread_name', ph: 'M', pid: PID, tid: LAUNCH_TID, args: { name: 'launches' } },
  ];
  for (let sm = 0; sm < timeline.sms; sm++) {
    events.push({ name: 'thread_name', ph: 'M', pid: PID, tid: sm + 1, args: { name: `SM ${sm}` } });
    events.push({ name: 'thread_sort_index', ph: 'M', pid: PID, tid: sm + 1, args: { sort_index: sm + 1 } });
  }
  for (const l of timeline.launches) {
    events.push({ name: l.name, ph: 'X', pid: PID, tid: LAUNCH_TID, ts: us(l.startSeconds), dur: us(l.endSeconds - l.startSeconds), args: { tiles: l.tiles, events: l.events } });
  }
  for (const c of timeline.ctas) {
    events.push({
      name: `${timeline.launches[c.launch]?.name ?? 'launch'} tile ${c.tile}`,
      cat: `class ${c.workClass}`,
      ph: 'X',
      pid: PID,
      tid: c.sm + 1,
      ts: us(c.startSeconds),
      dur: us(c.endSeconds - c.startSeconds),
      args: { tile: c.tile, workClass: c.workClass },
    });
  }
  for (const s of timeline.counters) {
    const ts = us(s.seconds);
    events.push({ name: 'HBM', ph: 'C', pid: PID, ts, args: { 'GB/s': s.hbmBytesPerSecond / 1e9 } });
    events.push({ name: 'L2', ph: 'C', pid: PID, ts, args: { 'GB/s': s.l2BytesPerSecond / 1e9, 'hit %': 100 * s.l2HitRate } });
    events.push({ name: 'resident CTAs', ph: 'C', pid: PID, ts, args: { ctas: s.residentCtas } });
  }
  return { traceEvents: events, displayTimeUnit: 'ns', otherData: { droppedCtaSpans: timeline.droppedCtas } };
}
