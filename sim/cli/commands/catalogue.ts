import type { Command } from 'commander';
import { describeMask } from '../../../workloads/masks/mask.js';
import { listModels } from '../../../workloads/models/index.js';
import { KERNELS, listKernels } from '../../kernels/index.js';
import { table } from '../../render/format.js';
import type { CliIo } from '../io.js';

/** `attnsim models` and `attnsim kernels`: what --model and --kernel accept. */
export function registerCatalogue(program: Command, io: CliIo): void {
  program
    .command('models')
    .description('model configs usable with --model')
    .option('--json', 'as JSON')
    .action((opts: { json?: boolean }) => {
      const models = listModels();
      if (opts.json) {
        io.stdout(`${JSON.stringify(models, null, 2)}\n`);
        return;
      }
      const rows = [['id', 'name', 'layers', 'heads', 'kv heads', 'head dim', 'mask (layer 0)', 'max context']];
      for (const m of models) {
        rows.push([m.id, m.name, String(m.layers), String(m.heads), String(m.kvHeads), String(m.headDim), describeMask(m.attention[0]!.mask), String(m.maxContext)]);
      }
      io.stdout(`${table(rows)}\n`);
    });

  program
    .command('kernels')
    .description('kernel lowerings usable with --kernel')
    .action(() => {
      io.stdout(`${table([['id', 'what it models'], ...listKernels().map((k) => [k, KERNELS[k]!.summary])])}\n`);
    });
}
