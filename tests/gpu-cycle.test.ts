import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getPreset } from '../hardware/index.js';
import { ctaSeconds } from '../sim/costs/latency.js';
import { CycleLaunchRunner, chromeTrace, cycleKernelConstants, L2Cache, pipelinedSeconds, runFluid, tileOrder, withCycleConstants } from '../sim/engines/gpu-cycle/index.js';
import { roomPerByte, survival } from '../sim/engines/gpu-cycle/l2-cache.js';
import { LruDistance } from '../sim/engines/gpu-cycle/lru-distance.js';
import { lowerKernel } from '../sim/kernels/index.js';
import type { KernelPlan, LaunchPlan } from '../sim/kernels/plan.js';
import { simulate } from '../sim/simulate.js';
import type { Mask } from '../workloads/masks/mask.js';
import { makeWorkload, type Workload } from '../workloads/workload.js';
import { expectClose, runCli, toyGpu } from './helpers.js';

const h200 = getPreset('h200-sxm');

/** Equal compute-only tiles: no memory traffic, so only SM slots and waves decide the time. */
function equalTiles(tiles: number, sms: number, slotsPerSm: number, cycles: number) {
  return runFluid({
    sms,
    slotsPerSm,
    slots: sms * slotsPerSm,
    tiles,
    hbmBytesPerCycle: 1,
    l2BytesPerCycle: 1,
    phase: (_tile, index) => (index === 0 ? { cycles, hbmBytes: 0, l2Bytes: 0, l2HitBytes: 0, l2ReadBytes: 0 } : null),
  });
}

describe('runFluid: CTAs on SMs', () => {
  it('runFluid: 264 equal CTAs on 132 SMs at one CTA per SM take exactly two waves', () => {
    expect(equalTiles(264, 132, 1, 1000).cycles).toBe(2000);
  });

  it('runFluid: one more CTA adds a third wave', () => {
    expect(equalTiles(265, 132, 1, 1000).cycles).toBe(3000);
  });

  it('runFluid: two CTAs per SM share the SM, so 264 CTAs on 132 SMs still take two tile-times', () => {
    expect(equalTiles(264, 132, 2, 1000).cycles).toBe(2000);
  });

  it('runFluid: the tail CTA runs alone at the full SM rate', () => {
    // 3 tiles, 1 SM with 2 slots: two share the SM (2000 cycles), then the third runs alone (1000).
    expect(equalTiles(3, 1, 2, 1000).cycles).toBe(3000);
  });

  it('runFluid: a CTA alone reaches only its solo fraction of the SM; two CTAs fill it', () => {
    const run = (tiles: number, soloFraction: number) =>
      runFluid({
        sms: 1,
        slotsPerSm: 2,
        slots: 2,
        tiles,
        hbmBytesPerCycle: 1,
        l2BytesPerCycle: 1,
        soloFraction,
        phase: (_tile, index) => (index === 0 ? { cycles: 100, hbmBytes: 0, l2Bytes: 0, l2HitBytes: 0, l2ReadBytes: 0 } : null),
      }).cycles;
    expect([run(1, 1), run(1, 0.5), run(1, 0.8)]).toEqual([100, 200, 125]);
    // Two CTAs share the SM: 200 cycles for both, whether one alone could fill it or not.
    expect([run(2, 1), run(2, 0.5)]).toEqual([200, 200]);
  });

  it('runFluid: a CTA waiting on memory leaves its SM to the CTA beside it, which hides the wait', () => {
    // Tile 0 waits 100 cycles, then works 100; tile 1 works 200 at once. Tile 1 has the SM alone
    // for the first 100 cycles, then both share it: everything ends at 300, the total work.
    // Counted as work, the wait would make it 400.
    const cost = (cycles: number, waitCycles: number) => ({ cycles, waitCycles, hbmBytes: 0, l2Bytes: 0, l2HitBytes: 0, l2ReadBytes: 0 });
    const out = runFluid({
      sms: 1,
      slotsPerSm: 2,
      slots: 2,
      tiles: 2,
      hbmBytesPerCycle: 1,
      l2BytesPerCycle: 1,
      phase: (tile, index) => (index > 0 ? null : tile === 0 ? cost(100, 100) : cost(200, 0)),
    });
    expect(out.cycles).toBe(300);
    // Alone, a CTA loses its wait: 100 + 100.
    const alone = runFluid({ sms: 1, slotsPerSm: 2, slots: 2, tiles: 1, hbmBytesPerCycle: 1, l2BytesPerCycle: 1, phase: (_t, i) => (i > 0 ? null : cost(100, 100)) });
    expect(alone.cycles).toBe(200);
  });

  it('runFluid: the block scheduler starts one CTA every dispatchCycles, even with free slots', () => {
    // 1000 CTAs of 10 cycles, one per SM, all resident at once; started 5 cycles apart, the
    // last starts at 4995 and ends at 5005. Without the dispatch rate: 10 cycles.
    const run = (dispatchCycles: number) =>
      runFluid({
        sms: 1000,
        slotsPerSm: 1,
        slots: 1000,
        tiles: 1000,
        hbmBytesPerCycle: 1,
        l2BytesPerCycle: 1,
        dispatchCycles,
        phase: (_t, i) => (i === 0 ? { cycles: 10, hbmBytes: 0, l2Bytes: 0, l2HitBytes: 0, l2ReadBytes: 0 } : null),
      });
    expect(run(0).cycles).toBe(10);
    expect(run(5).cycles).toBe(5005);
  });

  it('runFluid: HBM contention slows every CTA alike', () => {
    // 4 tiles of 100 cycles each wanting 10 B/cycle = 40 B/cycle against 20 B/cycle: twice as long.
    const r = runFluid({
      sms: 4,
      slotsPerSm: 1,
      slots: 4,
      tiles: 4,
      hbmBytesPerCycle: 20,
      l2BytesPerCycle: 1e9,
      phase: (_t, i) => (i === 0 ? { cycles: 100, hbmBytes: 1000, l2Bytes: 1000, l2HitBytes: 0, l2ReadBytes: 1000 } : null),
    });
    expect(r.cycles).toBeCloseTo(200, 9);
    expect(r.hbmBytesMoved).toBeCloseTo(4000, 6);
  });
});

describe('pipelinedSeconds: a double-buffered main loop', () => {
  it('pipelinedSeconds: compute-bound, the first load is exposed: 1 + 3·2 + 2 = 9', () => {
    expect(pipelinedSeconds(4, 1, 2)).toBe(9);
  });
  it('pipelinedSeconds: load-bound, the last compute is exposed: 3 + 3·3 + 2 = 14', () => {
    expect(pipelinedSeconds(4, 3, 2)).toBe(14);
  });
});

/** One CTA on the toy GPU: 4 iterations of 1 µs of tensor work and 0.5 µs of loads each. */
function tinyLaunch(): LaunchPlan {
  const perSmWgmma = 8e12 / 4;
  const perSmL2 = 4e12 / 4;
  return {
    name: 'tiny',
    role: 'attention',
    matrixPath: 'wgmma',
    dtype: 'bf16',
    tileQ: null,
    tileK: null,
    threadsPerCta: 128,
    sharedBytesPerCta: 0,
    registersPerThread: 32,
    ctaCount: 1,
    persistent: false,
    ctasPerSm: 1,
    occupancyLimiter: 'CTA slots',
    work: [{ count: 1, iterations: 4, matrixFlops: 4 * 1e-6 * perSmWgmma, vectorFlops: 0, exps: 0, globalReadBytes: 4 * 0.5e-6 * perSmL2, globalWriteBytes: 0, smemReadBytes: 0, smemWriteBytes: 0 }],
    softmaxOverlap: 0,
    compulsoryReadBytes: 4 * 0.5e-6 * perSmL2,
    compulsoryWriteBytes: 0,
    sharedOperands: [],
    usefulFlops: 0,
  };
}

describe('CycleLaunchRunner', () => {
  it('CycleLaunchRunner on toy-gpu: loads of 0.5 µs hide under 1 µs of math except the first: 4.5 µs busy', () => {
    const spec = toyGpu();
    const plan: KernelPlan = { kernel: 'tiny', description: '', launches: [tinyLaunch()], coverage: null };
    const w = makeWorkload({ heads: 1, qLen: 128, headDim: 64 });
    const out = new CycleLaunchRunner(spec, plan, w).run(plan.launches[0]!);
    // Fixed: the launch, then three dependent HBM round trips (Q, first K/V, last store).
    const fixed = spec.launch.overheadSeconds + 3 * spec.memory.hbm.latencySeconds;
    expectClose(out.timing.seconds - fixed, 0.5e-6 + 3 * 1e-6 + 1e-6, 1e-9);
  });

  it('cycle on h200: an L2 that holds the working set reads DRAM bytes = compulsory bytes', () => {
    const w = makeWorkload({ batch: 1, heads: 8, qLen: 2048, headDim: 128, mask: { kind: 'none' } });
    const plan = lowerKernel('fa2', w, h200);
    const r = simulate({ hardware: h200, workload: w, kernel: 'fa2', engine: 'cycle' });
    expectClose(r.bytes.hbm.read, plan.launches[0]!.compulsoryReadBytes, 1e-9);
  });

  it('cycle on h200: K/V re-read by readers far apart is fetched again (causal 128K, 8 heads)', () => {
    const w = makeWorkload({ batch: 1, heads: 8, qLen: 131072, headDim: 128, mask: { kind: 'causal' } });
    const r = simulate({ hardware: h200, workload: w, kernel: 'sdpa-flash', engine: 'cycle' });
    expect(r.bytes.hbm.read).toBeGreaterThan(10 * r.compulsoryBytes.read);
  });
});

describe('tileOrder', () => {
  it("tileOrder(fa2, GQA, m-b-h grid): a kv head's readers are the query tiles of its group's heads, batch between them", () => {
    // 2 batches × 4 heads over 2 kv heads (8K queries: no KV split): the grid runs query tiles,
    // then batch, then head, so copy (b, kv) is read by units b + 2·h for h in its group.
    const w = makeWorkload({ batch: 2, heads: 4, kvHeads: 2, qLen: 8192, headDim: 128 });
    const plan = lowerKernel('fa2', w, h200);
    const order = tileOrder(plan.launches[0]!, plan.coverage, w);
    const q = plan.coverage!.qTiles;
    const instanceOfUnit = (u: number) => order.instanceOf(u * q);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(instanceOfUnit)).toEqual([0, 1, 0, 1, 2, 3, 2, 3]);
  });

  it('tileOrder(causal): query tile m visits the key tiles up to the diagonal', () => {
    const w = makeWorkload({ heads: 32, qLen: 4096, headDim: 128, mask: { kind: 'causal' } });
    const plan = lowerKernel('fa2', w, h200);
    const order = tileOrder(plan.launches[0]!, plan.coverage, w);
    const ratio = plan.coverage!.tileQ / plan.coverage!.tileK;
    expect(order.keyRange(3)).toEqual({ first: 0, last: 4 * ratio, visited: 4 * ratio });
  });

  it('tileOrder: FlashAttention-2 walks each key loop back from the diagonal, flex and CUTLASS forward', () => {
    const w = makeWorkload({ heads: 8, qLen: 4096, headDim: 128, mask: { kind: 'causal' } });
    const descending = (kernel: string) => {
      const plan = lowerKernel(kernel, w, h200);
      return tileOrder(plan.launches[0]!, plan.coverage, w).descending;
    };
    expect(['fa2', 'sdpa-flash', 'fa3', 'sdpa-cudnn'].map(descending)).toEqual([true, true, true, true]);
    expect(['flex', 'sdpa-efficient'].map(descending)).toEqual([false, false]);
    // Flex visits its partial blocks first: under a causal-type mask, the one on the diagonal.
    const diagonalFirst = (kernel: string, mask: Mask) => {
      const w = makeWorkload({ heads: 4, kvHeads: 4, qLen: 4096, headDim: 128, mask });
      const plan = lowerKernel(kernel, w, h200);
      return tileOrder(plan.launches.at(-1)!, plan.coverage, w).diagonalFirst;
    };
    expect([diagonalFirst('flex', { kind: 'causal' }), diagonalFirst('flex', { kind: 'sliding_window', window: 1024 })]).toEqual([true, true]);
    expect([diagonalFirst('flex', { kind: 'none' }), diagonalFirst('sdpa-efficient', { kind: 'causal' }), diagonalFirst('fa2', { kind: 'causal' })]).toEqual([false, false, false]);
  });

  it('tileOrder(block-sparse): the visited key tiles are scattered over the whole row', () => {
    const w = makeWorkload({ heads: 8, qLen: 8192, headDim: 128, mask: { kind: 'block_sparse', blockSize: 128, blockDensity: 0.25 } });
    const plan = lowerKernel('flex', w, h200);
    const order = tileOrder(plan.launches[0]!, plan.coverage, w);
    const { first, last, visited } = order.keyRange(5);
    expect([first, last]).toEqual([0, 64]);
    expect(visited).toBe(16);
  });
});

describe('CycleLaunchRunner: what the kernel does to the bytes and the time', () => {
  // 64K causal on 32 heads over 8 kv heads: one kv head's K/V (32 MiB) is about the L2's
  // effective size, so the order in which CTAs walk the keys decides how much is read again.
  const w = makeWorkload({ heads: 32, kvHeads: 8, qLen: 65536, headDim: 128, mask: { kind: 'causal' } });
  const dram = (plan: KernelPlan) => {
    const r = new CycleLaunchRunner(h200, plan, w, { l2EffectiveFraction: 0.6, l2SurvivalSpread: 0.5 });
    return plan.launches.map((l) => r.run(l)).reduce((s, o) => s + o.counts.bytes.hbm.read, 0);
  };
  it('walking back from the diagonal (FA2) re-reads more K/V than walking forward: consecutive query tiles meet later', () => {
    const plan = lowerKernel('fa2', w, h200);
    const forward: KernelPlan = { ...plan, launches: plan.launches.map((l) => ({ ...l, keyOrder: 'ascending' })) };
    expect(dram(plan)).toBeGreaterThan(1.5 * dram(forward));
  });

  it('coldLaunches: a combine kernel reads its partials from HBM after a flush, from L2 without one', () => {
    const decode = makeWorkload({ heads: 32, kvHeads: 8, qLen: 1, kvLen: 4096, headDim: 128, phase: 'decode' });
    const plan = lowerKernel('split-kv', decode, h200, { splits: 8 });
    expect(plan.launches.map((l) => l.role)).toEqual(['split-attention', 'combine']);
    const combineRead = (coldLaunches: boolean) => {
      const r = new CycleLaunchRunner(h200, plan, decode, { coldLaunches });
      return plan.launches.map((l) => r.run(l))[1]!.counts.bytes.hbm.read;
    };
    expect(combineRead(false)).toBe(0);
    expectClose(combineRead(true), plan.launches[1]!.compulsoryReadBytes, 1e-9);
  });

  it("FlashAttention-2's combine walks the splits one load at a time: each split adds one L2 round trip", () => {
    // One decode row block (4 query heads of one kv head): one combine CTA, partials still in L2.
    const decode = makeWorkload({ heads: 4, kvHeads: 4, qLen: 1, kvLen: 32768, headDim: 128, phase: 'decode' });
    const busy = (splits: number, serial: boolean) => {
      const plan = lowerKernel('fa2', decode, h200, { splits });
      const combine = plan.launches[1]!;
      expect(combine.role).toBe('combine');
      expect(combine.serialLoadsPerCta).toBe(splits);
      const launches = serial ? plan.launches : [plan.launches[0]!, { ...combine, serialLoadsPerCta: 0 }];
      const r = new CycleLaunchRunner(h200, { ...plan, launches }, decode);
      const out = launches.map((l) => r.run(l))[1]!;
      return out.timing.seconds - out.timing.terms.fixed;
    };
    const l2 = h200.memory.l2.latencySeconds;
    expectClose(busy(16, true) - busy(16, false), 16 * l2, 1e-6);
    expectClose(busy(32, true) - busy(32, false), 32 * l2, 1e-6);
    // cuDNN's reduction kernel reads its partials in parallel.
    expect(lowerKernel('sdpa-cudnn', decode, h200).launches[1]?.serialLoadsPerCta).toBeUndefined();
  });

  it("an L2 left full of an earlier kernel's dirty data (do_bench's memset) costs its write-back in HBM time, not in the call's bytes", () => {
    // Decode over 64K keys streams 128 MiB of K/V, far more than the L2: every seeded dirty line
    // is pushed out, and its write-back shares HBM with the stream.
    const decode = makeWorkload({ heads: 32, kvHeads: 8, qLen: 1, kvLen: 65536, headDim: 128, phase: 'decode' });
    const plan = lowerKernel('split-kv', decode, h200);
    const split = plan.launches[0]!;
    const run = (dirtyL2AtStart: boolean) => new CycleLaunchRunner(h200, plan, decode, { dirtyL2AtStart, l2EffectiveFraction: 0.6 }).run(split);
    const clean = run(false);
    const dirty = run(true);
    expect(dirty.counts.bytes.hbm).toEqual(clean.counts.bytes.hbm);
    const capacity = 0.6 * h200.memory.l2.bytes;
    expectClose(dirty.timing.seconds - clean.timing.seconds, capacity / h200.memory.hbm.bandwidthBytesPerSecond, 0.05);
    // A call that touches less than the L2 pushes out only what it displaces.
    const small = makeWorkload({ heads: 8, qLen: 1, kvLen: 1024, headDim: 128, phase: 'decode' });
    const tiny = lowerKernel('split-kv', small, h200);
    const extra = (dirtyL2AtStart: boolean) => new CycleLaunchRunner(h200, tiny, small, { dirtyL2AtStart }).run(tiny.launches[0]!).timing.seconds;
    expect(extra(true) - extra(false)).toBeLessThan((0.1 * capacity) / h200.memory.hbm.bandwidthBytesPerSecond);
  });

  it("a CTA streaming from HBM alone is held to its in-flight bytes per round trip (Little's law)", () => {
    // Decode of one sequence without split-KV: 32 CTAs, each streams 8 MiB of K/V from HBM.
    const decode = makeWorkload({ heads: 32, qLen: 1, kvLen: 16384, headDim: 128, phase: 'decode' });
    // Without the kernel's per-iteration waits (its pipeline prologues): only the streaming floor.
    const lowered = lowerKernel('sdpa-efficient', decode, h200);
    const launch = { ...lowered.launches[0]!, iterationStallSeconds: 0, tileOverheadSeconds: 0 };
    const plan = { ...lowered, launches: [launch] };
    const inFlight = launch.sharedBytesPerCta - launch.tileQ! * 128 * 2;
    const busy = (roundTrip: number) => {
      const out = new CycleLaunchRunner(h200, plan, decode, { dramRoundTripSeconds: roundTrip }).run(launch);
      return out.timing.seconds - out.timing.terms.fixed;
    };
    const perCta = (2 * 16384 * 128 * 2) / inFlight; // round trips per CTA
    expect(busy(2e-6)).toBeGreaterThanOrEqual(perCta * 2e-6 * (1 - 1e-9));
    // Latency-bound: twice the round trip, twice the time.
    expectClose(busy(4e-6) / busy(2e-6), 2, 0.01);
  });
});

describe('L2Cache and LruDistance', () => {
  it('LruDistance: bytes touched since an access count each block once', () => {
    const lru = new LruDistance();
    const a = lru.touch(1);
    const b = lru.touch(2);
    lru.touch(4);
    const b2 = lru.touch(2);
    lru.release(b, 2); // b touched again: its old position no longer counts
    expect(lru.bytesSince(a)).toBe(6);
    expect(lru.bytesSince(b2)).toBe(0);
  });

  it('L2Cache: a block read again within the capacity hits, beyond it misses', () => {
    const cache = new L2Cache(100);
    const blocks = cache.blocks('kv', 2);
    expect(cache.read(blocks, 0, 40)).toBe(40);
    expect(cache.read(blocks, 1, 40)).toBe(40);
    expect(cache.read(blocks, 0, 40)).toBe(0); // 40 B since: resident
    cache.readOnce(200);
    expect(cache.read(blocks, 1, 40)).toBe(40); // 240 B since: evicted (lines go between 50 and 150 B)
  });

  it('L2Cache: a reader that needs more of a resident chunk fetches only the rest', () => {
    const cache = new L2Cache(100);
    const blocks = cache.blocks('kv', 1);
    expect(cache.read(blocks, 0, 10)).toBe(10);
    expect(cache.read(blocks, 0, 30)).toBe(20);
  });

  it('L2Cache: a window sliding along a chunk fetches only the keys it adds', () => {
    const cache = new L2Cache(1000);
    const blocks = cache.blocks('kv', 1);
    // Key tiles of 10 B: reads of tiles [0, 3), [1, 4), [2, 5) fetch 30, then 10, then 10 B.
    expect([cache.read(blocks, 0, 30, 0, 3, 10), cache.read(blocks, 0, 30, 1, 4, 10), cache.read(blocks, 0, 30, 2, 5, 10)]).toEqual([30, 10, 10]);
  });

  it('L2Cache: a sparse reader of a half-resident chunk hits half of what it reads', () => {
    const cache = new L2Cache(1000);
    const blocks = cache.blocks('kv', 1);
    cache.read(blocks, 0, 50, 0, 5, 10); // tiles [0, 5) of [0, 10) resident
    // 20 B scattered over all 10 tiles: the 5 resident tiles hold half of them.
    expectClose(cache.read(blocks, 0, 20, 0, 10, 10), 10, 1e-12);
  });

  it('L2Cache: lines of a block leave gradually around the capacity', () => {
    expect(survival(50, 100)).toBe(1);
    expect(survival(100, 100)).toBe(0.5);
    expect(survival(150, 100)).toBe(0);
  });

  it("L2Cache: a tile's own dirty data (an accumulator) costs nothing while it stays, a write-back and a re-read once pushed out", () => {
    const cache = new L2Cache(100);
    const own = cache.blocks('own', 1);
    expect(cache.revisit(own, 0, 10)).toEqual({ miss: 0, writtenBack: 0 }); // first touch allocates
    cache.readOnce(20);
    expect(cache.revisit(own, 0, 10)).toEqual({ miss: 0, writtenBack: 0 }); // 20 B since: resident
    cache.readOnce(500);
    expect(cache.revisit(own, 0, 10)).toEqual({ miss: 10, writtenBack: 10 }); // pushed out in between
    // Done with it: still dirty, it is written back once other data pushes it out.
    cache.retire(own, 0);
    const before = cache.writtenBackBytes();
    cache.readOnce(500);
    expect(cache.writtenBackBytes() - before).toBe(10);
  });

  it('L2Cache: data read from both partitions takes more room, and goes sooner', () => {
    expect(roomPerByte(1, 1.5)).toBe(1); // one reader: one SM, one copy
    expect(roomPerByte(2, 1.5)).toBe(1.25); // two SMs: both partitions half the time
    expectClose(roomPerByte(132, 1.5), 1.5, 1e-12);
    // Sharp edge at 100 B: a block survives 60 B of other private data and 30 B streamed, not
    // the same 60 B read by every SM (90 B of room) and 30 B streamed.
    const lostAfter = (room: number) => {
      const cache = new L2Cache(100, 0, 1.5);
      const probe = cache.blocks('probe', 1);
      cache.read(probe, 0, 5);
      cache.read(cache.blocks('other', 1, { room }), 0, 60);
      cache.readOnce(30);
      return cache.read(probe, 0, 5);
    };
    expect([lostAfter(1), lostAfter(roomPerByte(132, 1.5))]).toEqual([0, 5]);
  });

  it('L2Cache: evict-last lines outlast any stream of unhinted data, not other evict-last data', () => {
    const cache = new L2Cache(100, 0);
    const kv = cache.blocks('kv', 2, { evictLast: true });
    const plain = cache.blocks('plain', 1);
    cache.read(kv, 0, 60);
    cache.read(plain, 0, 30);
    cache.readOnce(500); // a query stream (evict-first) and outputs pass through
    cache.write(500);
    expect(cache.read(kv, 0, 60)).toBe(0); // kept: no evict-last data since
    expect(cache.read(plain, 0, 30)).toBe(30); // gone: 1000 B since
    cache.read(kv, 1, 120); // more evict-last data than the capacity
    expect(cache.read(kv, 0, 60)).toBe(60);
  });

  it('L2Cache: writes reach HBM only once pushed out', () => {
    const cache = new L2Cache(100);
    cache.write(50);
    expect(cache.writtenBackBytes()).toBe(0);
    cache.readOnce(100);
    expect(cache.writtenBackBytes()).toBe(50);
  });
});

const workloadArb: fc.Arbitrary<Workload> = fc
  .record({
    batch: fc.integer({ min: 1, max: 4 }),
    kvHeads: fc.constantFrom(1, 2, 8),
    group: fc.constantFrom(1, 4),
    len: fc.constantFrom(1000, 2048, 4096, 8192),
    decode: fc.boolean(),
    headDim: fc.constantFrom(64, 128),
    mask: fc.constantFrom<Mask>({ kind: 'none' }, { kind: 'causal' }, { kind: 'sliding_window', window: 1024 }, { kind: 'block_sparse', blockSize: 128, blockDensity: 0.3 }),
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
      phase: r.decode ? 'decode' : 'prefill',
    }),
  );

describe('cycle engine vs the roofline floor', () => {
  it('cycle on h200: every launch takes at least fixed time + max(compute / SMs, longest CTA, HBM bytes / bandwidth)', () => {
    fc.assert(
      fc.property(workloadArb, fc.constantFrom('fa2', 'fa3', 'split-kv', 'sdpa-cudnn'), (w, kernel) => {
        const plan = withCycleConstants(lowerKernel(kernel, w, h200), cycleKernelConstants(h200.id, kernel));
        const r = simulate({ hardware: h200, workload: w, kernel, engine: 'cycle' });
        plan.launches.forEach((launch, i) => {
          let work = 0;
          let longest = 0;
          for (const cta of launch.work) {
            const t = ctaSeconds(cta, launch, h200).total;
            // Waits (prologue, exposed round trips) do not hold the SM: only the rest is work.
            const waits = (launch.tileOverheadSeconds ?? 0) + cta.iterations * (launch.iterationStallSeconds ?? 0);
            work += cta.count * Math.max(0, t - waits);
            if (cta.count > 0) longest = Math.max(longest, t);
          }
          const l = r.breakdown[i]!;
          const hbm = (l.bytes.hbm.read + l.bytes.hbm.write) / h200.memory.hbm.bandwidthBytesPerSecond;
          const floor = l.boundSeconds.fixed + Math.max(work / h200.compute.sms, longest, hbm);
          expect(l.latencySeconds).toBeGreaterThanOrEqual(floor * (1 - 1e-9));
        });
      }),
      { numRuns: 25 },
    );
  });
});

describe('timelines and traces', () => {
  it('chromeTrace: one thread per SM, a complete event per CTA, HBM and L2 counters', () => {
    const w = makeWorkload({ batch: 1, heads: 8, qLen: 4096, headDim: 128, mask: { kind: 'causal' } });
    const r = simulate({ hardware: h200, workload: w, kernel: 'fa2', engine: 'cycle', timeline: true });
    const trace = chromeTrace(r.timeline!, 'test') as { traceEvents: Array<{ ph: string; name: string; tid?: number }> };
    const threads = trace.traceEvents.filter((e) => e.name === 'thread_name');
    expect(threads.length).toBe(h200.compute.sms + 1);
    expect(trace.traceEvents.filter((e) => e.ph === 'X' && (e.tid ?? 0) > 0).length).toBe(r.breakdown[0]!.ctaCount);
    expect(new Set(trace.traceEvents.filter((e) => e.ph === 'C').map((e) => e.name))).toEqual(new Set(['HBM', 'L2', 'resident CTAs']));
  });

  it('attnsim simulate --engine cycle --trace FILE writes Chrome trace JSON', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'attnsim-')), 'trace.json');
    const out = await runCli(['simulate', '--engine', 'cycle', '--heads', '8', '--q-len', '2048', '--head-dim', '128', '--trace', file]);
    expect(out.code).toBe(0);
    const trace = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: unknown[] };
    expect(trace.traceEvents.length).toBeGreaterThan(h200.compute.sms);
  });

  it('attnsim simulate --trace without --engine cycle is an input error', async () => {
    const out = await runCli(['simulate', '--trace', '/tmp/x.json']);
    expect(out.code).toBe(2);
  });
});
