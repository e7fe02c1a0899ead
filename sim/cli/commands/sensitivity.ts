import type { Command } from 'commander';
import { candidatesFrom } from '../../dse/candidates.js';
import { formatFactor, formatObjective } from '../../dse/node/format.js';
import { loadResults, uniqueRows } from '../../dse/node/load-results.js';
import { parseObjectives } from '../../dse/node/objective-flags.js';
import { readSweepInput } from '../../dse/node/read-sweep.js';
import { objectiveOfColumn, type ObjectiveId } from '../../dse/objectives.js';
import { planSweep } from '../../dse/plan.js';
import { csvHeader, encodeRow } from '../../dse/rows.js';
import { oneAtATime, sweepSensitivity } from '../../dse/sensitivity.js';
import { InputError } from '../../../hardware/errors.js';
import { writeTextFile } from '../../node/files.js';
import { table } from '../../render/format.js';
import type { CliIo } from '../io.js';

interface SensitivityFlags {
  objectives?: string;
  perPoint?: boolean;
  csv?: string;
}

const RESULTS_EXTENSIONS = /\.(jsonl|csv)$/i;
const SWEEP_EXTENSIONS = /\.(ya?ml|json)$/i;
const PERCENT = 100;

/**
 * `attnsim sensitivity INPUT`: a sweep file → one at a time around the base hardware (it runs
 * the few designs that needs); a results file → each parameter's share of the spread across
 * the whole sweep.
 */
export function registerSensitivity(program: Command, io: CliIo): void {
  program
    .command('sensitivity <sweep-or-results>')
    .description('which parameter moves each objective most: one at a time around the base (given a sweep file), or across a finished sweep (given its .jsonl/.csv results)')
    .option('--objectives <list>', 'objectives to rank by (default: those the sweep records)')
    .option('--per-point', 'results mode: treat each design × workload as a sample (default: designs, totalled over their workloads)')
    .option('--csv <file>', 'also write the table as CSV ("-" prints CSV instead)')
    .action((input: string, flags: SensitivityFlags) => {
      if (!RESULTS_EXTENSIONS.test(input) && !SWEEP_EXTENSIONS.test(input)) {
        throw new InputError(input, "sensitivity takes a sweep file (.yaml, .yml, .json) or a sweep's results (.jsonl, .csv): the name says which");
      }
      const { text, csv } = RESULTS_EXTENSIONS.test(input) ? acrossSweep(input, flags) : aroundBaseline(input, flags);
      if (flags.csv === '-') {
        io.stdout(csv);
        return;
      }
      if (flags.csv !== undefined) writeTextFile(flags.csv, csv, '--csv');
      io.stdout(text);
    });
}

function acrossSweep(path: string, flags: SensitivityFlags): { text: string; csv: string } {
  const results = loadResults(path);
  const rows = uniqueRows(results, path);
  const held = results.columns.map(objectiveOfColumn).filter((id): id is ObjectiveId => id !== undefined);
  const objectives = flags.objectives !== undefined ? parseObjectives(flags.objectives) : held;
  const set = candidatesFrom(rows, results.columns, objectives, flags.perPoint ? 'point' : 'design');
  if (set.candidates.length < 2) throw new InputError(path, 'fewer than two feasible designs: nothing to compare');
  const lines = [
    `across the sweep: ${set.candidates.length} ${flags.perPoint ? 'points' : 'designs'}; share = fraction of the variance of log(objective) that the factor explains alone (first-order), swing = worst / best geometric mean`,
  ];
  const csvColumns = ['objective', 'factor', 'varianceShare', 'swing', 'best', 'worst'];
  const csvLines = [csvHeader(csvColumns)];
  for (const id of objectives) {
    const effects = sweepSensitivity(set.candidates, set.factors, id);
    lines.push(
      '',
      `${id}:`,
      table([
        ['factor', 'share', 'swing', 'best at', 'worst at'],
        ...effects.map((e) => [e.factor, `${(e.varianceShare * PERCENT).toFixed(1)}%`, `${e.swing.toFixed(2)}×`, formatFactor(e.factor, e.best), formatFactor(e.factor, e.worst)]),
      ]),
    );
    for (const e of effects) csvLines.push(encodeRow({ objective: id, factor: e.factor, varianceShare: e.varianceShare, swing: e.swing, best: e.best, worst: e.worst }, csvColumns, 'csv'));
  }
  return { text: `${lines.join('\n')}\n`, csv: `${csvLines.join('\n')}\n` };
}

function aroundBaseline(path: string, flags: SensitivityFlags): { text: string; csv: string } {
  const plan = planSweep(readSweepInput(path));
  if (plan.parameters.length === 0) throw new InputError('sweep.parameters', 'the sweep varies nothing');
  const objectives = flags.objectives !== undefined ? parseObjectives(flags.objectives) : [...plan.objectives];
  const result = oneAtATime(plan, objectives);
  const baseline = Object.entries(result.baseline)
    .map(([name, v]) => `${name}=${formatFactor(name, v)}`)
    .join(', ');
  const lines = [
    `one at a time around ${baseline}`,
    `totals over ${plan.workloads.length} workload${plan.workloads.length === 1 ? '' : 's'}; ${result.designs} designs simulated; swing = worst / best`,
  ];
  const csvColumns = ['objective', 'factor', 'baseline', 'best', 'bestObjective', 'worst', 'worstObjective', 'swing', 'infeasibleAt'];
  const csvLines = [csvHeader(csvColumns)];
  for (const id of objectives) {
    const effects = result.effects[id]!;
    const base = result.baselineObjectives?.[id];
    lines.push(
      '',
      `${id} (baseline ${base === undefined ? 'cannot run every workload' : formatObjective(id, base)}):`,
      table([
        ['parameter', 'swing', 'best', 'at', 'worst', 'at', 'infeasible at'],
        ...effects.map((e) => [
          e.factor,
          `${e.swing.toFixed(2)}×`,
          formatObjective(id, e.best?.objective),
          formatFactor(e.factor, e.best?.value ?? null),
          formatObjective(id, e.worst?.objective),
          formatFactor(e.factor, e.worst?.value ?? null),
          e.infeasible.map((v) => formatFactor(e.factor, v)).join(' ') || '-',
        ]),
      ]),
    );
    for (const e of effects) {
      csvLines.push(
        encodeRow(
          {
            objective: id,
            factor: e.factor,
            baseline: e.baseline,
            best: e.best?.value ?? null,
            bestObjective: e.best?.objective ?? null,
            worst: e.worst?.value ?? null,
            worstObjective: e.worst?.objective ?? null,
            swing: e.swing,
            infeasibleAt: e.infeasible.join(' ') || null,
          },
          csvColumns,
          'csv',
        ),
      );
    }
  }
  return { text: `${lines.join('\n')}\n`, csv: `${csvLines.join('\n')}\n` };
}
