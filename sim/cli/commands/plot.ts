import type { Command } from 'commander';
import { breakdownItem } from '../../../visualizer/data/breakdown-data.js';
import { rooflineSeries } from '../../../visualizer/data/roofline-data.js';
import { defaultSparseDensities, DEFAULT_BLOCK_SIZE_TOKENS, sparseSpeedupCurve } from '../../../visualizer/data/sparse-data.js';
import { breakdownView, rooflineView, sparseView, timelineView } from '../../../visualizer/views/index.js';
import { InputError } from '../../../hardware/errors.js';
import { listKernels } from '../../kernels/index.js';
import { simulate } from '../../simulate.js';
import { parseCount } from '../args.js';
import { addHardwareOptions, addWorkloadOptions, DEFAULT_CALL, workloadFromFlags, type SimulateFlags } from '../inputs.js';
import type { CliIo } from '../io.js';
import { writeTextFile } from '../../node/files.js';
import { formatSeconds } from '../../render/format.js';
import { dataflowKernelOf } from '../../engines/dataflow/simulate.js';
import { resolveDevice } from '../device.js';
import type { DeviceSpec } from '../../../hardware/device.js';

export const PLOT_VIEWS = ['roofline', 'breakdown', 'sparse', 'timeline'] as const;
type PlotView = (typeof PLOT_VIEWS)[number];

interface PlotFlags extends SimulateFlags {
  out: string;
  compare?: string;
  densities?: string;
  block?: string;
}

/** A DOM for the views outside a browser. jsdom is loaded only here, so the rest of the CLI never pays for it. */
async function svgDocument(): Promise<Document> {
  try {
    const { JSDOM } = await import('jsdom');
    return new JSDOM('').window.document;
  } catch {
    throw new InputError('plot', 'needs the jsdom package to draw without a browser; run `npm install` in the repository');
  }
}

function parseDensities(text: string): number[] {
  const values = text.split(',').map((t) => Number(t.trim()));
  const bad = values.find((d) => !(d > 0 && d <= 1));
  if (bad !== undefined) throw new InputError('--densities', `each density must be in (0, 1], got "${text}"`);
  return values;
}

/** `attnsim plot roofline|breakdown|sparse|timeline --out FILE.svg`: the visualizer's views, drawn to SVG files for papers and reports. */
export function registerPlot(program: Command, io: CliIo): void {
  addWorkloadOptions(
    addHardwareOptions(
      program
        .command('plot')
        .description('draw a visualizer view (roofline, breakdown, sparse, timeline) of one attention call to an SVG file, without a browser')
        .argument('<view>', `view to draw (${PLOT_VIEWS.join(', ')})`)
        .requiredOption('--out <file.svg>', 'where to write the SVG'),
    ),
  )
    .option('--compare <ids>', 'more presets of any kind to overlay (roofline) or set beside it (breakdown), comma-separated')
    .option('--kernel <id>', `kernel lowering (${listKernels().join(', ')})`, DEFAULT_CALL.kernel)
    .option('--mask <spec>', 'none | causal | window:W | sinks:S,window:W | block:B,density:D | doc:LxN[,causal] (sparse: replaced per density)')
    .option('--densities <list>', `sparse: block densities, comma-separated (default ${defaultSparseDensities.join(',')})`)
    .option('--block <tokens>', `sparse: block size of the block_sparse mask (default ${DEFAULT_BLOCK_SIZE_TOKENS})`)
    .action(async (view: string, flags: PlotFlags) => {
      if (!(PLOT_VIEWS as readonly string[]).includes(view)) throw new InputError('view', `unknown view "${view}"; valid views: ${PLOT_VIEWS.join(', ')}`);
      if (!flags.out.toLowerCase().endsWith('.svg')) throw new InputError('--out', `expected a .svg file name, got "${flags.out}"`);
      const document = await svgDocument();
      const svg = drawView(view as PlotView, flags, document, io);
      writeTextFile(flags.out, `<?xml version="1.0" encoding="UTF-8"?>\n${svg.outerHTML}\n`, '--out');
      io.stdout(`attnsim plot: wrote ${view} to ${flags.out}\n`);
    });
}

/**
 * Roofline and breakdown draw devices of any kind side by side (a dataflow device: its peak
 * matrix rate under its main-memory and on-chip bandwidths; bytes per level and energy, as for a
 * GPU). Sparse and timeline draw what only the GPU engines produce: the kernels' tile-level
 * bounds, and the cycle engine's CTAs on SMs.
 */
function drawView(view: PlotView, flags: PlotFlags, document: Document, io: CliIo): SVGSVGElement {
  const primary = resolveDevice(flags.hardware, flags.set, io);
  const workload = workloadFromFlags(flags);
  if (view === 'sparse' || view === 'timeline') {
    if (primary.kind !== 'gpu') {
      const what = view === 'sparse' ? 'the block-sparse speedup of a GPU kernel' : "the GPU cycle engine's CTAs on SMs";
      throw new InputError('--hardware', `plot ${view} draws ${what}; ${primary.id} is a ${primary.kind} device (plot roofline and plot breakdown draw it)`);
    }
    if (view === 'sparse') {
      const points = sparseSpeedupCurve({
        hardware: primary,
        workload,
        kernel: flags.kernel,
        densities: flags.densities !== undefined ? parseDensities(flags.densities) : defaultSparseDensities,
        blockSizeTokens: flags.block !== undefined ? parseCount(flags.block, '--block') : DEFAULT_BLOCK_SIZE_TOKENS,
      });
      return sparseView(points, { document, title: `Block-sparse speedup vs dense: ${flags.kernel} on ${primary.id}, q ${workload.qLen} × kv ${workload.kvLen}` });
    }
    // The cycle engine's CTAs on SMs over time, for the first machine.
    const report = simulate({ hardware: primary, workload, kernel: flags.kernel, engine: 'cycle', timeline: true });
    return timelineView(report.timeline!, {
      document,
      title: `Cycle-engine timeline: ${flags.kernel} on ${primary.id}, ${workload.phase} q ${workload.qLen} × kv ${workload.kvLen} (${formatSeconds(report.latencySeconds)})`,
    });
  }
  const others = (flags.compare ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '' && id !== primary.id)
    .map((id) => resolveDevice(id, [], io, '--compare'));
  const machines: DeviceSpec[] = [primary, ...others];
  // A kernel a dataflow device has no pipeline for is named as the flag's error, before any run.
  if (machines.some((m) => m.kind === 'dataflow')) dataflowKernelOf(flags.kernel, '--kernel');
  const reports = machines.map((spec) => simulate({ hardware: spec, workload, kernel: flags.kernel }));
  if (view === 'breakdown')
    return breakdownView(
      reports.map((r, i) => breakdownItem(r, machines[i]!.kind)),
      { document },
    );
  return rooflineView(
    machines.map((spec, i) => rooflineSeries(spec, reports[i]!)),
    {
      document,
      title: `Roofline: ${flags.kernel}, ${workload.phase} q ${workload.qLen} × kv ${workload.kvLen}, d ${workload.headDim}`,
    },
  );
}
