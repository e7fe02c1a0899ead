import type * as d3 from 'd3';

export interface LegendEntry {
  label: string;
  color: string;
  /** How the entry is drawn: a line (with an optional dash pattern), a filled point, or an outlined shape. */
  symbol: 'line' | 'point' | 'shape';
  dash?: string;
  /** SVG path data of the shape, centred on (0, 0), for `symbol: 'shape'`. */
  shape?: string;
}

const ROW_HEIGHT_PX = 15;
const SWATCH_WIDTH_PX = 18;
const GAP_PX = 5;
const POINT_RADIUS_PX = 4;

/** A vertical legend whose top-left corner is at (x, y). */
export function drawLegend(root: d3.Selection<SVGSVGElement, unknown, null, undefined>, entries: readonly LegendEntry[], x: number, y: number): void {
  const g = root.append('g').attr('class', 'legend').attr('transform', `translate(${x},${y})`);
  entries.forEach((entry, i) => {
    const row = g.append('g').attr('transform', `translate(0,${i * ROW_HEIGHT_PX})`);
    if (entry.symbol === 'line') {
      row
        .append('line')
        .attr('x1', 0)
        .attr('x2', SWATCH_WIDTH_PX)
        .attr('y1', 0)
        .attr('y2', 0)
        .attr('stroke', entry.color)
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', entry.dash ?? null);
    } else if (entry.symbol === 'shape') {
      row
        .append('path')
        .attr('transform', `translate(${SWATCH_WIDTH_PX / 2},0)`)
        .attr('d', entry.shape ?? '')
        .attr('fill', 'white')
        .attr('stroke', entry.color);
    } else {
      row
        .append('circle')
        .attr('cx', SWATCH_WIDTH_PX / 2)
        .attr('cy', 0)
        .attr('r', POINT_RADIUS_PX)
        .attr('fill', entry.color);
    }
    row
      .append('text')
      .attr('x', SWATCH_WIDTH_PX + GAP_PX)
      .attr('y', 0)
      .attr('dy', '0.32em')
      .text(entry.label);
  });
}
