import * as d3 from 'd3';
import { estimateNote, getDevicePreset, listDevicePresets } from '../../hardware/device.js';
import { renderReport } from '../../sim/render/render.js';
import { listKernels } from '../../sim/kernels/index.js';
import { listModels } from '../../workloads/models/index.js';
import { levelLabel } from '../data/roofline-data.js';
import { RESULTS_URL_PATH } from '../results-url.js';
import { autoRooflineDomains, breakdownView, rooflineDefaults, rooflineView, sparseView, timelineDefaults, timelineView } from '../views/index.js';
import type { Timeline } from '../../sim/engines/gpu-cycle/timeline.js';
import { simulate } from '../../sim/simulate.js';
import { isDataflowKernel } from '../../sim/engines/dataflow/simulate.js';
import { formatSi } from '../views/svg.js';
import { compute, type Computed } from './compute.js';
import { checkboxesField, group, numberField, selectField, sliderField, type Choice } from './controls.js';
import { hardwareFor, initialState, slidersFor, workloadFor, type AppState } from './state.js';
import { SweepPanel } from './sweep-panel.js';

/**
 * The page: controls → state → `compute` (the simulator) → views. Every change re-runs it all
 * synchronously; `body[data-updates]` counts finished updates so that tests can wait on it.
 */

/** Sequence-length slider works in log2(tokens): 2^9 = 512 to 2^17 = 128K, half-octave steps. */
const SEQUENCE_LOG2 = { min: 9, max: 17, step: 0.5 } as const;
/** Tokens are rounded to this multiple, so half-octave steps land on tile-friendly lengths. */
const SEQUENCE_GRANULE_TOKENS = 256;
/** Hardware sliders work in log2(multiplier): ×¼ to ×4 of the preset. */
const SCALE_LOG2 = { min: -2, max: 2, step: 0.25 } as const;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Heading of a device kind in the pickers. */
function kindHeading(kind: string): string {
  return kind === 'gpu' ? 'GPU' : kind;
}

/**
 * Every preset of every kind, GPUs first, grouped by kind. Devices without measurements behind
 * them say "estimated" in the preset picker (the overlay boxes keep short labels and say it on
 * hover); the report under the chart says what each estimate rests on.
 */
function presetChoices(): { picker: Choice[]; overlay: Choice[] } {
  const presets = listDevicePresets().sort((a, b) => Number(a.kind !== 'gpu') - Number(b.kind !== 'gpu') || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  const base = presets.map(({ id, kind }) => {
    const note = estimateNote(id);
    return { value: id, group: kindHeading(kind), estimated: note !== null, ...(note !== null ? { title: note } : {}) };
  });
  return {
    picker: base.map(({ estimated, ...c }) => ({ ...c, label: estimated ? `${c.value} (estimated)` : c.value })),
    overlay: base.map(({ estimated: _estimated, ...c }) => ({ ...c, label: c.value })),
  };
}

/** What the timeline section says before its first run on a GPU. */
let timelineHint = '';

function buildControls(form: HTMLElement, s: AppState): void {
  const presets = presetChoices();
  form.append(
    group(
      'Hardware',
      selectField('preset', 'hardware', presets.picker, s.hardware),
      checkboxesField('overlay presets', 'compare', presets.overlay, s.compare),
      sliderField('HBM bandwidth', 'hbm-scale', 0, SCALE_LOG2.min, SCALE_LOG2.max, SCALE_LOG2.step),
      sliderField('L2 bandwidth', 'l2-scale', 0, SCALE_LOG2.min, SCALE_LOG2.max, SCALE_LOG2.step),
      sliderField('SMs', 'sm-scale', 0, SCALE_LOG2.min, SCALE_LOG2.max, SCALE_LOG2.step),
      sliderField('shared memory (SRAM) per SM', 'smem-scale', 0, SCALE_LOG2.min, 0, SCALE_LOG2.step),
    ),
    group(
      'Kernel',
      selectField(
        'kernel',
        'kernel',
        listKernels().map((id) => ({ value: id, label: id })),
        s.kernel,
      ),
    ),
    group(
      'Workload',
      selectField(
        'from',
        'workload-mode',
        [
          { value: 'model', label: 'model layer' },
          { value: 'shapes', label: 'shapes' },
        ],
        s.workloadMode,
      ),
      selectField(
        'model',
        'model',
        listModels().map((m) => ({ value: m.id, label: m.name })),
        s.model,
      ),
      numberField('layer', 'layer', s.layer, 0, 1000),
      numberField('query heads', 'heads', s.heads, 1, 1024),
      numberField('key/value heads', 'kv-heads', s.kvHeads, 1, 1024),
      numberField('head dim', 'head-dim', s.headDim, 1, 1024),
      selectField(
        'phase',
        'phase',
        [
          { value: 'prefill', label: 'prefill' },
          { value: 'decode', label: 'decode' },
        ],
        s.phase,
      ),
      numberField('batch', 'batch', s.batch, 1, 4096),
      sliderField('sequence length', 'sequence', Math.log2(s.sequenceTokens), SEQUENCE_LOG2.min, SEQUENCE_LOG2.max, SEQUENCE_LOG2.step),
    ),
    group(
      'Mask',
      selectField(
        'mask',
        'mask',
        ['model', 'none', 'causal', 'sliding_window', 'block_sparse'].map((m) => ({ value: m, label: m === 'model' ? "the layer's own" : m })),
        s.mask,
      ),
      numberField('window (tokens)', 'window', s.windowTokens, 1, 1 << 20),
      sliderField('block density', 'density', s.density, 0.01, 1, 0.01),
      selectField(
        'block size',
        'block-size',
        [32, 64, 128, 256].map((b) => ({ value: String(b), label: `${b} tokens` })),
        String(s.blockSizeTokens),
      ),
    ),
  );
}

function readState(): AppState {
  const num = (id: string) => Number($<HTMLInputElement>(id).value);
  const str = (id: string) => $<HTMLInputElement>(id).value;
  const log2Tokens = num('sequence');
  return {
    hardware: str('hardware'),
    compare: [...document.querySelectorAll<HTMLInputElement>('input[name="compare"]:checked')].map((b) => b.value),
    kernel: str('kernel'),
    workloadMode: str('workload-mode') as AppState['workloadMode'],
    model: str('model'),
    layer: num('layer'),
    phase: str('phase') as AppState['phase'],
    batch: num('batch'),
    heads: num('heads'),
    kvHeads: num('kv-heads'),
    headDim: num('head-dim'),
    sequenceTokens: Math.max(SEQUENCE_GRANULE_TOKENS, Math.round(2 ** log2Tokens / SEQUENCE_GRANULE_TOKENS) * SEQUENCE_GRANULE_TOKENS),
    mask: str('mask') as AppState['mask'],
    windowTokens: num('window'),
    density: num('density'),
    blockSizeTokens: num('block-size'),
    hbmBandwidthScale: 2 ** num('hbm-scale'),
    l2BandwidthScale: 2 ** num('l2-scale'),
    smCountScale: 2 ** num('sm-scale'),
    sharedMemoryScale: 2 ** num('smem-scale'),
  };
}

/** Show only the fields that matter for the current choices, and each slider's value in words. */
function syncControls(s: AppState): void {
  const show = (id: string, visible: boolean) => ($(`${id}-row`).hidden = !visible);
  show('model', s.workloadMode === 'model');
  show('layer', s.workloadMode === 'model');
  for (const id of ['heads', 'kv-heads', 'head-dim']) show(id, s.workloadMode === 'shapes');
  show('window', s.mask === 'sliding_window');
  show('density', s.mask === 'block_sparse');
  for (const box of document.querySelectorAll<HTMLInputElement>('input[name="compare"]')) box.disabled = box.value === s.hardware;
  const preset = getDevicePreset(s.hardware);
  const out = (id: string, text: string) => ($(`${id}-value`).textContent = text);
  out('sequence', `${s.sequenceTokens} tokens`);
  out('density', `${Math.round(s.density * 100)}%`);
  // Sliders for what the device does not have (a dataflow device's L2, SMs, shared memory per SM) are hidden; hidden ones are ignored.
  const sliders = slidersFor(preset);
  show('hbm-scale', sliders.mainMemory !== null);
  show('l2-scale', sliders.l2);
  show('sm-scale', sliders.sms);
  show('smem-scale', sliders.sharedMemory);
  if (sliders.mainMemory !== null) {
    $('hbm-scale-label').textContent = `${sliders.mainMemory.name} bandwidth`;
    out('hbm-scale', `${formatSi(sliders.mainMemory.bandwidthBytesPerSecond * s.hbmBandwidthScale, 'B/s')} (×${s.hbmBandwidthScale.toFixed(2)})`);
  }
  if (preset.kind === 'gpu') {
    out('l2-scale', `${formatSi(preset.memory.l2.bandwidthBytesPerSecond * s.l2BandwidthScale, 'B/s')} (×${s.l2BandwidthScale.toFixed(2)})`);
    out('sm-scale', `${Math.max(1, Math.round(preset.compute.sms * s.smCountScale))} SMs`);
    out('smem-scale', `${formatSi(Math.round(preset.compute.sharedMemoryBytesPerSm * s.sharedMemoryScale), 'B')}`);
  }
  // A dataflow device runs the kernels it has a pipeline for (FlashAttention is its incremental softmax).
  for (const option of $<HTMLSelectElement>('kernel').options) option.disabled = preset.kind === 'dataflow' && !isDataflowKernel(option.value);
  // The timeline is the GPU cycle engine's CTAs on SMs; another kind's engine keeps none.
  const timelineButton = $<HTMLButtonElement>('run-timeline');
  const status = $('timeline-status');
  const gpu = preset.kind === 'gpu';
  if (!gpu) status.textContent = `The timeline shows the GPU cycle engine's CTAs on SMs; ${preset.id} is a ${preset.kind} device (its report lists its pipeline phases and units).`;
  else if (timelineButton.disabled) status.textContent = timelineHint;
  timelineButton.disabled = !gpu;
}

function hint(text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'hint';
  p.textContent = text;
  return p;
}

class App {
  private computed: Computed | null = null;
  private zoom = d3.zoomIdentity;
  private readonly sweep = new SweepPanel();

  start(): void {
    timelineHint = $('timeline-status').textContent ?? '';
    buildControls($('control-form'), initialState);
    $('control-form').addEventListener('input', () => this.update());
    $('control-form').addEventListener('change', () => this.update());
    this.installZoom();
    this.installHover();
    this.installTimeline();
    this.update();
    void this.sweep.loadFromServer(RESULTS_URL_PATH);
    document.body.dataset.status = 'ready';
  }

  private update(): void {
    const started = performance.now();
    const state = readState();
    const errorBox = $('error');
    try {
      syncControls(state);
      this.computed = compute(state);
      errorBox.hidden = true;
      $('report').textContent = renderReport(this.computed.reports[0]!);
      this.renderRoofline();
      $('breakdown').replaceChildren(breakdownView(this.computed.breakdown));
      const sparse = this.computed.sparse;
      $('sparse').replaceChildren(
        sparse !== null
          ? sparseView(sparse, { title: `Block-sparse speedup vs dense (${state.kernel} on ${state.hardware}, ${state.blockSizeTokens}-token blocks)` })
          : hint(`The sparse speedup bounds come from a GPU kernel's tiles; ${state.hardware} is a ${this.computed.series[0]!.kind} device.`),
      );
    } catch (e) {
      // Bad input (an impossible shape, a kernel the chip lacks) is shown, never a blank page.
      errorBox.textContent = (e as Error).message;
      errorBox.hidden = false;
    }
    const elapsedMs = performance.now() - started;
    $('timing').textContent = `updated in ${elapsedMs.toFixed(1)} ms (simulate + draw)`;
    document.body.dataset.lastUpdateMs = elapsedMs.toFixed(2);
    document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
  }

  /** The roofline at the current zoom: the zoom transform rescales the automatic domains. */
  private renderRoofline(): void {
    if (!this.computed) return;
    const series = this.computed.series;
    const o = rooflineDefaults;
    const auto = autoRooflineDomains(series);
    const x = d3
      .scaleLog()
      .domain(auto.x)
      .range([o.margins.left, o.width - o.margins.right]);
    const y = d3
      .scaleLog()
      .domain(auto.y)
      .range([o.height - o.margins.bottom, o.margins.top]);
    const zoomed = this.zoom.k !== 1 || this.zoom.x !== 0 || this.zoom.y !== 0;
    const w = this.computed.reports[0]!.workload;
    const title = `${this.computed.reports[0]!.kernel.id}, ${w.phase} q ${w.qLen} × kv ${w.kvLen}, d ${w.headDim}, ${w.dtype}`;
    const domains = zoomed ? { xDomain: this.zoom.rescaleX(x).domain() as [number, number], yDomain: this.zoom.rescaleY(y).domain() as [number, number] } : {};
    const svg = rooflineView(series, { title, ...domains });
    $('roofline').replaceChildren(svg);
  }

  private installZoom(): void {
    const container = d3.select<HTMLElement, unknown>('#roofline');
    const behaviour = d3
      .zoom<HTMLElement, unknown>()
      .scaleExtent([1 / 16, 256])
      .on('zoom', (event: d3.D3ZoomEvent<HTMLElement, unknown>) => {
        this.zoom = event.transform;
        this.renderRoofline();
      });
    container.call(behaviour);
    $('reset-zoom').addEventListener('click', () => container.call(behaviour.transform, d3.zoomIdentity));
  }

  /**
   * The cycle engine runs only when asked: the page's other views update on every slider move,
   * and a timeline of a long prefill takes a good fraction of a second. `body[data-timeline]`
   * counts finished timelines, for tests.
   */
  private installTimeline(): void {
    let timeline: Timeline | null = null;
    let title = '';
    let zoom = d3.zoomIdentity;
    const draw = () => {
      if (!timeline) return;
      const o = timelineDefaults;
      const end = Math.max(...timeline.launches.map((l) => l.endSeconds), 1e-9);
      const x = d3
        .scaleLinear()
        .domain([0, end])
        .range([o.margins.left, o.width - o.margins.right]);
      const zoomed = zoom.k !== 1 || zoom.x !== 0;
      const timeDomain = zoomed ? (zoom.rescaleX(x).domain() as [number, number]) : undefined;
      $('timeline').replaceChildren(timelineView(timeline, { title, ...(timeDomain ? { timeDomain } : {}) }));
    };
    const container = d3.select<HTMLElement, unknown>('#timeline');
    container.call(
      d3
        .zoom<HTMLElement, unknown>()
        .scaleExtent([1, 1000])
        .on('zoom', (event: d3.D3ZoomEvent<HTMLElement, unknown>) => {
          zoom = event.transform;
          draw();
        }),
    );
    $('run-timeline').addEventListener('click', () => {
      const state = readState();
      const status = $('timeline-status');
      try {
        const started = performance.now();
        const report = simulate({ hardware: hardwareFor(state), workload: workloadFor(state), kernel: state.kernel, engine: 'cycle', timeline: true });
        timeline = report.timeline ?? null;
        title = `${report.kernel.id} on ${report.hardware.id}: ${formatSi(report.latencySeconds, 's')} (cycle engine)`;
        zoom = d3.zoomIdentity;
        draw();
        status.textContent = `simulated in ${(performance.now() - started).toFixed(0)} ms; ${timeline?.ctas.length ?? 0} CTAs drawn`;
      } catch (e) {
        status.textContent = (e as Error).message;
      }
      document.body.dataset.timeline = String(Number(document.body.dataset.timeline ?? 0) + 1);
    });
  }

  private installHover(): void {
    $('roofline').addEventListener('mouseover', (event) => {
      const point = (event.target as Element).closest('path.point');
      if (!point || !this.computed) return;
      const si = Number(point.getAttribute('data-series'));
      const p = this.computed.series[si]!.points[Number(point.getAttribute('data-point'))]!;
      const report = this.computed.reports[si]!;
      $('hover-report').textContent =
        `${report.hardware.id} · ${p.launch} at ${levelLabel(this.computed.series[si]!, p.level)}: ${formatSi(p.intensityFlopsPerByte, 'FLOP/B')}, ${formatSi(p.achievedFlopsPerSecond, 'FLOP/s')}\n\n${renderReport(report)}`;
    });
  }
}

new App().start();
