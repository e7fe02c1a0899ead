import { describe, expect, it } from 'vitest';
import { computeUnits, getDevicePreset, listDevicePresets, registerDeviceKind, summarizeDevice } from '../hardware/device.js';
import { getPreset } from '../hardware/index.js';
import { engineFor, engineIds, registerEngine, simulate } from '../sim/simulate.js';
import { makeWorkload } from '../workloads/workload.js';
import { toyEngine } from './fixtures/toy-device/engine.js';
import { toyKind, TOY_PRESET } from './fixtures/toy-device/kind.js';

// The toy kind and engine are each one folder (tests/fixtures/toy-device/) plus one line here.
registerDeviceKind(toyKind);
registerEngine(toyEngine);

describe('device kinds and engines plug in through their registries', () => {
  it('a registered toy kind lists its preset beside the GPU and dataflow ones, and summarizes', () => {
    const kinds = new Map(listDevicePresets().map((p) => [p.id, p.kind]));
    expect(kinds.get('toy-1')).toBe('toy');
    expect(kinds.get('h200-sxm')).toBe('gpu');
    expect(kinds.get('sn40l-like')).toBe('dataflow');
    expect(summarizeDevice(getDevicePreset('toy-1')).mainMemory.name).toBe('dram');
  });

  it('simulate() runs the toy engine on the toy device by default, with hand-checkable counts and time', () => {
    // 1 × 2 heads × 256 queries × 256 keys, d = 64, bf16 (2 B).
    const w = makeWorkload({ heads: 2, qLen: 256, headDim: 64 });
    const r = simulate({ hardware: TOY_PRESET, workload: w, kernel: 'toy' });
    expect(r.engine).toBe('toy-roofline');
    const pairs = 2 * 256 * 256;
    expect(r.flops.matrix).toBe(2 * 128 * pairs); // 2·(d + dv) per pair = 33.5 MFLOP
    expect(r.bytes.smem.read).toBe(pairs * 128 * 2); // every K and V row per query: 33.5 MB
    expect(r.bytes.hbm).toEqual({ read: 3 * 2 * 256 * 64 * 2, write: 2 * 256 * 64 * 2 });
    // 33.5 MFLOP at 1 TFLOP/s = 33.6 µs; 33.5 MB of SRAM at 1 TB/s = 33.6 µs; DRAM 262 kB at 100 GB/s = 2.6 µs.
    expect(r.latencySeconds).toBeCloseTo(33.554432e-6, 12);
    // Energy: 33.5 µJ of FLOPs + 33.5 µJ of SRAM + 2.6 µJ of DRAM + 1 W × 33.6 µs idle.
    expect(r.energyJoules).toBeCloseTo(33.554432e-6 * 3 + 262144e-11, 12);
    expect(r.utilization.matrix).toBeCloseTo(1, 12);
    // Its two levels, innermost first, with the bytes counted at each.
    expect(r.memory.map((m) => [m.level, m.scope, m.read])).toEqual([
      ['sram', 'unit', pairs * 256],
      ['dram', 'device', 3 * 2 * 256 * 64 * 2],
    ]);
    expect(r.memory[0]!.utilization).toBeCloseTo(1, 12);
  });

  it("every report lists the device's memory levels innermost first: GPU, MI300X (private L2 slices, an LLC no engine counts), dataflow", () => {
    const w = makeWorkload({ heads: 8, qLen: 2048, headDim: 64 });
    const h200 = simulate({ hardware: getDevicePreset('h200-sxm'), workload: w, kernel: 'fa2' });
    expect(h200.memory.map((m) => m.level)).toEqual(['smem', 'l2', 'hbm']);
    expect(h200.memory.map((m) => m.read)).toEqual([h200.bytes.smem.read, h200.bytes.l2.read, h200.bytes.hbm.read]);
    const mi300x = simulate({ hardware: getDevicePreset('mi300x'), workload: w, kernel: 'fa2' });
    expect(mi300x.memory.map((m) => [m.level, m.scope])).toEqual([
      ['smem', 'unit'],
      ['l2', 'slice'],
      ['llc', 'device'],
      ['hbm', 'device'],
    ]);
    expect(mi300x.memory[2]).toMatchObject({ read: null, write: null, utilization: null });
    const sn40l = simulate({ hardware: getDevicePreset('sn40l-like'), workload: w, kernel: 'fa2' });
    expect(sn40l.memory.map((m) => m.level)).toEqual(['onChip', 'hbm', 'ddr']);
    expect(sn40l.memory[1]!.read).toBe(sn40l.bytes.hbm.read); // inputs live in HBM; DDR is not touched
    expect(sn40l.memory[2]!.read).toBe(0);
  });

  it('computeUnits: every kind lists its datapaths with whole-device rates (H200 wgmma bf16 from its spec; SN40L-like 2 FLOPs per MAC)', () => {
    const h200 = getPreset('h200-sxm');
    const wgmma = computeUnits(h200).find((u) => u.path === 'wgmma')!;
    expect(wgmma.ratesPerSecond.bf16).toBe(h200.compute.matrixFlopsPerSecond.wgmma!.bf16);
    expect(wgmma.instances).toBe(132);
    expect(computeUnits(h200).find((u) => u.role === 'exp')!.ratesPerSecond.any).toBe(h200.compute.expPerSecond);
    // 1040 units × 192 MACs per cycle × 1.6 GHz × 2 FLOPs.
    expect(computeUnits(getDevicePreset('sn40l-like')).find((u) => u.role === 'matrix')!.ratesPerSecond.bf16).toBeCloseTo(1040 * 192 * 1.6e9 * 2, 0);
    expect(computeUnits(TOY_PRESET).map((u) => u.ratesPerSecond.bf16)).toEqual([1e12]);
  });

  it('engines refuse devices of kinds they do not run, and the kinds list only their own engines', () => {
    expect(engineIds('toy')).toEqual(['toy-roofline']);
    expect(engineIds('gpu')).toEqual(['analytical', 'cycle']);
    expect(() => engineFor(TOY_PRESET, 'cycle')).toThrow(/the cycle engine runs gpu devices; toy-1 is a toy device \(its engines: toy-roofline\)/);
    expect(() => engineFor(getDevicePreset('h200-sxm'), 'toy-roofline')).toThrow(/runs toy devices; h200-sxm is a gpu device/);
  });

  it('registering a kind or an engine twice is refused', () => {
    expect(() => registerDeviceKind(toyKind)).toThrow(/registered twice/);
    expect(() => registerEngine(toyEngine)).toThrow(/registered twice/);
  });
});
