import { describe, expect, it } from 'vitest';
import { runCompressed } from '../sim/engines/dataflow/compress.js';
import { runPipeline } from '../sim/engines/dataflow/engine.js';
import { NO_WORK, withFifoDepths, type PipelineGraph, type UnitSpec } from '../workloads/pipelines/graph.js';

/** Hand-checkable pipelines: a source, some maps, a sink, joined by FIFOs a → b → ... */
function unit(
  name: string,
  kind: UnitSpec['kind'],
  latency: number,
  ii: number,
  rows: number,
  rowLength: number,
  inputs: string[],
  outputs: string[],
  rates?: { in?: 'rowFirst' | 'rowLast'; out?: 'rowFirst' | 'rowLast' },
): UnitSpec {
  return {
    name,
    kind,
    latencyCycles: latency,
    initiationIntervalCycles: ii,
    rows,
    rowLength,
    work: NO_WORK,
    inputs: inputs.map((fifo) => ({ fifo, rate: rates?.in ?? 'each' })),
    outputs: outputs.map((fifo) => ({ fifo, rate: rates?.out ?? 'each' })),
  };
}

function chain(tokens: number, stages: Array<{ latency: number; ii: number }>, depth = 2): PipelineGraph {
  const units: UnitSpec[] = [];
  const fifos = stages.slice(1).map((_, i) => ({ name: `f${i}`, depth, tokenBytes: 4 }));
  stages.forEach((s, i) => {
    const kind = i === 0 ? 'memory-read' : i === stages.length - 1 ? 'memory-write' : 'map';
    units.push(unit(`u${i}`, kind, s.latency, s.ii, 1, tokens, i > 0 ? [`f${i - 1}`] : [], i < stages.length - 1 ? [`f${i}`] : []));
  });
  return { name: 'chain', units, fifos };
}

describe('runPipeline on hand-checkable chains', () => {
  it('source → map → sink, M tokens at II 1: cycles = Σ latency + (M − 1)', () => {
    const r = runPipeline(
      chain(10, [
        { latency: 2, ii: 1 },
        { latency: 3, ii: 1 },
        { latency: 1, ii: 1 },
      ]),
    );
    expect(r.completed).toBe(true);
    expect(r.cycles).toBe(2 + 3 + 1 + 9);
  });

  it('the slowest II sets the rate: cycles = Σ latency + (M − 1) · II_max', () => {
    const r = runPipeline(
      chain(10, [
        { latency: 1, ii: 1 },
        { latency: 4, ii: 3 },
        { latency: 1, ii: 1 },
      ]),
    );
    expect(r.cycles).toBe(1 + 4 + 1 + 9 * 3);
    const map = r.units.find((u) => u.name === 'u1')!;
    expect(map.busyCycles).toBe(30);
    expect(map.firstFireCycle).toBe(1);
  });

  it('a fractional II fires on the ceilings of a steady schedule (1.5 → cycles 0, 2, 3, 5, 6, ...)', () => {
    const r = runPipeline(
      chain(7, [
        { latency: 1, ii: 1.5 },
        { latency: 1, ii: 1 },
        { latency: 1, ii: 1 },
      ]),
    );
    // Last source firing at ceil(1.5 · 6) = 9, then three latencies of 1.
    expect(r.cycles).toBe(9 + 3);
  });

  it('a FIFO of depth 1 keeps full rate between units that pop what arrives', () => {
    expect(
      runPipeline(
        chain(
          20,
          [
            { latency: 1, ii: 1 },
            { latency: 1, ii: 1 },
            { latency: 1, ii: 1 },
          ],
          1,
        ),
      ).cycles,
    ).toBe(3 + 19);
  });

  it('backpressure: a slow sink holds its FIFO full and the source blocks, without changing the rate', () => {
    const r = runPipeline(
      chain(
        12,
        [
          { latency: 1, ii: 1 },
          { latency: 1, ii: 1 },
          { latency: 1, ii: 4 },
        ],
        2,
      ),
    );
    expect(r.cycles).toBe(3 + 11 * 4);
    expect(r.fifos.find((f) => f.name === 'f1')!.peakOccupancy).toBe(2);
    expect(r.units.find((u) => u.name === 'u1')!.stallCycles).toBeGreaterThan(0);
  });

  it('a row reduction emits once per row and a broadcast operand is taken once per row', () => {
    const units = [unit('src', 'memory-read', 1, 1, 3, 4, [], ['x']), unit('sum', 'reduce', 1, 1, 3, 4, ['x'], ['s'], { out: 'rowLast' }), unit('sink', 'memory-write', 1, 1, 3, 1, ['s'], [])];
    const r = runPipeline({
      name: 'rows',
      units,
      fifos: [
        { name: 'x', depth: 2, tokenBytes: 4 },
        { name: 's', depth: 2, tokenBytes: 4 },
      ],
    });
    expect(r.completed).toBe(true);
    expect(r.fifos.find((f) => f.name === 's')!.pushes).toBe(3);
    // Row r's sum leaves at its last element: source fires 0..11, sum at 1..12, row-last at 4, 8, 12.
    expect(r.rowDoneCycles).toEqual([6, 10, 14]);
    expect(r.cycles).toBe(14);
  });
});

describe('runPipeline deadlock reports', () => {
  // A fork whose one branch waits for a whole row: the classic bypass deadlock in miniature.
  function fork(bypassDepth: number): PipelineGraph {
    const units = [
      unit('src', 'memory-read', 1, 1, 2, 4, [], ['a', 'b']),
      unit('max', 'reduce', 1, 1, 2, 4, ['a'], ['m'], { out: 'rowLast' }),
      {
        ...unit('sub', 'map', 1, 1, 2, 4, ['b', 'm'], ['o']),
        inputs: [
          { fifo: 'b', rate: 'each' as const },
          { fifo: 'm', rate: 'rowFirst' as const },
        ],
      },
      unit('sink', 'memory-write', 1, 1, 2, 4, ['o'], []),
    ];
    const fifos = [
      { name: 'a', depth: 2, tokenBytes: 4 },
      { name: 'b', depth: bypassDepth, tokenBytes: 4, bypass: true },
      { name: 'm', depth: 2, tokenBytes: 4 },
      { name: 'o', depth: 2, tokenBytes: 4 },
    ];
    return { name: 'fork', units, fifos };
  }

  it('names the full FIFOs, the waiting units and the cycle', () => {
    const r = runPipeline(fork(3));
    expect(r.completed).toBe(false);
    const d = r.deadlock!;
    expect(d.fullFifos.map((f) => f.name)).toContain('b');
    expect(d.fullFifos.find((f) => f.name === 'b')).toMatchObject({ occupancy: 3, depth: 3, producer: 'src', consumer: 'sub' });
    expect(d.waiting).toContainEqual(expect.objectContaining({ unit: 'src', waitsOn: 'output', fifos: ['b'] }));
    expect(d.waiting).toContainEqual(expect.objectContaining({ unit: 'max', waitsOn: 'input', fifos: ['a'] }));
    expect(d.waiting).toContainEqual(expect.objectContaining({ unit: 'sub', waitsOn: 'input', fifos: ['m'] }));
    expect(d.cycle).toBeGreaterThan(0);
    expect(d.message).toMatch(/^deadlock at cycle \d+: full FIFOs: .*b \(3\/3\)/);
  });

  it('runs with the bypass one deeper than the row', () => {
    expect(runPipeline(fork(5)).completed).toBe(true);
    expect(runPipeline(fork(4)).completed).toBe(true);
  });
});

describe('runPipeline input checks', () => {
  it.each([
    [(g: PipelineGraph) => ({ ...g, fifos: [...g.fifos, { name: 'f0', depth: 2, tokenBytes: 4 }] }), /FIFO "f0" is declared twice/],
    [(g: PipelineGraph) => withFifoDepths(g, { f0: 0 }), /FIFO depth must be a whole number ≥ 1/],
    [(g: PipelineGraph) => ({ ...g, units: g.units.map((u, i) => (i === 1 ? { ...u, latencyCycles: 0 } : u)) }), /latency must be a whole number of cycles ≥ 1/],
    [(g: PipelineGraph) => ({ ...g, units: g.units.map((u, i) => (i === 0 ? { ...u, rowLength: 9 } : u)) }), /producer writes 9 tokens but consumer reads 4/],
  ])('a malformed pipeline is refused with a message naming the fault', (mutate, pattern) => {
    expect(() =>
      runPipeline(
        mutate(
          chain(4, [
            { latency: 1, ii: 1 },
            { latency: 1, ii: 1 },
            { latency: 1, ii: 1 },
          ]),
        ),
      ),
    ).toThrow(pattern);
  });

  it('withFifoDepths refuses an unknown FIFO', () => {
    expect(() =>
      withFifoDepths(
        chain(4, [
          { latency: 1, ii: 1 },
          { latency: 1, ii: 1 },
        ]),
        { nope: 3 },
      ),
    ).toThrow(/no FIFO "nope"/);
  });
});

describe('runCompressed', () => {
  function rowsPipeline(ii: number) {
    return (rows: number): PipelineGraph => ({
      name: 'rows',
      units: [unit('src', 'memory-read', 3, ii, rows, 5, [], ['x']), unit('sum', 'reduce', 2, 1, rows, 5, ['x'], ['s'], { out: 'rowLast' }), unit('sink', 'memory-write', 1, 1, rows, 1, ['s'], [])],
      fifos: [
        { name: 'x', depth: 2, tokenBytes: 4 },
        { name: 's', depth: 2, tokenBytes: 4 },
      ],
    });
  }

  it.each([1, 1.5, 2.25])('extrapolates a periodic steady state exactly (source II %s)', (ii) => {
    const build = rowsPipeline(ii);
    const full = runPipeline(build(500));
    const compressed = runCompressed(build, 500, { exactRowLimit: 4, prefixRows: 16 });
    expect(compressed.method).toBe('periodic');
    expect(compressed.simulatedRows).toBeLessThan(500);
    expect(compressed.result.cycles).toBe(full.cycles);
    expect(compressed.result.units.map((u) => u.firings)).toEqual(full.units.map((u) => u.firings));
    expect(compressed.result.fifos.map((f) => f.pushes)).toEqual(full.fifos.map((f) => f.pushes));
  });

  it('runs short streams in full', () => {
    expect(runCompressed(rowsPipeline(1), 3).method).toBe('full');
  });
});
