import { relative } from 'node:path';
import type { Command } from 'commander';
import { chromeTrace } from '../../engines/gpu-cycle/index.js';
import { InputError } from '../../../hardware/errors.js';
import { listEngines, type GpuEngineId } from '../../simulate.js';
import type { FormatError } from '../../jsonl.js';
import { parseCases, type MeasuredCase } from '../../validate/format.js';
import { METRICS, type CaseResult } from '../../validate/case-result.js';
import { validateCases, type MetricSummary, type OrderingSummary, type ValidationResult } from '../../validate/run.js';
import { formatBytes, formatJoules, formatSeconds, table } from '../../render/format.js';
import type { CliIo } from '../io.js';
import { writeTextFile } from '../../node/files.js';
import { shippedDataFiles, shippedRepeatFiles } from '../../validate/node/data-files.js';
import { readInputFile } from './user-files.js';
import { getPreset } from '../../../hardware/index.js';
import { validateWorkload } from '../../../workloads/workload.js';
import { getProfile } from '../../kernels/profiles/index.js';
import { simulatePlan } from '../../simulate.js';

/** Engines whose predictions the shipped measurements score. */
const VALIDATED_ENGINES = (): string[] =>
  listEngines()
    .filter((e) => e.validates)
    .map((e) => e.id);
import { caseMask } from '../../validate/format.js';

export function loadCaseFiles(files: readonly string[], io: CliIo, option = '--data'): { cases: MeasuredCase[]; errors: FormatError[] } {
  const cases: MeasuredCase[] = [];
  const errors: FormatError[] = [];
  for (const file of files) {
    const text = readInputFile(file, option, io);
    const parsed = parseCases(text, file);
    cases.push(...parsed.cases);
    errors.push(...parsed.errors);
  }
  return { cases, errors };
}

const pct = (x: number | undefined) => (x === undefined ? '' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`);

function formatMetric(metric: string, v: number | undefined): string {
  if (v === undefined) return '';
  if (metric === 'latency') return formatSeconds(v);
  if (metric === 'energy') return formatJoules(v);
  return formatBytes(v);
}

function caseRows(cases: readonly CaseResult[]): string[][] {
  const rows = [['case', 'split', 'latency meas', 'pred', 'err', 'roofline err', 'DRAM err', 'L2 err', 'energy err']];
  for (const c of cases) {
    rows.push([
      c.id,
      c.split === 'calibration' ? 'cal' : 'held',
      formatMetric('latency', c.measured.latency),
      formatMetric('latency', c.predicted.latency),
      pct(c.error.latency),
      pct(c.baseline.error),
      pct(c.error.dramBytes),
      pct(c.error.l2Bytes),
      pct(c.error.energy),
    ]);
  }
  return rows;
}

/** The summary table: one row per metric and split, with the roofline baseline's latency. */
export function summaryTable(result: ValidationResult): string {
  const rows = [['metric', 'split', 'cases', 'MAPE', 'max |err|', 'Spearman']];
  const push = (metric: string, split: string, s: MetricSummary | null | undefined) => {
    if (!s) return;
    // One case has no rank correlation (spearman is NaN below two): shown as '-'.
    rows.push([metric, split, String(s.count), `${s.mape.toFixed(1)}%`, `${s.maxAbsPctError.toFixed(1)}%`, Number.isFinite(s.spearman) ? s.spearman.toFixed(3) : '-']);
  };
  const { summary } = result;
  for (const metric of METRICS) {
    push(metric, 'held-out', summary.heldOut[metric]);
    push(metric, 'calibration', summary.calibration[metric]);
  }
  push('latency (plain roofline)', 'held-out', summary.baseline.heldOut);
  return table(rows);
}

/** How often the model names the kernel that reads more DRAM, over pairs of kernels on one workload. */
export function orderingLine(o: OrderingSummary, listWrong = false): string {
  const tie = `${(100 * o.tieFraction).toFixed(0)}%`;
  const apart = o.repeatPasses > 0 ? `more than ${tie} apart, the same way round, in each of up to ${o.repeatPasses + 1} passes` : `more than ${tie} apart`;
  const lines = [
    `DRAM ordering of kernel pairs on one workload: ${o.ordered} of ${o.scored} right ` +
      `(pairs measured ${apart}; ${o.ties} other pairs are ties, ${o.tiesAgreed} of them predicted within ${tie} too)`,
  ];
  for (const w of listWrong ? o.wrong : []) {
    lines.push(
      `  wrong: ${w.workload}: ${w.kernels[0]} ${formatBytes(w.measured[0])} vs ${w.kernels[1]} ${formatBytes(w.measured[1])} measured, ` +
        `${formatBytes(w.predicted[0])} vs ${formatBytes(w.predicted[1])} predicted`,
    );
  }
  return lines.join('\n');
}

/** The cycle engine's timeline of one measured case, as validate predicts it; undefined if it cannot be modeled. */
function caseTimeline(c: MeasuredCase) {
  const profile = getProfile(c.kernel);
  const mask = caseMask(c);
  if (!profile || !mask.ok) return undefined;
  const spec = getPreset(c.hardware);
  const workload = validateWorkload({ ...c.workload, mask: mask.mask, phase: c.phase });
  return simulatePlan(profile.lower(workload, spec), spec, workload, c.kernel, 'cycle', { timeline: true }).timeline;
}

/** How `validate` ends, for `--help`. */
const EXIT_STATUS_HELP = `
Exit status:
  0  every case read was predicted, or listed as one the simulator cannot model
  2  bad input, nothing printed but the one error line: a file cannot be read, a line is not
     a measured case (malformed, or hardware no preset describes: the count and the first are
     named; a summary over the rest would silently leave them out), or no case could be
     predicted`;

/** A bad line, its path relative to the working directory. */
function lineText(e: FormatError): string {
  return `${relative(process.cwd(), e.file) || e.file}:${e.line}: ${e.message}`;
}

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('predict measured kernels (default: all shipped H200 data) and report the error per case and in summary')
    .option('--data <file...>', 'measured-case JSONL files (validation-format.md); default: validation/data/*/*.jsonl')
    .option(
      '--repeat <file...>',
      'the same cases measured again, one file per pass: a kernel pair is an ordering only if every pass agrees; default with the shipped data: validation/data/*/repeat/*.jsonl',
    )
    .option('--engine <id>', `engine (${VALIDATED_ENGINES().join(', ')})`, 'analytical')
    .option('--cases', 'print every case, not only the summary')
    .option('--json', 'print the result as JSON')
    .option('--trace <file>', 'with --engine cycle: write the timeline of one case (--trace-case, default the first) as Chrome trace JSON')
    .option('--trace-case <id>', 'the case whose timeline --trace writes')
    .addHelpText('after', EXIT_STATUS_HELP)
    .action((opts: { data?: string[]; repeat?: string[]; engine: string; cases?: boolean; json?: boolean; trace?: string; traceCase?: string }) => {
      if (!VALIDATED_ENGINES().includes(opts.engine)) throw new InputError('--engine', `unknown engine "${opts.engine}"; engines scored against measurements: ${VALIDATED_ENGINES().join(', ')}`);
      if (opts.trace !== undefined && opts.engine !== 'cycle') throw new InputError('--trace', 'a timeline comes from the cycle engine: add --engine cycle');
      if (opts.traceCase !== undefined && opts.trace === undefined) throw new InputError('--trace-case', 'names the case whose timeline --trace writes: add --trace FILE');
      const files = opts.data ?? shippedDataFiles();
      if (files.length === 0) throw new InputError('--data', 'no measurement files given and none shipped');
      const { cases, errors } = loadCaseFiles(files, io);
      const repeatFiles = opts.repeat ?? (opts.data ? [] : shippedRepeatFiles());
      const repeats = repeatFiles.map((f) => loadCaseFiles([f], io, '--repeat'));
      for (const [field, bad] of [
        ['--data', errors],
        ['--repeat', repeats.flatMap((r) => r.errors)],
      ] as const) {
        if (bad.length === 0) continue;
        const count = `${bad.length} line${bad.length === 1 ? ' is' : 's are'} not a measured case`;
        throw new InputError(field, `${count} (first: ${lineText(bad[0]!)}); fix or remove ${bad.length === 1 ? 'it' : 'them'} (format: validation/FORMAT.md)`);
      }
      const result = validateCases(
        cases,
        opts.engine as GpuEngineId,
        repeats.map((r) => r.cases),
      );
      if (result.cases.length === 0) {
        const why =
          cases.length === 0
            ? 'the files hold no case'
            : `the simulator cannot model any of the ${cases.length} case${cases.length === 1 ? '' : 's'} (first: ${result.unsupported[0]!.id}: ${result.unsupported[0]!.reason})`;
        throw new InputError('--data', `no case could be predicted: ${why}; the format is in validation/FORMAT.md`);
      }
      if (opts.trace !== undefined) {
        // By default the first case that was predicted; a named one must have been predicted too.
        const predicted = new Set(result.cases.map((r) => r.id));
        const traced = cases.find((c) => (opts.traceCase === undefined ? predicted.has(c.id) : c.id === opts.traceCase));
        if (!traced) throw new InputError('--trace-case', `no case "${opts.traceCase}" in the data`);
        const timeline = predicted.has(traced.id) ? caseTimeline(traced) : undefined;
        if (!timeline) throw new InputError('--trace-case', `case "${traced.id}" cannot be modeled (${result.unsupported.find((u) => u.id === traced.id)?.reason ?? 'see the unsupported list'})`);
        writeTextFile(opts.trace, JSON.stringify(chromeTrace(timeline, traced.id)), '--trace');
      }
      if (opts.json) {
        // Bad lines are refused above; the key stays for readers of the format.
        io.stdout(`${JSON.stringify({ ...result, formatErrors: [] }, null, 2)}\n`);
        return;
      }
      if (opts.cases) io.stdout(`${table(caseRows(result.cases))}\n\n`);
      io.stdout(
        `${result.cases.length} cases predicted from ${files.length} file(s)${repeatFiles.length > 0 ? ` and ${repeatFiles.length} repeat pass${repeatFiles.length === 1 ? '' : 'es'}` : ''} with the ${opts.engine} engine; ` +
          `calibration split: FNV-1a(id) mod 4 = 0 (${result.summary.calibration.count} cases), held out: the rest (${result.summary.heldOut.count})\n\n`,
      );
      io.stdout(`${summaryTable(result)}\n`);
      io.stdout(`\n${orderingLine(result.summary.dramOrdering, opts.cases)}\n`);
      if (result.unsupported.length > 0) {
        io.stdout(`\nunsupported (${result.unsupported.length}):\n`);
        for (const u of result.unsupported) io.stdout(`  ${u.id}: ${u.reason}\n`);
      }
    });
}
