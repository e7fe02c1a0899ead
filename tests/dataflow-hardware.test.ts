import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveDataflowSpec, getDataflowPreset, isDataflowPreset, listDataflowPresets, loadDataflowSpec } from '../hardware/dataflow/index.js';
import { listPresets } from '../hardware/index.js';

function presetFile(id: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../hardware/presets/dataflow/${id}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** Every sourced leaf of a preset file, by dotted path. */
function sourcedLeaves(node: unknown, path = ''): Array<[string, Record<string, unknown>]> {
  if (node === null || typeof node !== 'object') return [];
  if ('value' in node) return [[path, node as Record<string, unknown>]];
  return Object.entries(node).flatMap(([k, v]) => sourcedLeaves(v, path ? `${path}.${k}` : k));
}

describe('dataflow presets', () => {
  it('the three presets load: generic streaming device, SN40L-like RDU, Cerebras-like wafer', () => {
    expect(listDataflowPresets()).toEqual(['sn40l-like', 'streaming-dataflow-generic', 'wafer-mesh-like']);
    for (const id of listDataflowPresets()) expect(getDataflowPreset(id).kind).toBe('dataflow');
  });

  it('dataflow preset ids do not collide with GPU preset ids', () => {
    for (const id of listPresets()) expect(isDataflowPreset(id)).toBe(false);
  });

  it.each(['sn40l-like', 'streaming-dataflow-generic', 'wafer-mesh-like'])('%s: every number is sourced, with a basis, a source and notes', (id) => {
    const leaves = sourcedLeaves(presetFile(id));
    expect(leaves.length).toBeGreaterThan(20);
    const spec = getDataflowPreset(id);
    for (const [path, leaf] of leaves) {
      expect(['datasheet', 'measured', 'derived', 'estimate']).toContain(leaf.basis);
      expect(String(leaf.source).length, path).toBeGreaterThan(10);
      expect(String(leaf.notes).length, path).toBeGreaterThan(5);
      expect(spec.provenance[path], path).toBeDefined();
    }
  });

  it('units are parsed into base units at load', () => {
    const sn = getDataflowPreset('sn40l-like');
    expect(sn.clockHz).toBe(1.6e9);
    expect(sn.memory.onChip.bytes).toBe(520e6);
    expect(sn.memory.dram.hbm!.bandwidthBytesPerSecond).toBe(1.6e12);
    expect(sn.memory.dram.hbm!.latencySeconds).toBeCloseTo(500e-9, 15);
    expect(sn.memory.dram.ddr!.bytes).toBe(1.5e12);
    expect(sn.units.compute.count).toBe(1040);
    const wafer = getDataflowPreset('wafer-mesh-like');
    expect(wafer.memory.dram).toEqual({});
    expect(wafer.memory.inputTier).toBe('onChip');
    const generic = getDataflowPreset('streaming-dataflow-generic');
    expect(generic.units.compute.opLatencyCycles).toBe(1);
    expect(generic.mapping).toEqual({ blockQueries: 1, blockKeys: 1 });
  });

  it('SN40L-like peak follows from its units: 1040 PCUs × 192 MAC × 2 × 1.6 GHz ≈ 638 TFLOP/s', () => {
    const s = getDataflowPreset('sn40l-like');
    const peak = 2 * s.units.compute.count * s.units.compute.macsPerCycle * s.clockHz;
    expect(Math.abs(peak - 638e12) / 638e12).toBeLessThan(0.01);
  });
});

describe('loadDataflowSpec errors', () => {
  const base = () => structuredClone(presetFile('streaming-dataflow-generic'));

  it('a preset must source every number', () => {
    const raw = base();
    (raw as { clockHz: unknown }).clockHz = '1 GHz';
    expect(() => loadDataflowSpec(raw, { requireProvenance: true, origin: 't' })).toThrow(/clockHz: a bare number/);
    expect(loadDataflowSpec(raw, { requireProvenance: false, origin: 't' }).clockHz).toBe(1e9);
  });

  it.each([
    [
      (r: Record<string, unknown>) => {
        (r.memory as Record<string, unknown>).inputTier = 'hbm';
      },
      /memory.inputTier: "hbm" is neither "onChip" nor a DRAM tier/,
    ],
    [
      (r: Record<string, unknown>) => {
        (r.memory as Record<string, unknown>).fifoBudgetBytes = '1 GiB';
      },
      /fifoBudgetBytes: the FIFO budget cannot exceed the on-chip memory/,
    ],
    [
      (r: Record<string, unknown>) => {
        r.clockHz = '1 GB';
      },
      /clockHz: "1 GB" is not in Hz/,
    ],
    [
      (r: Record<string, unknown>) => {
        r.kind = 'gpu';
      },
      /kind/,
    ],
    [
      (r: Record<string, unknown>) => {
        r.bogus = 1;
      },
      /Unrecognized key/,
    ],
  ])('a bad spec is refused with the field named (%#)', (mutate, pattern) => {
    const raw = base();
    mutate(raw);
    expect(() => loadDataflowSpec(raw, { requireProvenance: false, origin: 'bad.json' })).toThrow(pattern);
  });

  it('deriveDataflowSpec replaces numbers without touching the preset', () => {
    const sn = getDataflowPreset('sn40l-like');
    const d = deriveDataflowSpec(sn, { 'memory.dram.hbm.bandwidthBytesPerSecond': '3.2 TB/s', 'units.compute.count': 520 });
    expect(d.memory.dram.hbm!.bandwidthBytesPerSecond).toBe(3.2e12);
    expect(d.units.compute.count).toBe(520);
    expect(sn.memory.dram.hbm!.bandwidthBytesPerSecond).toBe(1.6e12);
    expect(d.provenance['units.compute.count']!.notes).toBe('overridden');
    expect(() => deriveDataflowSpec(sn, { 'memory.nothing': 1 })).toThrow(/no such numeric field/);
  });

  it('an unknown dataflow preset lists the valid ones', () => {
    expect(() => getDataflowPreset('sn99')).toThrow(/unknown dataflow preset "sn99"; valid dataflow presets: sn40l-like, streaming-dataflow-generic, wafer-mesh-like/);
  });
});
