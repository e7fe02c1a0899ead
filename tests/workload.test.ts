import { describe, expect, it } from 'vitest';
import { getModel, maskForLayer, modelWorkload } from '../workloads/models/index.js';
import { makeWorkload, validateWorkload } from '../workloads/workload.js';

describe('workloads', () => {
  it('modelWorkload: layer L of model M at context C, prefill and decode', () => {
    expect(modelWorkload({ model: 'llama-3.1-8b', context: 32768 })).toMatchObject({ heads: 32, kvHeads: 8, qLen: 32768, kvLen: 32768, headDim: 128, mask: { kind: 'causal' } });
    expect(modelWorkload({ model: 'mistral-7b', layer: 31, context: 8192, phase: 'decode', batch: 4 })).toMatchObject({
      batch: 4,
      qLen: 1,
      kvLen: 8192,
      phase: 'decode',
      mask: { kind: 'sliding_window', window: 4096 },
    });
    expect(() => maskForLayer(getModel('qwen2.5-7b'), 28)).toThrow(/layer: qwen2.5-7b has layers 0..27/);
  });

  it('validateWorkload names the bad field', () => {
    const good = makeWorkload({ heads: 8, qLen: 128, headDim: 64 });
    expect(() => validateWorkload({ ...good, batch: -1 })).toThrow(/^batch: batch must be positive/);
    expect(() => validateWorkload({ ...good, headDim: 0 })).toThrow(/^headDim/);
    expect(() => validateWorkload({ ...good, qLen: 1.5 })).toThrow(/^qLen: qLen must be a whole number/);
    expect(() => validateWorkload({ ...good, kvHeads: 3 })).toThrow(/kvHeads: heads \(8\) must be a multiple of kvHeads \(3\)/);
    expect(() => validateWorkload({ ...good, dtype: 'int3' })).toThrow(/^dtype/);
  });

  it('makeWorkload: MQA, GQA and MHA are the same record with different kvHeads', () => {
    expect(makeWorkload({ heads: 32, kvHeads: 1, qLen: 1, kvLen: 4096, headDim: 128 }).phase).toBe('decode');
    expect(makeWorkload({ heads: 32, qLen: 512, headDim: 128 }).kvHeads).toBe(32);
  });
});
