import type * as d3 from 'd3';

export interface LegendEntry {
  label: string;
  color: string;
  /** How the entry is drawn: a line (with an optional dash pattern) or a point. */
  symbol: 'line' | 'point';
  dash?: string;
}

const ROW_HEIGHT_PX = 15;
const SWATCH_WIDTH_PX = 18;
const GAP_PX = 5;

/** A vertical legend whose top-left corner is at (x, y). */
export function drawLegend(root: d3.Selection<SVGSVGElement, unknown, null, undefined>, entries: readonly LegendEntry[], x: number, y: number): void {
  const g = root.append('g').attr('class', 'legend').attr('transform', `translate(${x},${y})`);
  entries.forEach((entry, i) => {
    const row = g.append('g').attr('transform', `translate(0,${i * ROW_HEIGHT_PX})`);
    if (entry.symbol === 'line') {
      row.append('line').attr('x1', 0).attr('x2', SWATCH_WIDTH_PX).attr('y1', 0).attr('y2', 0).attr('stroke', entry.color).attr('stroke-width', 2).attr('stroke-dasharray', entry.dash ?? null);
    } else {
      row.append('circle').attr('cx', SWATCH_WIDTH_PX / 2).attr('cy', 0).attr('r', 4).attr('fill', entry.color);
    }
    row.append('text').attr('x', SWATCH_WIDTH_PX + GAP_PX).attr('y', 0).attr('dy', '0.32em').text(entry.label);
  });
}
