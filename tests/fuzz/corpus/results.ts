import type { FuzzEntry } from '../entry.js';
import { bad, ok, sweepYaml } from './helpers.js';

/** `attnsim merge`, `pareto` and `sensitivity`: results files good, cut, duplicated, mislabelled and absurd. */

/** Results files that hold no usable answer, each with the reason a reader must refuse it. */
const BROKEN_RESULTS: ReadonlyArray<readonly [file: string, why: string]> = [
  ['{gen}/empty.jsonl', 'an empty file holds no results'],
  ['{gen}/garbage.jsonl', 'binary garbage'],
  ['{gen}/garbage.csv', 'binary garbage as CSV'],
  ['{gen}/deep.jsonl', 'a line nested 100000 deep'],
  ['{gen}/results-header-only.csv', 'a header and no rows'],
  ['{gen}/results-wrong-header.csv', 'a header without index or latencySeconds: not sweep results'],
  ['{gen}/results-dup.jsonl', 'point 2 twice, with two latencies'],
  ['{gen}/results-dup-same.csv', 'point 2 twice: design totals would count it twice'],
  ['{gen}/results-mid-garbage.jsonl', 'a broken line in the middle (only the last line may be cut off by a kill)'],
  ['{gen}/results-infinite.jsonl', 'a latency of 1e999, which JSON.parse reads as Infinity'],
  ['{gen}/results-negative.jsonl', 'a negative latency'],
  ['{gen}/results-string-number.jsonl', 'a latency of "fast"'],
  ['{gen}/results-index-fraction.jsonl', 'point 4.5'],
  ['{gen}/results-no-index.jsonl', 'rows without their point index'],
  ['{gen}/results-array.jsonl', 'JSON arrays, not rows'],
];

/** A path a file cannot be written to, and why. */
const UNWRITABLE: ReadonlyArray<readonly [path: string, why: string]> = [
  ['/proc/x.csv', '/proc cannot hold a file'],
  ['nodir/x.csv', 'no such directory'],
  ['{gen}/a-directory.jsonl', 'a directory'],
];

/** The broken files a command is given: pareto reads them all; merge and sensitivity share its reader, so a few each. */
const brokenFor = (names: readonly string[]) => BROKEN_RESULTS.filter(([file]) => names.some((n) => file.endsWith(n)));

const fileField = (file: string) => new RegExp(file.split('/').at(-1)!.replace(/\./g, '\\.'));

const merge: FuzzEntry[] = [
  ok('merge -o out.jsonl {gen}/shard-a.jsonl {gen}/shard-b.jsonl', 'two shards', { outputs: ['out.jsonl'] }),
  ok('merge -o out.csv --sweep {fx}/tiny.yaml {gen}/shard-b.jsonl {gen}/shard-a.jsonl', 'two shards in any order, checked against the sweep, as CSV', { outputs: ['out.csv'] }),
  ok('merge -o out.jsonl {gen}/results.jsonl {gen}/shard-a.jsonl', 'points that appear twice, the same both times', { outputs: ['out.jsonl'] }),
  ok('merge -o out.jsonl --sweep {fx}/tiny.yaml --allow-partial {gen}/shard-a.jsonl', 'half the points, allowed', { outputs: ['out.jsonl'] }),
  ...brokenFor(['empty.jsonl', 'garbage.csv', 'results-dup.jsonl', 'results-mid-garbage.jsonl', 'results-index-fraction.jsonl', 'results-no-index.jsonl']).map(([file, why]) =>
    bad(`merge -o out.jsonl ${file}`, fileField(file), why),
  ),
  bad('merge -o out.jsonl {gen}/results-truncated.jsonl', /results-truncated\.jsonl/, 'a cut-off last line: the run did not finish'),
  bad('merge -o out.jsonl {gen}/results.jsonl {gen}/results-dup.jsonl', /results-dup\.jsonl/, 'point 2 differs between the files'),
  bad('merge -o out.jsonl {gen}/results.jsonl {gen}/results-wrong-header.csv', /results-wrong-header\.csv/, 'columns of another sweep'),
  bad('merge -o out.jsonl --sweep {fx}/tiny.yaml {gen}/shard-a.jsonl', '--sweep', 'half the points are missing'),
  bad('merge -o out.jsonl --sweep {fx}/tiny-set.yaml {gen}/shard-a.jsonl {gen}/shard-b.jsonl', '--sweep', 'rows computed without the power cap the sweep file sets'),
  bad('merge -o out.jsonl --sweep missing.yaml {gen}/results.jsonl', /--sweep|missing\.yaml/, 'no such sweep file'),
  bad('merge -o out.jsonl missing.jsonl', /missing\.jsonl/, 'no such input'),
  bad('merge {gen}/results.jsonl', /--output/, 'no output named'),
  bad('merge -o out.jsonl', /inputs/, 'no inputs'),
  bad('merge -o out.txt {gen}/results.jsonl', '--output', 'results are .jsonl or .csv'),
  ...UNWRITABLE.slice(0, 2).map(([path, why]) => bad(`merge -o ${path.replace('.csv', '.jsonl')} {gen}/results.jsonl`, '--output', why)),
  bad('merge -o out.jsonl {gen}/results-dup.jsonl', /results-dup\.jsonl/, 'a refused merge leaves the old output as it was', { files: { 'out.jsonl': 'the previous merge\n' } }),
];

const pareto: FuzzEntry[] = [
  ok('pareto {gen}/results.jsonl', 'the front of the tiny sweep'),
  ok('pareto {gen}/results.jsonl --objectives latency,energy,cost --per-point', 'three objectives, per point'),
  ok('pareto {gen}/results.jsonl --csv -', 'CSV on stdout'),
  ok('pareto {gen}/results.jsonl --csv front.csv', 'CSV to a file', { outputs: ['front.csv'] }),
  ok('pareto {gen}/results-bom.csv', 'a byte-order mark before the header, as spreadsheets write'),
  ok('pareto {gen}/results-crlf.csv', 'CRLF line ends'),
  ok('pareto {gen}/long.jsonl', '100000 designs: the front within the bounds'),
  ...BROKEN_RESULTS.map(([file, why]) => bad(`pareto ${file}`, fileField(file), why)),
  bad('pareto {gen}/results-truncated.jsonl', /results-truncated\.jsonl/, 'a cut-off last line: the sweep was killed or still runs, so its totals are partial'),
  bad('pareto {gen}/results-all-infeasible.jsonl', /results-all-infeasible\.jsonl/, 'no design runs every workload'),
  bad('pareto missing.jsonl', /missing\.jsonl/, 'no such file'),
  bad('pareto /dev/zero', /dev\/zero/, 'an endless file'),
  bad('pareto {fx}/tiny.yaml', /tiny\.yaml/, 'a sweep file is not results'),
  bad('pareto {gen}/results.jsonl --objectives latency', '--objectives', 'a front needs two or three objectives'),
  bad('pareto {gen}/results.jsonl --objectives latency,energy,cost,area', '--objectives', 'four objectives'),
  bad('pareto {gen}/results.jsonl --objectives speed,energy', '--objectives', 'an unknown objective'),
  bad('pareto {gen}/results.jsonl --objectives latency,area', '--objectives', 'the results hold no area column'),
  ...UNWRITABLE.map(([path, why]) => bad(`pareto {gen}/results.jsonl --csv ${path}`, '--csv', why)),
  bad('pareto', /results/, 'no results file'),
];

const sensitivity: FuzzEntry[] = [
  ok('sensitivity {fx}/tiny.yaml', 'one at a time around the H100'),
  ok('sensitivity {fx}/tiny.yaml --objectives latency --csv -', 'one objective, CSV on stdout'),
  ok('sensitivity {gen}/results.jsonl', 'across the tiny sweep'),
  ok('sensitivity {gen}/results.csv --objectives latency --per-point', 'per point, from CSV'),
  ok('sensitivity {gen}/results.jsonl --csv table.csv', 'the table to a file', { outputs: ['table.csv'] }),
  ...brokenFor(['garbage.jsonl', 'results-wrong-header.csv', 'results-dup.jsonl', 'results-infinite.jsonl', 'results-negative.jsonl', 'results-string-number.jsonl']).map(([file, why]) =>
    bad(`sensitivity ${file}`, fileField(file), why),
  ),
  bad('sensitivity {gen}/results-one-design.jsonl', /results-one-design\.jsonl/, 'one design: nothing to compare'),
  bad('sensitivity missing.yaml', /missing\.yaml/, 'no such sweep file'),
  bad('sensitivity missing.jsonl', /missing\.jsonl/, 'no such results file'),
  bad('sensitivity {gen}/empty.yaml', /empty\.yaml|^sweep\b/, 'an empty sweep file'),
  bad('sensitivity s.yaml', /parameters/, 'a sweep that varies nothing', { files: { 's.yaml': sweepYaml({ parameters: [] }) } }),
  bad('sensitivity s.yaml', /^sweep\b|s\.yaml/, 'the alias bomb, as a sensitivity input', {
    files: {
      's.yaml':
        'a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nname: *g\n',
    },
  }),
  bad('sensitivity r.txt', /r\.txt|^sweep\b/, 'results under a .txt name are read as a sweep file and refused', { files: { 'r.txt': '{"index":0}\n' } }),
  bad('sensitivity {gen}/results.jsonl --objectives speed', '--objectives', 'an unknown objective'),
  ...UNWRITABLE.slice(0, 1).map(([path, why]) => bad(`sensitivity {gen}/results.jsonl --csv ${path}`, '--csv', why)),
];

export const RESULTS: FuzzEntry[] = [...merge, ...pareto, ...sensitivity];
