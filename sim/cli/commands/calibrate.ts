import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { calibrationSource } from '../../../hardware/calibration.js';
import { listPresets } from '../../../hardware/index.js';
import { InputError } from '../../../hardware/errors.js';
import { calibrate, calibrateCycle, prepareCases, prepareCycleCases } from '../../calibrate/index.js';
import { cycleCalibrationFor } from '../../engines/gpu-cycle/index.js';
import type { MeasuredCase } from '../../validate/format.js';
import { isCalibrationCase } from '../../validate/stats.js';
import { readTextFile, writeTextFile } from '../../node/files.js';
import { table } from '../../render/format.js';
import type { CliIo } from '../io.js';
import { packageRoot } from '../../node/paths.js';
import { shippedDataFiles, shippedL2Probe } from '../../validate/node/data-files.js';
import { loadCaseFiles } from './validate.js';

/** Where measured cases of a hardware go, and where their format is described. */
const HOW_TO_ADD = (hardware: string) => `add measured cases in validation/data/${hardware}/*.jsonl (format: validation/FORMAT.md)`;

/** A fit-quality cell: '-' when nothing was fitted (no case measured that quantity). */
const fitCell = (mape: number, cases: number, suffix = '') => (cases > 0 && Number.isFinite(mape) ? `${mape.toFixed(1)}%${suffix}` : '-');

/** The engines whose constants `attnsim calibrate` fits. */
const ENGINES = ['analytical', 'cycle'] as const;

/** `attnsim calibrate`: fit the named constants of one hardware on its calibration split. */
export function registerCalibrate(program: Command, io: CliIo): void {
  program
    .command('calibrate')
    .description('fit the calibration constants (energy scales; per kernel family: tensor efficiency, fixed time) on the calibration split')
    .option('--hardware <id>', 'hardware preset whose cases are fitted', 'h200-sxm')
    .option('--engine <id>', `engine whose constants are fitted (${ENGINES.join(', ')}); cycle: the \`cycle\` section, from the fitted analytical constants and the L2 probe table`, 'analytical')
    .option('--data <file...>', 'measured-case JSONL files; default: the shipped data')
    .option('--write', 'write hardware/calibration/<id>.json (the file validate and simulate use)')
    .action((opts: { hardware: string; engine: string; data?: string[]; write?: boolean }) => {
      const hardware = opts.hardware;
      if (!listPresets().includes(hardware)) throw new InputError('--hardware', `unknown preset "${hardware}"; valid presets: ${listPresets().join(', ')}`);
      if (!(ENGINES as readonly string[]).includes(opts.engine)) throw new InputError('--engine', `unknown engine "${opts.engine}"; engines with fitted constants: ${ENGINES.join(', ')}`);
      const files = opts.data ?? shippedDataFiles();
      const field = opts.data ? '--data' : '--hardware';
      const { cases, errors } = loadCaseFiles(files, io);
      // Constants fitted on a partly read file would be silently wrong: every line must parse.
      if (errors.length > 0) {
        const first = errors[0]!;
        throw new InputError(
          '--data',
          `${relative(process.cwd(), first.file) || first.file}:${first.line}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more bad lines)` : ''}; fix or remove the bad lines before fitting`,
        );
      }
      const own = cases.filter((c) => c.hardware === hardware);
      const where = opts.data ? 'the given files' : 'the shipped data';
      if (own.length === 0) throw new InputError(field, `no calibration data for "${hardware}": ${where} hold no measured case of it; ${HOW_TO_ADD(hardware)}`);
      const split = own.filter((c) => isCalibrationCase(c.id)).length;
      if (split === 0) {
        throw new InputError(
          field,
          `no calibration data for "${hardware}": none of its ${own.length} measured cases falls in the calibration split (FNV-1a(id) mod 4 = 0, about a quarter of the cases); ${HOW_TO_ADD(hardware)}`,
        );
      }
      if (opts.engine === 'cycle') {
        fitCycle(cases, hardware, own.length, field, opts.write === true, io);
        return;
      }
      const prepared = prepareCases(cases, hardware).length;
      if (prepared === 0) throw new InputError(field, `no calibration data for "${hardware}": the simulator cannot model any of its ${split} calibration-split cases (validate --data lists why)`);
      const root = packageRoot();
      const result = calibrate(
        cases,
        hardware,
        files.map((f) => relative(root, f) || f),
        new Date().toISOString().slice(0, 10),
      );
      io.stdout(`fitted on ${prepared} calibration-split case${prepared === 1 ? '' : 's'} of ${hardware} (of ${own.length} measured)\n\n`);
      const rows = [['constant', 'value', 'calibration cases', 'fit MAPE']];
      rows.push([
        'L2: dirty bytes left at kernel end',
        `${(result.l2.retainedDirtyBytes / 2 ** 20).toFixed(2)} MiB`,
        String(result.l2.calibrationCases),
        fitCell(result.l2.fitMape, result.l2.calibrationCases, ' (DRAM)'),
      ]);
      rows.push(['energy: SM-side scale', result.energy.smScale.toFixed(3), String(result.energy.calibrationCases), fitCell(result.energy.fitMape, result.energy.calibrationCases)]);
      rows.push(['energy: memory-side scale', result.energy.memoryScale.toFixed(3), '', '']);
      rows.push(['energy: softmax-side scale', result.energy.softmaxScale.toFixed(3), '', '']);
      rows.push(['energy: operand-delivery scale', result.energy.operandScale.toFixed(3), '', '']);
      for (const [kernel, k] of Object.entries(result.kernels)) {
        rows.push([`${kernel}: tensor efficiency`, k.matrixEfficiency.toFixed(3), String(k.calibrationCases), fitCell(k.fitMape, k.calibrationCases)]);
        rows.push([`${kernel}: fixed time per launch`, `${(k.extraFixedSeconds * 1e6).toFixed(2)} µs`, '', '']);
        rows.push([`${kernel}: overhead per work tile`, `${(k.tileOverheadSeconds * 1e6).toFixed(2)} µs`, '', '']);
        rows.push([`${kernel}: overhead per iteration`, `${((k.iterationOverheadSeconds ?? 0) * 1e6).toFixed(2)} µs`, '', '']);
        rows.push([`${kernel}: one CTA's share of its SM`, (k.ctaSoloFraction ?? 1).toFixed(2), '', '']);
        rows.push([`${kernel}: dynamic energy scale`, k.dynamicEnergyScale.toFixed(3), '', fitCell(k.energyFitMape, k.calibrationCases, ' (energy)')]);
      }
      io.stdout(`${table(rows)}\n`);
      if (opts.write) {
        // Calibration files are loaded by a registry, not by listing the folder.
        const loaded = calibrationSource(hardware) === hardware;
        writeSections(hardware, result, io, loaded ? null : `hardware/calibration.ts loads no calibration of ${hardware} yet: add this file to its CALIBRATIONS, then rebuild (npm run build)`);
      }
    });
}

/**
 * `attnsim calibrate --engine cycle`: the cycle engine's `cycle` section. Its L2 constants come
 * from the shipped L2 probe table of the hardware, the rest from the calibration split, each
 * family starting from its fitted analytical constants (so those are fitted first).
 */
function fitCycle(cases: readonly MeasuredCase[], hardware: string, measured: number, field: string, write: boolean, io: CliIo): void {
  const probe = shippedL2Probe(hardware);
  if (probe.points.length === 0) {
    throw new InputError(
      '--hardware',
      `no L2 probe table for "${hardware}": the cycle engine takes its L2 constants from validation/data/${hardware}/probes/l2-replacement*.jsonl (validation/harness/probe_l2.py, probe_l2_table.py)`,
    );
  }
  const prepared = prepareCycleCases(cases, hardware).length;
  if (prepared === 0) throw new InputError(field, `no calibration data for "${hardware}": none of its calibration-split cases names a kernel profile and a mask the simulator has`);
  const result = calibrateCycle(cases, hardware, probe, new Date().toISOString().slice(0, 10));
  io.stdout(`cycle engine: fitted on ${prepared} calibration-split case${prepared === 1 ? '' : 's'} of ${hardware} (of ${measured} measured) and ${probe.points.length} L2 probe points\n\n`);
  const num = (x: number | undefined, digits: number, scale = 1) => (x === undefined ? '-' : (x * scale).toFixed(digits));
  const rows = [['constant', 'value', 'calibration cases', 'fit MAPE']];
  rows.push([
    'L2: fraction that holds data for reuse',
    num(result.l2EffectiveFraction, 3),
    '',
    result.l2FittedOn ? `RMS ${result.l2FittedOn.rmsLostFraction} of the lost fraction (${result.l2FittedOn.points} probe points)` : '',
  ]);
  rows.push(['L2: half-width of the edge', num(result.l2SurvivalSpread, 2), '', '']);
  rows.push(['L2: room per byte every SM reads', num(result.l2SharedRoom, 2), '', '']);
  rows.push(['HBM round trip under load', `${num(result.dramRoundTripSeconds, 2, 1e6)} µs`, String(result.fittedOn.cases), fitCell(result.fittedOn.dramFitMape, result.fittedOn.cases, ' (DRAM)')]);
  for (const [kernel, k] of Object.entries(result.kernels)) {
    rows.push([`${kernel}: tensor efficiency`, k.matrixEfficiency.toFixed(3), String(k.calibrationCases), fitCell(k.fitMape, k.calibrationCases)]);
    rows.push([`${kernel}: fixed time per launch`, `${(k.extraFixedSeconds * 1e6).toFixed(2)} µs`, '', '']);
    rows.push([`${kernel}: overhead per work tile`, `${(k.tileOverheadSeconds * 1e6).toFixed(2)} µs`, '', '']);
    rows.push([`${kernel}: overhead per iteration`, `${num(k.iterationOverheadSeconds ?? 0, 2, 1e6)} µs`, '', '']);
    rows.push([`${kernel}: one CTA's share of its SM`, num(k.ctaSoloFraction ?? 1, 2), '', '']);
    rows.push([`${kernel}: dynamic energy scale`, num(k.dynamicEnergyScale, 3), '', '']);
  }
  io.stdout(`${table(rows)}\n`);
  if (write) {
    // The engine reads the section through its own registry (sim/engines/gpu-cycle/calibration.ts).
    const loaded = cycleCalibrationFor(hardware) !== undefined;
    writeSections(
      hardware,
      { cycle: result },
      io,
      loaded ? null : `sim/engines/gpu-cycle/calibration.ts loads no cycle section of ${hardware} yet: add it to its CALIBRATIONS, then rebuild (npm run build)`,
    );
  }
}

/**
 * Writes fitted sections into hardware/calibration/<id>.json. Sections other fits own are kept
 * as they are; a file that exists but cannot be read or parsed is not overwritten, or those
 * sections would be lost. `notLoaded`: what to do for the CLI to read the file, when a rebuild
 * is not enough (null: it is).
 */
function writeSections(hardware: string, sections: object, io: CliIo, notLoaded: string | null): void {
  const file = join(packageRoot(), 'hardware', 'calibration', `${hardware}.json`);
  let previous: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      previous = JSON.parse(readTextFile(file, '--write')) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof SyntaxError) throw new InputError('--write', `"${file}" is not valid JSON (${e.message}); fix or remove it first`);
      throw e;
    }
  }
  writeTextFile(file, `${JSON.stringify({ ...previous, ...sections }, null, 2)}\n`, '--write');
  io.stdout(`wrote ${relative(process.cwd(), file)}; ${notLoaded ?? 'rebuild (npm run build) for the CLI to use it'}\n`);
}
