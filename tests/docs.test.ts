import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareOutput, describeMismatch, docFiles, linesMatch, loadDoc, parseDoc, runDocExamples, showsCrash, unmarkedBlocks, updateDoc, type ExampleResult } from './docs-examples.js';

/**
 * The docs cannot drift: every shell example in README.md and docs/*.md runs against the built
 * CLI (`npm test` builds first) and must print what the doc shows (tests/docs-examples.ts says
 * how). After a behaviour change, `npm run docs:update` rewrites the outputs from real runs.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A whole doc's examples, run one after another; a hang guard, not a speed requirement. */
const DOC_HANG_GUARD_MS = 900_000;
/** How many of a doc's slowest examples the test prints, to see where its time goes. */
const SLOWEST_SHOWN = 3;

describe('docs examples checker', () => {
  const doc = [
    'Prose.',
    '',
    '```',
    '$ attnsim models',
    'id    name',
    'a     A',
    '',
    '$ cmp a b && echo IDENTICAL',
    'IDENTICAL',
    '```',
    '',
    '<!-- not checked: starts a server -->',
    '```',
    '$ attnsim viz',
    'serving',
    '```',
    '',
    '```',
    '$ node dist/bench/run.js',
    '```',
    '```sh',
    'npm install   # no prompt: not an example',
    '```',
  ].join('\n');

  it('parseDoc: finds each $ line, its output up to the next $ line, and the not-checked marker', () => {
    const blocks = parseDoc('x.md', doc);
    expect(blocks.map((b) => [b.line, b.examples.length, b.notChecked])).toEqual([
      [3, 2, undefined],
      [13, 1, 'starts a server'],
      [18, 1, undefined],
    ]);
    const [models, cmp] = blocks[0]!.examples;
    expect(models).toMatchObject({ line: 4, command: 'attnsim models', expected: ['id    name', 'a     A'], outputStart: 4, outputEnd: 6 });
    expect(cmp).toMatchObject({ line: 8, command: 'cmp a b && echo IDENTICAL', expected: ['IDENTICAL'] });
  });

  it('unmarkedBlocks: a block of commands that never run attnsim needs a marker', () => {
    expect(unmarkedBlocks(parseDoc('x.md', doc)).map((b) => b.line)).toEqual([18]);
  });

  it('linesMatch: numbers within 0.5% or one unit of their last printed place, spaces collapsed', () => {
    expect(linesMatch('latency   26.34 ms', 'latency 26.40 ms  ')).toBe(true);
    expect(linesMatch('latency 26.34 ms', 'latency 26.50 ms')).toBe(false);
    expect(linesMatch('ratio 0.79×', 'ratio 0.80×')).toBe(true);
    expect(linesMatch('ratio 0.79×', 'ratio 0.81×')).toBe(false);
    expect(linesMatch('11 of 135 designs', '8 of 135 designs')).toBe(false);
    expect(linesMatch('latency 985.1 µs', 'latency 1.001 ms')).toBe(false);
    expect(linesMatch('fa2 on h100-sxm', 'fa3 on h100-sxm')).toBe(false);
  });

  it("linesMatch: a sweep's wall time, rate and thread count are not compared", () => {
    expect(
      linesMatch('computed 180 (46 infeasible) in 0.43 s, 423 points/s, in-process; 0 already in the file', 'computed 180 (46 infeasible) in 1.97 s, 91 points/s, 2 threads; 0 already in the file'),
    ).toBe(true);
    expect(linesMatch('computed 180 (46 infeasible) in 0.43 s, 423 points/s, in-process', 'computed 180 (45 infeasible) in 0.43 s, 423 points/s, in-process')).toBe(false);
  });

  it('compareOutput: the first differing line, and missing or extra lines', () => {
    expect(compareOutput(['a 1', 'b 2'], ['a 1', 'b 2'])).toBeUndefined();
    expect(compareOutput(['a 1', 'b 2'], ['a 1', 'b 3'])).toEqual({ expectedLine: 2, expected: 'b 2', actual: 'b 3' });
    expect(compareOutput(['a 1'], ['a 1', 'extra'])).toEqual({ expectedLine: 2, expected: undefined, actual: 'extra' });
    expect(compareOutput(['a 1', 'b 2'], ['a 1'])).toEqual({ expectedLine: 2, expected: 'b 2', actual: undefined });
  });

  it('compareOutput: an ellipsis line stands for any lines, in the middle or at the end', () => {
    const actual = ['head', 'x', 'y', 'mid', 'z', 'tail'];
    expect(compareOutput(['head', '...', 'tail'], actual)).toBeUndefined();
    expect(compareOutput(['head', '...', 'mid', '…', 'tail'], actual)).toBeUndefined();
    expect(compareOutput(['head', 'x', '...'], actual)).toBeUndefined();
    expect(compareOutput(['...', 'z', 'tail'], actual)).toBeUndefined();
    expect(compareOutput(['head', '...', 'gone', '...'], actual)).toMatchObject({ expectedLine: 3, expected: 'gone' });
    expect(compareOutput(['head', '...', 'x'], actual)).toMatchObject({ expectedLine: 3, expected: 'x', actual: 'tail' });
    // The head and the tail may not claim the same line.
    expect(compareOutput(['a', '...', 'a'], ['a'])).toBeDefined();
  });

  it('updateDoc: rewrites outputs, keeps commands, prose and ellipses', () => {
    const text = ['```', '$ attnsim x', 'n 1', '...', 'end 5', '', '$ attnsim y', 'old', '```', 'prose'].join('\n');
    const [block] = parseDoc('x.md', text);
    const [x, y] = block!.examples;
    const results: ExampleResult[] = [
      { example: x!, actual: ['n 2', 'more', 'end 6'], seconds: 0, mismatch: { expectedLine: 1, expected: 'n 1', actual: 'n 2' } },
      { example: y!, actual: ['new', 'lines'], seconds: 0, mismatch: { expectedLine: 1, expected: 'old', actual: 'new' } },
    ];
    const { text: updated, unplaced } = updateDoc(text, results);
    expect(unplaced).toEqual([]);
    expect(updated.split('\n')).toEqual(['```', '$ attnsim x', 'n 2', '...', 'end 6', '', '$ attnsim y', 'new', 'lines', '```', 'prose']);
  });

  it('showsCrash: the CLI reporting a bug, or a stack frame', () => {
    expect(showsCrash(['attnsim: internal error: TypeError: x is undefined (a bug; ATTNSIM_DEBUG=1 prints the stack)'])).toBe(true);
    expect(showsCrash(['Error: boom', '    at main (file:///repo/dist/sim/cli/main.js:10:5)'])).toBe(true);
    expect(showsCrash(['attnsim: error: --out: no such file or directory'])).toBe(false);
  });
});

describe('docs examples', () => {
  for (const doc of docFiles(repoRoot)) {
    it(
      `${doc}: every shell example prints what the doc shows`,
      () => {
        const { blocks } = loadDoc(repoRoot, doc);
        const problems = unmarkedBlocks(blocks).map((b) => `${doc}:${b.line}: a block of commands that run no attnsim command needs <!-- not checked: REASON -->`);
        const results = runDocExamples(repoRoot, blocks);
        problems.push(...results.filter((r) => r.mismatch).map(describeMismatch));
        const skipped = blocks.filter((b) => b.notChecked !== undefined);
        const seconds = results.reduce((s, r) => s + r.seconds, 0);
        const slowest = [...results].sort((x, y) => y.seconds - x.seconds).slice(0, SLOWEST_SHOWN);
        console.info(
          [
            `${doc}: ${results.length} examples in ${seconds.toFixed(1)} s; ${skipped.length} blocks not checked`,
            ...skipped.map((b) => `  not checked, line ${b.line}: ${b.notChecked}`),
            ...slowest.map((r) => `  ${r.seconds.toFixed(1)} s, line ${r.example.line}: $ ${r.example.command}`),
          ].join('\n'),
        );
        if (problems.length > 0) expect.fail(`${problems.join('\n')}\n(after a deliberate change in behaviour: npm run docs:update, then read the diff)`);
      },
      DOC_HANG_GUARD_MS,
    );
  }
});
