import * as d3 from 'd3';
import type { SparsePoint } from '../data/sparse-data.js';
import { clipToArea, drawAxes } from './axes.js';
import { drawLegend } from './legend.js';
import { createSvg, formatSi, plotArea, type BaseOptions } from './svg.js';

export interface SparseOptions extends BaseOptions {
  /** Id of the clip path. Default 'sparse-clip'. */
  clipId: string;
}

export const sparseDefaults: SparseOptions = {
  width: 640,
  height: 380,
  margins: { top: 28, right: 170, bottom: 48, left: 64 },
  title: 'Sparse speedup vs density',
  clipId: 'sparse-clip',
};

const CURVES = [
  { key: 'idealSpeedup', label: 'ideal (1 / kept)', color: '#59a14f', dash: '6,3' },
  { key: 'tileBoundSpeedup', label: 'tile-level bound', color: '#f28e2b', dash: '2,3' },
  { key: 'simulatedSpeedup', label: 'simulated', color: '#4e79a7', dash: null },
] as const;
const POINT_RADIUS_PX = 3.5;
const LEGEND_GAP_PX = 12;
/** Room left and right of the outermost densities, as a factor on the log axis, so their points are not cut. */
const X_PAD = 1.15;
/** Headroom above the highest speedup, as a factor on the log axis. */
const Y_HEADROOM = 1.5;

/** Speedup over the dense mask against block density, on log-log axes, with the two upper bounds. */
export function sparseView(points: readonly SparsePoint[], options: Partial<SparseOptions> = {}): SVGSVGElement {
  const o: SparseOptions = { ...sparseDefaults, ...options };
  const root = createSvg(o, 'sparse');
  const area = plotArea(o);
  const densities = points.map((p) => p.density);
  const speedups = points.flatMap((p) => CURVES.map((c) => p[c.key]));
  const x = d3
    .scaleLog()
    .domain([(d3.min(densities) ?? 0.01) / X_PAD, (d3.max(densities) ?? 1) * X_PAD])
    .range([area.x0, area.x1]);
  const y = d3
    .scaleLog()
    .domain([Math.min(1, d3.min(speedups) ?? 1) / Y_HEADROOM, (d3.max(speedups) ?? 1) * Y_HEADROOM])
    .range([area.y0, area.y1]);
  drawAxes(root, area, x, y, { x: 'block density (fraction of key blocks kept)', y: 'speedup over dense' }, { x: (v) => d3.format('~g')(+v), y: (v) => `${d3.format('~g')(+v)}×` });
  const plot = clipToArea(root, area, o.clipId);
  for (const curve of CURVES) {
    const line = d3
      .line<SparsePoint>()
      .x((p) => x(p.density))
      .y((p) => y(p[curve.key]));
    plot
      .append('path')
      .attr('class', `curve ${curve.key}`)
      .attr('d', line(points as SparsePoint[]))
      .attr('fill', 'none')
      .attr('stroke', curve.color)
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', curve.dash);
    for (const p of points) {
      plot
        .append('circle')
        .attr('class', `point ${curve.key}`)
        .attr('cx', x(p.density))
        .attr('cy', y(p[curve.key]))
        .attr('r', POINT_RADIUS_PX)
        .attr('fill', curve.color)
        .append('title')
        .text(`density ${formatSi(p.density)}: ${curve.label} ${d3.format('.3~g')(p[curve.key])}×`);
    }
  }
  drawLegend(
    root,
    CURVES.map((c) => ({ label: c.label, color: c.color, symbol: 'line' as const, ...(c.dash ? { dash: c.dash } : {}) })),
    area.x1 + LEGEND_GAP_PX,
    area.y1 + LEGEND_GAP_PX,
  );
  return root.node()!;
}
