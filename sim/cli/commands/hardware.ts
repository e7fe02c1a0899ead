import type { Command } from 'commander';
import { computeUnits, estimateNote, evidenceOf, getDevicePreset, listDevicePresets, memoryLevels, summarizeDevice, type DeviceCommon } from '../../../hardware/device.js';
import { formatBytes, table, withPrefix } from '../../render/format.js';
import { resolveHardware } from '../inputs.js';
import type { CliIo } from '../io.js';
import { isDataflowHardware, resolveDataflowHardware } from './dataflow-hardware.js';
import { checkInputFile } from './user-files.js';

/** `attnsim hardware list|show`. */
export function registerHardware(program: Command, io: CliIo): void {
  const hardware = program.command('hardware').description('list or show hardware presets');
  hardware
    .command('list')
    .description('the presets of every device kind, one line each')
    .action(() => {
      const rows = [['id', 'kind', 'name', 'compute', 'memory', 'bandwidth', 'bf16 matrix', 'evidence']];
      for (const { id } of listDevicePresets()) {
        const spec = getDevicePreset(id);
        const s = summarizeDevice(spec);
        rows.push([
          id,
          s.kind,
          spec.name,
          `${s.computeUnits} ${s.computeUnitName}`,
          `${formatBytes(s.mainMemory.bytes)} ${s.mainMemory.name}`,
          withPrefix(s.mainMemory.bandwidthBytesPerSecond, 'B/s'),
          s.peakBf16MatrixFlopsPerSecond ? withPrefix(s.peakBf16MatrixFlopsPerSecond, 'FLOP/s') : '-',
          evidenceOf(spec),
        ]);
      }
      io.stdout(`${table(rows)}\nevidence: measured = calibrated and scored on our measurements (attnsim validate); estimated = datasheet and paper numbers only\n`);
    });
  hardware
    .command('show <id>')
    .description('every number of a preset with its source')
    .option('--json', 'as JSON')
    .action((id: string, opts: { json?: boolean }) => {
      const field = 'hardware show <id>';
      // A path is checked before anything reads it whole (a device never ends).
      if (id.endsWith('.json') || id.includes('/')) checkInputFile(id, field);
      // Dataflow presets and spec files are hardware too: shown the same way.
      const spec = isDataflowHardware(id, io) ? resolveDataflowHardware(id, [], io, field) : resolveHardware(id, [], io, field);
      showSpec(spec, opts.json === true, io);
    });
}

/** A spec of any device kind: as JSON, or every number with its basis and source. */
export function showSpec(spec: DeviceCommon, json: boolean, io: CliIo): void {
  if (json) {
    io.stdout(`${JSON.stringify(spec, null, 2)}\n`);
    return;
  }
  const levels = [
    ['memory level', 'scope', 'capacity', 'bandwidth'],
    ...memoryLevels(spec).map((l) => [l.name, l.instances > 1 ? `${l.instances} × per ${l.scope}` : `per ${l.scope}`, formatBytes(l.bytesPerInstance), withPrefix(l.bandwidthBytesPerSecond, 'B/s')]),
  ];
  const units = [
    ['compute unit', 'instances', 'rates'],
    ...computeUnits(spec).map((u) => [
      u.name,
      String(u.instances),
      Object.entries(u.ratesPerSecond)
        .map(([type, rate]) => `${type === 'any' ? '' : `${type} `}${withPrefix(rate, u.role === 'exp' ? 'exp/s' : 'FLOP/s')}`)
        .join(', '),
    ]),
  ];
  const rows = [['field', 'value', 'basis', 'source']];
  for (const [path, p] of Object.entries(spec.provenance)) rows.push([path, p.written, p.basis, p.source]);
  const estimate = estimateNote(spec.id);
  io.stdout(`${spec.name} (${spec.id}), ${spec.kind}, ${spec.architecture}${estimate !== null ? `\n${estimate}` : ''}\n\n${table(units)}\n\n${table(levels)}\n\n${table(rows, true)}\n`);
}
