import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { loadSpec, type GpuSpec } from '../hardware/index.js';
import { main, type CliIo } from '../sim/cli/main.js';

/** Relative closeness with the tolerance stated at each call. */
export function expectClose(actual: number, expected: number, relTol: number): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  if (Math.abs(actual - expected) / scale > relTol) {
    expect.fail(`expected ${actual} to be within ${relTol * 100}% of ${expected}`);
  }
}

/** The hand-check GPU: 4 SMs, round rates (tests/fixtures/toy-gpu.json). */
export function toyGpu(): GpuSpec {
  const raw: unknown = JSON.parse(readFileSync(new URL('./fixtures/toy-gpu.json', import.meta.url), 'utf8'));
  return loadSpec(raw, { requireProvenance: false, origin: 'toy-gpu' });
}

/** Run the CLI in-process and capture what it prints. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readFile: (p) => readFileSync(p, 'utf8'),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
