import { Command, CommanderError } from 'commander';
import { isInputError } from '../errors.js';
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
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError(false);
  for (const register of COMMANDS) register(program, io);
  return program;
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
      io.stderr(`attnsim: error: ${e.message}\n`);
      return 2;
    }
    io.stderr(`attnsim: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
