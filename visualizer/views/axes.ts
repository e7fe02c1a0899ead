import * as d3 from 'd3';
import type { plotArea } from './svg.js';

type Area = ReturnType<typeof plotArea>;
type Scale = d3.AxisScale<d3.NumberValue>;

const LABEL_OFFSET_PX = 32;
const TICK_COUNT = 6;
/** Above this many decades a log axis labels powers of ten only; from one decade up to it, also ×2 and ×5. */
const DECADES_FOR_POWERS_ONLY = 3;
const MANTISSAS_NARROW = [1, 2, 5] as const;

/**
 * Tick values for a log axis: d3's own log ticks label every integer mantissa, which crowds
 * wide axes; powers of ten (wide domains) or 1-2-5 steps read at a glance. Under one decade
 * those would leave one tick or none, so d3's ticks are kept there (null).
 */
export function logTickValues(domain: readonly number[]): number[] | null {
  const lo = Math.min(domain[0]!, domain[domain.length - 1]!);
  const hi = Math.max(domain[0]!, domain[domain.length - 1]!);
  const decades = Math.log10(hi / lo);
  if (decades < 1) return null;
  const mantissas = decades > DECADES_FOR_POWERS_ONLY ? [1] : MANTISSAS_NARROW;
  const values: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mantissas) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) values.push(v);
    }
  }
  return values;
}

function isLog(scale: Scale): scale is d3.ScaleLogarithmic<number, number> {
  return typeof (scale as { base?: unknown }).base === 'function';
}

/** Bottom and left axes with their labels; log scales get SI-formatted ticks. */
export function drawAxes(
  root: d3.Selection<SVGSVGElement, unknown, null, undefined>,
  area: Area,
  x: Scale,
  y: Scale,
  labels: { x: string; y: string },
  tickFormat: { x?: (v: d3.NumberValue) => string; y?: (v: d3.NumberValue) => string } = {},
): void {
  const si = d3.format('~s');
  const xAxis = d3.axisBottom(x).ticks(TICK_COUNT).tickFormat(si);
  const yAxis = d3.axisLeft(y).ticks(TICK_COUNT).tickFormat(si);
  const xTicks = isLog(x) ? logTickValues(x.domain()) : null;
  const yTicks = isLog(y) ? logTickValues(y.domain()) : null;
  if (xTicks) xAxis.tickValues(xTicks);
  if (yTicks) yAxis.tickValues(yTicks);
  if (tickFormat.x) xAxis.tickFormat(tickFormat.x);
  if (tickFormat.y) yAxis.tickFormat(tickFormat.y);
  const gx = root.append('g').attr('class', 'x-axis').attr('transform', `translate(0,${area.y0})`).call(xAxis);
  gx.append('text')
    .attr('x', (area.x0 + area.x1) / 2)
    .attr('y', LABEL_OFFSET_PX)
    .attr('fill', 'black')
    .attr('text-anchor', 'middle')
    .text(labels.x);
  const gy = root.append('g').attr('class', 'y-axis').attr('transform', `translate(${area.x0},0)`).call(yAxis);
  gy.append('text')
    .attr('transform', 'rotate(-90)')
    .attr('x', -(area.y0 + area.y1) / 2)
    .attr('y', -LABEL_OFFSET_PX - 12)
    .attr('fill', 'black')
    .attr('text-anchor', 'middle')
    .text(labels.y);
}

/** A clip path for the plot area, so zoomed lines and points do not spill over the axes. */
export function clipToArea(root: d3.Selection<SVGSVGElement, unknown, null, undefined>, area: Area, id: string): d3.Selection<SVGGElement, unknown, null, undefined> {
  root
    .append('defs')
    .append('clipPath')
    .attr('id', id)
    .append('rect')
    .attr('x', area.x0)
    .attr('y', area.y1)
    .attr('width', area.x1 - area.x0)
    .attr('height', area.y0 - area.y1);
  return root.append('g').attr('clip-path', `url(#${id})`);
}
