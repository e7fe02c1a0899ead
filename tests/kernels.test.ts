import { describe, expect, it } from 'vitest';
import { deriveSpec, getPreset } from '../hardware/index.js';
import { countLaunch } from '../sim/engines/analytical.js';
import { lowerKernel } from '../sim/kernels/index.js';
import { totalOf } from '../sim/kernels/plan.js';
import { splitHeuristic } from '../sim/kernels/split-kv.js';
import { makeWorkload } from '../workloads/workload.js';
import { expectClose, toyGpu } from './helpers.js';

describe('lowerKernel(naive)', () => {
  it('naive on toy-gpu: HBM bytes are exactly Q, K, S, S, P, P, V, O per head', () => {
    const w = makeWorkload({ batch: 1, heads: 2, qLen: 256, headDim: 64 });
    const plan = lowerKernel('naive', w, toyGpu());
    const counts = plan.launches.map((l) => countLaunch(l, toyGpu()));
    const read = counts.reduce((a, c) => a + c.bytes.hbm.read, 0);
    const write = counts.reduce((a, c) => a + c.bytes.hbm.write, 0);
    const qkv = 256 * 64 * 2; // one head's Q (or K, V, O) in bf16
    const scores = 256 * 256 * 2;
    expect(read).toBe(2 * (qkv /* Q */ + qkv /* K */ + scores /* S */ + scores /* P */ + qkv) /* V */);
    expect(write).toBe(2 * (scores /* S */ + scores /* P */ + qkv) /* O */);
    expect(plan.launches.map((l) => l.name)).toEqual(['gemm_qk', 'softmax', 'gemm_pv']);
  });
});

describe('lowerKernel(fa2)', () => {
  it('fa2 on toy-gpu: K and V are read once per query tile', () => {
    const w = makeWorkload({ batch: 1, heads: 1, qLen: 512, headDim: 64 });
    const [launch] = lowerKernel('fa2', w, toyGpu()).launches;
    expect([launch!.tileQ, launch!.tileK, launch!.ctaCount]).toEqual([128, 128, 4]);
    const kv = 512 * (64 + 64) * 2;
    const qTile = 128 * 64 * 2;
    expect(totalOf(launch!.work, 'globalReadBytes')).toBe(4 * (kv + qTile));
    // Everything fits the toy's 1 MiB L2, so HBM sees each input once.
    expect(countLaunch(launch!, toyGpu()).bytes.hbm.read).toBe(512 * 64 * 2 + kv);
  });

  it('fa2 causal: query tile t visits t + 1 key tiles, the diagonal one partial', () => {
    const w = makeWorkload({ batch: 1, heads: 1, qLen: 512, headDim: 64, mask: { kind: 'causal' } });
    const plan = lowerKernel('fa2', w, toyGpu());
    const launch = plan.launches[0]!;
    expect(totalOf(launch.work, 'iterations')).toBe(1 + 2 + 3 + 4);
    expect(plan.coverage!.partialTiles).toBe(4);
    expect(totalOf(launch.work, 'matrixFlops')).toBe(2 * 128 * (10 * 128) * (64 + 64));
  });

  it('fa2 on h200-sxm picks the tiles of the H200 launch records: 128×64 at d=128, 128×128 at d=64, 64×64 at d=256', () => {
    const h200 = getPreset('h200-sxm');
    const d128 = lowerKernel('fa2', makeWorkload({ heads: 32, qLen: 8192, headDim: 128 }), h200).launches[0]!;
    expect([d128.tileQ, d128.tileK, d128.threadsPerCta, d128.matrixPath]).toEqual([128, 64, 128, 'mma_sync']);
    expect(d128.sharedBytesPerCta).toBe(65536);
    const d64 = lowerKernel('fa2', makeWorkload({ heads: 8, qLen: 8192, headDim: 64 }), h200).launches[0]!;
    expect([d64.tileQ, d64.tileK, d64.sharedBytesPerCta]).toEqual([128, 128, 49152]);
    const d256 = lowerKernel('fa2', makeWorkload({ batch: 2, heads: 8, qLen: 8192, headDim: 256 }), h200).launches[0]!;
    expect([d256.tileQ, d256.tileK, d256.threadsPerCta, d256.sharedBytesPerCta, d256.ctaCount]).toEqual([64, 64, 128, 98304, 2048]);
  });

  it('fa2 falls back to smaller tiles when shared memory is short, and refuses when nothing fits', () => {
    const small = deriveSpec(toyGpu(), { 'compute.maxSharedMemoryBytesPerCta': '48 KiB' });
    const launch = lowerKernel('fa2', makeWorkload({ heads: 1, qLen: 1024, headDim: 128 }), small).launches[0]!;
    expect([launch.tileQ, launch.tileK]).toEqual([64, 64]);
    const tiny = deriveSpec(toyGpu(), { 'compute.maxSharedMemoryBytesPerCta': '16 KiB' });
    expect(() => lowerKernel('fa2', makeWorkload({ heads: 1, qLen: 1024, headDim: 256 }), tiny)).toThrow(/headDim: no FlashAttention-2 tile/);
    expect(() => lowerKernel('fa2', makeWorkload({ heads: 1, qLen: 1024, headDim: 512 }), toyGpu())).toThrow(/up to 256/);
  });

  it('fa2 decode on h200-sxm: Llama-3.1-8B at 128K splits the KV range and combines', () => {
    const w = makeWorkload({ heads: 32, kvHeads: 8, qLen: 1, kvLen: 131072, headDim: 128, phase: 'decode' });
    const plan = lowerKernel('fa2', w, getPreset('h200-sxm'));
    expect(plan.launches.map((l) => l.name)).toEqual(['flash_fwd_splitkv_kernel', 'flash_fwd_splitkv_kernel_combine']);
    // 8 (batch × kv heads) units over 2 × 132 CTA slots, 1024 key blocks of 128: 28 splits give
    // 224 CTAs (0.85 of the slots), the fewest within 85% of the best eligible wave efficiency.
    expect(plan.launches[0]!.ctaCount).toBe(8 * 28);
    // The GQA group's 4 query heads share one tile, so K/V are read once per kv head;
    // each of the 28 splits reads the group's queries again.
    const kvBytes = 8 * 131072 * 256 * 2;
    expect(totalOf(plan.launches[0]!.work, 'globalReadBytes')).toBe(kvBytes + 28 * 32 * 128 * 2);
  });

  it('fa2 decode matches the H200 launch record: 8 kv heads over 4K keys → 256 split CTAs of 128 threads, 80 KiB', () => {
    // validation/data/h200-sxm (ncu): flash_fwd_splitkv_kernel grid 256, block 128, 81920 B shared.
    const w = makeWorkload({ heads: 32, kvHeads: 8, qLen: 1, kvLen: 4096, headDim: 128, phase: 'decode' });
    const [split] = lowerKernel('fa2', w, getPreset('h200-sxm')).launches;
    expect([split!.ctaCount, split!.threadsPerCta, split!.sharedBytesPerCta]).toEqual([256, 128, 81920]);
  });
});

describe('splitHeuristic', () => {
  it('splitHeuristic: no split once the units nearly fill the SMs', () => {
    expect(splitHeuristic(212, 264, 1024)).toBe(1);
    expect(splitHeuristic(8, 132, 1024)).toBe(14);
    expect(splitHeuristic(8, 264, 32)).toBe(32);
    expect(splitHeuristic(1, 132, 4)).toBe(4); // never more splits than key blocks
  });
});

describe('lowerKernel(fa3)', () => {
  it('fa3 needs wgmma: refused on a100-sxm-80gb, persistent on h200-sxm', () => {
    const w = makeWorkload({ heads: 32, qLen: 8192, headDim: 128, mask: { kind: 'causal' } });
    expect(() => lowerKernel('fa3', w, getPreset('a100-sxm-80gb'))).toThrow(/kernel: fa3 needs Hopper's wgmma/);
    const launch = lowerKernel('fa3', w, getPreset('h200-sxm')).launches[0]!;
    expect(launch.persistent).toBe(true);
    expect(launch.ctaCount).toBe(132);
    expect([launch.tileQ, launch.tileK]).toEqual([128, 128]);
  });

  it('unknown kernels list the valid ones', () => {
    expect(() => lowerKernel('fa9', makeWorkload({ heads: 1, qLen: 64, headDim: 64 }), toyGpu())).toThrow(/valid kernels: naive, fa2, fa3, split-kv/);
  });
});

describe('kernel profiles against the shipped launch records', () => {
  it('sdpa-cudnn decode: the grid and the number of launches of every shipped case (no split below 1024 keys, one split per key tile at most)', async () => {
    const { loadCaseFiles } = await import('../sim/cli/commands/validate.js');
    const { shippedDataFiles } = await import('../sim/validate/node/data-files.js');
    const { processIo } = await import('../sim/cli/io.js');
    const { getProfile } = await import('../sim/kernels/profiles/index.js');
    const { validateWorkload } = await import('../workloads/workload.js');
    const h200 = getPreset('h200-sxm');
    const decode = loadCaseFiles(shippedDataFiles(), processIo).cases.filter((c) => c.kernel === 'sdpa-cudnn' && c.phase === 'decode' && c.launch);
    expect(decode.length).toBeGreaterThanOrEqual(20);
    for (const c of decode) {
      const w = validateWorkload({ ...c.workload, mask: { kind: 'none' }, phase: 'decode' });
      const plan = getProfile('sdpa-cudnn')!.lower(w, h200);
      expect([plan.launches.length, plan.launches[0]!.ctaCount], c.id).toEqual([c.launch!.length, c.launch![0]!.grid]);
    }
  });
});

describe('sdpa-flash: FlashAttention-2 spills', () => {
  it('the spill stores per iteration are what the probe measured: SM-to-L2 writes beyond the output, over the main-loop iterations (raw/spill-writes-probe)', async () => {
    const { readFileSync } = await import('node:fs');
    const { FA2_SPILL_STORE_BYTES_PER_ITERATION } = await import('../sim/kernels/profiles/flash.js');
    const rows = readFileSync(new URL('../validation/data/h200-sxm/raw/spill-writes-probe/p/probe.csv', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split('","').map((cell) => cell.replace(/^"|"$/g, '')));
    const [header] = rows;
    const col = (name: string) => header!.indexOf(name);
    const number = (cell: string) => Number(cell.replace(/,/g, ''));
    // The probe's 8K causal d = 128 case (32 heads over 8 kv heads) is the one flash_fwd_kernel with 2048 CTAs.
    const row = rows.slice(2).find((r) => r[col('Kernel Name')]!.startsWith('flash_fwd_kernel') && number(r[col('launch__grid_size')]!) === 2048)!;
    const smWrites = 32 * number(row[col('lts__t_sectors_srcunit_tex_op_write.sum')]!);
    const h200 = getPreset('h200-sxm');
    const w = makeWorkload({ heads: 32, kvHeads: 8, qLen: 8192, headDim: 128, mask: { kind: 'causal' } });
    const launch = lowerKernel('fa2', w, h200).launches[0]!;
    const iterations = launch.work.reduce((s, c) => s + c.count * c.iterations, 0);
    const perIteration = (smWrites - launch.compulsoryWriteBytes) / iterations;
    expect(Math.abs(perIteration - FA2_SPILL_STORE_BYTES_PER_ITERATION)).toBeLessThan(1);
    // The profile adds them to the main loop's writes, and makes them the CTA's revisited footprint.
    const { getProfile } = await import('../sim/kernels/profiles/index.js');
    const profiled = getProfile('sdpa-flash', { calibrated: false })!.lower(w, h200).launches[0]!;
    const writes = profiled.work.reduce((s, c) => s + c.count * c.globalWriteBytes, 0);
    expect(writes - launch.compulsoryWriteBytes).toBe(iterations * FA2_SPILL_STORE_BYTES_PER_ITERATION);
    expect(profiled.revisitBytesPerTile).toBe(FA2_SPILL_STORE_BYTES_PER_ITERATION);
  });
});

describe("the block scheduler's CTA start rate (launch.ctaDispatchSeconds)", () => {
  it("is what FlashAttention-2's combine kernel shows on two calibration cases: the time 2046 more CTAs add beyond their bytes", async () => {
    const { readFileSync } = await import('node:fs');
    const { isCalibrationCase } = await import('../sim/validate/stats.js');
    const records = readFileSync(new URL('../validation/data/h200-sxm/raw/ncu-kernels.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; kernels: Array<{ name: string; grid: number; durationNs: number; dramReadBytes: number }> });
    const combineOf = (id: string) => {
      expect(isCalibrationCase(id)).toBe(true);
      return records.find((r) => r.id === id)!.kernels.find((k) => k.name.includes('combine'))!;
    };
    // Both merge 2 splits per row: decode over 256 keys (2 CTAs) and a 1K prefill (2048 CTAs).
    const few = combineOf('sdpa-flash/b1-h8-kv8-q1-k256-d128/none');
    const many = combineOf('sdpa-flash/b1-h8-kv8-q1024-k1024-d128/none');
    const h200 = getPreset('h200-sxm');
    const streaming = many.dramReadBytes / h200.memory.hbm.bandwidthBytesPerSecond;
    const perCta = ((many.durationNs - few.durationNs) * 1e-9 - streaming) / (many.grid - few.grid);
    expectClose(perCta, h200.launch.ctaDispatchSeconds!, 0.05);
  });
});
