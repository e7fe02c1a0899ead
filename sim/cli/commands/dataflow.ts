import type { Command } from 'commander';
import { getDataflowPreset, listDataflowPresets } from '../../../hardware/dataflow/index.js';
import { describeMask } from '../../../workloads/masks/mask.js';
import { DATAFLOW_KERNELS, planDataflow, type DataflowKernel } from '../../../workloads/pipelines/tiling.js';
import { makeWorkload } from '../../../workloads/workload.js';
import { resourcesOf } from '../../engines/dataflow/resources.js';
import { dataflowKernelOf, MAX_QUERY_BLOCKS, simulateDataflow } from '../../engines/dataflow/simulate.js';
import { cyclesVsDepth, fifoRequirements, type FifoRequirement } from '../../engines/dataflow/sweep.js';
import { InputError } from '../../../hardware/errors.js';
import type { Report } from '../../report.js';
import { parseCount } from '../args.js';
import { formatBytes, formatJoules, formatSeconds, percent, table, withPrefix } from '../../render/format.js';
import { workloadFromFlags, type SimulateFlags } from '../inputs.js';
import type { CliIo } from '../io.js';
import { resolveDataflowHardware } from './dataflow-hardware.js';
import { showSpec } from './hardware.js';

/**
 * `attnsim dataflow list|show|fifo-sweep`: the dataflow presets and FIFO sizing. Simulating a
 * dataflow device goes through `attnsim simulate --hardware <dataflow preset>` like any kind.
 */

const DEFAULT_SWEEP = { hardware: 'streaming-dataflow-generic', pipeline: 'naive', n: 64, headDim: 64 } as const;
/** Rows a sweep simulates in full before it extrapolates (a 128 × 128 pipeline is ~0.2 M events). */
const SWEEP_EXACT_ROWS = 128;
/**
 * Most key blocks per row a sweep takes. Every simulated row streams one token per key block
 * through each unit, and the sweep reruns the pipeline ~2·log2(N) times per FIFO (bisections)
 * over up to a few hundred rows, so its time grows a little faster than N: measured on the naive
 * pipeline, 4096 key blocks take ~2 s on an idle core (~10 s on a busy one), 8192 twice that,
 * 100000 many minutes. Longer rows are swept with larger blocks (--block-k).
 */
const MAX_SWEEP_KEY_BLOCKS = 4096;
/** Most depths one sweep tries: each is one more run of the pipeline, and a row of the table. */
const MAX_SWEEP_DEPTHS = 64;
interface SweepFlags {
  hardware: string;
  set: string[];
  pipeline: string;
  n: string;
  headDim: string;
  blockQ?: string;
  blockK?: string;
  fifo?: string;
  depths?: string;
  json?: boolean;
}

/** "N-1,N,N+1,70" or "1-4": depths, with N the key blocks of a row; at most MAX_SWEEP_DEPTHS of them. */
export function parseDepths(text: string, n: number): number[] {
  const out: number[] = [];
  const tooMany = () => new InputError('--depths', `at most ${MAX_SWEEP_DEPTHS} depths per sweep (each is a run of the pipeline), got more in "${text}"`);
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const relative = /^N\s*([+-]\s*\d+)?$/i.exec(part);
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (relative) out.push(n + (relative[1] ? Number(relative[1].replace(/\s/g, '')) : 0));
    else if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) throw new InputError('--depths', `a range runs from low to high, got "${part}"`);
      if (out.length + (to - from + 1) > MAX_SWEEP_DEPTHS) throw tooMany();
      for (let d = from; d <= to; d++) out.push(d);
    } else if (/^\d+$/.test(part)) out.push(Number(part));
    else throw new InputError('--depths', `expected depths like "N-1,N,N+1" or "1-4" or "64,65", got "${part}"`);
    if (out.length > MAX_SWEEP_DEPTHS) throw tooMany();
  }
  if (out.length === 0 || out.some((d) => !Number.isSafeInteger(d) || d < 1)) throw new InputError('--depths', `depths must be whole numbers ≥ 1, got "${text}"`);
  return out;
}

export function registerDataflow(program: Command, io: CliIo): void {
  const dataflow = program.command('dataflow').description('streaming dataflow devices: presets and FIFO sizing');

  dataflow
    .command('list')
    .description('the dataflow presets, one line each')
    .action(() => {
      const rows = [['id', 'name', 'compute units', 'MAC/cycle/unit', 'clock', 'on-chip', 'FIFO budget', 'inputs in']];
      for (const id of listDataflowPresets()) {
        const s = getDataflowPreset(id);
        rows.push([
          id,
          s.name,
          String(s.units.compute.count),
          String(s.units.compute.macsPerCycle),
          withPrefix(s.clockHz, 'Hz'),
          formatBytes(s.memory.onChip.bytes),
          formatBytes(s.memory.fifoBudgetBytes),
          s.memory.inputTier,
        ]);
      }
      io.stdout(`${table(rows)}\n`);
    });

  dataflow
    .command('show <id|file>')
    .description('every number of a dataflow preset (or spec file) with its source')
    .option('--json', 'as JSON')
    .action((id: string, opts: { json?: boolean }) => {
      showSpec(resolveDataflowHardware(id, [], io, 'dataflow show <id|file>'), opts.json === true, io);
    });

  dataflow
    .command('fifo-sweep')
    .description('minimum FIFO depths for a pipeline to run without stalls, and cycles vs FIFO depth (one pipeline, N queries × N keys)')
    .option('--hardware <id|file>', `dataflow preset (${listDataflowPresets().join(', ')}) or spec file`, DEFAULT_SWEEP.hardware)
    .option('--set <path=value>', 'override a spec number (repeatable)', (v, acc: string[]) => [...acc, v], [])
    .option('--pipeline <kind>', `${DATAFLOW_KERNELS.join(' or ')}`, DEFAULT_SWEEP.pipeline)
    .option('--n <tokens>', 'sequence length N (queries = keys)', String(DEFAULT_SWEEP.n))
    .option('--head-dim <d>', 'head dimension d', String(DEFAULT_SWEEP.headDim))
    .option('--block-q <n>', 'queries per token block (default: the device mapping)')
    .option('--block-k <n>', 'keys per token block (default: the device mapping)')
    .option('--fifo <names>', 'FIFOs to sweep, comma-separated (default: the bypass FIFOs, else all)')
    .option('--depths <list>', 'depths to try, e.g. "N-1,N,N+1" (N = key blocks per row) or "1-4"')
    .option('--json', 'print the results as JSON')
    .action((flags: SweepFlags) => {
      const spec = resolveDataflowHardware(flags.hardware, flags.set, io);
      const kernel: DataflowKernel = dataflowKernelOf(flags.pipeline, '--pipeline');
      const n = parseCount(flags.n, '--n');
      const headDim = parseCount(flags.headDim, '--head-dim');
      const count = (v: string | undefined, flag: string) => (v === undefined ? undefined : parseCount(v, flag));
      const blockQ = count(flags.blockQ, '--block-q');
      const blockK = count(flags.blockK, '--block-k');
      for (const [block, flag, what] of [
        [blockQ, '--block-q', 'query'],
        [blockK, '--block-k', 'key'],
      ] as const) {
        if (block !== undefined && block > n) throw new InputError(flag, `a ${what} block of ${block} tokens is longer than the sequence (N = ${n})`);
      }
      const workload = makeWorkload({ heads: 1, qLen: n, headDim });
      const resources = resourcesOf(spec);
      // Checked before planning, which already takes seconds at millions of blocks: without a
      // mask every row visits every key block.
      const keyBlockTokens = blockK ?? Math.min(resources.block.keys, n);
      const keyBlocksPerRow = Math.ceil(n / keyBlockTokens);
      if (keyBlocksPerRow > MAX_SWEEP_KEY_BLOCKS) {
        throw new InputError(
          blockK !== undefined ? '--block-k' : '--n',
          `N = ${n} in ${keyBlockTokens}-key blocks is ${keyBlocksPerRow} key blocks per row, ` +
            `above the sweep's limit of ${MAX_SWEEP_KEY_BLOCKS} (its time grows with the key blocks of a row: ~2 s at the limit); use a smaller --n or a larger --block-k`,
        );
      }
      const queryBlockTokens = blockQ ?? Math.min(resources.block.queries, n);
      const queryBlocks = Math.ceil(n / queryBlockTokens);
      if (queryBlocks > MAX_QUERY_BLOCKS) {
        throw new InputError(
          blockQ !== undefined ? '--block-q' : '--n',
          `N = ${n} in ${queryBlockTokens}-query blocks is ${queryBlocks} query blocks, above the planner's limit of ${MAX_QUERY_BLOCKS} (2^20); use a smaller --n or a larger --block-q`,
        );
      }
      // One pipeline, unbounded FIFO budget: the sweep is about depths, not about what fits.
      const plan = planDataflow(
        workload,
        { ...resources, fifoBudgetBytes: Number.POSITIVE_INFINITY },
        {
          kernel,
          maxReplicas: 1,
          strategy: 'streaming',
          ...(blockQ !== undefined ? { blockQ } : {}),
          ...(blockK !== undefined ? { blockK } : {}),
        },
      );
      const phase = plan.phases[0]!;
      const rows = phase.rowsPerReplica;
      const requirements = fifoRequirements(phase.build, rows, { exactRowLimit: SWEEP_EXACT_ROWS });
      const keyBlocks = plan.shape.keyBlocks;
      const known = requirements.fifos.map((f) => f.name);
      const bypass = requirements.fifos.filter((f) => f.bypass).map((f) => f.name);
      const swept = flags.fifo !== undefined ? flags.fifo.split(',').map((s) => s.trim()) : bypass.length > 0 ? bypass : known;
      for (const name of swept) if (!known.includes(name)) throw new InputError('--fifo', `no FIFO "${name}" in ${phase.name}; FIFOs: ${known.join(', ')}`);
      const depths =
        flags.depths !== undefined
          ? parseDepths(flags.depths, keyBlocks)
          : bypass.length > 0 && flags.fifo === undefined
            ? [keyBlocks - 2, keyBlocks - 1, keyBlocks, keyBlocks + 1, keyBlocks + 2].filter((d) => d >= 1)
            : [1, 2, 3, 4];
      // Sweeps run small pipelines many times: simulate them in full up to this many rows.
      const engine = { exactRowLimit: SWEEP_EXACT_ROWS };
      // The swept FIFOs move together; the others sit at their minimum full-rate depths when
      // those run at full rate together, else at the depths that never stall.
      const withDepths = (depthOf: (f: FifoRequirement) => number) => {
        const depthByName = Object.fromEntries(requirements.fifos.map((f) => [f.name, depthOf(f)]));
        return (r: number) => {
          const g = phase.build(r);
          return { ...g, fifos: g.fifos.map((f) => ({ ...f, depth: depthByName[f.name]! })) };
        };
      };
      const atMinimum = withDepths((f) => f.minFullRateDepth);
      const minimumIsFullRate = cyclesVsDepth(atMinimum, rows, [], [1], engine)[0]!.cycles === requirements.idealCycles;
      const base = minimumIsFullRate ? atMinimum : withDepths((f) => f.peakUnbounded);
      const points = cyclesVsDepth(base, rows, swept, depths, engine);
      if (flags.json) {
        io.stdout(
          `${JSON.stringify({ hardware: spec.id, pipeline: kernel, n, headDim, keyBlocks, rows, idealCycles: requirements.idealCycles, fifos: requirements.fifos, swept, points }, null, 2)}\n`,
        );
        return;
      }
      const lines: string[] = [];
      lines.push(`${phase.name} SDPA pipeline on ${spec.name} (${spec.id})`);
      lines.push(
        `  N = ${n}, d = ${headDim}, blocks ${plan.shape.blockQ}×${plan.shape.blockK}: ${rows} rows × ${keyBlocks} key blocks; ` + `full rate (unbounded FIFOs): ${requirements.idealCycles} cycles`,
      );
      lines.push('');
      lines.push('minimum FIFO depths (each alone, the others at their peak):');
      lines.push(
        table([
          ['fifo', 'token bytes', 'peak (never stalls)', 'min depth, full rate', 'min depth, runs at all'],
          ...requirements.fifos.map((f) => [f.name + (f.bypass ? ' (bypass)' : ''), String(f.tokenBytes), String(f.peakUnbounded), String(f.minFullRateDepth), String(f.minRunningDepth)]),
        ]),
      );
      lines.push('');
      lines.push(`cycles vs depth of ${swept.join(', ')} (N = ${keyBlocks}; other FIFOs at their ${minimumIsFullRate ? 'minimum full-rate depths' : 'peaks'}):`);
      lines.push(
        table([
          ['depth', 'cycles', 'vs full rate'],
          ...points.map((p) => [
            `${p.depth}${relativeToN(p.depth, keyBlocks)}`,
            p.cycles === null ? '-' : String(p.cycles),
            p.cycles === null ? 'deadlock' : p.cycles === requirements.idealCycles ? 'full rate' : `+${p.cycles - requirements.idealCycles} cycles (stalls)`,
          ]),
        ]),
      );
      const deepestDeadlock = [...points].reverse().find((p) => p.cycles === null);
      if (deepestDeadlock) lines.push(`at depth ${deepestDeadlock.depth}: ${deepestDeadlock.deadlock}`);
      io.stdout(`${lines.join('\n')}\n`);
    });
}

function relativeToN(depth: number, n: number): string {
  const delta = depth - n;
  if (Math.abs(delta) > 3) return '';
  return delta === 0 ? ' (N)' : ` (N${delta > 0 ? '+' : ''}${delta})`;
}
