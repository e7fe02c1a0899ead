import type { Command } from 'commander';
import { getPreset, listPresets, type Provenance } from '../../../hardware/index.js';
import { formatBytes, table, withPrefix } from '../../render/format.js';
import { resolveHardware } from '../inputs.js';
import type { CliIo } from '../io.js';
import { isDataflowHardware, resolveDataflowHardware } from './dataflow-hardware.js';
import { checkInputFile } from './user-files.js';

/** `attnsim hardware list|show`. */
export function registerHardware(program: Command, io: CliIo): void {
  const hardware = program.command('hardware').description('list or show hardware presets');
  hardware.command('list').description('the presets, one line each').action(() => {
    const rows = [['id', 'name', 'SMs', 'HBM', 'HBM bandwidth', 'bf16 tensor (default path)']];
    for (const id of listPresets()) {
      const s = getPreset(id);
      const rate = s.compute.matrixFlopsPerSecond[s.compute.defaultMatrixPath]?.bf16;
      rows.push([id, s.name, String(s.compute.sms), formatBytes(s.memory.hbm.bytes), withPrefix(s.memory.hbm.bandwidthBytesPerSecond, 'B/s'),
        rate ? `${withPrefix(rate, 'FLOP/s')} (${s.compute.defaultMatrixPath})` : '-']);
    }
    io.stdout(`${table(rows)}\n`);
  });
  hardware.command('show <id>').description('every number of a preset with its source').option('--json', 'as JSON').action((id: string, opts: { json?: boolean }) => {
    const field = 'hardware show <id>';
    // A path is checked before anything reads it whole (a device never ends).
    if (id.endsWith('.json') || id.includes('/')) checkInputFile(id, field);
    // Dataflow presets and spec files are hardware too: shown the same way.
    const spec = isDataflowHardware(id, io) ? resolveDataflowHardware(id, [], io, field) : resolveHardware(id, [], io, field);
    showSpec(spec, opts.json === true, io);
  });
}

/** A spec of any device kind: as JSON, or every number with its basis and source. */
export function showSpec(spec: { id: string; name: string; architecture: string; provenance: Readonly<Record<string, Provenance>> }, json: boolean, io: CliIo): void {
  if (json) {
    io.stdout(`${JSON.stringify(spec, null, 2)}\n`);
    return;
  }
  const rows = [['field', 'value', 'basis', 'source']];
  for (const [path, p] of Object.entries(spec.provenance)) rows.push([path, p.written, p.basis, p.source]);
  io.stdout(`${spec.name} (${spec.id}), ${spec.architecture}\n\n${table(rows, true)}\n`);
}
