import { estimateNote } from '../../../hardware/device.js';
import type { Command } from 'commander';
import { describeMask, parseMask } from '../../../workloads/masks/mask.js';
import { checkDensity, oracleMethod, type SparseMethod } from '../../../workloads/sparse/method.js';
import { getMethod, listMethods } from '../../../workloads/sparse/presets.js';
import type { Workload } from '../../../workloads/workload.js';
import { InputError } from '../../../hardware/errors.js';
import type { KernelOptions } from '../../kernels/options.js';
import { checkPatternRunsOn, sparseBounds, type SparseBounds, type SparsePattern, type SparseQuery } from '../../sparse/bounds.js';
import { blockSparseKernel, FLEX_BLOCK } from '../../sparse/kernel.js';
import { sweepDensity, sweepSeq, type SparseSweepRow } from '../../sparse/sweep.js';
import { engineFor, engineIds } from '../../simulate.js';
import { dataflowKernelOf } from '../../engines/dataflow/simulate.js';
import { parseCount } from '../args.js';
import { formatBytes, formatSeconds, percent, table } from '../../render/format.js';
import { resolveDevice } from '../device.js';
import { addHardwareOptions, addWorkloadOptions, workloadFromFlags, type SimulateFlags } from '../inputs.js';
import type { CliIo } from '../io.js';

/** `attnsim sparse`: the four sparse-speedup bounds of a pattern or a dynamic method, or curves of them. */
interface SparseFlags extends SimulateFlags {
  base?: string;
  method?: string;
  density?: string;
  block?: string;
  sweep?: string;
  points?: string;
  csv?: boolean;
}

const DEFAULT_KERNEL = 'flex';
/** FlexAttention's prefill template runs decode with one 128-row tile per head; FA2 splits the KV. */
const DEFAULT_DECODE_KERNEL = 'fa2';

export function registerSparse(program: Command, io: CliIo): void {
  addWorkloadOptions(
    addHardwareOptions(program.command('sparse').description('sparse attention: (a) ideal 1/kept bound, (b) tile-level bound, (c) predicted speedup with the estimator, (d) break-even density')),
  )
    .option(
      '--kernel <id>',
      `kernel of both runs (default ${DEFAULT_KERNEL} for prefill, fa2 tiled at the block (rounded up to whole tensor-core instructions) when it is not a multiple of ${FLEX_BLOCK}; ${DEFAULT_DECODE_KERNEL} for decode)`,
    )
    .option('--engine <id>', `engine of both runs (${engineIds().join(', ')}; default: analytical on a GPU, the device kind's first otherwise)`)
    .option('--tile-q <n>', 'query rows per tile')
    .option('--tile-k <n>', 'keys per tile')
    .option('--mask <spec>', 'static sparse pattern (e.g. window:4096, strided:128, nbhd:64x64,window:7x7, perhead:causal*8|window:1024*24)')
    .option('--base <mask>', "mask of the dense run compared against: none or causal (default: the method's, else none)")
    .option(
      '--method <id>',
      `dynamic sparsity preset (${listMethods()
        .map((m) => m.id)
        .join(', ')})`,
    )
    .option('--density <x>', "kept fraction of the base mask's blocks, in (0, 1] (with no --method: the blocks are given, no estimator)")
    .option('--block <n>', `block size of the selection (default: the method's, else ${FLEX_BLOCK})`)
    .option('--sweep <axis>', 'density or seq: print a curve instead of one point')
    .option('--points <list>', 'comma-separated densities or sequence lengths of the sweep')
    .option('--csv', 'print the sweep (or the point) as CSV')
    .option('--json', 'print the result as JSON')
    .action((flags: SparseFlags) => {
      const query = queryFromFlags(flags, io);
      withBlockBlamed(flags, query, () => {
        if (flags.sweep !== undefined) {
          const rows = runSweep(query, flags);
          io.stdout(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : flags.csv ? sweepCsv(rows) : `${header(query)}\n${sweepTable(rows)}\n`);
          return;
        }
        const bounds = sparseBounds(query);
        io.stdout(flags.json ? `${JSON.stringify(bounds, null, 2)}\n` : flags.csv ? pointCsv(bounds) : `${header(query)}\n${renderBounds(bounds)}\n`);
      });
    });
}

/**
 * Tiles this command chose from the block size (no --kernel, --tile-q or --tile-k given) that
 * the kernel refuses are the block's fault: the complaint names --block.
 */
function withBlockBlamed(flags: SparseFlags, query: SparseQuery, run: () => void): void {
  const tilesFromBlock = flags.kernel === undefined && flags.tileQ === undefined && flags.tileK === undefined && query.kernelOptions?.tileQ !== undefined;
  try {
    run();
  } catch (e) {
    if (!tilesFromBlock || !(e instanceof InputError) || !/^(--tile|tile)/.test(e.field)) throw e;
    throw new InputError(
      '--block',
      `FlashAttention-2 tiled at the block (${query.kernelOptions!.tileQ}×${query.kernelOptions!.tileK}): ${e.detail}; blocks that are multiples of ${FLEX_BLOCK} run on flex`,
    );
  }
}

function queryFromFlags(flags: SparseFlags, io: CliIo): SparseQuery {
  const count = (v: string | undefined, flag: string) => (v === undefined ? undefined : parseCount(v, flag));
  if (flags.mask !== undefined && (flags.method !== undefined || flags.density !== undefined)) {
    throw new InputError('--mask', 'give either a static --mask or a dynamic --method/--density, not both');
  }
  // Flags that only one form reads are refused where they would be ignored.
  if (flags.mask !== undefined && flags.block !== undefined) throw new InputError('--block', 'sets the block size of a --method or --density selection; a static --mask has its own');
  if (flags.points !== undefined && flags.sweep === undefined) throw new InputError('--points', 'are the points of a sweep: add --sweep density or --sweep seq');
  if (flags.csv === true && flags.json === true) throw new InputError('--csv', 'give --csv or --json, not both');
  const method = flags.method !== undefined ? getMethod(flags.method) : undefined;
  const block = count(flags.block, '--block');
  const baseKind = flags.base ?? method?.baseMask ?? 'none';
  if (baseKind !== 'none' && baseKind !== 'causal') throw new InputError('--base', `the dense run's mask is none or causal, got "${baseKind}"`);
  const density = flags.density !== undefined ? checkDensity(Number(flags.density), '--density') : undefined;
  let pattern: SparsePattern;
  if (flags.mask !== undefined) pattern = { kind: 'static', mask: parseMask(flags.mask, '--mask') };
  else if (method || density !== undefined) {
    const chosen: SparseMethod = method ?? oracleMethod(block ?? FLEX_BLOCK, baseKind);
    const withBlock = block !== undefined && method ? { ...chosen, attend: { ...chosen.attend, blockSize: block } } : chosen;
    pattern = { kind: 'dynamic', method: withBlock, ...(density !== undefined ? { density } : {}) };
  } else throw new InputError('--mask', 'give a static --mask, a --method, or a --density');
  const workload: Workload = { ...workloadFromFlags({ ...flags, mask: undefined }), mask: { kind: baseKind } };
  if (block !== undefined && block > workload.kvLen) throw new InputError('--block', `${block}-token blocks are longer than the sequence (${workload.kvLen} keys)`);
  const device = resolveDevice(flags.hardware, flags.set, io);
  // Refused before any simulation runs.
  checkPatternRunsOn(device, pattern);
  const kernelOptions: KernelOptions = { tileQ: count(flags.tileQ, '--tile-q'), tileK: count(flags.tileK, '--tile-k') };
  if (device.kind !== 'gpu') {
    // A dataflow pipeline streams the kept blocks: its incremental-softmax pipeline by default.
    const kernel = flags.kernel ?? 'incremental';
    dataflowKernelOf(kernel, '--kernel');
    const engine = engineFor(device, flags.engine, '--engine').id;
    return { hardware: device, workload, kernel, kernelOptions, engine, pattern };
  }
  const blockSize = pattern.kind === 'dynamic' && pattern.method.attend.gather !== true ? pattern.method.attend.blockSize : FLEX_BLOCK;
  let kernel = flags.kernel ?? (workload.phase === 'decode' ? DEFAULT_DECODE_KERNEL : DEFAULT_KERNEL);
  if (flags.kernel === undefined && kernel === DEFAULT_KERNEL) {
    // Other block sizes go to FA2 tiled at the block, in whole tensor-core instructions.
    const chosen = blockSparseKernel(blockSize, workload.dtype);
    kernel = chosen.kernel;
    kernelOptions.tileQ ??= chosen.kernelOptions.tileQ;
    kernelOptions.tileK ??= chosen.kernelOptions.tileK;
  }
  const engine = flags.engine ?? 'analytical';
  if (!engineIds('gpu').includes(engine)) throw new InputError('--engine', `unknown engine "${engine}"; valid engines: ${engineIds('gpu').join(', ')}`);
  return { hardware: device, workload, kernel, kernelOptions, engine, pattern };
}

function runSweep(q: SparseQuery, flags: SparseFlags): SparseSweepRow[] {
  const points = flags.points?.split(',').map((p) => p.trim());
  if (flags.sweep === 'density')
    return sweepDensity(
      q,
      points?.map((p) => checkDensity(Number(p), '--points')),
    );
  if (flags.sweep === 'seq')
    return sweepSeq(
      q,
      points?.map((p) => parseCount(p, '--points')),
    );
  throw new InputError('--sweep', `sweep density or seq, got "${flags.sweep}"`);
}

function header(q: SparseQuery): string {
  const w = q.workload;
  const what = q.pattern.kind === 'static' ? `static mask ${describeMask(q.pattern.mask)}` : `${q.pattern.method.name}`;
  const estimate = estimateNote(q.hardware.id);
  return (
    `${what} on ${q.hardware.id}, kernel ${q.kernel}: b${w.batch} h${w.heads}/${w.kvHeads} q${w.qLen} k${w.kvLen} d${w.headDim} ${w.dtype} ${w.phase}; dense run: ${describeMask(w.mask)}` +
    (estimate !== null ? `\n${estimate}` : '')
  );
}

const times = (x: number) => `${x.toFixed(2)}×`;

export function renderBounds(b: SparseBounds): string {
  const t = b.tiles;
  const rows = [
    ['bound', 'speedup', 'what it counts'],
    ['(a) ideal, 1/kept fraction', times(b.ideal), `keeps ${percent(b.keptFraction)} of the dense run's computed elements${b.density !== null ? ` (density ${b.density.toPrecision(3)})` : ''}`],
    [
      '(b) tile level',
      times(b.tileLevel),
      t
        ? `${t.visited.toFixed(0)} of ${t.denseVisited.toFixed(0)} ${t.tileQ}×${t.tileK} tiles (${t.partial.toFixed(0)} partial), ${formatBytes(t.metadataBytes)} metadata per head`
        : 'unfused kernel: every score computed',
    ],
    [
      '(c) predicted',
      times(b.predicted),
      `dense ${formatSeconds(b.seconds.dense)} → ${formatSeconds(b.seconds.total)} (attend ${formatSeconds(b.seconds.attend)}, estimate + select ${b.seconds.estimator > 0 ? formatSeconds(b.seconds.estimator) : 'none'})`,
    ],
    ['(d) break-even density', breakEvenCell(b.breakEvenDensity), breakEvenText(b)],
  ];
  const lines = [table(rows, true)];
  if (b.operators.length > 0) {
    lines.push('', table([['operator', 'time', 'bound'], ...b.operators.map((o) => [o.name, formatSeconds(o.seconds), o.bound])]));
  }
  for (const n of b.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

function breakEvenCell(d: number | null | undefined): string {
  return d === undefined ? '-' : d === null ? 'never' : d >= 1 ? '1 (never loses)' : d.toPrecision(3);
}

function breakEvenText(b: SparseBounds): string {
  const blocks = `${b.breakEvenBlockSize}-token block sparsity`;
  if (b.breakEvenDensity === null) return `even one block per row: ${blocks} is slower than dense`;
  if (b.breakEvenDensity !== undefined && b.breakEvenDensity >= 1) return `${blocks} is no slower than dense even with every block kept`;
  return `above it, ${blocks} is slower than dense`;
}

const SWEEP_COLUMNS = ['density', 'seqLen', 'keptFraction', 'ideal', 'tileLevel', 'predicted', 'denseSeconds', 'sparseSeconds', 'estimatorSeconds', 'breakEvenDensity'] as const;

function sweepTable(rows: SparseSweepRow[]): string {
  const hasBreakEven = rows.some((r) => r.breakEvenDensity !== undefined);
  const head = ['density', 'seq', 'kept', '(a) ideal', '(b) tile', '(c) predicted', 'dense', 'sparse + estimator', ...(hasBreakEven ? ['(d) break-even'] : [])];
  return table([
    head,
    ...rows.map((r) => [
      r.density === null ? '-' : r.density.toPrecision(3),
      String(r.seqLen),
      percent(r.keptFraction),
      times(r.ideal),
      times(r.tileLevel),
      times(r.predicted),
      formatSeconds(r.denseSeconds),
      formatSeconds(r.sparseSeconds),
      ...(hasBreakEven ? [breakEvenCell(r.breakEvenDensity ?? null)] : []),
    ]),
  ]);
}

function sweepCsv(rows: SparseSweepRow[]): string {
  const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return `${SWEEP_COLUMNS.join(',')}\n${rows.map((r) => SWEEP_COLUMNS.map((c) => cell(r[c])).join(',')).join('\n')}\n`;
}

function pointCsv(b: SparseBounds): string {
  const cols = ['density', 'keptFraction', 'ideal', 'tileLevel', 'predicted', 'breakEvenDensity', 'denseSeconds', 'sparseSeconds', 'estimatorSeconds'];
  const values = [b.density, b.keptFraction, b.ideal, b.tileLevel, b.predicted, b.breakEvenDensity, b.seconds.dense, b.seconds.total, b.seconds.estimator];
  return `${cols.join(',')}\n${values.map((v) => (v === null || v === undefined ? '' : String(v))).join(',')}\n`;
}
