import type { Command } from 'commander';
import type { DeviceSpec } from '../../../hardware/device.js';
import { formatObjective } from '../../dse/node/format.js';
import { parseObjectives } from '../../dse/node/objective-flags.js';
import { readStructured } from '../../dse/node/read-sweep.js';
import { OBJECTIVES, type ObjectiveId } from '../../dse/objectives.js';
import { csvHeader, encodeRow, type ResultRow } from '../../dse/rows.js';
import { expandWorkloads, type LabeledWorkload } from '../../dse/workloads.js';
import { InputError, isInputError } from '../../../hardware/errors.js';
import { dataflowKernelAliases, isDataflowKernel } from '../../engines/dataflow/simulate.js';
import { listKernels } from '../../kernels/index.js';
import type { Report } from '../../report.js';
import { simulate } from '../../simulate.js';
import { writeTextFile } from '../../node/files.js';
import { table } from '../../render/format.js';
import { resolveDevice } from '../device.js';
import type { CliIo } from '../io.js';
import { checkInputFile } from './user-files.js';

interface CompareFlags {
  workloads?: string;
  model: string;
  phase: string;
  contexts: string;
  batch: string;
  layer?: string;
  mask?: string;
  kernel: string;
  objectives: string;
  set: string[];
  csv?: string;
}

/** The flags that describe the workload list when no --workloads file gives it, with their names. */
const WORKLOAD_FLAGS = [
  ['model', '--model'],
  ['phase', '--phase'],
  ['contexts', '--contexts'],
  ['batch', '--batch'],
  ['layer', '--layer'],
  ['mask', '--mask'],
] as const;

/** One workload on one machine: the report, and which kernel of the list ran it. */
interface Cell {
  report: Report | null;
  kernel: string | null;
  reason: string | null;
}

/** `attnsim compare A B ...`: hardware side by side on a list of workloads. */
export function registerCompare(program: Command, io: CliIo): void {
  program
    .command('compare <hardware...>')
    .description('two or more hardware presets of any kind (or spec files) side by side on a workload list')
    .option('--workloads <file>', 'YAML/JSON workload list, or a sweep file (its workloads); instead of the flags below')
    .option('--model <id>', 'model of the workload list', 'llama-3.1-8b')
    .option('--phase <list>', 'prefill, decode, or both: prefill,decode', 'prefill')
    .option('--contexts <list>', 'context lengths, e.g. 32k,64k,128k', '32k')
    .option('--batch <list>', 'batch sizes, e.g. 1,16', '1')
    .option('--layer <n>', 'layer of the model (its mask)')
    .option('--mask <spec>', "mask instead of the model's (none | causal | window:W | ...)")
    .option('--kernel <list>', `kernel, or a list to use the first that runs on each machine, e.g. fa3,fa2 (${listKernels().join(', ')})`, 'fa2')
    .option('--objectives <list>', 'what to compare: latency, energy, edp, area, cost', 'latency,energy')
    .option('--set <path=value>', 'override a spec number on every machine (repeatable)', (v, acc: string[]) => [...acc, v], [])
    .option('--csv <file>', 'also write one row per workload × machine as CSV ("-" prints CSV instead)')
    .action((names: string[], flags: CompareFlags, command: Command) => {
      if (names.length < 2) throw new InputError('hardware', 'compare needs two or more presets or spec files');
      if (flags.workloads !== undefined) {
        // The file is the whole workload list: a flag that would describe one is not merged in.
        const given = WORKLOAD_FLAGS.filter(([key]) => command.getOptionValueSource(key) === 'cli');
        if (given.length > 0) throw new InputError(given[0]![1], `describes the workload list, which --workloads already gives: use one or the other`);
      }
      // Paths are checked before anything reads them whole (a device never ends).
      for (const n of names) if (n.endsWith('.json') || n.includes('/')) checkInputFile(n, 'compare <hardware...>');
      if (flags.workloads !== undefined) checkInputFile(flags.workloads, '--workloads');
      const machines = names.map((n) => resolveDevice(n, flags.set, io, 'compare <hardware...>'));
      const workloads = workloadList(flags);
      const kernels = flags.kernel.split(',').map((k) => k.trim());
      for (const k of kernels)
        if (!listKernels().includes(k) && !isDataflowKernel(k))
          throw new InputError('--kernel', `unknown kernel "${k}"; valid kernels: ${listKernels().join(', ')} (dataflow devices: ${Object.keys(dataflowKernelAliases()).join(', ')})`);
      const objectives = parseObjectives(flags.objectives);
      const grid = workloads.map((w) => machines.map((spec) => run(spec, w, kernels)));
      // A table of nothing but n/a answers no question: the first reason says what to change.
      if (grid.every((row) => row.every((cell) => cell.report === null))) {
        throw new InputError('compare', `no workload runs on any of the machines (${workloads[0]!.label} on ${names[0]}: ${grid[0]![0]!.reason})`);
      }

      const csvColumns = ['workloadLabel', 'hardware', 'kernel', 'status', 'bound', ...objectives.map((id) => OBJECTIVES[id].column), 'reason'];
      const csvRows = grid.flatMap((row, i) => row.map((cell, j) => encodeRow(csvRowOf(workloads[i]!, names[j]!, cell, machines[j]!, objectives), csvColumns, 'csv')));
      const csv = `${[csvHeader(csvColumns), ...csvRows].join('\n')}\n`;
      if (flags.csv === '-') {
        io.stdout(csv);
        return;
      }
      if (flags.csv !== undefined) writeTextFile(flags.csv, csv, '--csv');
      io.stdout(render(names, machines, workloads, grid, objectives));
    });
}

function workloadList(flags: CompareFlags): LabeledWorkload[] {
  if (flags.workloads !== undefined) {
    const raw = readStructured(flags.workloads, 'workload file');
    const list = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'workloads' in raw ? (raw as { workloads: unknown }).workloads : raw;
    return expandWorkloads(list, 'workloads');
  }
  const split = (text: string) => text.split(',').map((s) => s.trim());
  const entry: Record<string, unknown> = { model: flags.model, phase: split(flags.phase), contexts: split(flags.contexts), batch: split(flags.batch) };
  if (flags.layer !== undefined) entry.layer = Number(flags.layer);
  if (flags.mask !== undefined) entry.mask = flags.mask;
  try {
    return expandWorkloads([entry], FLAGS_ENTRY);
  } catch (e) {
    // The list was built from the flags: a complaint about one of its keys names that flag.
    const key = e instanceof InputError ? /^[^.]+\.([a-z]+)/i.exec(e.field.slice(FLAGS_ENTRY.length))?.[1] : undefined;
    const flag = WORKLOAD_FLAGS.find(([k]) => k === key)?.[1];
    if (flag !== undefined) throw new InputError(flag, (e as InputError).detail);
    throw e;
  }
}

/** The field name under which the one-entry list built from the flags is expanded. */
const FLAGS_ENTRY = 'workloads';

function run(spec: DeviceSpec, w: LabeledWorkload, kernels: readonly string[]): Cell {
  let reason: string | null = null;
  for (const kernel of kernels) {
    try {
      return { report: simulate({ hardware: spec, workload: w.workload, kernel }), kernel, reason: null };
    } catch (e) {
      if (!isInputError(e)) throw e;
      reason ??= e.message;
    }
  }
  return { report: null, kernel: null, reason };
}

function objectiveOf(cell: Cell, spec: DeviceSpec, id: ObjectiveId): number | undefined {
  return cell.report ? OBJECTIVES[id].of(cell.report, spec) : undefined;
}

function render(names: readonly string[], machines: readonly DeviceSpec[], workloads: readonly LabeledWorkload[], grid: Cell[][], objectives: readonly ObjectiveId[]): string {
  const lines: string[] = [];
  for (const id of objectives) {
    // What bounds a call is told once, beside its time.
    const withBound = id === 'latency';
    lines.push(`${id} (ratio to ${names[0]}${withBound ? '; what bounds it' : ''}):`);
    const rows = [['workload', ...names]];
    grid.forEach((row, i) => {
      const first = objectiveOf(row[0]!, machines[0]!, id);
      rows.push([workloads[i]!.label, ...row.map((cell, j) => cellText(id, objectiveOf(cell, machines[j]!, id), j === 0 ? undefined : first, withBound ? cell.report?.bound : undefined))]);
    });
    lines.push(table(rows), '');
  }
  const used = names.map((n, j) => `${n}: ${[...new Set(grid.map((row) => row[j]!.kernel ?? 'none runs'))].join('/')}`);
  lines.push(`kernels: ${used.join(', ')}`);
  const failures = grid.flatMap((row, i) => row.map((cell, j) => (cell.report ? null : `${workloads[i]!.label} on ${names[j]}: ${cell.reason}`))).filter(Boolean);
  for (const f of failures) lines.push(`cannot run ${f}`);
  return `${lines.join('\n')}\n`;
}

function cellText(id: ObjectiveId, value: number | undefined, reference: number | undefined, bound: string | undefined): string {
  if (value === undefined) return 'n/a';
  const ratio = reference !== undefined ? ` ${(value / reference).toFixed(2)}×` : '';
  return `${formatObjective(id, value)}${ratio} ${bound ?? ''}`.trimEnd();
}

function csvRowOf(w: LabeledWorkload, name: string, cell: Cell, spec: DeviceSpec, objectives: readonly ObjectiveId[]): ResultRow {
  const row: ResultRow = { workloadLabel: w.label, hardware: name, kernel: cell.kernel, status: cell.report ? 'ok' : 'infeasible', bound: cell.report?.bound ?? null };
  for (const id of objectives) row[OBJECTIVES[id].column] = objectiveOf(cell, spec, id) ?? null;
  row.reason = cell.reason;
  return row;
}
