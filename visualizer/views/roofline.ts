import * as d3 from 'd3';
import { levelLabel, levelNamesFor, MEMORY_LEVELS, type ComputeCeiling, type MemoryLevel, type RooflinePoint, type RooflineSeries } from '../data/roofline-data.js';
import { clipToArea, drawAxes } from './axes.js';
import { drawLegend, type LegendEntry } from './legend.js';
import { createSvg, formatSi, plotArea, SERIES_COLORS, type BaseOptions } from './svg.js';

export interface RooflineOptions extends BaseOptions {
  /** Visible intensity range, FLOP/B, [low, high]; null fits the ceilings' ridges and every point. Default null. */
  xDomain: [number, number] | null;
  /** Visible performance range, FLOP/s, [low, high]; null fits every ceiling and point. Default null. */
  yDomain: [number, number] | null;
  /** Memory levels whose points are drawn. Default: shared memory, L2 and HBM (a dataflow device's on-chip memory and DRAM). */
  levels: readonly MemoryLevel[];
  /** Whose ceilings get text labels: only the first series (less clutter when overlaid), all, or none. Default 'first'. */
  labelCeilings: 'first' | 'all' | 'none';
  /** Id of the clip path; distinct per view when several rooflines share a page. Default 'roofline-clip'. */
  clipId: string;
}

export const rooflineDefaults: RooflineOptions = {
  width: 820,
  height: 500,
  margins: { top: 28, right: 190, bottom: 48, left: 72 },
  title: 'Hierarchical roofline',
  xDomain: null,
  yDomain: null,
  levels: MEMORY_LEVELS,
  labelCeilings: 'first',
  clipId: 'roofline-clip',
};

/** Dash pattern by compute path kind, so overlaid presets stay told apart by colour alone. */
const COMPUTE_DASH: Readonly<Record<ComputeCeiling['kind'], string | null>> = { tensor: null, vector: '6,3', exp: '2,3' };
const MEMORY_DASH = '10,2';
const LEVEL_SYMBOL: Readonly<Record<MemoryLevel, d3.SymbolType>> = { smem: d3.symbolCircle, l2: d3.symbolSquare, hbm: d3.symbolTriangle };
const POINT_AREA_PX2 = 70;
/** Room, in decades, between the outermost ceiling or point and the edge of an automatic domain. */
const PAD_DECADES = 0.3;
const LABEL_GAP_PX = 3;
/** Vertical room one ceiling label needs (11px text). */
const LABEL_LINE_HEIGHT_PX = 11;
const LEGEND_GAP_PX = 12;
/** Bandwidth labels sit this factor right of the chart's left edge, along their line. */
const MEMORY_LABEL_OFFSET = 2;

function paddedLogDomain(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.log10(d3.min(positive) ?? 1) - PAD_DECADES;
  const hi = Math.log10(d3.max(positive) ?? 10) + PAD_DECADES;
  return [10 ** Math.floor(lo), 10 ** Math.ceil(hi)];
}

/** The domain that shows every ridge point and every launch point of every series. */
export function autoRooflineDomains(series: readonly RooflineSeries[]): { x: [number, number]; y: [number, number] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    const peak = d3.max(s.compute, (c) => c.opsPerSecond) ?? 1;
    for (const m of s.memory) xs.push(peak / m.bandwidthBytesPerSecond);
    for (const c of s.compute) ys.push(c.opsPerSecond);
    for (const p of s.points) {
      xs.push(p.intensityFlopsPerByte);
      ys.push(p.achievedFlopsPerSecond);
    }
  }
  const x = paddedLogDomain(xs);
  // The slowest memory ceiling at the left edge sets the floor, so its line enters the chart.
  for (const s of series) for (const m of s.memory) ys.push(m.bandwidthBytesPerSecond * x[0]);
  return { x, y: paddedLogDomain(ys) };
}

/** Log-log roofline: bandwidth ceilings per memory level, a flat ceiling per compute path, a point per launch and level. */
export function rooflineView(series: readonly RooflineSeries[], options: Partial<RooflineOptions> = {}): SVGSVGElement {
  const o: RooflineOptions = { ...rooflineDefaults, ...options };
  const root = createSvg(o, 'roofline');
  const area = plotArea(o);
  const auto = autoRooflineDomains(series);
  const x = d3
    .scaleLog()
    .domain(o.xDomain ?? auto.x)
    .range([area.x0, area.x1]);
  const y = d3
    .scaleLog()
    .domain(o.yDomain ?? auto.y)
    .range([area.y0, area.y1]);
  drawAxes(root, area, x, y, { x: 'arithmetic intensity (FLOP/B)', y: 'performance (FLOP/s)' });
  const plot = clipToArea(root, area, o.clipId);
  const [xLo, xHi] = x.domain() as [number, number];

  series.forEach((s, si) => {
    const color = SERIES_COLORS[si % SERIES_COLORS.length]!;
    const labelled = o.labelCeilings === 'all' || (o.labelCeilings === 'first' && si === 0);
    const g = plot.append('g').attr('class', 'series').attr('data-hardware', s.hardwareId);
    const peak = d3.max(s.compute, (c) => c.opsPerSecond) ?? 0;
    const labelY = spreadLabels(s.compute.map((c) => y(c.opsPerSecond) - LABEL_GAP_PX));
    s.compute.forEach((c, ci) => {
      g.append('line')
        .attr('class', `ceiling compute ${c.kind}`)
        .attr('x1', x(xLo))
        .attr('x2', x(xHi))
        .attr('y1', y(c.opsPerSecond))
        .attr('y2', y(c.opsPerSecond))
        .attr('stroke', color)
        .attr('stroke-width', c.kind === 'tensor' ? 1.5 : 1)
        .attr('stroke-dasharray', COMPUTE_DASH[c.kind])
        .append('title')
        .text(`${s.hardwareId} ${c.label}: ${formatSi(c.opsPerSecond, c.kind === 'exp' ? 'exp/s' : 'FLOP/s')}`);
      if (labelled)
        g.append('text')
          .attr('class', 'ceiling-label')
          .attr('x', area.x1 - LABEL_GAP_PX)
          .attr('y', labelY[ci]!)
          .attr('text-anchor', 'end')
          .attr('fill', color)
          .text(c.label);
    });
    for (const m of s.memory) {
      // The bandwidth line ends where it meets the highest compute ceiling (its ridge point).
      const ridge = peak / m.bandwidthBytesPerSecond;
      const end = Math.min(ridge, xHi);
      g.append('line')
        .attr('class', `ceiling memory ${m.level}`)
        .attr('x1', x(xLo))
        .attr('y1', y(m.bandwidthBytesPerSecond * xLo))
        .attr('x2', x(end))
        .attr('y2', y(m.bandwidthBytesPerSecond * end))
        .attr('stroke', color)
        .attr('stroke-width', 1.5)
        .attr('stroke-dasharray', m.level === 'hbm' ? null : MEMORY_DASH)
        .append('title')
        .text(`${s.hardwareId} ${m.label}: ${formatSi(m.bandwidthBytesPerSecond, 'B/s')}`);
      if (labelled) {
        const anchorX = xLo * MEMORY_LABEL_OFFSET;
        // The line's on-screen slope: one decade along it, in pixels.
        const angle = (Math.atan2(y(m.bandwidthBytesPerSecond * anchorX * 10) - y(m.bandwidthBytesPerSecond * anchorX), x(anchorX * 10) - x(anchorX)) * 180) / Math.PI;
        g.append('text')
          .attr('class', 'ceiling-label')
          .attr('transform', `translate(${x(anchorX)},${y(m.bandwidthBytesPerSecond * anchorX) - LABEL_GAP_PX}) rotate(${angle})`)
          .attr('fill', color)
          .text(m.label);
      }
    }
  });

  series.forEach((s, si) => {
    const color = SERIES_COLORS[si % SERIES_COLORS.length]!;
    s.points.forEach((p, pi) => {
      if (!o.levels.includes(p.level)) return;
      plot
        .append('path')
        .attr('class', `point ${p.level}`)
        .attr('data-series', si)
        .attr('data-point', pi)
        .attr('data-hardware', s.hardwareId)
        .attr('data-level', p.level)
        .attr('transform', `translate(${x(p.intensityFlopsPerByte)},${y(p.achievedFlopsPerSecond)})`)
        .attr('d', d3.symbol(LEVEL_SYMBOL[p.level], POINT_AREA_PX2)())
        .attr('fill', color)
        .attr('stroke', 'black')
        .attr('stroke-width', 0.5)
        .append('title')
        .text(pointTitle(s, p));
    });
  });

  drawLegend(root, legendEntries(series), area.x1 + LEGEND_GAP_PX, area.y1 + LEGEND_GAP_PX);
  return root.node()!;
}

/**
 * One row per series, then the line styles and point shapes the chart uses, named for the
 * device kinds it shows (a dataflow device's levels are on-chip memory and DRAM, its compute
 * ceiling the MAC array's peak).
 */
function legendEntries(series: readonly RooflineSeries[]): LegendEntry[] {
  const kinds = new Set(series.map((s) => s.kind));
  const names = new Map(levelNamesFor(kinds));
  const has = (level: MemoryLevel) => series.some((s) => s.memory.some((m) => m.level === level));
  const hasCompute = (kind: ComputeCeiling['kind']) => series.some((s) => s.compute.some((c) => c.kind === kind));
  const dashed = (['l2', 'smem'] as const).filter(has).map((level) => names.get(level)!);
  const entries: LegendEntry[] = series.map((s, si) => ({ label: s.hardwareId, color: SERIES_COLORS[si % SERIES_COLORS.length]!, symbol: 'line' as const }));
  if (has('hbm')) entries.push({ label: `${names.get('hbm')!} bandwidth`, color: 'gray', symbol: 'line' });
  if (dashed.length > 0) entries.push({ label: `${dashed.join(' / ')} bandwidth`, color: 'gray', symbol: 'line', dash: MEMORY_DASH });
  const tensor = [...(kinds.has('gpu') ? ['tensor core'] : []), ...([...kinds].some((k) => k !== 'gpu') ? ['matrix peak'] : [])].join(' / ');
  if (hasCompute('tensor')) entries.push({ label: tensor, color: 'gray', symbol: 'line' });
  if (hasCompute('vector')) entries.push({ label: 'vector fp32', color: 'gray', symbol: 'line', dash: COMPUTE_DASH.vector! });
  if (hasCompute('exp')) entries.push({ label: 'exp (ops/s)', color: 'gray', symbol: 'line', dash: COMPUTE_DASH.exp! });
  for (const level of MEMORY_LEVELS) {
    if (!has(level)) continue;
    entries.push({ label: `intensity at ${names.get(level)!}`, color: 'black', symbol: 'shape', shape: d3.symbol(LEVEL_SYMBOL[level], POINT_AREA_PX2 / 2)()! });
  }
  return entries;
}

/** Label baselines moved down just enough that no two overlap; each stays as close to its line as it can. */
function spreadLabels(baselines: readonly number[]): number[] {
  const order = baselines.map((_, i) => i).sort((a, b) => baselines[a]! - baselines[b]!);
  const out = [...baselines];
  let previous = -Infinity;
  for (const i of order) {
    out[i] = Math.max(baselines[i]!, previous + LABEL_LINE_HEIGHT_PX);
    previous = out[i]!;
  }
  return out;
}

function pointTitle(s: RooflineSeries, p: RooflinePoint): string {
  return `${s.hardwareId} · ${p.launch} at ${levelLabel(s, p.level)}: ${formatSi(p.intensityFlopsPerByte, 'FLOP/B')}, ${formatSi(p.achievedFlopsPerSecond, 'FLOP/s')} (${p.bound}-bound)`;
}
