import type { Command } from 'commander';
import { loadResults } from '../../dse/node/load-results.js';
import { readSweepInput } from '../../dse/node/read-sweep.js';
import { checkRowsBelongToPlan } from '../../dse/node/results-file.js';
import { planSweep } from '../../dse/plan.js';
import { encodeRow, formatOfPath, formatResults, type ResultRow } from '../../dse/rows.js';
import { replaceOutput } from '../../dse/node/write-file.js';
import { InputError } from '../../errors.js';
import type { CliIo } from '../io.js';

interface MergeFlags {
  output: string;
  sweep?: string;
  allowPartial?: boolean;
}

/** How many missing point indices an error lists before "…". */
const MISSING_SHOWN = 5;

/** `attnsim merge -o OUT SHARD...`: shard results into one file, as one unsharded run writes it. */
export function registerMerge(program: Command, io: CliIo): void {
  program
    .command('merge <inputs...>')
    .description('join the results of sweep shards (or partial runs) into one file sorted by point, identical to an unsharded run\'s')
    .requiredOption('-o, --output <file>', 'merged results, .jsonl or .csv (the format may differ from the inputs\')')
    .option('--sweep <spec>', 'check the rows against this sweep file and that none is missing')
    .option('--allow-partial', 'with --sweep: write the merge even if points are missing')
    .action((inputs: string[], flags: MergeFlags) => {
      let columns: readonly string[] | undefined;
      const byIndex = new Map<number, { row: ResultRow; from: string }>();
      for (const path of inputs) {
        const results = loadResults(path, { allowPartialTail: false });
        if (!columns) columns = results.columns;
        else if (results.columns.join(',') !== columns.join(',')) {
          throw new InputError(path, `its columns differ from ${inputs[0]}'s: not shards of one sweep`);
        }
        for (const row of results.rows) {
          const index = row.index as number;
          const seen = byIndex.get(index);
          if (seen && encodeRow(seen.row, columns, 'jsonl') !== encodeRow(row, columns, 'jsonl')) {
            throw new InputError(path, `point ${index} differs from the one in ${seen.from}: not results of one sweep`);
          }
          if (!seen) byIndex.set(index, { row, from: path });
        }
      }
      const rows = [...byIndex.values()].map((v) => v.row);
      let expected: number | undefined;
      if (flags.sweep !== undefined) {
        const plan = planSweep(readSweepInput(flags.sweep));
        if (columns!.join(',') !== plan.columns.join(',')) throw new InputError('--sweep', `the results' columns are not those of ${flags.sweep}`);
        checkRowsBelongToPlan(rows, plan, { start: 0, end: plan.pointCount }, inputs.join(' + '));
        expected = plan.pointCount;
        const missing: number[] = [];
        for (let i = 0; i < plan.pointCount && missing.length <= MISSING_SHOWN; i++) if (!byIndex.has(i)) missing.push(i);
        if (missing.length > 0 && !flags.allowPartial) {
          const shown = missing.slice(0, MISSING_SHOWN).join(', ');
          throw new InputError('--sweep', `${plan.pointCount - byIndex.size} of ${plan.pointCount} points are missing (${shown}${missing.length > MISSING_SHOWN ? ', …' : ''}); run the missing shards, or pass --allow-partial`);
        }
      }
      replaceOutput(flags.output, formatResults(rows, columns!, formatOfPath(flags.output)), '--output');
      const total = expected !== undefined ? ` of ${expected}` : '';
      io.stdout(`merged ${inputs.length} files: ${rows.length}${total} points → ${flags.output}\n`);
    });
}
