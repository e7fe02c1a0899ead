import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseL2Probe, type L2ProbePoint } from '../../engines/gpu-cycle/index.js';
import { packageRoot } from '../../node/paths.js';

/** The JSON-lines files of a directory whose names pass `keep`, sorted; none if it does not exist. */
export function jsonlFilesIn(dir: string, keep: (name: string) => boolean = () => true): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.jsonl') && keep(f))
        .sort()
    : [];
}

/** validation/data/<hardware> for every hardware preset with shipped data. */
export function shippedHardwareDirs(): string[] {
  const root = join(packageRoot(), 'validation', 'data');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((hw) => join(root, hw))
    .filter((dir) => statSync(dir).isDirectory());
}

/** Every shipped measurement file: validation/data/<hardware>/*.jsonl (not raw/, not ceilings). */
export function shippedDataFiles(): string[] {
  return shippedHardwareDirs().flatMap((dir) => jsonlFilesIn(dir, (f) => !f.startsWith('ceilings')).map((f) => join(dir, f)));
}

/**
 * Every shipped repeat pass: validation/data/<hardware>/repeat/*.jsonl, each file the same cases
 * measured again by one pass (the run-to-run spread that decides which kernel pairs are orderings).
 */
export function shippedRepeatFiles(): string[] {
  return shippedHardwareDirs().flatMap((dir) => jsonlFilesIn(join(dir, 'repeat')).map((f) => join(dir, 'repeat', f)));
}

/**
 * Every shipped L2 probe table of a hardware preset (validation/data/<hardware>/probes/
 * l2-replacement*.jsonl), the points the cycle engine's L2 constants are taken from; `table`
 * names the files, relative to the package root.
 */
export function shippedL2Probe(hardware: string): { table: string; points: L2ProbePoint[] } {
  const dir = join('validation', 'data', hardware, 'probes');
  const files = jsonlFilesIn(join(packageRoot(), dir), (f) => f.startsWith('l2-replacement'));
  return {
    table: `${dir}/${files.join(', ')}`,
    points: files.flatMap((f) => parseL2Probe(readFileSync(join(packageRoot(), dir, f), 'utf8'), join(dir, f))),
  };
}
