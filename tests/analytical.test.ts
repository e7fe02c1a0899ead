import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSpec, getPreset, withSmCount, type GpuSpec } from '../hardware/index.js';
import { peakMatrixRate } from '../sim/costs/rates.js';
import { simulate } from '../sim/simulate.js';
import type { Mask } from '../workloads/masks/mask.js';
import { makeWorkload, type Workload } from '../workloads/workload.js';

const h200 = getPreset('h200-sxm');

/** Random attention calls of modest size, prefill and decode, with every mask kind. */
const workloadArb: fc.Arbitrary<Workload> = fc
  .record({
    batch: fc.integer({ min: 1, max: 8 }),
    kvHeads: fc.constantFrom(1, 2, 8),
    group: fc.constantFrom(1, 4, 8),
    len: fc.constantFrom(1, 512, 1000, 4096, 16384, 65536),
    decode: fc.boolean(),
    headDim: fc.constantFrom(64, 128, 256),
    mask: fc.constantFrom<Mask>(
      { kind: 'none' },
      { kind: 'causal' },
      { kind: 'sliding_window', window: 1024 },
      { kind: 'sink_window', sinks: 4, window: 512 },
      { kind: 'block_sparse', blockSize: 128, blockDensity: 0.3 },
    ),
  })
  .map((r) =>
    makeWorkload({
      batch: r.batch,
      heads: r.kvHeads * r.group,
      kvHeads: r.kvHeads,
      headDim: r.headDim,
      mask: r.mask,
      qLen: r.decode ? 1 : r.len,
      kvLen: r.len,
      phase: r.decode && r.len > 1 ? 'decode' : 'prefill',
    }),
  );

const kernelArb = fc.constantFrom('fa2', 'fa3', 'split-kv');

/**
 * The lowering is held fixed across the two specs compared: FA2's split heuristic picks more
 * KV splits on more SMs, which can cost more than it gains; that is the kernel's choice, not
 * the hardware's, so the splits are pinned (4 for decode and split-kv, none for prefill).
 */
function run(spec: GpuSpec, w: Workload, kernel: string) {
  // The unfused kernel has no splits to choose (and refuses the option).
  const kernelOptions = kernel === 'naive' ? {} : { splits: kernel === 'split-kv' || w.phase === 'decode' ? Math.min(4, w.kvLen) : 1 };
  return simulate({ hardware: spec, workload: w, kernel, kernelOptions });
}

describe('analytical engine: invariants', () => {
  it('more HBM bandwidth is never slower', () => {
    fc.assert(
      fc.property(workloadArb, kernelArb, fc.double({ min: 1.01, max: 4, noNaN: true }), (w, kernel, factor) => {
        const faster = deriveSpec(h200, { 'memory.hbm.bandwidthBytesPerSecond': h200.memory.hbm.bandwidthBytesPerSecond * factor });
        // Equal up to floating-point rounding when HBM does not bound the run (the sum of launch
        // times is formed in a different order of magnitudes).
        expect(run(faster, w, kernel).latencySeconds).toBeLessThanOrEqual(run(h200, w, kernel).latencySeconds * (1 + 1e-12));
      }),
      { numRuns: 60 },
    );
  });

  it('more SMs (same per-SM resources, L2 growing with them) are never slower', () => {
    // A bigger die of the same family brings L2 slices with its SMs. On a fixed L2, more
    // resident CTAs can overflow it and re-fetch K/V from HBM: a real slowdown the model shows,
    // so the property is stated for the scaled chip.
    fc.assert(
      fc.property(workloadArb, kernelArb, fc.integer({ min: 133, max: 400 }), (w, kernel, sms) => {
        const bigger = deriveSpec(withSmCount(h200, sms), { 'memory.l2.bytes': (h200.memory.l2.bytes * sms) / h200.compute.sms });
        expect(run(bigger, w, kernel).latencySeconds).toBeLessThanOrEqual(run(h200, w, kernel).latencySeconds * (1 + 1e-12));
      }),
      { numRuns: 60 },
    );
  });

  it('skipping tiles never adds bytes or FLOPs: a window inside causal, a sparser block mask', () => {
    fc.assert(
      fc.property(workloadArb, fc.constantFrom('fa2', 'fa3'), fc.integer({ min: 1, max: 8192 }), fc.double({ min: 0.05, max: 1, noNaN: true }), (w0, kernel, window, density) => {
        const w = { ...w0, qLen: w0.kvLen, phase: 'prefill' as const };
        const pairs: Array<[Mask, Mask]> = [
          [{ kind: 'causal' }, { kind: 'sliding_window', window }],
          [{ kind: 'none' }, { kind: 'causal' }],
        ];
        for (const [dense, sparse] of pairs) {
          const a = run(h200, { ...w, mask: dense }, kernel);
          const b = run(h200, { ...w, mask: sparse }, kernel);
          expect(b.flops.matrix).toBeLessThanOrEqual(a.flops.matrix);
          expect(b.bytes.l2.read).toBeLessThanOrEqual(a.bytes.l2.read);
          expect(b.bytes.hbm.read).toBeLessThanOrEqual(a.bytes.hbm.read * (1 + 1e-12));
        }
        // Lower density keeps a subset of the block count, never more work.
        const lo = run(h200, { ...w, mask: { kind: 'block_sparse', blockSize: 128, blockDensity: density / 2 } }, kernel);
        const hi = run(h200, { ...w, mask: { kind: 'block_sparse', blockSize: 128, blockDensity: density } }, kernel);
        expect(lo.flops.matrix).toBeLessThanOrEqual(hi.flops.matrix);
        expect(lo.bytes.l2.read).toBeLessThanOrEqual(hi.bytes.l2.read);
      }),
      { numRuns: 40 },
    );
  });

  it('energy ≥ idle power × latency, and latency ≥ the roofline floor', () => {
    fc.assert(
      fc.property(workloadArb, fc.constantFrom('naive', 'fa2', 'fa3', 'split-kv'), (w, kernel) => {
        if (kernel === 'naive' && w.qLen * w.kvLen * w.batch * w.heads > 2 ** 33) return; // keep the unfused case small
        const r = run(h200, w, kernel);
        expect(r.energyJoules).toBeGreaterThanOrEqual(h200.power.idleWatts * r.latencySeconds);
        const floor = Math.max(r.flops.useful / peakMatrixRate(h200, w.dtype), (r.compulsoryBytes.read + r.compulsoryBytes.write) / h200.memory.hbm.bandwidthBytesPerSecond);
        expect(r.latencySeconds).toBeGreaterThanOrEqual(floor);
      }),
      { numRuns: 80 },
    );
  });
});

describe('analytical engine: published physics', () => {
  it('fa2 at N=8192, d=128, 32 heads on h200-sxm is compute-bound (and, as measured, held at the 700 W limit)', () => {
    const r = simulate({ hardware: h200, kernel: 'fa2', workload: makeWorkload({ heads: 32, qLen: 8192, headDim: 128 }) });
    expect(r.rooflineBound).toBe('compute');
    // The shipped H200 data runs such calls at 680–700 W: the power limit, not the tensor cores, sets the clock.
    expect(['compute', 'power']).toContain(r.bound);
    expect(r.averagePowerWatts).toBeLessThanOrEqual(h200.power.maxWatts * (1 + 1e-9));
  });

  it('decode at 128K context on h200-sxm is HBM-bound: within 15% of bytes / bandwidth (within 25% for FlashAttention-2, as measured)', () => {
    // Launch and tile overheads are ~15 µs on a ~126 µs transfer. PyTorch's FlashAttention-2 pays
    // more (its calibrated fixed time, and a combine kernel that reads the splits one at a time):
    // measured on the H200 over 256K keys, 273.5 µs for a 224 µs transfer (ratio 1.22).
    const w = makeWorkload({ heads: 32, kvHeads: 8, qLen: 1, kvLen: 131072, headDim: 128, mask: { kind: 'causal' } });
    for (const kernel of ['fa2', 'split-kv', 'fa3']) {
      const r = simulate({ hardware: h200, kernel, workload: w });
      expect(r.rooflineBound).toBe('hbm');
      const hbmSeconds = (r.bytes.hbm.read + r.bytes.hbm.write) / h200.memory.hbm.bandwidthBytesPerSecond;
      expect(r.latencySeconds / hbmSeconds).toBeLessThan(kernel === 'fa2' ? 1.25 : 1.15);
    }
  });

  it('naive attention at N=16K moves more than 10× the HBM bytes of FlashAttention-2', () => {
    const w = makeWorkload({ heads: 32, qLen: 16384, headDim: 128 });
    const naive = simulate({ hardware: h200, kernel: 'naive', workload: w });
    const fa2 = simulate({ hardware: h200, kernel: 'fa2', workload: w });
    const hbm = (r: typeof naive) => r.bytes.hbm.read + r.bytes.hbm.write;
    expect(hbm(naive)).toBeGreaterThan(10 * hbm(fa2));
  });

  it('fa3 beats fa2 on a long causal prefill on h200-sxm (wgmma + overlapped softmax)', () => {
    const w = makeWorkload({ heads: 32, kvHeads: 8, qLen: 32768, headDim: 128, mask: { kind: 'causal' } });
    const fa2 = simulate({ hardware: h200, kernel: 'fa2', workload: w });
    const fa3 = simulate({ hardware: h200, kernel: 'fa3', workload: w });
    expect(fa3.latencySeconds).toBeLessThan(fa2.latencySeconds);
  });
});

describe('launchLatency: a CTA alone on its SM', () => {
  it('a launch of fewer tiles than SMs takes its longest tile over the solo fraction', async () => {
    const { launchLatency, ctaSeconds } = await import('../sim/costs/latency.js');
    const { countLaunch } = await import('../sim/engines/analytical.js');
    const { lowerKernel } = await import('../sim/kernels/index.js');
    const h200 = getPreset('h200-sxm');
    // 8 heads × 8 query tiles of 64 rows: 64 CTAs on 132 SMs, one wave, no split-KV.
    const w = makeWorkload({ heads: 8, qLen: 512, headDim: 128, mask: { kind: 'causal' } });
    const launch = lowerKernel('sdpa-efficient', w, h200).launches[0]!;
    expect(launch.ctaCount).toBe(64);
    const longest = Math.max(...launch.work.map((c) => ctaSeconds(c, launch, h200).total));
    const at = (solo: number) => launchLatency({ ...launch, ctaSoloFraction: solo }, countLaunch(launch, h200), h200).terms.compute;
    expect(at(1)).toBeCloseTo(longest, 15);
    expect(at(0.5)).toBeCloseTo(2 * longest, 15);
  });
});

describe('ctaSeconds: per-iteration overhead', () => {
  it('costs each main-loop iteration its overhead, so a small head dim (more iterations per FLOP) pays it more often per FLOP', async () => {
    const { ctaSeconds } = await import('../sim/costs/latency.js');
    const { lowerKernel } = await import('../sim/kernels/index.js');
    const h200 = getPreset('h200-sxm');
    const perFlop = (headDim: number, overhead: number) => {
      const w = makeWorkload({ heads: 8, qLen: 4096, headDim });
      const launch = { ...lowerKernel('sdpa-efficient', w, h200).launches[0]!, iterationOverheadSeconds: overhead };
      const cta = launch.work[0]!;
      const plain = ctaSeconds(cta, { ...launch, iterationOverheadSeconds: 0 }, h200).total;
      const t = ctaSeconds(cta, launch, h200).total;
      expect(t - plain).toBeCloseTo(cta.iterations * overhead, 15);
      return (t - plain) / cta.matrixFlops;
    };
    // CUTLASS's 64×64 tile at d = 64 does a quarter of the 64×128 tile's math at d = 128.
    expect(perFlop(64, 1e-7) / perFlop(128, 1e-7)).toBeCloseTo(4, 9);
  });
});
