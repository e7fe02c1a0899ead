import { availableParallelism, constants } from 'node:os';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { formatFactor } from '../../dse/node/format.js';
import type { ProgressSink } from '../../dse/node/progress.js';
import { formatRate } from '../../dse/node/progress.js';
import { readSweepInput } from '../../dse/node/read-sweep.js';
import { runSweep, type SweepRunSummary } from '../../dse/node/run-sweep.js';
import { planSweep, type SweepPlan } from '../../dse/plan.js';
import { outputFormatOf } from '../../dse/rows.js';
import { parseShard, shardRange, type Shard } from '../../dse/shard.js';
import { InputError } from '../../../hardware/errors.js';
import { parseCount } from '../args.js';
import { table } from '../../render/format.js';
import { processIo, type CliIo } from '../io.js';

interface SweepFlags {
  output?: string;
  shard?: string;
  workers?: string;
  limit?: string;
  progress?: boolean;
  dryRun?: boolean;
}

/**
 * Signals that stop a sweep cleanly between chunks, keeping what is done and releasing the
 * output's lock: Ctrl-C, and the SIGTERM a batch scheduler sends before it preempts or requeues
 * a job. The exit status is then what shells report for a command killed by the signal.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const SIGNAL_EXIT_BASE = 128;

/** `attnsim sweep SPEC`: every design × workload of a sweep file, on all cores, resumable. */
export function registerSweep(program: Command, io: CliIo): void {
  program
    .command('sweep <spec>')
    .description('run a sweep file (YAML or JSON; see docs/dse.md) on all cores, streaming results to JSONL or CSV; rerun the same command to resume')
    .option('-o, --output <file>', 'results file, .jsonl or .csv (default: <spec name>.results.jsonl, with .shard-I-of-N when sharded)')
    .option('--shard <i/n>', 'compute only the i-th of n equal blocks of points (i from 0), e.g. $SLURM_ARRAY_TASK_ID/8; join with attnsim merge')
    .option(
      '--workers <n>',
      `threads that evaluate points, this one included (default: one per core, ${availableParallelism()} here, the others started only if the sweep is long enough to gain from them)`,
    )
    .option('--limit <n>', 'compute at most n new points, then stop; rerun to continue')
    .option('--progress', 'draw the progress bar even when stderr is not a terminal')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--dry-run', 'print what the sweep would run and stop')
    .action(async (specPath: string, flags: SweepFlags) => {
      const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
      const workers = flags.workers !== undefined ? parseWorkers(flags.workers) : availableParallelism();
      const limit = flags.limit !== undefined ? parseCount(flags.limit, '--limit') : undefined;
      const plan = planSweep(readSweepInput(specPath));
      if (flags.dryRun) {
        io.stdout(describePlan(plan, shard));
        return;
      }
      const output = flags.output ?? defaultOutput(specPath, shard);
      outputFormatOf(output, '--output');
      let stopSignal: (typeof STOP_SIGNALS)[number] | undefined;
      const onSignal = (signal: (typeof STOP_SIGNALS)[number]) => {
        stopSignal ??= signal;
      };
      const ownProcess = io === processIo;
      if (ownProcess) for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
      let summary: SweepRunSummary;
      try {
        summary = await runSweep(plan, {
          output,
          workers,
          alwaysStartWorkers: flags.workers !== undefined,
          progress: progressSink(io, flags.progress),
          shouldStop: () => stopSignal !== undefined,
          ...(shard ? { shard } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
      } finally {
        if (ownProcess) for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      }
      io.stdout(describeRun(plan, shard, output, summary, stopSignal !== undefined));
      // main() answers 0 for a command that returns; the shell should still see the interruption.
      const exitCode = stopSignal !== undefined ? SIGNAL_EXIT_BASE + constants.signals[stopSignal] : undefined;
      if (exitCode !== undefined && ownProcess)
        process.once('exit', () => {
          process.exitCode = exitCode;
        });
    });
}

/**
 * More threads than cores only queue for them, and each costs a copy of the simulator's
 * memory: a mistyped count (1000000) would exhaust memory instead of going faster.
 */
function parseWorkers(text: string): number {
  const workers = parseCount(text, '--workers');
  const cores = availableParallelism();
  if (workers > cores) throw new InputError('--workers', `at most ${cores}, the cores this machine offers (os.availableParallelism()); got ${text}`);
  return workers;
}

function defaultOutput(specPath: string, shard: Shard | undefined): string {
  const name = basename(specPath, extname(specPath));
  return shard ? `${name}.results.shard-${shard.index}-of-${shard.count}.jsonl` : `${name}.results.jsonl`;
}

/** A bar on a terminal; nothing elsewhere, unless asked for. */
function progressSink(io: CliIo, wanted: boolean | undefined): ProgressSink | null {
  if (wanted === false) return null;
  if (io === processIo) {
    if (!process.stderr.isTTY && wanted !== true) return null;
    return { write: (t) => process.stderr.write(t), columns: process.stderr.columns };
  }
  return wanted === true ? { write: io.stderr } : null;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** "12 designs × 4 workloads = 48 points" */
function sizeOf(plan: SweepPlan): string {
  return `${plural(plan.designCount, 'design')} × ${plural(plan.workloads.length, 'workload')} = ${plural(plan.pointCount, 'point')}`;
}

function describePlan(plan: SweepPlan, shard: Shard | undefined): string {
  const lines = [`${plan.name}: ${sizeOf(plan)}; ${plan.kernel} on ${plan.baseHardware}, ${enginesOf(plan)}`];
  if (plan.description) lines.push(`  ${plan.description.trim()}`);
  if (shard) {
    const r = shardRange(plan.pointCount, shard);
    lines.push(`shard ${shard.index}/${shard.count}: points ${r.start}..${r.end - 1} (${r.end - r.start})`);
  }
  lines.push('', table([['parameter', 'values'], ...plan.parameters.map((p) => [p.name, `${p.values.length}: ${p.values.map((v) => formatFactor(p.name, v)).join(', ')}`])], true));
  lines.push('', table([['workload'], ...plan.workloads.map((w) => [w.label])], true));
  lines.push('', `columns: ${plan.columns.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** "analytical engine", or with devices of several kinds, which engine runs which hardware. */
function enginesOf(plan: SweepPlan): string {
  const byEngine = new Map<string, string[]>();
  for (const [name, engine] of plan.engines) byEngine.set(engine, [...(byEngine.get(engine) ?? []), name]);
  if (byEngine.size <= 1) return `${plan.engine} engine`;
  return `engines: ${[...byEngine].map(([engine, names]) => `${engine} (${names.join(', ')})`).join(', ')}`;
}

function describeRun(plan: SweepPlan, shard: Shard | undefined, output: string, s: SweepRunSummary, interrupted: boolean): string {
  const what = shard ? `shard ${shard.index}/${shard.count} of ${plan.name}: ${s.points} of ${plan.pointCount} points` : `${plan.name}: ${sizeOf(plan)}`;
  const lines = [`${what} → ${output}`];
  const how = s.mode === 'threads' ? `${s.threads} threads` : s.mode;
  const rate = s.seconds > 0 ? `, ${formatRate(s.computed / s.seconds)} points/s` : '';
  lines.push(
    `computed ${s.computed} (${s.infeasible} infeasible) in ${s.seconds.toFixed(2)} s${rate}, ${how}; ${s.resumed} already in the file${s.droppedPartialLine ? ' (a cut-off last line was dropped)' : ''}`,
  );
  if (s.remaining > 0) lines.push(`${interrupted ? 'interrupted: ' : ''}${s.remaining} points left; rerun the same command to continue`);
  return `${lines.join('\n')}\n`;
}
