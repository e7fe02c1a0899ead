import type { Command } from 'commander';
import { chromeTrace } from '../../engines/gpu-cycle/index.js';
import { InputError } from '../../../hardware/errors.js';
import { listKernels } from '../../kernels/index.js';
import { engineFor, engineIds, listEngines, simulate } from '../../simulate.js';
import { parseCount } from '../args.js';
import { writeTextFile } from '../../node/files.js';
import { addHardwareOptions, addWorkloadOptions, DEFAULT_CALL, workloadFromFlags, type SimulateFlags } from '../inputs.js';
import type { CliIo } from '../io.js';
import { renderReport } from '../../render/render.js';
import { dataflowKernelOf } from '../../engines/dataflow/simulate.js';
import { resolveDevice } from '../device.js';

/** `attnsim simulate`: one attention call on one machine. */
export function registerSimulate(program: Command, io: CliIo): void {
  addWorkloadOptions(
    addHardwareOptions(program.command('simulate').description('predict latency, bytes per memory level and energy of one attention call (default: Llama-3.1-8B, 32K prefill, h200-sxm)')),
  )
    .option('--kernel <id>', `kernel lowering (${listKernels().join(', ')})`, DEFAULT_CALL.kernel)
    .option('--engine <id>', `engine (${engineIds().join(', ')}; default: the device kind's first)`)
    .option('--mask <spec>', 'none | causal | window:W | sinks:S,window:W | block:B,density:D | doc:LxN[,causal]')
    .option('--tile-q <n>', 'query rows per tile (default: as the kernel chooses)')
    .option('--tile-k <n>', 'keys per tile (default: as the kernel chooses)')
    .option('--splits <n>', 'KV splits for split-KV decode (default: heuristic)')
    .option('--json', 'print the full report as JSON')
    .option('--trace <file>', 'with --engine cycle: write the timeline as Chrome trace JSON (open in Perfetto): a track per SM, HBM and L2 counters')
    .action((flags: SimulateFlags & { trace?: string }) => {
      const spec = resolveDevice(flags.hardware, flags.set, io);
      const engine = engineFor(spec, flags.engine, '--engine');
      if (flags.trace !== undefined && !engine.timeline) {
        const keepers = listEngines(spec.kind)
          .filter((e) => e.timeline)
          .map((e) => e.id);
        throw new InputError(
          '--trace',
          keepers.length > 0 ? `a timeline comes from the ${keepers.join(' or ')} engine: add --engine ${keepers[0]}` : `no engine of a ${spec.kind} device keeps a timeline`,
        );
      }
      if (spec.kind === 'dataflow') {
        if (flags.splits !== undefined) throw new InputError('--splits', 'split-KV is a GPU kernel option; dataflow pipelines stream the whole key range');
        dataflowKernelOf(flags.kernel, '--kernel');
      }
      const workload = workloadFromFlags(flags);
      const count = (v: string | undefined, flag: string) => (v === undefined ? undefined : parseCount(v, flag));
      const report = simulate({
        hardware: spec,
        workload,
        kernel: flags.kernel,
        engine: engine.id,
        kernelOptions: { tileQ: count(flags.tileQ, '--tile-q'), tileK: count(flags.tileK, '--tile-k'), splits: count(flags.splits, '--splits') },
        timeline: flags.trace !== undefined,
      });
      if (flags.trace !== undefined && report.timeline) {
        writeTrace(flags.trace, chromeTrace(report.timeline, `${report.kernel.id} on ${report.hardware.id}`));
        io.stderr(
          `attnsim: wrote the timeline to ${flags.trace} (${report.timeline.ctas.length} CTA spans${report.timeline.droppedCtas > 0 ? `, ${report.timeline.droppedCtas} more not kept` : ''})\n`,
        );
      }
      io.stdout(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report)}\n`);
    });
}

/** Trace files are written whole; a path that cannot be written is the user's input error. */
export function writeTrace(file: string, trace: object): void {
  writeTextFile(file, JSON.stringify(trace), '--trace');
}
