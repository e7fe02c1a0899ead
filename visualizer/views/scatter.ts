import * as d3 from 'd3';
import type { ResultRecord } from '../data/results-file.js';
import { clipToArea, drawAxes } from './axes.js';
import { drawLegend } from './legend.js';
import { createSvg, formatSi, plotArea, type BaseOptions } from './svg.js';

export interface ScatterOptions extends BaseOptions {
  /** Numeric field on the horizontal axis. Default 'latencySeconds'. */
  x: string;
  /** Numeric field on the vertical axis. Default 'energyJoules'. */
  y: string;
  /** Row indices on the Pareto front of (x, y), highlighted and joined. Default none. */
  front: readonly number[];
  /** Log axes (for objectives spanning decades). Default true; falls back to linear where a value is ≤ 0. */
  log: boolean;
  /** Id of the clip path. Default 'scatter-clip'. */
  clipId: string;
}

export const scatterDefaults: ScatterOptions = {
  width: 640,
  height: 400,
  margins: { top: 28, right: 150, bottom: 48, left: 72 },
  title: 'Sweep results',
  x: 'latencySeconds',
  y: 'energyJoules',
  front: [],
  log: true,
  clipId: 'scatter-clip',
};

const DOMINATED_COLOR = '#bab0ac';
const FRONT_COLOR = '#e15759';
const POINT_RADIUS_PX = 3;
const FRONT_RADIUS_PX = 4.5;
const LEGEND_GAP_PX = 12;
/** Margin around the data, as a fraction of its span (linear) or in decades (log). */
const PAD_FRACTION = 0.05;

function axisScale(values: readonly number[], log: boolean, range: [number, number]): d3.ScaleContinuousNumeric<number, number> {
  const [lo, hi] = d3.extent(values) as [number, number];
  if (log && lo > 0) {
    const pad = (Math.log10(hi / lo) || 1) * PAD_FRACTION;
    return d3
      .scaleLog()
      .domain([lo / 10 ** pad, hi * 10 ** pad])
      .range(range);
  }
  const pad = (hi - lo || Math.abs(hi) || 1) * PAD_FRACTION;
  return d3
    .scaleLinear()
    .domain([lo - pad, hi + pad])
    .range(range);
}

/** Sweep rows as points on two chosen numeric fields, the Pareto front in colour and joined by a step line. */
export function scatterView(rows: readonly ResultRecord[], options: Partial<ScatterOptions> = {}): SVGSVGElement {
  const o: ScatterOptions = { ...scatterDefaults, ...options };
  const root = createSvg(o, 'scatter');
  const area = plotArea(o);
  const value = (row: ResultRecord, field: string) => row[field] as number;
  const x = axisScale(
    rows.map((r) => value(r, o.x)),
    o.log,
    [area.x0, area.x1],
  );
  const y = axisScale(
    rows.map((r) => value(r, o.y)),
    o.log,
    [area.y0, area.y1],
  );
  drawAxes(root, area, x, y, { x: o.x, y: o.y });
  const plot = clipToArea(root, area, o.clipId);
  const onFront = new Set(o.front);
  rows.forEach((row, i) => {
    if (onFront.has(i)) return;
    plot
      .append('circle')
      .attr('class', 'point')
      .attr('data-row', i)
      .attr('cx', x(value(row, o.x)))
      .attr('cy', y(value(row, o.y)))
      .attr('r', POINT_RADIUS_PX)
      .attr('fill', DOMINATED_COLOR)
      .append('title')
      .text(rowTitle(row));
  });
  const front = [...o.front].sort((a, b) => value(rows[a]!, o.x) - value(rows[b]!, o.x));
  const step = d3
    .line<number>()
    .x((i) => x(value(rows[i]!, o.x)))
    .y((i) => y(value(rows[i]!, o.y)))
    .curve(d3.curveStepAfter);
  plot.append('path').attr('class', 'front-line').attr('d', step(front)).attr('fill', 'none').attr('stroke', FRONT_COLOR).attr('stroke-width', 1.5);
  for (const i of front) {
    const row = rows[i]!;
    plot
      .append('circle')
      .attr('class', 'point front')
      .attr('data-row', i)
      .attr('cx', x(value(row, o.x)))
      .attr('cy', y(value(row, o.y)))
      .attr('r', FRONT_RADIUS_PX)
      .attr('fill', FRONT_COLOR)
      .attr('stroke', 'black')
      .attr('stroke-width', 0.5)
      .append('title')
      .text(rowTitle(row));
  }
  drawLegend(
    root,
    [
      { label: `Pareto front (${front.length})`, color: FRONT_COLOR, symbol: 'point' },
      { label: `dominated (${rows.length - front.length})`, color: DOMINATED_COLOR, symbol: 'point' },
    ],
    area.x1 + LEGEND_GAP_PX,
    area.y1 + LEGEND_GAP_PX,
  );
  return root.node()!;
}

function rowTitle(row: ResultRecord): string {
  return Object.entries(row)
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? formatSi(v) : String(v)}`)
    .join('\n');
}
