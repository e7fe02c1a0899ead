import type { Command } from 'commander';
import { loadResults } from '../../dse/node/load-results.js';
import { readSweepInput } from '../../dse/node/read-sweep.js';
import { withOutputLock } from '../../dse/node/output-lock.js';
import { checkRowBelongsToPlan } from '../../dse/node/results-file.js';
import { specHash } from '../../dse/node/spec-hash.js';
import { planSweep } from '../../dse/plan.js';
import { encodeRow, formatResults, outputFormatOf, type ResultRow } from '../../dse/rows.js';
import type { ResultsHeader } from '../../dse/results-header.js';
import { InputError } from '../../../hardware/errors.js';
import { writeTextFile } from '../../node/files.js';
import type { CliIo } from '../io.js';

interface MergeFlags {
  output: string;
  sweep?: string;
  allowPartial?: boolean;
}

/** How many missing point indices an error lists before "…". */
const MISSING_SHOWN = 5;
/** Characters of a spec hash an error shows: "sha256:" and 12 hex digits tell two specs apart. */
const HASH_SHOWN = 19;

/** `attnsim merge -o OUT SHARD...`: shard results into one file, as one unsharded run writes it. */
export function registerMerge(program: Command, io: CliIo): void {
  program
    .command('merge <inputs...>')
    .description("join the results of sweep shards (or partial runs) into one file sorted by point, identical to an unsharded run's")
    .requiredOption('-o, --output <file>', "merged results, .jsonl or .csv (the format may differ from the inputs')")
    .option('--sweep <spec>', 'check the rows against this sweep file and that none is missing')
    .option('--allow-partial', 'with --sweep: write the merge even if points are missing')
    .action((inputs: string[], flags: MergeFlags) => {
      const format = outputFormatOf(flags.output, '--output');
      if (flags.allowPartial && flags.sweep === undefined) throw new InputError('--allow-partial', 'only with --sweep: without a sweep file, merge has no points to call missing');
      let columns: readonly string[] | undefined;
      let header: ResultsHeader | null = null;
      // Where each point was first seen; rows are compared as text only when a point repeats.
      const byIndex = new Map<number, { row: ResultRow; file: number; line: number }>();
      const at = (where: { file: number; line: number }) => `${inputs[where.file]}: line ${where.line}`;
      for (const [n, path] of inputs.entries()) {
        const results = loadResults(path);
        if (n === 0) {
          columns = results.columns;
          header = results.header;
        } else if (results.header?.specHash !== header?.specHash) {
          throw new InputError(
            `${path}: line 1`,
            `its sweep header differs from ${inputs[0]}'s (${describeHeader(results.header)} against ${describeHeader(header)}): results of different sweep specs`,
          );
        } else if (results.columns.join(',') !== columns!.join(',')) {
          throw new InputError(path, `its columns differ from ${inputs[0]}'s: not shards of one sweep`);
        }
        results.rows.forEach((row, i) => {
          const index = row.index as number;
          const here = { row, file: n, line: results.rowLines[i]! };
          const seen = byIndex.get(index);
          if (!seen) byIndex.set(index, here);
          else if (encodeRow(seen.row, columns!, 'jsonl') !== encodeRow(row, columns!, 'jsonl')) {
            throw new InputError(at(here), `point ${index} differs from the one at ${at(seen)}: not results of one sweep`);
          }
        });
      }
      const rows = [...byIndex.values()].map((v) => v.row);
      let expected: number | undefined;
      if (flags.sweep !== undefined) {
        const plan = planSweep(readSweepInput(flags.sweep));
        const planHeader = { sweep: plan.name, specHash: specHash(plan) };
        if (header !== null && header.specHash !== planHeader.specHash) {
          throw new InputError(
            '--sweep',
            `the results were written under another spec than ${flags.sweep} (${describeHeader(header)} against ${describeHeader(planHeader)}): the sweep file or a spec it names changed`,
          );
        }
        if (columns!.join(',') !== plan.columns.join(',')) throw new InputError('--sweep', `the results' columns are not those of ${flags.sweep}`);
        for (const seen of byIndex.values()) checkRowBelongsToPlan(seen.row, plan, { start: 0, end: plan.pointCount }, at(seen));
        header = planHeader;
        expected = plan.pointCount;
        const missing: number[] = [];
        for (let i = 0; i < plan.pointCount && missing.length <= MISSING_SHOWN; i++) if (!byIndex.has(i)) missing.push(i);
        if (missing.length > 0 && !flags.allowPartial) {
          const shown = missing.slice(0, MISSING_SHOWN).join(', ');
          throw new InputError(
            '--sweep',
            `${plan.pointCount - byIndex.size} of ${plan.pointCount} points are missing (${shown}${missing.length > MISSING_SHOWN ? ', …' : ''}); run the missing shards, or pass --allow-partial`,
          );
        }
      }
      const text = formatResults(header, rows, columns!, format);
      withOutputLock(flags.output, '--output', () => writeTextFile(flags.output, text, '--output'));
      const total = expected !== undefined ? ` of ${expected}` : '';
      io.stdout(`merged ${inputs.length} files: ${rows.length}${total} points → ${flags.output}\n`);
    });
}

function describeHeader(header: ResultsHeader | null): string {
  return header ? `spec ${header.specHash.slice(0, HASH_SHOWN)}…` : 'no header';
}
