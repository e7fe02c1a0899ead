import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPreset } from '../hardware/index.js';
import { shippedL2Probe } from '../sim/validate/node/data-files.js';
import { runCyclePlan, tileOrder, type CtaSpan, type L2ProbePoint } from '../sim/engines/gpu-cycle/index.js';
import { chunkOfPhase } from '../sim/engines/gpu-cycle/tile-order.js';
import { getProfile } from '../sim/kernels/profiles/index.js';
import { table } from '../sim/render/format.js';
import { makeWorkload, type Workload } from '../workloads/workload.js';
import { PartitionedL2 } from './partitioned-l2.js';

/**
 * An experiment on the L2 (results: docs/gpu-cycle.md, "The L2 as two partitions"): does a line-level model of
 * Hopper's two-partition L2 (partitioned-l2.ts), fed the cycle engine's own schedule, reproduce
 * Nsight Compute's L2 source counters of 16 attention kernels (probes/l2-sources.jsonl) better
 * than the engine's chunk-level LRU? Each CTA span the engine simulates is replayed key tile by
 * key tile, evenly over the span, in the tile's loop order, from the L2 partition of its SM.
 * `--probe` runs the L2 probe's sequence (probes/l2-replacement*.jsonl) through the line model
 * instead, against the fraction of the hot buffer the H200 lost.
 * Run with `npm run build && node dist/experiments/l2-lines.js [--probe] [--ways N] [--dip] [--only REGEX]`: about
 * 2 minutes on this 2-core machine, 10 with `--probe` (648 probe points, line by line).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HARDWARE = 'h200-sxm';

interface SourcesRow {
  kernel: string;
  batch: number;
  heads: number;
  kvHeads: number;
  seqLen: number;
  headDim: number;
  mask: 'causal' | 'none';
  dramReadBytes: number;
  smReadMissBytes: number;
  fabricReadBytes: number;
  fabricReadMissBytes: number;
}

interface LineEvent {
  seconds: number;
  partition: 0 | 1;
  /** First line and line count of a read, or of a write when `write`. */
  line: number;
  lines: number;
  write: boolean;
}

/** The engine's schedule of the attention launch, as line reads and writes in time order. */
function scheduleEvents(kernel: string, w: Workload, lineBytes: number): { events: LineEvent[]; engineDramRead: number } {
  const spec = getPreset(HARDWARE);
  const plan = getProfile(kernel)!.lower(w, spec);
  const run = runCyclePlan(plan, spec, w, { kernelId: kernel, coldLaunches: true, timeline: true });
  const index = run.plan.launches.findIndex((l) => l.role === 'attention');
  const launch = run.plan.launches[index]!;
  const spans: CtaSpan[] = run.timeline!.ctas.filter((s) => s.launch === index);
  const order = tileOrder(launch, run.plan.coverage, w);
  if (spans.length !== order.tiles || !order.operand) throw new Error(`${kernel}: ${spans.length} spans for ${order.tiles} tiles; cannot replay`);
  const op = order.operand;
  const linesPerKeyTile = Math.round(op.bytes / order.keyTiles / lineBytes);
  const qLines = Math.round((launch.compulsoryReadBytes - op.instances * op.bytes) / order.tiles / lineBytes);
  const oLines = Math.round(launch.compulsoryWriteBytes / order.tiles / lineBytes);
  const qBase = op.instances * order.keyTiles * linesPerKeyTile;
  const oBase = qBase + order.tiles * qLines;
  const events: LineEvent[] = [];
  for (const s of spans) {
    const partition = (s.sm % 2) as 0 | 1;
    const { first, last } = order.keyRange(s.tile);
    // The key tiles in its loop's order: chunkOfPhase over single key tiles.
    const keys = Array.from({ length: last - first }, (_, i) => chunkOfPhase(order, first, last, i));
    const copy = order.instanceOf(s.tile) * order.keyTiles;
    events.push({ seconds: s.startSeconds, partition, line: qBase + s.tile * qLines, lines: qLines, write: false });
    const step = (s.endSeconds - s.startSeconds) / keys.length;
    keys.forEach((k, i) => events.push({ seconds: s.startSeconds + (i + 0.5) * step, partition, line: (copy + k) * linesPerKeyTile, lines: linesPerKeyTile, write: false }));
    events.push({ seconds: s.endSeconds, partition, line: oBase + s.tile * oLines, lines: oLines, write: true });
  }
  events.sort((a, b) => a.seconds - b.seconds);
  const engineDramRead = run.launches[index]!.counts.bytes.hbm.read;
  return { events, engineDramRead };
}

function replay(events: readonly LineEvent[], ways: number, lineBytes: number, insertion: 'lru' | 'dip'): PartitionedL2 {
  const l2 = new PartitionedL2({ bytes: getPreset(HARDWARE).memory.l2.bytes, ways, lineBytes, insertion });
  for (const e of events) {
    for (let l = e.line; l < e.line + e.lines; l++) {
      if (e.write) l2.write(l);
      else l2.read(e.partition, l);
    }
  }
  return l2;
}

/** Bytes of clean junk read first so that the L2 starts full (the probe reads 256 MiB; twice the L2 empties an LRU). */
const PROBE_JUNK_BYTES = 128 * 2 ** 20;

/** The probe's sequence through the line model: junk, hot buffer, stream, hot buffer again; the fraction re-read. */
function probeLostFraction(p: L2ProbePoint, ways: number, insertion: 'lru' | 'dip', lineBytes: number): number {
  const l2 = new PartitionedL2({ bytes: getPreset(HARDWARE).memory.l2.bytes, ways, lineBytes, insertion });
  const lines = (bytes: number) => Math.round(bytes / lineBytes);
  // Consecutive pieces of a split read go to CTAs in turn, alternating between the partitions.
  const piece = 8;
  const splitRead = (first: number, count: number) => {
    for (let l = 0; l < count; l++) l2.read((Math.floor(l / piece) % 2) as 0 | 1, first + l);
  };
  // Read by every CTA: what matters to the L2 is that SMs of both partitions ask for each line.
  const everyRead = (first: number, count: number) => {
    for (let l = 0; l < count; l++) {
      l2.read(0, first + l);
      l2.read(1, first + l);
    }
  };
  const hot = 0;
  const hotLines = lines(p.hotBytes);
  const stream = hotLines + 1;
  const junk = stream + lines(p.streamBytes) + 1;
  splitRead(junk, lines(PROBE_JUNK_BYTES));
  const readHot = p.hotReadBy === 'split' ? splitRead : everyRead;
  readHot(hot, hotLines);
  if (p.stream === 'read') splitRead(stream, lines(p.streamBytes));
  else for (let l = 0; l < lines(p.streamBytes); l++) l2.write(stream + l);
  const before = l2.counts.dramReads;
  readHot(hot, hotLines);
  return (l2.counts.dramReads - before) / hotLines;
}

function probe(ways: number, insertion: 'lru' | 'dip', lineBytes: number): void {
  const { table: source, points } = shippedL2Probe(HARDWARE);
  let squares = 0;
  const bySize = new Map<string, { measured: number; model: number; n: number }>();
  for (const p of points) {
    const model = probeLostFraction(p, ways, insertion, lineBytes);
    squares += (model - p.lostFraction) ** 2;
    const key = `${p.hotReadBy} ${p.stream} ${(p.hotBytes / 2 ** 20).toFixed(0)}+${(p.streamBytes / 2 ** 20).toFixed(0)}`;
    const row = bySize.get(key) ?? { measured: 0, model: 0, n: 0 };
    bySize.set(key, { measured: row.measured + p.lostFraction, model: row.model + model, n: row.n + 1 });
  }
  const rows = [['hot read by, stream, hot + stream MiB', 'lost: measured', 'line model']];
  for (const [key, r] of bySize) if (/ (16\+24|24\+16|32\+8|32\+16|40\+0|48\+0|16\+16|32\+0)$/.test(key)) rows.push([key, (r.measured / r.n).toFixed(2), (r.model / r.n).toFixed(2)]);
  console.log(`L2 probe (${source}, ${points.length} points) through a ${ways}-way two-partition line model (${insertion} insertion)\n`);
  console.log(table(rows));
  console.log(`\nRMS error of the fraction lost over all ${points.length} points: ${Math.sqrt(squares / points.length).toFixed(3)} (the engine's L2 with the probe's constants: 0.029)`);
}

function main(): void {
  const waysAt = process.argv.indexOf('--ways');
  const ways = waysAt > 0 ? Number(process.argv[waysAt + 1]) : 16;
  const insertion = process.argv.includes('--dip') ? 'dip' : 'lru';
  const lineBytes = 128;
  if (process.argv.includes('--probe')) {
    probe(ways, insertion, lineBytes);
    return;
  }
  const rows: SourcesRow[] = readFileSync(join(ROOT, 'validation/data', HARDWARE, 'probes/l2-sources.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as SourcesRow);
  const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
  const out = [['case', 'DRAM read: meas', 'lines', 'engine', 'near miss: meas', 'lines', 'fabric: meas', 'lines', 'fabric miss: meas', 'lines']];
  let linesError = 0;
  let engineError = 0;
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt > 0 ? new RegExp(process.argv[onlyAt + 1]!) : null;
  for (const r of rows) {
    if (only && !only.test(`${r.kernel} b${r.batch} h${r.heads}/${r.kvHeads} ${r.seqLen / 1024}K ${r.mask}`)) continue;
    const w = makeWorkload({ batch: r.batch, heads: r.heads, kvHeads: r.kvHeads, qLen: r.seqLen, headDim: r.headDim, mask: { kind: r.mask } });
    const { events, engineDramRead } = scheduleEvents(r.kernel, w, lineBytes);
    const c = replay(events, ways, lineBytes, insertion).counts;
    const bytes = (n: number) => n * lineBytes;
    linesError += Math.abs(bytes(c.dramReads) / r.dramReadBytes - 1);
    engineError += Math.abs(engineDramRead / r.dramReadBytes - 1);
    out.push([
      `${r.kernel} b${r.batch} h${r.heads}/${r.kvHeads} ${r.seqLen / 1024}K ${r.mask}`,
      mb(r.dramReadBytes),
      mb(bytes(c.dramReads)),
      mb(engineDramRead),
      mb(r.smReadMissBytes),
      mb(bytes(c.nearMisses)),
      mb(r.fabricReadBytes),
      mb(bytes(c.fabricRequests)),
      mb(r.fabricReadMissBytes),
      mb(bytes(c.fabricMisses)),
    ]);
  }
  console.log(`L2 source counters (MB), measured vs a ${ways}-way two-partition line model (${insertion} insertion) fed the cycle engine's schedule ("lines") and the engine's own L2 ("engine")\n`);
  console.log(table(out));
  console.log(
    `\nDRAM read bytes, mean |error| over ${out.length - 1} kernels: line model ${((100 * linesError) / (out.length - 1)).toFixed(1)}%, engine ${((100 * engineError) / (out.length - 1)).toFixed(1)}%`,
  );
}

main();
