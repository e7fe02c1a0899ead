import { describe, expect, it } from 'vitest';
import { deriveSpec, getPreset, listPresets, loadSpec, parseQuantity, unitForFieldName } from '../hardware/index.js';
import a100 from '../hardware/presets/a100-sxm-80gb.json' with { type: 'json' };
import { toyGpu } from './helpers.js';

describe('parseQuantity', () => {
  it.each([
    ['4.8 TB/s', 'B/s', 4.8e12],
    ['228 KiB', 'B', 228 * 1024],
    ['1.98 GHz', 'Hz', 1.98e9],
    ['15 pJ/B', 'J/B', 15e-12],
    ['989.4 TFLOP/s', 'FLOP/s', 989.4e12],
    ['3.9 Top/s', 'op/s', 3.9e12],
    ['600 ns', 's', 600e-9],
  ] as const)('parseQuantity(%s, %s) = %d', (text, unit, value) => {
    expect(parseQuantity(text, unit, 'f')).toBeCloseTo(value, 6 - Math.floor(Math.log10(value)));
  });

  it('parseQuantity rejects malformed units and wrong dimensions, naming the field', () => {
    expect(() => parseQuantity('4.8 TQ/s', 'B/s', 'memory.hbm.bandwidthBytesPerSecond')).toThrow(/^memory.hbm.bandwidthBytesPerSecond: malformed quantity/);
    expect(() => parseQuantity('4.8 GHz', 'B/s', 'x')).toThrow(/not in B\/s/);
    expect(() => parseQuantity('132 SMs', 'count', 'compute.sms')).toThrow(/compute.sms: expected a plain number/);
  });

  it('unitForFieldName reads the unit from the name', () => {
    expect(unitForFieldName('hbmBandwidthBytesPerSecond')).toBe('B/s');
    expect(unitForFieldName('sharedMemoryBytesPerSm')).toBe('B'); // a scope after the unit: bytes, per SM
    expect(unitForFieldName('maxSharedMemoryBytesPerCta')).toBe('B');
    expect(unitForFieldName('registersPerSm')).toBe('count');
    expect(unitForFieldName('readEnergyJoulesPerByte')).toBe('J/B');
  });
});

describe('presets', () => {
  it('every preset loads, with a non-empty source and a basis for every number', () => {
    expect(listPresets()).toEqual(['a100-sxm-80gb', 'b200', 'h100-sxm', 'h200-sxm', 'l40s', 'mi300x']);
    for (const id of listPresets()) {
      const spec = getPreset(id);
      const paths = Object.keys(spec.provenance);
      expect(paths.length).toBeGreaterThan(30);
      for (const p of Object.values(spec.provenance)) {
        expect(p.source.length).toBeGreaterThan(5);
        expect(['datasheet', 'measured', 'derived', 'estimate']).toContain(p.basis);
      }
    }
  });

  it('a preset with a bare number is refused', () => {
    const raw = structuredClone(a100) as { compute: { sms: unknown } };
    raw.compute.sms = 108;
    expect(() => loadSpec(raw, { requireProvenance: true, origin: 'preset a100' })).toThrow(/compute.sms: a bare number/);
  });

  it('a spec missing a field names it', () => {
    const raw = structuredClone(a100) as { memory: { l2: Record<string, unknown> } };
    delete raw.memory.l2.bytes;
    expect(() => loadSpec(raw, { requireProvenance: true, origin: 'preset a100' })).toThrow(/memory.l2.bytes/);
  });

  it('deriveSpec returns a new spec and leaves the preset alone', () => {
    const h200 = getPreset('h200-sxm');
    const before = h200.memory.hbm.bandwidthBytesPerSecond;
    const faster = deriveSpec(h200, { 'memory.hbm.bandwidthBytesPerSecond': '9.6 TB/s' });
    expect(faster.memory.hbm.bandwidthBytesPerSecond).toBe(9.6e12);
    expect(getPreset('h200-sxm').memory.hbm.bandwidthBytesPerSecond).toBe(before);
    expect(() => deriveSpec(h200, { 'memory.hbm.speed': '1 TB/s' })).toThrow(/no such numeric field/);
  });

  it('the toy fixture loads without provenance (user files may omit it)', () => {
    expect(toyGpu().compute.sms).toBe(4);
  });
});
