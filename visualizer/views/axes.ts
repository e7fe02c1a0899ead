import * as d3 from 'd3';
import type { plotArea } from './svg.js';

type Area = ReturnType<typeof plotArea>;
type Scale = d3.AxisScale<d3.NumberValue>;

const LABEL_OFFSET_PX = 32;
const TICK_COUNT = 6;

/** Bottom and left axes with their labels; log scales get SI-formatted ticks. */
export function drawAxes(
  root: d3.Selection<SVGSVGElement, unknown, null, undefined>,
  area: Area,
  x: Scale,
  y: Scale,
  labels: { x: string; y: string },
  tickFormat: { x?: (v: d3.NumberValue) => string; y?: (v: d3.NumberValue) => string } = {},
): void {
  const xAxis = d3.axisBottom(x).ticks(TICK_COUNT, '~s');
  const yAxis = d3.axisLeft(y).ticks(TICK_COUNT, '~s');
  if (tickFormat.x) xAxis.tickFormat(tickFormat.x);
  if (tickFormat.y) yAxis.tickFormat(tickFormat.y);
  const gx = root.append('g').attr('class', 'x-axis').attr('transform', `translate(0,${area.y0})`).call(xAxis);
  gx.append('text').attr('x', (area.x0 + area.x1) / 2).attr('y', LABEL_OFFSET_PX).attr('fill', 'black').attr('text-anchor', 'middle').text(labels.x);
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
  root.append('defs').append('clipPath').attr('id', id).append('rect').attr('x', area.x0).attr('y', area.y1).attr('width', area.x1 - area.x0).attr('height', area.y0 - area.y1);
  return root.append('g').attr('clip-path', `url(#${id})`);
}
