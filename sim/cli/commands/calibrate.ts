import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { getPreset } from '../../../hardware/index.js';
import { calibrate } from '../../validate/calibrate.js';
import { table } from '../format.js';
import type { CliIo } from '../io.js';
import { packageRoot } from '../paths.js';
import { loadCaseFiles, shippedDataFiles } from './validate.js';

/** `attnsim calibrate`: fit the named constants of one hardware on its calibration split. */
export function registerCalibrate(program: Command, io: CliIo): void {
  program
    .command('calibrate')
    .description('fit the calibration constants (energy scales; per kernel family: tensor efficiency, fixed time) on the calibration split')
    .option('--hardware <id>', 'hardware preset whose cases are fitted', 'h200-sxm')
    .option('--data <file...>', 'measured-case JSONL files; default: the shipped data')
    .option('--write', 'write hardware/calibration/<id>.json (the file validate and simulate use)')
    .action((opts: { hardware: string; data?: string[]; write?: boolean }) => {
      getPreset(opts.hardware); // an unknown id fails here with the list of presets
      const files = opts.data ?? shippedDataFiles();
      const { cases } = loadCaseFiles(files, io);
      const root = packageRoot();
      const result = calibrate(cases, opts.hardware, files.map((f) => relative(root, f) || f), new Date().toISOString().slice(0, 10));
      const rows = [['constant', 'value', 'calibration cases', 'fit MAPE']];
      rows.push(['L2: dirty bytes left at kernel end', `${(result.l2.retainedDirtyBytes / 2 ** 20).toFixed(2)} MiB`, String(result.l2.calibrationCases), `${result.l2.fitMape.toFixed(1)}% (DRAM)`]);
      rows.push(['energy: SM-side scale', result.energy.smScale.toFixed(3), String(result.energy.calibrationCases), `${result.energy.fitMape.toFixed(1)}%`]);
      rows.push(['energy: memory-side scale', result.energy.memoryScale.toFixed(3), '', '']);
      rows.push(['energy: softmax-side scale', result.energy.softmaxScale.toFixed(3), '', '']);
      rows.push(['energy: operand-delivery scale', result.energy.operandScale.toFixed(3), '', '']);
      for (const [kernel, k] of Object.entries(result.kernels)) {
        rows.push([`${kernel}: tensor efficiency`, k.matrixEfficiency.toFixed(3), String(k.calibrationCases), `${k.fitMape.toFixed(1)}%`]);
        rows.push([`${kernel}: fixed time per launch`, `${(k.extraFixedSeconds * 1e6).toFixed(2)} µs`, '', '']);
        rows.push([`${kernel}: overhead per work tile`, `${(k.tileOverheadSeconds * 1e6).toFixed(2)} µs`, '', '']);
        rows.push([`${kernel}: overhead per iteration`, `${((k.iterationOverheadSeconds ?? 0) * 1e6).toFixed(2)} µs`, '', '']);
        rows.push([`${kernel}: one CTA's share of its SM`, (k.ctaSoloFraction ?? 1).toFixed(2), '', '']);
        rows.push([`${kernel}: dynamic energy scale`, k.dynamicEnergyScale.toFixed(3), '', `${k.energyFitMape.toFixed(1)}% (energy)`]);
      }
      io.stdout(`${table(rows)}\n`);
      if (opts.write) {
        const file = join(root, 'hardware', 'calibration', `${opts.hardware}.json`);
        // Sections other fits own (the cycle engine's `cycle`) are kept as they are.
        let previous: Record<string, unknown> = {};
        try {
          previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        } catch {
          // no earlier calibration for this hardware
        }
        writeFileSync(file, `${JSON.stringify({ ...previous, ...result }, null, 2)}\n`);
        io.stdout(`wrote ${relative(process.cwd(), file)}; rebuild (npm run build) for the CLI to use it\n`);
      }
    });
}
