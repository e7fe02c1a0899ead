import type { GpuSpec, MatrixPath } from '../../hardware/schema.js';
import { bytesPerElement } from '../../workloads/dtype.js';
import type { Workload } from '../../workloads/workload.js';
import { InputError } from '../../hardware/errors.js';
import { lowerFa2 } from './fa2.js';
import { lowerFa3 } from './fa3.js';
import { lowerNaive } from './naive.js';
import type { KernelOptions } from './options.js';
import type { KernelPlan } from './plan.js';
import { lowerSplitKv } from './split-kv.js';
import { fa2MatrixPath } from './fa2.js';
import { calibratePlan, calibrationFor, getProfile, listProfiles } from './profiles/index.js';

export type { KernelPlan, LaunchPlan, CtaWork, SharedOperand } from './plan.js';
export type { KernelOptions } from './options.js';

interface KernelEntry {
  summary: string;
  lower: (w: Workload, spec: GpuSpec, options: KernelOptions) => KernelPlan;
  /** The options this lowering honours; any other is refused rather than silently ignored. */
  options: ReadonlyArray<keyof KernelOptions>;
}

const TILE_AND_SPLITS: ReadonlyArray<keyof KernelOptions> = ['tileQ', 'tileK', 'splits'];

/** How each option is spelled on the command line, for messages. */
const OPTION_FLAGS: Readonly<Record<keyof KernelOptions, string>> = { tileQ: '--tile-q', tileK: '--tile-k', splits: '--splits' };

/**
 * The smallest tile a tensor-core instruction computes, for 16-bit operands: rows of the query
 * tile (M) and keys of the key tile (K of the P·V product, whose N is the head dim). PTX ISA:
 * mma.sync.m16n8k16 and wgmma.mma_async.m64nNk16 (tcgen05.mma's smallest M is 64 too); AMD CDNA3
 * ISA: v_mfma_f32_16x16x16_bf16. One-byte operands (fp8) take twice the K per instruction and
 * 32-bit (tf32) half of it.
 */
const INSTRUCTION_TILE: Readonly<Record<MatrixPath, { m: number; k: number }>> = {
  mma_sync: { m: 16, k: 16 },
  wgmma: { m: 64, k: 16 },
  tcgen05: { m: 64, k: 16 },
  mfma: { m: 16, k: 16 },
};

/**
 * A tile the user chose must be whole instructions of the path that computes it, and some launch
 * must use it: a kernel that takes another path for this call (FlashAttention-2's split-KV
 * kernel has fixed tiles) would otherwise ignore it silently.
 */
function checkInstructionShape(plan: KernelPlan, w: Workload, options: KernelOptions): void {
  const kScale = bytesPerElement(w.dtype) === 1 ? 2 : bytesPerElement(w.dtype) === 4 ? 0.5 : 1;
  const main = plan.launches.filter((l) => l.matrixPath !== null && l.tileQ !== null && l.tileK !== null);
  for (const [option, flag, axis] of [
    ['tileQ', '--tile-q', 'm'],
    ['tileK', '--tile-k', 'k'],
  ] as const) {
    const asked = options[option];
    if (asked === undefined || main.length === 0) continue;
    const path = main[0]!.matrixPath!;
    const step = axis === 'm' ? INSTRUCTION_TILE[path].m : INSTRUCTION_TILE[path].k * kScale;
    if (asked % step !== 0) {
      const what = axis === 'm' ? `${asked} query rows` : `${asked} keys`;
      throw new InputError(flag, `${what} is not a whole number of ${path} instructions (${step} ${axis === 'm' ? 'rows' : `keys for ${w.dtype}`} each); use a multiple of ${step}`);
    }
    if (!main.some((l) => l[option] === asked)) {
      throw new InputError(flag, `this call runs ${main.map((l) => l.name).join(', ')}, whose tiles (${main[0]!.tileQ}×${main[0]!.tileK}) are fixed; ${flag} does not apply to it`);
    }
  }
}

/** Flash-decoding with its own defaults: 64-row query tiles, 128-key tiles, 4 warps. */
function lowerFlashDecoding(w: Workload, spec: GpuSpec, options: KernelOptions): KernelPlan {
  return lowerSplitKv(w, spec, {
    kernelName: 'flash_decoding',
    description: 'split-KV decode (flash-decoding): KV range split across CTAs, fp32 partials merged by log-sum-exp',
    matrixPath: fa2MatrixPath(spec),
    tileQ: options.tileQ ?? 64,
    tileK: options.tileK ?? 128,
    threadsPerCta: 128,
    registersPerThread: 255,
    kvSmemReaders: 4,
    softmaxOverlap: 0,
    ...(options.splits !== undefined ? { splits: options.splits } : {}),
    combineRowsPerCta: 4,
    combineThreadsPerCta: 128,
  });
}

const LOWERINGS: Readonly<Record<string, KernelEntry>> = {
  naive: { summary: 'unfused QKᵀ → softmax → PV, scores materialized in HBM', lower: (w, s) => lowerNaive(w, s), options: [] },
  // The same lowering as the measured sdpa-flash kernel, so it takes that kernel's calibration
  // on hardware that has one.
  fa2: {
    summary: 'FlashAttention-2 (mma.sync; split-KV for decode), as in PyTorch SDPA',
    lower: (w, s, o) => calibratePlan(lowerFa2(w, s, o), calibrationFor(s.id, 'sdpa-flash')),
    options: TILE_AND_SPLITS,
  },
  fa3: { summary: 'FlashAttention-3 (Hopper wgmma + TMA, warp-specialized, persistent)', lower: lowerFa3, options: TILE_AND_SPLITS },
  'split-kv': { summary: 'flash-decoding: KV split across CTAs + log-sum-exp combine', lower: lowerFlashDecoding, options: TILE_AND_SPLITS },
};

/** The lowerings, then the profiles of measured kernels: `--kernel sdpa-flash` predicts that kernel. */
export const KERNELS: Readonly<Record<string, KernelEntry>> = {
  ...LOWERINGS,
  ...Object.fromEntries(
    listProfiles().map((id) => {
      const profile = getProfile(id)!;
      // A profile is the kernel as measured: its tiles and splits are what that kernel launches.
      return [id, { summary: profile.summary, lower: (w: Workload, s: GpuSpec) => profile.lower(w, s), options: [] }];
    }),
  ),
};

export function listKernels(): string[] {
  return Object.keys(KERNELS);
}

/**
 * Lowerings already made on a spec, by kernel, workload and options: the layers of a model
 * lower to the same plan, and handing back the same (immutable) object lets the cycle engine
 * recognise it without comparing it field by field. Bounded; the oldest entry goes first.
 */
const lowered = new WeakMap<GpuSpec, Map<string, KernelPlan>>();
const LOWERED_ENTRIES = 64;

/** Lower a workload onto a GPU with the named kernel (the same plan object for the same inputs). */
export function lowerKernel(kernel: string, w: Workload, spec: GpuSpec, options: KernelOptions = {}): KernelPlan {
  const entry = KERNELS[kernel];
  if (!entry) throw new InputError('kernel', `unknown kernel "${kernel}"; valid kernels: ${listKernels().join(', ')}`);
  for (const [name, v] of Object.entries(options) as Array<[keyof KernelOptions, number | undefined]>) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v <= 0) throw new InputError(OPTION_FLAGS[name] ?? name, `must be a positive integer, got ${v}`);
    if (!entry.options.includes(name)) {
      const takers = Object.entries(KERNELS)
        .filter(([, e]) => e.options.includes(name))
        .map(([id]) => id);
      throw new InputError(OPTION_FLAGS[name] ?? name, `kernel ${kernel} chooses its own ${name} (it models a fixed kernel); the option applies to ${takers.join(', ')}`);
    }
  }
  const key = JSON.stringify([kernel, w, options]);
  let bySpec = lowered.get(spec);
  const known = bySpec?.get(key);
  if (known) return known;
  // Each split needs at least one key of its own.
  if (options.splits !== undefined && options.splits > w.kvLen) throw new InputError('--splits', `${options.splits} splits of ${w.kvLen} keys would leave splits with no key; use at most ${w.kvLen}`);
  const plan = entry.lower(w, spec, options);
  checkInstructionShape(plan, w, options);
  if (!bySpec) lowered.set(spec, (bySpec = new Map()));
  if (bySpec.size >= LOWERED_ENTRIES) bySpec.delete(bySpec.keys().next().value!);
  bySpec.set(key, plan);
  return plan;
}
