import type { Report } from '../report.js';
import { renderDataflowReport } from './dataflow.js';
import { reportHeader } from './header.js';
import { formatBytes, formatJoules, formatSeconds, percent, table, withPrefix } from './format.js';

/** The short human report of `attnsim simulate`. */
export function renderReport(r: Report): string {
  // A dataflow run reports its pipeline: phases, units and FIFOs instead of launches.
  if (r.dataflow) return renderDataflowReport(r);
  const lines = reportHeader(r);
  const rw = (x: { read: number; write: number }) => `${formatBytes(x.read)} read, ${formatBytes(x.write)} written`;
  lines.push(
    table(
      [
        ['latency', formatSeconds(r.latencySeconds)],
        ['bound', r.bound === 'power' ? `power (at full clocks: ${r.rooflineBound})` : r.bound],
        ['achieved', `${withPrefix(r.achievedFlopsPerSecond, 'FLOP/s')} useful (${withPrefix(r.flops.useful, 'FLOP')})`],
        ['tensor-core use', percent(r.utilization.matrix)],
        ['HBM', `${rw(r.bytes.hbm)} (${percent(r.utilization.hbm)} of bandwidth)`],
        ['L2', `${rw(r.bytes.l2)} (${percent(r.utilization.l2)})`],
        ['shared memory', `${rw(r.bytes.smem)} (${percent(r.utilization.smem)})`],
        ['intensity', `${r.arithmeticIntensity.hbm.toFixed(1)} FLOP/B at HBM, ${r.arithmeticIntensity.l2.toFixed(1)} at L2`],
        [
          'energy',
          `${formatJoules(r.energyJoules)} (avg ${r.averagePowerWatts.toFixed(0)} W; static ${formatJoules(r.energy.static)}, HBM ${formatJoules(r.energy.hbm)}, tensor ${formatJoules(r.energy.matrix)})`,
        ],
      ],
      true,
    ),
  );
  if (r.tiles) {
    const t = r.tiles;
    lines.push(
      `  tiles ${t.tileQ}×${t.tileK}: ${t.full} full, ${t.partial} partial, ${t.skipped} skipped per head; ` +
        `kept ${percent(t.keptFraction)}, computed ${percent(t.computedFraction)} of the score matrix`,
    );
  }
  lines.push('');
  const rows = [['launch', 'CTAs', 'CTA/SM', 'waves', 'path', 'time', 'bound']];
  for (const l of r.breakdown) {
    rows.push([
      l.name,
      String(l.ctaCount) + (l.persistent ? ' (persistent)' : ''),
      `${l.ctasPerSm} (${l.occupancyLimiter})`,
      String(l.waves),
      l.matrixPath ?? '-',
      formatSeconds(l.latencySeconds),
      l.bound,
    ]);
  }
  lines.push(table(rows));
  for (const warning of r.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}
