import { memoryLevels } from '../hardware/device.js';
import type { GpuSpec } from '../hardware/schema.js';
import { tensorBytes, type Workload } from '../workloads/workload.js';
import { addEnergy, energyOf, zeroEnergy } from './costs/energy.js';
import { applyPowerCap, launchLatency } from './costs/latency.js';
import { matrixRate } from './costs/rates.js';
import { countLaunch } from './engines/analytical.js';
import { runCyclePlan, type CyclePlanOptions } from './engines/gpu-cycle/index.js';
import { addCounts, zeroCounts } from './counts.js';
import { InputError } from '../hardware/errors.js';
import { lowerKernel, type KernelOptions, type KernelPlan } from './kernels/index.js';
import { buildReport } from './report-builder.js';
import type { LaunchReport, Report } from './report.js';

/** The GPU engines: closed-form counts per launch, or the event-driven cycle engine. */
export const GPU_ENGINES = ['analytical', 'cycle'] as const;
export type GpuEngineId = (typeof GPU_ENGINES)[number];

export interface GpuRequest {
  hardware: GpuSpec;
  workload: Workload;
  kernel: string;
  kernelOptions?: KernelOptions;
  /** Cycle engine only: keep a timeline in the report (for --trace). */
  timeline?: boolean;
}

/** A GPU call: spec + workload → kernel lowering → engine counts → costs → report. */
export function simulateGpu(request: GpuRequest, engine: GpuEngineId): Report {
  checkFitsInMemory(request.workload, request.hardware);
  const plan = lowerKernel(request.kernel, request.workload, request.hardware, request.kernelOptions);
  return simulatePlan(plan, request.hardware, request.workload, request.kernel, engine, request.timeline ? { timeline: true } : {});
}

/** Run an already-lowered plan through a GPU engine and the cost tables. */
export function simulatePlan(plan: KernelPlan, spec: GpuSpec, w: Workload, kernelId: string, engine: GpuEngineId = 'analytical', cycleOptions: CyclePlanOptions = {}): Report {
  if (!GPU_ENGINES.includes(engine)) throw new InputError('engine', `unknown GPU engine "${engine}"; valid: ${GPU_ENGINES.join(', ')}`);
  // The cycle engine runs the whole plan at once (its L2 carries from launch to launch).
  const cycle = engine === 'cycle' ? runCyclePlan(plan, spec, w, { kernelId, ...cycleOptions }) : null;

  let total = zeroCounts();
  let totalEnergy = zeroEnergy();
  let latency = 0;
  let useful = 0;
  let compulsoryRead = 0;
  let compulsoryWrite = 0;
  let matrixCapacity = 0; // FLOPs the launches' tensor-core paths could have done in their time
  const breakdown: LaunchReport[] = [];
  const warnings: string[] = [];
  // Costs use the plan as the engine ran it (the cycle engine's constants, energy scale included).
  for (const [index, launch] of (cycle?.plan ?? plan).launches.entries()) {
    const simulated = cycle?.launches[index];
    const counts = simulated ? simulated.counts : countLaunch(launch, spec);
    // A copy: the power limit below rewrites it, and a replayed launch is shared.
    const timing = simulated ? { ...simulated.timing } : launchLatency(launch, counts, spec, index > 0);
    const roofline = energyOf(counts, w.dtype, launch.matrixPath, timing.seconds, spec, launch.dynamicEnergyScale);
    const cap = applyPowerCap(timing.seconds, roofline, spec, launch.name);
    const rooflineBound = timing.bound;
    const powerLimited = cap.warning !== null;
    if (cap.warning !== null) {
      warnings.push(cap.warning);
      timing.seconds = cap.seconds;
      timing.bound = 'power';
    }
    // Only the static part depends on time: recount just when the power limit stretched it.
    const energy = powerLimited ? energyOf(counts, w.dtype, launch.matrixPath, timing.seconds, spec, launch.dynamicEnergyScale) : roofline;
    totalEnergy = addEnergy(totalEnergy, energy);
    total = addCounts(total, counts);
    latency += timing.seconds;
    useful += launch.usefulFlops;
    // What must cross HBM at least once: each input read once, unless nothing reads it at all.
    compulsoryRead += Math.min(launch.compulsoryReadBytes, counts.bytes.l2.read);
    compulsoryWrite += launch.compulsoryWriteBytes;
    if (launch.matrixPath) matrixCapacity += matrixRate(spec, launch.matrixPath, w.dtype) * timing.seconds;
    breakdown.push({
      name: launch.name,
      role: launch.role,
      matrixPath: launch.matrixPath,
      tileQ: launch.tileQ,
      tileK: launch.tileK,
      ctaCount: launch.ctaCount,
      persistent: launch.persistent,
      threadsPerCta: launch.threadsPerCta,
      sharedBytesPerCta: launch.sharedBytesPerCta,
      registersPerThread: launch.registersPerThread,
      ctasPerSm: launch.ctasPerSm,
      occupancyLimiter: launch.occupancyLimiter,
      waves: timing.waves,
      latencySeconds: timing.seconds,
      bound: timing.bound,
      rooflineBound,
      boundSeconds: timing.terms,
      matrixSeconds: timing.matrixSeconds,
      softmaxSeconds: timing.softmaxSeconds,
      balancedComputeSeconds: timing.balancedComputeSeconds,
      flops: { matrix: counts.matrixFlops, vector: counts.vectorFlops, exp: counts.exps },
      bytes: counts.bytes,
      energyJoules: energy.total,
    });
  }
  const energy = totalEnergy;
  const longest = breakdown.reduce((a, b) => (b.latencySeconds > a.latencySeconds ? b : a));
  const cov = plan.coverage;
  checkLaunchTerms(breakdown);
  return buildReport({
    engine,
    hardware: { id: spec.id, name: spec.name },
    kernel: { id: kernelId, description: plan.description },
    workload: w,
    latencySeconds: latency,
    energy,
    bound: longest.bound,
    rooflineBound: longest.rooflineBound,
    flops: { matrix: total.matrixFlops, vector: total.vectorFlops, exp: total.exps, useful },
    bytes: total.bytes,
    levels: memoryLevels(spec),
    bytesByLevel: total.bytes,
    compulsoryBytes: { read: compulsoryRead, write: compulsoryWrite },
    matrixCapacityFlops: matrixCapacity,
    bandwidth: { hbm: spec.memory.hbm.bandwidthBytesPerSecond, l2: spec.memory.l2.bandwidthBytesPerSecond, smem: spec.memory.smem.bandwidthBytesPerSecond },
    tiles: cov
      ? {
          tileQ: cov.tileQ,
          tileK: cov.tileK,
          full: cov.fullTiles,
          partial: cov.partialTiles,
          skipped: cov.skippedTiles,
          keptFraction: cov.keptElements / cov.totalElements,
          computedFraction: cov.computedElements / cov.totalElements,
        }
      : null,
    breakdown,
    warnings,
    ...(cycle?.timeline ? { timeline: cycle.timeline } : {}),
  });
}

/** The spec number behind each resource's time, named when that time overflows. */
const RESOURCE_FIELDS: Readonly<Record<keyof LaunchReport['boundSeconds'], string>> = {
  compute: 'compute.matrixFlopsPerSecond',
  hbm: 'memory.hbm.bandwidthBytesPerSecond',
  l2: 'memory.l2.bandwidthBytesPerSecond',
  smem: 'memory.smem.bandwidthBytesPerSecond',
  fixed: 'launch.overheadSeconds',
};

/**
 * A resource time that overflows is refused naming the spec number behind it (a rate this small
 * gives no finite prediction); any other non-finite number is caught by the report builder.
 */
function checkLaunchTerms(breakdown: readonly LaunchReport[]): void {
  for (const launch of breakdown) {
    for (const [resource, seconds] of Object.entries(launch.boundSeconds) as Array<[keyof LaunchReport['boundSeconds'], number]>) {
      if (!Number.isFinite(seconds)) {
        throw new InputError(RESOURCE_FIELDS[resource], `the ${resource} time of ${launch.name} overflows (${seconds} s): a rate this small or a size this large gives no finite prediction`);
      }
    }
  }
}

/** A call whose tensors do not fit in device memory cannot run there: no prediction is made. */
export function checkFitsInMemory(w: Workload, spec: GpuSpec): void {
  const bytes = tensorBytes(w);
  if (bytes > spec.memory.hbm.bytes) {
    throw new InputError('workload', `does not fit: its Q, K, V and O take ${formatGB(bytes)} GB, above ${spec.id}'s ${formatGB(spec.memory.hbm.bytes)} GB of device memory (memory.hbm.bytes)`);
  }
}

function formatGB(bytes: number): string {
  return (bytes / 1e9).toPrecision(3);
}
