import * as d3 from 'd3';
import type { BreakdownItem } from '../data/breakdown-data.js';
import { levelNamesFor } from '../data/roofline-data.js';
import { drawLegend } from './legend.js';
import { createSvg, formatSi, plotArea, type BaseOptions } from './svg.js';

export type BreakdownOptions = BaseOptions;

export const breakdownDefaults: BreakdownOptions = {
  width: 820,
  height: 320,
  margins: { top: 40, right: 120, bottom: 40, left: 20 },
  title: 'Bytes per memory level and energy by component',
};

/** Energy components in stacking order, bottom up, with their colours. */
const ENERGY_PARTS = ['static', 'matrix', 'operand', 'vector', 'exp', 'smem', 'l2', 'hbm'] as const;
/** Parts a dataflow device never has: it feeds its MACs from FIFOs and has no L2. */
const GPU_ONLY_PARTS: ReadonlySet<string> = new Set(['operand', 'l2']);
const ENERGY_COLORS: readonly string[] = d3.schemeSet2.concat(d3.schemePastel1);
const READ_COLOR = '#4e79a7';
const WRITE_COLOR = '#f28e2b';
const PANEL_GAP_PX = 56;
const BAR_PADDING = 0.25;
const TICK_COUNT = 4;
const LEGEND_GAP_PX = 12;
/** Right margin when GPUs and other kinds share the chart: the legend's joined names ("smem / on-chip energy") need the room. */
const MIXED_LEGEND_MARGIN_PX = 180;

interface Segment {
  key: string;
  from: number;
  to: number;
  color: string;
}

/**
 * Small multiples on linear scales, one per memory level plus one for energy, because the
 * levels differ by orders of magnitude: stacked on one axis, HBM would vanish under shared memory.
 */
export function breakdownView(items: readonly BreakdownItem[], options: Partial<BreakdownOptions> = {}): SVGSVGElement {
  const gpuShown = items.some((item) => item.kind === 'gpu');
  const mixed = gpuShown && items.some((item) => item.kind !== 'gpu');
  const o: BreakdownOptions = { ...breakdownDefaults, ...options };
  if (mixed && options.margins === undefined) o.margins = { ...o.margins, right: Math.max(o.margins.right, MIXED_LEGEND_MARGIN_PX) };
  const root = createSvg(o, 'breakdown');
  const area = plotArea(o);
  // A panel per level any item's device has, named for the kinds shown ("HBM / DRAM").
  const levels = levelNamesFor(items.map((item) => item.kind));
  // Energy parts keep their GPU names unless a dataflow device is shown, whose smem and hbm are on-chip memory and DRAM.
  const partNames = new Map<string, string>(items.every((item) => item.kind === 'gpu') ? [] : levels);
  const parts = ENERGY_PARTS.map((part, i) => ({ part, color: ENERGY_COLORS[i]!, label: `${partNames.get(part) ?? part} energy` })).filter((p) => gpuShown || !GPU_ONLY_PARTS.has(p.part));
  const panels = [
    ...levels.map(([level, name]) => ({
      name: `${name} bytes`,
      unit: 'B',
      stacks: items.map((item) =>
        stack([
          ['read', item.bytes[level].read, READ_COLOR],
          ['write', item.bytes[level].write, WRITE_COLOR],
        ]),
      ),
    })),
    {
      name: 'energy',
      unit: 'J',
      stacks: items.map((item) => stack(parts.map((p) => [p.part, item.energyJoules[p.part], p.color] as const))),
    },
  ];
  // Each panel keeps a gap on its left for its own axis.
  const panelWidth = (area.x1 - area.x0 - PANEL_GAP_PX * panels.length) / panels.length;
  panels.forEach((panel, pi) => {
    const left = area.x0 + PANEL_GAP_PX + pi * (panelWidth + PANEL_GAP_PX);
    const g = root.append('g').attr('class', `panel ${panel.name.replace(/\W+/g, '-')}`);
    const x = d3
      .scaleBand()
      .domain(items.map((it) => it.label))
      .range([left, left + panelWidth])
      .padding(BAR_PADDING);
    const top = d3.max(panel.stacks, (segments) => d3.max(segments, (s) => s.to)) ?? 0;
    const y = d3
      .scaleLinear()
      .domain([0, top > 0 ? top : 1])
      .nice()
      .range([area.y0, area.y1]);
    g.append('g').attr('transform', `translate(0,${area.y0})`).call(d3.axisBottom(x).tickSizeOuter(0));
    g.append('g')
      .attr('transform', `translate(${left},0)`)
      .call(
        d3
          .axisLeft(y)
          .ticks(TICK_COUNT)
          .tickFormat((v) => formatSi(+v)),
      );
    g.append('text')
      .attr('class', 'panel-title')
      .attr('x', left + panelWidth / 2)
      .attr('y', area.y1 - 8)
      .attr('text-anchor', 'middle')
      .text(`${panel.name} (${panel.unit})`);
    panel.stacks.forEach((segments, ii) => {
      const label = items[ii]!.label;
      for (const s of segments) {
        g.append('rect')
          .attr('class', `bar ${s.key}`)
          .attr('x', x(label)!)
          .attr('width', x.bandwidth())
          .attr('y', y(s.to))
          .attr('height', y(s.from) - y(s.to))
          .attr('fill', s.color)
          .append('title')
          .text(`${label} ${panel.name}, ${s.key}: ${formatSi(s.to - s.from, panel.unit)}`);
      }
    });
  });
  drawLegend(
    root,
    [
      { label: 'read', color: READ_COLOR, symbol: 'point' },
      { label: 'write', color: WRITE_COLOR, symbol: 'point' },
      ...parts.map((p) => ({ label: p.label, color: p.color, symbol: 'point' as const })),
    ],
    area.x1 + LEGEND_GAP_PX,
    area.y1,
  );
  return root.node()!;
}

function stack(parts: ReadonlyArray<readonly [string, number, string]>): Segment[] {
  let base = 0;
  return parts.map(([key, value, color]) => {
    const segment = { key, from: base, to: base + value, color };
    base += value;
    return segment;
  });
}
