import { getDevicePreset, summarizeDevice, type DeviceSpec } from '../../hardware/device.js';
import { deriveDataflowSpec, ON_CHIP, type DataflowSpec } from '../../hardware/dataflow/index.js';
import { deriveSpec, withSmCount, type GpuSpec } from '../../hardware/index.js';
import { type Mask } from '../../workloads/masks/mask.js';
import { maskForLayer, getModel, modelWorkload } from '../../workloads/models/index.js';
import { makeWorkload, type Workload } from '../../workloads/workload.js';

/** Everything the controls set: the page is a pure function of this record. */
export interface AppState {
  hardware: string;
  /** Other presets overlaid on the roofline, run on the same workload with their own numbers. */
  compare: string[];
  kernel: string;
  /** A model's layer, or explicit shapes. */
  workloadMode: 'model' | 'shapes';
  model: string;
  layer: number;
  phase: 'prefill' | 'decode';
  batch: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Context length in tokens: the prompt for prefill, the cache for decode. */
  sequenceTokens: number;
  /** `model` keeps the layer's own mask. */
  mask: 'model' | 'none' | 'causal' | 'sliding_window' | 'block_sparse';
  windowTokens: number;
  /** Fraction of key blocks kept by a block_sparse mask, (0, 1]. */
  density: number;
  blockSizeTokens: number;
  /**
   * Multipliers on the primary preset's numbers (1 = as the preset says). A dataflow device
   * takes the first only, on the DRAM its inputs live in; see `slidersFor`.
   */
  hbmBandwidthScale: number;
  l2BandwidthScale: number;
  smCountScale: number;
  sharedMemoryScale: number;
}

export const initialState: AppState = {
  hardware: 'h200-sxm',
  compare: [],
  kernel: 'fa2',
  workloadMode: 'model',
  model: 'llama-3.1-8b',
  layer: 0,
  phase: 'prefill',
  batch: 1,
  heads: 32,
  kvHeads: 8,
  headDim: 128,
  sequenceTokens: 8192,
  mask: 'model',
  windowTokens: 4096,
  density: 0.25,
  blockSizeTokens: 128,
  hbmBandwidthScale: 1,
  l2BandwidthScale: 1,
  smCountScale: 1,
  sharedMemoryScale: 1,
};

/** The hardware sliders, by what they scale. */
export interface HardwareSliders {
  /** Main-memory bandwidth, and what that memory is called ("HBM", "HBM3"); null when the device has none off chip. */
  mainMemory: { name: string; bandwidthBytesPerSecond: number } | null;
  l2: boolean;
  sms: boolean;
  sharedMemory: boolean;
}

/** Which sliders mean something for a device: a GPU has them all; a dataflow device has no L2, SMs or shared memory per SM. */
export function slidersFor(spec: DeviceSpec): HardwareSliders {
  if (spec.kind === 'gpu') return { mainMemory: { name: 'HBM', bandwidthBytesPerSecond: spec.memory.hbm.bandwidthBytesPerSecond }, l2: true, sms: true, sharedMemory: true };
  const offChip = spec.kind === 'dataflow' && spec.memory.inputTier !== ON_CHIP;
  const main = summarizeDevice(spec).mainMemory;
  return { mainMemory: offChip ? { name: main.name, bandwidthBytesPerSecond: main.bandwidthBytesPerSecond } : null, l2: false, sms: false, sharedMemory: false };
}

/** The primary machine: the preset with the sliders' multipliers applied (a new spec; the preset is untouched). */
export function hardwareFor(state: AppState): DeviceSpec {
  const preset = getDevicePreset(state.hardware);
  if (preset.kind === 'gpu') return scaledGpu(preset, state);
  if (preset.kind === 'dataflow') return scaledDataflow(preset, state);
  return preset;
}

function scaledGpu(preset: GpuSpec, state: AppState): GpuSpec {
  const m = preset.memory;
  const c = preset.compute;
  const scaled = deriveSpec(
    preset,
    {
      'memory.hbm.bandwidthBytesPerSecond': m.hbm.bandwidthBytesPerSecond * state.hbmBandwidthScale,
      'memory.l2.bandwidthBytesPerSecond': m.l2.bandwidthBytesPerSecond * state.l2BandwidthScale,
      'compute.sharedMemoryBytesPerSm': Math.round(c.sharedMemoryBytesPerSm * state.sharedMemoryScale),
      'compute.maxSharedMemoryBytesPerCta': Math.round(c.maxSharedMemoryBytesPerCta * state.sharedMemoryScale),
    },
    'visualizer sliders',
  );
  const sms = Math.max(1, Math.round(c.sms * state.smCountScale));
  return sms === c.sms ? scaled : withSmCount(scaled, sms);
}

/** Only the main-memory slider applies: the DRAM tier Q, K, V and O live in (none for an on-chip-only device). */
function scaledDataflow(preset: DataflowSpec, state: AppState): DataflowSpec {
  const tier = preset.memory.inputTier;
  const dram = preset.memory.dram[tier];
  if (tier === ON_CHIP || dram === undefined || state.hbmBandwidthScale === 1) return preset;
  return deriveDataflowSpec(preset, { [`memory.dram.${tier}.bandwidthBytesPerSecond`]: dram.bandwidthBytesPerSecond * state.hbmBandwidthScale }, 'visualizer sliders');
}

function maskFor(state: AppState, modelMask: Mask): Mask {
  switch (state.mask) {
    case 'model':
      return modelMask;
    case 'none':
    case 'causal':
      return { kind: state.mask };
    case 'sliding_window':
      return { kind: 'sliding_window', window: state.windowTokens };
    case 'block_sparse':
      return { kind: 'block_sparse', blockSize: state.blockSizeTokens, blockDensity: state.density, seed: 1 };
  }
}

/** The attention call the controls describe. */
export function workloadFor(state: AppState): Workload {
  if (state.workloadMode === 'model') {
    const base = modelWorkload({ model: state.model, layer: state.layer, context: state.sequenceTokens, phase: state.phase, batch: state.batch });
    return { ...base, mask: maskFor(state, maskForLayer(getModel(state.model), state.layer)) };
  }
  return makeWorkload({
    batch: state.batch,
    heads: state.heads,
    kvHeads: state.kvHeads,
    headDim: state.headDim,
    qLen: state.phase === 'decode' ? 1 : state.sequenceTokens,
    kvLen: state.sequenceTokens,
    phase: state.phase,
    mask: maskFor(state, { kind: 'causal' }),
  });
}
