import type { Command } from 'commander';
import { chromeTrace } from '../../engines/gpu-cycle/index.js';
import { InputError } from '../../../hardware/errors.js';
import { listKernels } from '../../kernels/index.js';
import { ENGINES, simulate, type EngineId } from '../../simulate.js';
import { parseCount } from '../args.js';
import { writeTextFile } from '../../node/files.js';
import { addHardwareOptions, addWorkloadOptions, DEFAULT_CALL, resolveHardware, workloadFromFlags, type SimulateFlags } from '../inputs.js';
import type { CliIo } from '../io.js';
import { renderReport } from '../../render/render.js';
import { isDataflowHardware } from './dataflow-hardware.js';
import { simulateOnDataflow } from './dataflow.js';

/** `attnsim simulate`: one attention call on one machine. */
export function registerSimulate(program: Command, io: CliIo): void {
  addWorkloadOptions(addHardwareOptions(program
    .command('simulate')
    .description('predict latency, bytes per memory level and energy of one attention call (default: Llama-3.1-8B, 32K prefill, h200-sxm)')))
    .option('--kernel <id>', `kernel lowering (${listKernels().join(', ')})`, DEFAULT_CALL.kernel)
    .option('--engine <id>', `engine (${ENGINES.join(', ')})`, 'analytical')
    .option('--mask <spec>', 'none | causal | window:W | sinks:S,window:W | block:B,density:D | doc:LxN[,causal]')
    .option('--tile-q <n>', 'query rows per tile (default: as the kernel chooses)')
    .option('--tile-k <n>', 'keys per tile (default: as the kernel chooses)')
    .option('--splits <n>', 'KV splits for split-KV decode (default: heuristic)')
    .option('--json', 'print the full report as JSON')
    .option('--trace <file>', 'with --engine cycle: write the timeline as Chrome trace JSON (open in Perfetto): a track per SM, HBM and L2 counters')
    .action((flags: SimulateFlags & { trace?: string }) => {
      if (flags.trace !== undefined && flags.engine !== 'cycle') throw new InputError('--trace', 'a timeline comes from the cycle engine: add --engine cycle');
      if (isDataflowHardware(flags.hardware, io)) return simulateOnDataflow(flags, io);
      const spec = resolveHardware(flags.hardware, flags.set, io);
      const workload = workloadFromFlags(flags);
      const count = (v: string | undefined, flag: string) => (v === undefined ? undefined : parseCount(v, flag));
      const report = simulate({
        hardware: spec,
        workload,
        kernel: flags.kernel,
        engine: flags.engine as EngineId,
        kernelOptions: { tileQ: count(flags.tileQ, '--tile-q'), tileK: count(flags.tileK, '--tile-k'), splits: count(flags.splits, '--splits') },
        timeline: flags.trace !== undefined,
      });
      if (flags.trace !== undefined && report.timeline) {
        writeTrace(flags.trace, chromeTrace(report.timeline, `${report.kernel.id} on ${report.hardware.id}`));
        io.stderr(`attnsim: wrote the timeline to ${flags.trace} (${report.timeline.ctas.length} CTA spans${report.timeline.droppedCtas > 0 ? `, ${report.timeline.droppedCtas} more not kept` : ''})\n`);
      }
      io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report)}\n`);
    });
}

/** Trace files are written whole; a path that cannot be written is the user's input error. */
export function writeTrace(file: string, trace: object): void {
  writeTextFile(file, JSON.stringify(trace), '--trace');
}
