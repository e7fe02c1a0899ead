import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import type { BreakdownItem } from '../visualizer/data/breakdown-data.js';
import type { RooflineSeries } from '../visualizer/data/roofline-data.js';
import type { SparsePoint } from '../visualizer/data/sparse-data.js';
import { logTickValues } from '../visualizer/views/axes.js';
import { breakdownView, rooflineView, scatterView, sparseView, timelineDefaults, timelineView } from '../visualizer/views/index.js';

/** Views are pure: the same data and options give the same SVG, compared with numbers rounded to 3 decimals. */
const DECIMALS = 3;
const document = new JSDOM('').window.document;

function rounded(svg: SVGSVGElement): string {
  return svg.outerHTML.replace(/-?\d+\.\d+(e[+-]?\d+)?/g, (n) => String(Number(Number(n).toFixed(DECIMALS))));
}

/** A hand-written toy chip: round numbers, so that a reader can check where each line lands. */
const toySeries: RooflineSeries = {
  hardwareId: 'toy',
  kind: 'gpu',
  label: 'Toy GPU',
  memory: [
    { level: 'smem', label: 'shared memory', bandwidthBytesPerSecond: 100e12 },
    { level: 'l2', label: 'L2', bandwidthBytesPerSecond: 10e12 },
    { level: 'hbm', label: 'HBM', bandwidthBytesPerSecond: 1e12 },
  ],
  compute: [
    { kind: 'tensor', label: 'wgmma bf16', opsPerSecond: 1e15 },
    { kind: 'vector', label: 'vector fp32', opsPerSecond: 50e12 },
    { kind: 'exp', label: 'exp', opsPerSecond: 4e12 },
  ],
  points: [
    { launch: 'flash_fwd', level: 'hbm', intensityFlopsPerByte: 2000, achievedFlopsPerSecond: 500e12, bound: 'compute' },
    { launch: 'flash_fwd', level: 'l2', intensityFlopsPerByte: 100, achievedFlopsPerSecond: 500e12, bound: 'compute' },
    { launch: 'flash_fwd', level: 'smem', intensityFlopsPerByte: 20, achievedFlopsPerSecond: 500e12, bound: 'compute' },
  ],
};
const otherSeries: RooflineSeries = {
  ...toySeries,
  hardwareId: 'toy2',
  label: 'Toy GPU ×2',
  memory: toySeries.memory.map((m) => ({ ...m, bandwidthBytesPerSecond: m.bandwidthBytesPerSecond * 2 })),
  points: [],
};

describe('rooflineView', () => {
  it('rooflineView(toy): a ceiling per memory level and compute path, a point per level', () => {
    const svg = rooflineView([toySeries], { document });
    expect(svg.querySelectorAll('line.ceiling.memory')).toHaveLength(3);
    expect(svg.querySelectorAll('line.ceiling.compute')).toHaveLength(3);
    expect(svg.querySelectorAll('path.point')).toHaveLength(3);
    expect(svg.querySelector('.legend')?.textContent).toContain('toy');
    expect(rounded(svg)).toMatchSnapshot();
  });

  it('rooflineView(two presets): both overlaid, only the first labelled by default', () => {
    const svg = rooflineView([toySeries, otherSeries], { document });
    expect(svg.querySelectorAll('g.series')).toHaveLength(2);
    expect(svg.querySelectorAll('g.series[data-hardware="toy2"] .ceiling-label')).toHaveLength(0);
    expect(rounded(svg)).toMatchSnapshot();
  });

  it('rooflineView(xDomain, yDomain): a zoomed view keeps the given domains and hides filtered levels', () => {
    const svg = rooflineView([toySeries], { document, xDomain: [10, 1000], yDomain: [1e13, 1e16], levels: ['hbm'] });
    expect(svg.querySelectorAll('path.point')).toHaveLength(1);
    expect(rounded(svg)).toMatchSnapshot();
  });

  it('rooflineView: the HBM ceiling ends at its ridge point (peak / bandwidth)', () => {
    const svg = rooflineView([toySeries], { document, xDomain: [1, 10000], yDomain: [1e12, 1e16] });
    const hbm = svg.querySelector('line.ceiling.memory.hbm')!;
    const compute = svg.querySelector('line.ceiling.compute.tensor')!;
    expect(Number(hbm.getAttribute('y2'))).toBeCloseTo(Number(compute.getAttribute('y1')), 6);
  });
});

const breakdownItems: BreakdownItem[] = [
  {
    label: 'toy',
    kind: 'gpu',
    bytes: { smem: { read: 300e9, write: 60e9 }, l2: { read: 60e9, write: 0.3e9 }, hbm: { read: 0.4e9, write: 0.3e9 } },
    energyJoules: { static: 3, matrix: 5, operand: 1, vector: 0.5, exp: 0.2, smem: 2, l2: 1, hbm: 0.05 },
  },
  {
    label: 'toy2',
    kind: 'gpu',
    bytes: { smem: { read: 150e9, write: 30e9 }, l2: { read: 30e9, write: 0.3e9 }, hbm: { read: 0.4e9, write: 0.3e9 } },
    energyJoules: { static: 2, matrix: 5, operand: 0, vector: 0.5, exp: 0.2, smem: 1, l2: 0.5, hbm: 0.05 },
  },
];

describe('breakdownView', () => {
  it('breakdownView(two reports): read/write stacks per level and energy stacks, one bar per report', () => {
    const svg = breakdownView(breakdownItems, { document });
    expect(svg.querySelectorAll('rect.bar.read')).toHaveLength(3 * 2);
    expect(svg.querySelectorAll('rect.bar.matrix')).toHaveLength(2);
    expect(rounded(svg)).toMatchSnapshot();
  });
});

const sparsePoints: SparsePoint[] = [
  { density: 0.1, idealSpeedup: 10, tileBoundSpeedup: 8, simulatedSpeedup: 6 },
  { density: 0.5, idealSpeedup: 2, tileBoundSpeedup: 1.9, simulatedSpeedup: 1.7 },
  { density: 1, idealSpeedup: 1, tileBoundSpeedup: 1, simulatedSpeedup: 0.95 },
];

describe('sparseView', () => {
  it('sparseView(three densities): three curves with a point per density', () => {
    const svg = sparseView(sparsePoints, { document });
    expect(svg.querySelectorAll('path.curve')).toHaveLength(3);
    expect(svg.querySelectorAll('circle.point.simulatedSpeedup')).toHaveLength(3);
    expect(rounded(svg)).toMatchSnapshot();
  });
});

const sweepRows = [
  { hardware: 'a', latencySeconds: 1, energyJoules: 5, sms: 100 },
  { hardware: 'b', latencySeconds: 2, energyJoules: 2, sms: 120 },
  { hardware: 'c', latencySeconds: 3, energyJoules: 3, sms: 140 },
  { hardware: 'd', latencySeconds: 4, energyJoules: 1, sms: 160 },
];

describe('scatterView', () => {
  it('scatterView(front 0,1,3): front points highlighted, the dominated one grey', () => {
    const svg = scatterView(sweepRows, { document, front: [0, 1, 3] });
    expect(svg.querySelectorAll('circle.point.front')).toHaveLength(3);
    expect(svg.querySelectorAll('circle.point:not(.front)')).toHaveLength(1);
    expect(svg.querySelector('circle.point:not(.front)')?.getAttribute('data-row')).toBe('2');
    expect(rounded(svg)).toMatchSnapshot();
  });

  it('scatterView(x: sms, linear): any numeric field can be an axis', () => {
    const svg = scatterView(sweepRows, { document, x: 'sms', y: 'latencySeconds', log: false, front: [0] });
    expect(svg.querySelector('.x-axis')?.textContent).toContain('sms');
    expect(rounded(svg)).toMatchSnapshot();
  });
});

describe('logTickValues', () => {
  it('logTickValues: powers of ten over wide domains, 1-2-5 steps over narrow ones, d3 default under a decade', () => {
    expect(logTickValues([1, 1e6])).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6]);
    expect(logTickValues([0.5, 60])).toEqual([0.5, 1, 2, 5, 10, 20, 50]);
    expect(logTickValues([6, 11])).toBeNull();
  });
});

describe('timelineView', () => {
  const toyTimeline = {
    sms: 2,
    launches: [
      { name: 'attention', startSeconds: 0, endSeconds: 2e-6, tiles: 3, events: 6 },
      { name: 'combine', startSeconds: 2e-6, endSeconds: 3e-6, tiles: 1, events: 2 },
    ],
    ctas: [
      { launch: 0, sm: 0, tile: 0, workClass: 0, startSeconds: 0, endSeconds: 1e-6 },
      { launch: 0, sm: 1, tile: 1, workClass: 0, startSeconds: 0, endSeconds: 2e-6 },
      { launch: 0, sm: 0, tile: 2, workClass: 0, startSeconds: 1e-6, endSeconds: 2e-6 },
      { launch: 1, sm: 0, tile: 0, workClass: 1, startSeconds: 2e-6, endSeconds: 3e-6 },
    ],
    droppedCtas: 0,
    counters: [
      { seconds: 0, hbmBytesPerSecond: 1e12, l2BytesPerSecond: 2e12, l2HitRate: 0.5, residentCtas: 2 },
      { seconds: 2e-6, hbmBytesPerSecond: 0.5e12, l2BytesPerSecond: 1e12, l2HitRate: 0.6, residentCtas: 1 },
    ],
  };

  it('timelineView(toy): one bar per CTA on its SM lane, placed by its start and end', () => {
    const svg = timelineView(toyTimeline, { document });
    const bars = [...svg.querySelectorAll('rect.cta')];
    expect(bars).toHaveLength(4);
    // 3 µs over the plot width: the first CTA spans a third of it, on lane 0.
    const [first, second] = bars.map((b) => ({ x: Number(b.getAttribute('x')), w: Number(b.getAttribute('width')), y: Number(b.getAttribute('y')) }));
    const width = timelineDefaults.width - timelineDefaults.margins.left - timelineDefaults.margins.right;
    expect(first!.x).toBeCloseTo(timelineDefaults.margins.left, 6);
    expect(first!.w).toBeCloseTo(width / 3, 6);
    expect(second!.w).toBeCloseTo((2 * width) / 3, 6);
    expect(second!.y).toBeGreaterThan(first!.y);
    expect(svg.querySelectorAll('path.counter')).toHaveLength(2);
    expect(rounded(svg)).toMatchSnapshot();
  });

  it('timelineView with a time window draws the same bars against a narrower axis', () => {
    const svg = timelineView(toyTimeline, { document, timeDomain: [1e-6, 2e-6] });
    const third = svg.querySelectorAll('rect.cta')[2]!;
    expect(Number(third.getAttribute('x'))).toBeCloseTo(timelineDefaults.margins.left, 6);
  });
});
