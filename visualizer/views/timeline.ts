import * as d3 from 'd3';
import type { Timeline } from '../../sim/engines/gpu-cycle/timeline.js';
import { clipToArea } from './axes.js';
import { drawLegend } from './legend.js';
import { createSvg, formatSi, plotArea, SERIES_COLORS, type BaseOptions } from './svg.js';

export interface TimelineOptions extends BaseOptions {
  /** Visible time window, seconds; default the whole timeline (a zoom passes a narrower one). */
  timeDomain?: [number, number];
  /** Height of the counter panel under the SM lanes (HBM and L2 traffic), px. */
  counterPanelHeight: number;
}

export const timelineDefaults: TimelineOptions = {
  width: 820,
  height: 460,
  margins: { top: 30, right: 150, bottom: 40, left: 56 },
  title: 'Cycle-engine timeline: CTAs on SMs',
  counterPanelHeight: 90,
};

const PANEL_GAP_PX = 18;
/** A hairline between consecutive CTAs on a lane, so that each one shows. */
const CTA_GAP_PX = 0.3;
const LANE_PADDING = 0.15;
const HBM_COLOR = '#e15759';
const L2_COLOR = '#76b7b2';
const TICK_COUNT = 6;
const LEGEND_GAP_PX = 12;

/**
 * One lane per SM with a bar per CTA (coloured by launch), and under it the HBM and L2 traffic
 * the engine sampled. Lanes share the time axis with the counters, so a tail wave or an HBM
 * plateau lines up with what the SMs were doing.
 */
export function timelineView(timeline: Timeline, options: Partial<TimelineOptions> = {}): SVGSVGElement {
  const o: TimelineOptions = { ...timelineDefaults, ...options };
  const root = createSvg(o, 'timeline');
  const area = plotArea(o);
  const lanesBottom = area.y0 - o.counterPanelHeight - PANEL_GAP_PX;
  const end = d3.max(timeline.launches, (l) => l.endSeconds) ?? d3.max(timeline.ctas, (c) => c.endSeconds) ?? 1;
  const domain = o.timeDomain ?? [0, end > 0 ? end : 1];
  const x = d3.scaleLinear().domain(domain).range([area.x0, area.x1]);
  const lane = d3.scaleBand<number>().domain(d3.range(timeline.sms)).range([area.y1, lanesBottom]).paddingInner(LANE_PADDING);

  const lanes = clipToArea(root, { x0: area.x0, x1: area.x1, y0: lanesBottom, y1: area.y1 }, 'timeline-lanes');
  lanes
    .selectAll('rect.cta')
    .data(timeline.ctas)
    .join('rect')
    .attr('class', 'cta')
    .attr('x', (c) => x(c.startSeconds))
    .attr('width', (c) => Math.max(0.5, x(c.endSeconds) - x(c.startSeconds)))
    .attr('y', (c) => lane(c.sm) ?? 0)
    .attr('height', lane.bandwidth())
    .attr('fill', (c) => SERIES_COLORS[c.launch % SERIES_COLORS.length]!)
    .attr('stroke', 'white')
    .attr('stroke-width', CTA_GAP_PX)
    .append('title')
    .text((c) => `SM ${c.sm}, tile ${c.tile} of ${timeline.launches[c.launch]?.name ?? `launch ${c.launch}`}: ${formatSi(c.startSeconds, 's')} – ${formatSi(c.endSeconds, 's')}`);
  root
    .append('g')
    .attr('class', 'lane-axis')
    .attr('transform', `translate(${area.x0},0)`)
    .call(
      d3
        .axisLeft(lane)
        .tickValues(laneTicks(timeline.sms))
        .tickFormat((sm) => `SM ${sm}`),
    );

  // Counters: traffic rates on one linear axis (both in bytes per second).
  const counterTop = area.y0 - o.counterPanelHeight;
  const peak = d3.max(timeline.counters, (c) => Math.max(c.hbmBytesPerSecond, c.l2BytesPerSecond)) ?? 0;
  const y = d3
    .scaleLinear()
    .domain([0, peak > 0 ? peak : 1])
    .nice()
    .range([area.y0, counterTop]);
  const counters = clipToArea(root, { x0: area.x0, x1: area.x1, y0: area.y0, y1: counterTop }, 'timeline-counters');
  const sorted = [...timeline.counters].sort((a, b) => a.seconds - b.seconds);
  for (const [key, color] of [
    ['hbmBytesPerSecond', HBM_COLOR],
    ['l2BytesPerSecond', L2_COLOR],
  ] as const) {
    const line = d3
      .line<(typeof sorted)[number]>()
      .x((c) => x(c.seconds))
      .y((c) => y(c[key]))
      .curve(d3.curveStepAfter);
    counters
      .append('path')
      .attr('class', `counter ${key}`)
      .attr('d', line(sorted) ?? '')
      .attr('fill', 'none')
      .attr('stroke', color)
      .attr('stroke-width', 1.5);
  }
  root
    .append('g')
    .attr('class', 'counter-axis')
    .attr('transform', `translate(${area.x0},0)`)
    .call(
      d3
        .axisLeft(y)
        .ticks(3)
        .tickFormat((v) => formatSi(Number(v), 'B/s')),
    );

  // Launch boundaries across both panels.
  root
    .append('g')
    .attr('class', 'launches')
    .selectAll('line')
    .data(timeline.launches.filter((l) => l.startSeconds > domain[0] && l.startSeconds < domain[1]))
    .join('line')
    .attr('x1', (l) => x(l.startSeconds))
    .attr('x2', (l) => x(l.startSeconds))
    .attr('y1', area.y1)
    .attr('y2', area.y0)
    .attr('stroke', '#999')
    .attr('stroke-dasharray', '3,3');

  const gx = root
    .append('g')
    .attr('class', 'x-axis')
    .attr('transform', `translate(0,${area.y0})`)
    .call(
      d3
        .axisBottom(x)
        .ticks(TICK_COUNT)
        .tickFormat((v) => formatSi(Number(v), 's')),
    );
  gx.append('text')
    .attr('x', (area.x0 + area.x1) / 2)
    .attr('y', 32)
    .attr('fill', 'black')
    .attr('text-anchor', 'middle')
    .text('time');

  drawLegend(
    root,
    [
      ...timeline.launches.map((l, i) => ({ label: l.name, color: SERIES_COLORS[i % SERIES_COLORS.length]!, symbol: 'point' as const })),
      { label: 'HBM traffic', color: HBM_COLOR, symbol: 'line' as const },
      { label: 'L2 traffic', color: L2_COLOR, symbol: 'line' as const },
    ],
    area.x1 + LEGEND_GAP_PX,
    area.y1 + LEGEND_GAP_PX,
  );
  if (timeline.droppedCtas > 0) {
    root
      .append('text')
      .attr('class', 'dropped')
      .attr('x', area.x1 + LEGEND_GAP_PX)
      .attr('y', area.y0)
      .text(`${timeline.droppedCtas} CTAs not drawn`);
  }
  return root.node()!;
}

/** At most about 12 labelled lanes, evenly spaced, so 132 SMs stay readable. */
function laneTicks(sms: number): number[] {
  const step = Math.max(1, Math.ceil(sms / 12));
  return d3.range(0, sms, step);
}
