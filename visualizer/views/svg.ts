import * as d3 from 'd3';

/** Shared pieces of every view: the SVG root, margins, palettes and number formats. */

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Options every view takes. */
export interface BaseOptions {
  /** Total width of the SVG, px. */
  width: number;
  /** Total height of the SVG, px. */
  height: number;
  /** Space around the plot area for axes, labels and legend, px. */
  margins: Margins;
  /** Title drawn above the plot; empty for none. */
  title: string;
  /**
   * The document to create elements in: the page's in the browser, a jsdom one in Node
   * (tests, `attnsim plot`). Default: `globalThis.document`.
   */
  document?: Document;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** Per-series colours: d3's Tableau 10, which stays distinct for the handful of presets overlaid. */
export const SERIES_COLORS: readonly string[] = d3.schemeTableau10;

const TITLE_BASELINE_PX = 16;
const FONT_SIZE_PX = 11;
const TITLE_FONT_SIZE_PX = 13;

export function documentOf(options: { document?: Document | undefined }): Document {
  const doc = options.document ?? (globalThis as { document?: Document }).document;
  if (!doc) throw new Error('views need a document: pass options.document outside a browser');
  return doc;
}

/** An empty SVG root of the options' size, with a title if one is given. */
export function createSvg(options: BaseOptions, className: string): d3.Selection<SVGSVGElement, unknown, null, undefined> {
  const svg = documentOf(options).createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const root = d3
    .select(svg)
    .attr('xmlns', SVG_NS)
    .attr('class', className)
    .attr('width', options.width)
    .attr('height', options.height)
    .attr('viewBox', `0 0 ${options.width} ${options.height}`)
    .attr('font-family', 'sans-serif')
    .attr('font-size', FONT_SIZE_PX);
  root.append('rect').attr('class', 'background').attr('width', options.width).attr('height', options.height).attr('fill', 'white');
  if (options.title) {
    root.append('text').attr('class', 'title').attr('x', options.margins.left).attr('y', TITLE_BASELINE_PX).attr('font-weight', 'bold').attr('font-size', TITLE_FONT_SIZE_PX).text(options.title);
  }
  return root;
}

export function plotArea(options: BaseOptions): { x0: number; x1: number; y0: number; y1: number } {
  const m = options.margins;
  return { x0: m.left, x1: options.width - m.right, y0: options.height - m.bottom, y1: m.top };
}

/** Engineering notation with SI prefixes and a space before them: "1.23 TFLOP/s", "456 GB". */
export function formatSi(value: number, unit = ''): string {
  const text = d3.format('.3~s')(value);
  const split = /^(-?[\d.]+(?:e[+-]?\d+)?)(.*)$/.exec(text);
  return split ? `${split[1]} ${split[2]}${unit}`.trim() : `${text}${unit}`;
}
