#!/usr/bin/env node
// Takes the visualizer screenshots shown in README.md and docs/visualizer.md: builds the page if
// its sources are newer than the build, serves it with a made-up sweep's results (as
// tests/browser-visualizer.test.ts does), drives it in headless Chromium to the state the images
// show, and writes them. For maintainers after a change to the page: run it, then look at the
// images before committing them.
//
//   npm run docs:screenshots            into docs/img
//   npm run docs:screenshots -- DIR     into DIR instead (to compare before replacing)
//
// The browser is the tests' (tests/browser-helpers.ts): @sparticuz/chromium, or ATTNSIM_CHROMIUM.
// Those helpers and the server are TypeScript; vite, which the project already uses, loads them
// here without a separate compile step. Its loader stays open until the end (unlike runnerImport,
// which closes once the import returns) because the helpers import @sparticuz/chromium only
// when they launch the browser.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const loader = await createServer({ root: repoRoot, configFile: false, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false, watch: null } });
const helpers = await loader.ssrLoadModule('/tests/browser-helpers.ts');
const { startVizServer } = await loader.ssrLoadModule('/visualizer/server.ts');

const outDir = resolve(process.argv[2] ?? join(repoRoot, 'docs', 'img'));
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'attnsim-screenshots-'));
const resultsFile = join(work, 'results.jsonl');
writeFileSync(resultsFile, helpers.sampleSweepResults());

let browser;
let server;
let failed = false;
try {
  await helpers.ensurePageBuilt();
  server = await startVizServer({ pageDir: helpers.PAGE_DIR, port: 0, resultsFile });
  browser = await helpers.launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('body[data-status="ready"]');
  const update = (action) => helpers.afterUpdate(page, action);
  const shot = async (target, name, options = {}) => {
    await target.screenshot({ path: join(outDir, name), ...options });
    process.stdout.write(`wrote ${join(outDir, name)}\n`);
  };

  // The browser test's steps, in its order, so the images show what it checks: a 32K prefill,
  // the H100 with the B200 overlaid, HBM bandwidth doubled, the hover report of an L2 point, and
  // the sweep's scatter with its Pareto front.
  await update(() => page.locator('#sequence').fill('15'));
  await page.locator('#roofline path.point.l2').first().hover();
  await update(() => page.locator('#hardware').selectOption('h100-sxm'));
  await update(() => page.locator('input[name="compare"][value="b200"]').check());
  await update(() => page.locator('#hbm-scale').fill('1'));
  await update(() => page.locator('#mask').selectOption('block_sparse'));
  await update(() => page.locator('#density').fill('0.1'));
  await page.waitForSelector('body[data-sweep="loaded"]');
  // The layer's own mask at 64-token blocks: they split the kernel's 128-row tiles, so the
  // sparse view's tile-level bound parts from the ideal one.
  await update(() => page.locator('#mask').selectOption('model'));
  await update(() => page.locator('#block-size').selectOption('64'));
  await shot(page.locator('#roofline-section'), 'viz-roofline.png');
  await shot(page.locator('#breakdown-section'), 'viz-breakdown.png');
  await shot(page.locator('#sparse-section'), 'viz-sparse.png');
  await shot(page.locator('#sweep-section'), 'viz-sweep.png');
  await shot(page, 'viz-page.png', { fullPage: true });
  // The timeline as the test draws it: on the A100 with FlashAttention-2.
  await update(() => page.locator('#hardware').selectOption('a100-sxm-80gb'));
  const timelines = await page.evaluate(() => Number(document.body.dataset.timeline ?? 0));
  await page.click('#run-timeline');
  await page.waitForFunction((n) => Number(document.body.dataset.timeline ?? 0) > n, timelines);
  await shot(page.locator('#timeline-section'), 'viz-timeline.png');
  if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join('; ')}`);
} catch (e) {
  failed = true;
  process.stderr.write(`docs-screenshots: error: ${e instanceof Error ? e.message : String(e)}\n`);
} finally {
  await browser?.close();
  await server?.close();
  await loader.close();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
