import { Command, CommanderError } from 'commander';
import { isInputError } from '../../hardware/errors.js';
import { fsErrorCode, fsReason } from '../node/files.js';
import { registerCatalogue } from './commands/catalogue.js';
import { registerDataflow } from './commands/dataflow.js';
import { registerHardware } from './commands/hardware.js';
import { registerSimulate } from './commands/simulate.js';
import { registerSweep } from './commands/sweep.js';
import { registerPareto } from './commands/pareto.js';
import { registerSensitivity } from './commands/sensitivity.js';
import { registerCompare } from './commands/compare.js';
import { registerMerge } from './commands/merge.js';
import { registerValidate } from './commands/validate.js';
import { registerCalibrate } from './commands/calibrate.js';
import { registerSparse } from './commands/sparse.js';
import { registerPlot } from './commands/plot.js';
import { registerViz } from './commands/viz.js';
import { processIo, type CliIo } from './io.js';

export type { CliIo } from './io.js';

/** Each command lives in its own module under commands/ and registers itself here. */
const COMMANDS: ReadonlyArray<(program: Command, io: CliIo) => void> = [
  registerSimulate,
  registerHardware,
  registerCatalogue,
  registerDataflow,
  registerValidate,
  registerCalibrate,
  registerSweep,
  registerMerge,
  registerPareto,
  registerSensitivity,
  registerCompare,
  registerSparse,
  registerPlot,
  registerViz,
];

function buildProgram(io: CliIo): Command {
  const program = new Command('attnsim')
    .description('How fast, how many bytes, how many joules would this attention take on that hardware?')
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // commander's usage errors ("error: unknown option '--x'") get the prefix every other error has.
      outputError: (text, write) => write(`attnsim: ${text}`),
    })
    .showHelpAfterError(false)
    // A suggestion would be a second line; the one-line error names the unknown command already.
    .showSuggestionAfterError(false);
  for (const register of COMMANDS) register(program, io);
  return program;
}

/**
 * The core names the workload or kernel field it checks (`kvHeads`, `mask.window`); on the
 * command line those came from flags, and the user should be told the flag they typed. Fields
 * with a file or a list in front (`sweep.yaml: …`, `workloads[0].heads`) are left as they are.
 */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  batch: '--batch',
  heads: '--heads',
  kvHeads: '--kv-heads',
  qLen: '--q-len',
  kvLen: '--kv-len',
  headDim: '--head-dim',
  valueHeadDim: '--value-head-dim',
  dtype: '--dtype',
  phase: '--phase',
  model: '--model',
  layer: '--layer',
  context: '--context',
  kernel: '--kernel',
  engine: '--engine',
  tile: '--tile-q/--tile-k',
  tileQ: '--tile-q',
  tileK: '--tile-k',
  splits: '--splits',
  mask: '--mask',
  hardware: '--hardware',
  method: '--method',
};

export function flagOf(field: string): string {
  const root = field.split('.')[0]!;
  if (root === 'mask' || root === '--mask') return field.startsWith('--') ? field : `--${field}`;
  return FLAG_OF_FIELD[field] ?? field;
}

/** Run the CLI; returns the exit code (0 ok, 2 bad input, 1 a bug). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; commander has already printed its message for usage errors.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isInputError(e)) {
      // One line, even when the message quotes a user's text with line breaks in it.
      io.stderr(`attnsim: error: ${flagOf(e.field)}: ${e.detail}`.replace(/\s*[\r\n]+\s*/g, ' ') + '\n');
      return 2;
    }
    return reportUnexpected(e, io);
  }
}

/**
 * The last line of defence: what no command turned into an `InputError`. A file-system error or
 * an input too large for the engine's memory is still the input's fault (exit 2); anything
 * else is a bug (exit 1). Either way one line: the stack only with ATTNSIM_DEBUG=1.
 */
function reportUnexpected(e: unknown, io: CliIo): number {
  const error = e instanceof Error ? e : new Error(String(e));
  const code = fsErrorCode(e);
  const path = (e as { path?: unknown }).path;
  const debug = typeof process !== 'undefined' && process.env.ATTNSIM_DEBUG === '1';
  if (code !== undefined) {
    io.stderr(`attnsim: error: ${typeof path === 'string' ? `"${path}"` : 'file'}: ${fsReason(code)}\n`);
    return 2;
  }
  if (error instanceof RangeError && /Invalid (array|string|typed array) length|Array buffer allocation failed|Maximum call stack/.test(error.message)) {
    io.stderr(`attnsim: error: input: too large to simulate in memory (${error.message})\n`);
    return 2;
  }
  io.stderr(`attnsim: internal error: ${error.name}: ${error.message.split('\n')[0]} (a bug; ATTNSIM_DEBUG=1 prints the stack)\n`);
  if (debug && error.stack) io.stderr(`${error.stack}\n`);
  return 1;
}
