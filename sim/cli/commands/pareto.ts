import type { Command } from 'commander';
import { availableObjectives, candidatesFrom, type Candidate } from '../../dse/candidates.js';
import { formatFactor, formatObjective } from '../../dse/node/format.js';
import { loadResults, uniqueRows } from '../../dse/node/load-results.js';
import { MAX_PARETO_OBJECTIVES, MIN_PARETO_OBJECTIVES, parseObjectives } from '../../dse/node/objective-flags.js';
import { OBJECTIVES, objectiveOfColumn, type ObjectiveId } from '../../dse/objectives.js';
import { paretoFront } from '../../dse/pareto.js';
import { csvHeader, encodeRow, type ResultRow } from '../../dse/rows.js';
import { InputError } from '../../../hardware/errors.js';
import { writeTextFile } from '../../node/files.js';
import { table } from '../../render/format.js';
import type { CliIo } from '../io.js';

interface ParetoFlags {
  objectives?: string;
  perPoint?: boolean;
  csv?: string;
}

/** `attnsim pareto RESULTS`: the designs no other design beats on every objective. */
export function registerPareto(program: Command, io: CliIo): void {
  program
    .command('pareto <results>')
    .description("the Pareto front of a sweep's results over 2–3 objectives (all minimized), as a table and CSV")
    .option('--objectives <list>', 'two or three of latency, energy, edp, area, cost (default: the objectives the results hold, or latency,energy)')
    .option('--per-point', 'compare single design × workload points instead of designs over their whole workload list')
    .option('--csv <file>', 'also write the front as CSV ("-" prints CSV instead of the table)')
    .action((path: string, flags: ParetoFlags) => {
      const results = loadResults(path);
      const unique = uniqueRows(results, path);
      const objectives = flags.objectives !== undefined ? parseObjectives(flags.objectives) : defaultObjectives(results.columns);
      if (objectives.length < MIN_PARETO_OBJECTIVES || objectives.length > MAX_PARETO_OBJECTIVES) {
        throw new InputError('--objectives', `a Pareto front needs ${MIN_PARETO_OBJECTIVES} or ${MAX_PARETO_OBJECTIVES} objectives, got ${objectives.length}`);
      }
      const set = candidatesFrom(unique, results.columns, objectives, flags.perPoint ? 'point' : 'design');
      if (set.candidates.length === 0) throw new InputError(path, 'no design runs every workload; nothing to compare');
      const front = paretoFront(set.candidates.map((c) => objectives.map((id) => c.objectives[id]!))).map((i) => set.candidates[i]!);
      const varying = set.factors.filter((f) => new Set(set.candidates.map((c) => JSON.stringify(c.factors[f]))).size > 1);
      const csvColumns = [flags.perPoint ? 'index' : 'design', ...set.factors, ...objectives.map((id) => OBJECTIVES[id].column), 'bound'];
      const csv = `${[csvHeader(csvColumns), ...front.map((c) => encodeRow(csvRow(c, set.factors, objectives, !!flags.perPoint), csvColumns, 'csv'))].join('\n')}\n`;
      if (flags.csv === '-') {
        io.stdout(csv);
        return;
      }
      if (flags.csv !== undefined) writeTextFile(flags.csv, csv, '--csv');
      const unit = flags.perPoint ? 'points' : 'designs';
      const left = [set.infeasible > 0 ? `${set.infeasible} infeasible` : '', set.incomplete > 0 ? `${set.incomplete} incomplete` : ''].filter(Boolean).join(', ');
      const lines = [
        `Pareto front over ${objectives.join(' × ')}: ${front.length} of ${set.candidates.length} ${unit}${left ? ` (left out: ${left})` : ''}${flags.perPoint ? '' : ", totals over each design's workloads"}`,
        '',
      ];
      const rows = [[flags.perPoint ? 'point' : 'design', ...objectives, ...varying, 'bound']];
      for (const c of front) {
        rows.push([
          String(flags.perPoint ? c.point : c.design),
          ...objectives.map((id) => formatObjective(id, c.objectives[id])),
          ...varying.map((f) => formatFactor(f, c.factors[f] ?? null)),
          c.bound,
        ]);
      }
      lines.push(table(rows));
      if (flags.csv !== undefined) lines.push('', `front written to ${flags.csv}`);
      io.stdout(`${lines.join('\n')}\n`);
    });
}

/** The objective columns the results hold, if 2–3 of them; else latency and energy. */
function defaultObjectives(columns: readonly string[]): ObjectiveId[] {
  const held = columns.map(objectiveOfColumn).filter((id): id is ObjectiveId => id !== undefined);
  if (held.length >= MIN_PARETO_OBJECTIVES && held.length <= MAX_PARETO_OBJECTIVES) return held;
  const available = availableObjectives(columns);
  if (available.includes('latency') && available.includes('energy')) return ['latency', 'energy'];
  throw new InputError('--objectives', `choose ${MIN_PARETO_OBJECTIVES}–${MAX_PARETO_OBJECTIVES} of the objectives the results hold: ${available.join(', ')}`);
}

function csvRow(c: Candidate, factors: readonly string[], objectives: readonly ObjectiveId[], perPoint: boolean): ResultRow {
  const row: ResultRow = { [perPoint ? 'index' : 'design']: perPoint ? c.point : c.design };
  for (const f of factors) row[f] = c.factors[f] ?? null;
  for (const id of objectives) row[OBJECTIVES[id].column] = c.objectives[id] ?? null;
  row.bound = c.bound;
  return row;
}
