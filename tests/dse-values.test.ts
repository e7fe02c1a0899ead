import { describe, expect, it } from 'vitest';
import { expandValues } from '../sim/dse/values.js';
import { expandWorkloads, formatTokens, tokens } from '../sim/dse/workloads.js';

describe('expandValues', () => {
  it('expandValues([64, "228 KiB"]): a list as written, a scalar as a list of one', () => {
    expect(expandValues([64, '228 KiB'], 'p')).toEqual([64, '228 KiB']);
    expect(expandValues(7, 'p')).toEqual([7]);
  });

  it('expandValues({from, to, steps}): linear and log ranges include both ends exactly', () => {
    expect(expandValues({ from: 1, to: 3, steps: 5 }, 'p')).toEqual([1, 1.5, 2, 2.5, 3]);
    const log = expandValues({ from: 1e12, to: 8e12, steps: 4, scale: 'log' }, 'p') as number[];
    expect(log[0]).toBe(1e12);
    expect(log[3]).toBe(8e12);
    expect(log[1]! / log[0]!).toBeCloseTo(2, 12);
    expect(log[2]! / log[1]!).toBeCloseTo(2, 12);
  });

  it('expandValues("2^(10:17)"): ^ is element-wise over a range', () => {
    expect(expandValues('2^(10:17)', 'p')).toEqual([1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072]);
    expect(expandValues('(64:64:256)', 'p')).toEqual([64, 128, 192, 256]);
  });

  it('expandValues("(64:64:192) KiB"): expressions with units give unit strings for the field to parse', () => {
    expect(expandValues('(64:64:192) KiB', 'p')).toEqual(['64 KiB', '128 KiB', '192 KiB']);
  });

  it.each([
    [[], /p: empty range/],
    [{ from: 1, to: 2, steps: 0 }, /p\.steps: empty range: steps is 0/],
    ['1:0', /p: empty range/],
    ['2^(', /p: bad expression "2\^\(": /],
    ['foo(3)', /p: bad expression "foo\(3\)": function foo is not allowed here; functions: round, /],
    ['1/0', /gives Infinity, not a finite number/],
    [{ from: 0, to: 8, steps: 4, scale: 'log' }, /a log range needs from and to above 0/],
    [{ from: 1, to: 8, steps: 4, scale: 'cubic' }, /p\.scale: expected linear or log/],
    [{ from: 1, to: 8, step: 4 }, /p\.step: unknown key in a range/],
    [undefined, /p: missing/],
    [[1, null], /p\[1\]: expected a number or a string/],
  ])('expandValues(%j) fails naming the place', (spec, pattern) => {
    expect(() => expandValues(spec, 'p')).toThrow(pattern);
  });
});

describe('sweep workloads', () => {
  it('tokens("32k") is 32768 and formatTokens gives it back', () => {
    expect(tokens('32k', 'x')).toBe(32768);
    expect(tokens('1M', 'x')).toBe(1048576);
    expect(formatTokens(131072)).toBe('128k');
    expect(formatTokens(1000)).toBe('1000');
  });

  it('expandWorkloads: a model entry expands over phases × contexts × batches, with readable labels', () => {
    const list = expandWorkloads([{ model: 'llama-3.1-8b', phase: ['prefill', 'decode'], contexts: '2^(15:16)', batch: [1, 8] }], 'w');
    expect(list.map((w) => w.label)).toEqual([
      'llama-3.1-8b prefill 32k b1',
      'llama-3.1-8b prefill 32k b8',
      'llama-3.1-8b prefill 64k b1',
      'llama-3.1-8b prefill 64k b8',
      'llama-3.1-8b decode 32k b1',
      'llama-3.1-8b decode 32k b8',
      'llama-3.1-8b decode 64k b1',
      'llama-3.1-8b decode 64k b8',
    ]);
    expect(list[4]!.workload).toMatchObject({ qLen: 1, kvLen: 32768, phase: 'decode', heads: 32, kvHeads: 8 });
  });

  it('expandWorkloads: explicit shapes with a mask string', () => {
    const [w] = expandWorkloads([{ heads: 16, kvHeads: 4, qLen: '4k', headDim: 64, mask: 'window:512' }], 'w');
    expect(w!.label).toBe('h16/kv4 q4k×kv4k d64 window:512 b1 bf16');
    expect(w!.workload.mask).toEqual({ kind: 'sliding_window', window: 512 });
  });

  it.each([
    [[{ model: 'gpt-9', contexts: [1024] }], /w\[0\]\.model: unknown model "gpt-9"/],
    [[{ model: 'llama-3.1-8b' }], /w\[0\]\.contexts: a model call needs its context/],
    [[{ model: 'llama-3.1-8b', contexts: [1024], heads: 3 }], /w\[0\]\.heads: unknown workload key/],
    [[{ heads: 32, kvHeads: 6, qLen: 1024, headDim: 128 }], /w\[0\]\.kvHeads: heads \(32\) must be a multiple of kvHeads \(6\)/],
    [[{ heads: 32, qLen: 1024 }], /w\[0\]\.headDim: is required/],
    [[{ model: 'llama-3.1-8b', contexts: ['32q'] }], /w\[0\]\.contexts: expected a whole number of tokens/],
    [[], /w: expected a non-empty list/],
  ])('expandWorkloads(%j) fails naming the entry', (raw, pattern) => {
    expect(() => expandWorkloads(raw, 'w')).toThrow(pattern);
  });
});
