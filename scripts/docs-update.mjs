#!/usr/bin/env node
// Rewrites the expected outputs of the shell examples in README.md and docs/*.md from real runs
// of the built CLI, keeping commands, prose, ellipses and blocks marked "not checked". For
// maintainers after a behaviour change: run `npm run docs:update` (it builds first), then read
// the diff, and fix any prose that quotes a number that moved.
//
//   npm run docs:update                 every doc
//   npm run docs:update -- docs/dse.md  only the docs named
//
// The checker is TypeScript (tests/docs-examples.ts, shared with tests/docs.test.ts); vite, which
// the project already uses, loads it here without a separate compile step.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const { module: checker } = await runnerImport(join(repoRoot, 'tests/docs-examples.ts'), { root: repoRoot, logLevel: 'error' });

const wanted = process.argv.slice(2);
const docs = checker.docFiles(repoRoot).filter((d) => wanted.length === 0 || wanted.includes(d));
const unknown = wanted.filter((d) => !docs.includes(d));
if (unknown.length > 0) {
  process.stderr.write(`docs-update: error: not a checked doc: ${unknown.join(', ')} (README.md or docs/*.md)\n`);
  process.exit(2);
}

let trouble = 0;
for (const doc of docs) {
  const { text, blocks } = checker.loadDoc(repoRoot, doc);
  for (const b of checker.unmarkedBlocks(blocks)) {
    trouble++;
    process.stdout.write(`${doc}:${b.line}: block runs no attnsim command and has no <!-- not checked: REASON --> marker\n`);
  }
  const results = checker.runDocExamples(repoRoot, blocks);
  // Examples build on each other (a sweep writes the file a later one reads), so after a crash
  // the later outputs are wrong too: such a doc is left as it is.
  const crashed = results.filter((r) => checker.showsCrash(r.actual));
  for (const r of crashed) {
    trouble++;
    process.stdout.write(`${doc}:${r.example.line}: $ ${r.example.command}\n  crashed (a CLI bug: report it; ${doc} is left as it is):\n${r.actual.map((l) => `    ${l}`).join('\n')}\n`);
  }
  if (crashed.length > 0) continue;
  const { text: updated, unplaced } = checker.updateDoc(text, results);
  for (const e of unplaced) {
    trouble++;
    process.stdout.write(`${doc}:${e.line}: $ ${e.command}\n  its excerpt (the lines around "...") no longer lines up with the output: edit it by hand\n`);
  }
  const changed = results.filter((r) => r.mismatch && !unplaced.includes(r.example));
  if (updated !== text) writeFileSync(join(repoRoot, doc), updated);
  const skipped = blocks.filter((b) => b.notChecked !== undefined);
  const seconds = results.reduce((s, r) => s + r.seconds, 0);
  process.stdout.write(
    `${doc}: ${results.length} examples run in ${seconds.toFixed(1)} s, ${changed.length} rewritten${skipped.length ? `; ${skipped.length} blocks not checked (${skipped.map((b) => b.notChecked).join('; ')})` : ''}\n`,
  );
  for (const r of changed) process.stdout.write(`  rewritten: line ${r.example.line}: $ ${r.example.command}\n`);
}
if (trouble > 0) {
  process.stdout.write(`${trouble} examples need a look (above)\n`);
  process.exit(1);
}
