#!/usr/bin/env node
// Rewrites the golden reports in tests/golden/ from the current simulator, for a model change
// that moves their numbers on purpose: run `npm run golden:update`, then read the diff in review.
// tests/golden.test.ts only compares against them, so a test run never changes them.
//
// The cases are TypeScript (tests/golden-cases.ts, shared with the test); vite, which the
// project already uses, loads them here without a separate compile step.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const { module: golden } = await runnerImport(join(repoRoot, 'tests/golden-cases.ts'), { root: repoRoot, logLevel: 'error' });

let rewritten = 0;
for (const c of golden.GOLDEN_CASES) {
  const file = join(repoRoot, golden.goldenFile(c));
  const text = golden.goldenText(c);
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // a new case: its file is written below
  }
  if (text === old) continue;
  writeFileSync(file, text);
  rewritten++;
  process.stdout.write(`rewritten: ${golden.goldenFile(c)}\n`);
}
process.stdout.write(`golden-update: ${golden.GOLDEN_CASES.length} golden reports, ${rewritten} rewritten\n`);
