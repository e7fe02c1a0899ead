import type { Report } from '../report.js';
import { reportHeader } from './header.js';
import { formatBytes, formatJoules, formatSeconds, percent, table, withPrefix } from './format.js';

/** The short human report of a dataflow simulation. */
export function renderDataflowReport(r: Report): string {
  const d = r.dataflow!;
  const lines = reportHeader(r);
  const levels = Object.entries(d.bytesByLevel)
    .map(([level, rw]) => `${level} ${formatBytes(rw.read)} read, ${formatBytes(rw.write)} written`)
    .join('; ');
  const slowest = d.phases.reduce((a, b) => (b.cycles > a.cycles ? b : a));
  lines.push(
    table(
      [
        [
          'latency',
          `${formatSeconds(r.latencySeconds)} (${withPrefix(d.cycles, 'cycles')} at ${withPrefix(d.clockHz, 'Hz')}` +
            `${d.reconfigurations > 0 ? `, ${d.reconfigurations} reconfigurations ${formatSeconds(d.reconfigurationSeconds)}` : ''})`,
        ],
        ['bound', `${r.bound}${r.bound === 'power' ? ` (at full clock: ${slowest.limiter})` : slowest.limiter !== 'fifo' ? ` (${slowest.limiter})` : ' (bounded FIFOs stall the pipeline)'}`],
        ['achieved', `${withPrefix(r.achievedFlopsPerSecond, 'FLOP/s')} useful (${withPrefix(r.flops.useful, 'FLOP')})`],
        ['matrix use', percent(r.utilization.matrix)],
        ['memory', levels],
        ['DRAM use', `${percent(r.utilization.hbm)} of bandwidth`],
        [
          'energy',
          `${formatJoules(r.energyJoules)} (avg ${r.averagePowerWatts.toFixed(0)} W; static ${formatJoules(r.energy.static)}, DRAM ${formatJoules(r.energy.hbm)}, ` +
            `on-chip ${formatJoules(r.energy.smem)}, MACs ${formatJoules(r.energy.matrix)})`,
        ],
        [
          'plan',
          `${d.strategy}, ${d.replicas} replicas; blocks ${d.block.queries}×${d.block.keys}, ${d.keyBlocksPerRow} key blocks per row, ` +
            `${d.totalRowBlocks} row blocks; K/V streams shared by ${d.replicasPerKvStream} replicas (${d.kvPasses} passes)`,
        ],
      ],
      true,
    ),
  );
  lines.push('');
  lines.push(
    table([
      ['phase', 'cycles', 'unbounded FIFOs', 'rows/replica', 'simulated', 'units/replica', 'FIFO bytes/replica', 'limiter'],
      ...d.phases.map((p) => [
        p.name,
        String(p.cycles),
        String(p.idealCycles),
        String(p.rowsPerReplica),
        `${p.simulatedRows} rows (${p.method})`,
        String(p.computeUnitsPerReplica),
        formatBytes(p.fifoBytesPerReplica),
        p.limiter,
      ]),
    ]),
  );
  for (const p of d.phases) {
    lines.push('');
    lines.push(
      `${p.name}: units (${Object.entries(p.unitsPerStage)
        .map(([s, n]) => `${s} ×${n}`)
        .join(', ')})`,
    );
    lines.push(table([['unit', 'kind', 'firings', 'utilization', 'blocked cycles'], ...p.units.map((u) => [u.name, u.kind, String(u.firings), percent(u.utilization), String(u.stallCycles)])]));
    lines.push(table([['fifo', 'depth', 'peak', 'token bytes'], ...p.fifos.map((f) => [f.name + (f.bypass ? ' (bypass)' : ''), String(f.depth), String(f.peakOccupancy), String(f.tokenBytes)])]));
  }
  for (const warning of r.warnings) lines.push(`note: ${warning}`);
  return lines.join('\n');
}
