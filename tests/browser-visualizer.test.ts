import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startVizServer, type VizServer } from '../visualizer/server.js';
import { afterUpdate, ensurePageBuilt, launchChromium, PAGE_DIR, sampleSweepResults } from './browser-helpers.js';

/**
 * The page in a real browser: every step waits on an explicit signal the page sets
 * (`body[data-updates]` after each re-simulation, `body[data-sweep]` after a results file).
 * Everything it writes goes to a temporary folder; the screenshots in docs/img come from
 * `npm run docs:screenshots`.
 */
const work = mkdtempSync(join(tmpdir(), 'attnsim-browser-'));
const goodResults = join(work, 'results.jsonl');
const badResults = join(work, 'bad.jsonl');
writeFileSync(goodResults, sampleSweepResults());
writeFileSync(badResults, '{"latencySeconds": 1, "energyJoules": 2}\n{"latencySeconds": 2, energyJoules\n');

/** Takes a screenshot of `what` into the temporary folder and checks a non-empty PNG came out. */
async function screenshot(what: { screenshot(o: { path: string }): Promise<unknown> }, name: string): Promise<void> {
  const path = join(work, name);
  await what.screenshot({ path });
  expect(statSync(path).size, name).toBeGreaterThan(0);
}

let browser: Browser;
let server: VizServer;
let badServer: VizServer;
let page: Page;

/** The setup's failure, if any: the first test fails with it and the rest are skipped, so a machine without a browser shows one failure that says why. */
let setupError: unknown;
const SETUP_TEST = 'Chromium starts and the page loads without errors';

// On a fresh machine the first launch extracts Chromium from its npm package, and the page may need a build.
beforeAll(async () => {
  try {
    await ensurePageBuilt();
    server = await startVizServer({ pageDir: PAGE_DIR, port: 0, resultsFile: goodResults });
    badServer = await startVizServer({ pageDir: PAGE_DIR, port: 0, resultsFile: badResults });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-status="ready"]');
    expect(errors).toEqual([]);
  } catch (e) {
    setupError = e;
  }
}, 180_000);

beforeEach((ctx) => {
  if (setupError !== undefined && ctx.task.name !== SETUP_TEST) ctx.skip();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await badServer?.close();
  rmSync(work, { recursive: true, force: true });
});

it(SETUP_TEST, () => {
  if (setupError !== undefined) throw setupError;
});

describe('visualizer in Chromium', () => {
  it('loads: the roofline has a point per memory level and the report names the kernel and machine', async () => {
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(await page.locator('#roofline path.point').count()).toBe(3);
    expect(await page.locator('#report').textContent()).toContain('fa2 on NVIDIA H200 SXM 141GB (h200-sxm)');
  });

  it('moving the sequence-length slider moves the point and changes the report', async () => {
    const point = page.locator('#roofline path.point.hbm').first();
    const before = { where: await point.getAttribute('transform'), title: await point.locator('title').textContent(), report: await page.locator('#report').textContent() };
    await afterUpdate(page, () => page.locator('#sequence').fill('15'));
    const after = { where: await point.getAttribute('transform'), title: await point.locator('title').textContent(), report: await page.locator('#report').textContent() };
    expect(after.where).not.toBe(before.where);
    expect(after.title).not.toBe(before.title);
    expect(after.report).not.toBe(before.report);
    expect(after.report).toContain('q 32768 × kv 32768');
    expect(await page.locator('#sequence-value').textContent()).toBe('32768 tokens');
    // Timing is printed, not asserted: a loaded CI machine must not fail the suite.
    console.log(`visualizer update (simulate + draw) after a slider move: ${await page.evaluate(() => document.body.dataset.lastUpdateMs)} ms`);
  });

  it('hovering a point shows its full report', async () => {
    await page.locator('#roofline path.point.l2').first().hover();
    await expect.poll(() => page.locator('#hover-report').textContent()).toContain('h200-sxm · flash_fwd_kernel at L2');
    expect(await page.locator('#hover-report').textContent()).toContain('latency');
  });

  it('switching hardware re-simulates on the new preset; overlaying adds a second series', async () => {
    await afterUpdate(page, () => page.locator('#hardware').selectOption('h100-sxm'));
    expect(await page.locator('#report').textContent()).toContain('(h100-sxm)');
    await afterUpdate(page, () => page.locator('input[name="compare"][value="b200"]').check());
    expect(await page.locator('#roofline g.series').count()).toBe(2);
    expect(await page.locator('#roofline path.point').count()).toBe(6);
    expect(await page.locator('#breakdown rect.bar.read').count()).toBe(3 * 2);
  });

  it('a hardware slider changes the ceilings: doubling HBM bandwidth moves the HBM line', async () => {
    const line = page.locator('#roofline g.series').first().locator('line.ceiling.memory.hbm');
    const before = await line.getAttribute('y1');
    await afterUpdate(page, () => page.locator('#hbm-scale').fill('1'));
    expect(await line.getAttribute('y1')).not.toBe(before);
    expect(await page.locator('#hbm-scale-value').textContent()).toContain('×2.00');
  });

  it('a block-sparse mask at a density re-simulates; the sparse view shows three curves', async () => {
    await afterUpdate(page, () => page.locator('#mask').selectOption('block_sparse'));
    await afterUpdate(page, () => page.locator('#density').fill('0.1'));
    expect(await page.locator('#report').textContent()).toContain('block:128,density:0.1');
    expect(await page.locator('#sparse path.curve').count()).toBe(3);
  });

  it('wheel zoom changes the roofline axes; reset restores them', async () => {
    const ticks = () => page.locator('#roofline .x-axis .tick text').allTextContents();
    const before = await ticks();
    await page.locator('#roofline svg').hover({ position: { x: 300, y: 250 } });
    await page.mouse.wheel(0, -400);
    await expect.poll(ticks).not.toEqual(before);
    await page.locator('#reset-zoom').click();
    await expect.poll(ticks).toEqual(before);
  });

  it('the results file given to the server is loaded as a scatter with its Pareto front; the axes can be changed', async () => {
    await page.waitForSelector('body[data-sweep="loaded"]');
    expect(await page.locator('#scatter circle.point').count()).toBe(24);
    expect(await page.locator('#scatter circle.point.front').count()).toBeGreaterThan(0);
    await page.locator('#sweep-x').selectOption('sms');
    await expect.poll(() => page.locator('#scatter .x-axis').textContent()).toContain('sms');
    await page.locator('#sweep-x').selectOption('latencySeconds');
    await page.locator('#sweep-filter').selectOption({ label: 'hardware = h100-sxm' });
    await expect.poll(() => page.locator('#scatter circle.point').count()).toBe(12);
    await page.locator('#sweep-filter').selectOption({ label: 'all rows' });
  });

  it("each view can be screenshotted with the layer's own mask at 64-token blocks", async () => {
    await afterUpdate(page, () => page.locator('#mask').selectOption('model'));
    // 64-token blocks split the kernel's 128-row tiles, so the tile-level bound parts from the ideal one.
    await afterUpdate(page, () => page.locator('#block-size').selectOption('64'));
    await screenshot(page.locator('#roofline-section'), 'viz-roofline.png');
    await screenshot(page.locator('#breakdown-section'), 'viz-breakdown.png');
    await screenshot(page.locator('#sparse-section'), 'viz-sparse.png');
    await screenshot(page.locator('#sweep-section'), 'viz-sweep.png');
    const path = join(work, 'viz-page.png');
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(0);
  });

  it("an impossible choice (fa3 on an A100) shows the simulator's error in the page; fixing it clears it", async () => {
    await afterUpdate(page, () => page.locator('#hardware').selectOption('a100-sxm-80gb'));
    await afterUpdate(page, () => page.locator('#kernel').selectOption('fa3'));
    expect(await page.locator('#error').textContent()).toBe("kernel: fa3 needs Hopper's wgmma instruction path; a100-sxm-80gb has mma_sync");
    await afterUpdate(page, () => page.locator('#kernel').selectOption('fa2'));
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(await page.locator('#report').textContent()).toContain('(a100-sxm-80gb)');
  });

  it('picking a dataflow preset (sn40l-like) re-simulates it with the dataflow engine; controls it lacks are hidden', async () => {
    expect(await page.locator('#hardware optgroup[label="dataflow"] option[value="sn40l-like"]').textContent()).toBe('sn40l-like (estimated)');
    expect(await page.locator('#hardware optgroup[label="GPU"] option[value="h200-sxm"]').textContent()).toBe('h200-sxm');
    await afterUpdate(page, () => page.locator('#hardware').selectOption('sn40l-like'));
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(await page.locator('#report').textContent()).toContain('(sn40l-like), dataflow-cycle engine');
    expect(await page.locator('#roofline g.series').first().getAttribute('data-hardware')).toBe('sn40l-like');
    expect(await page.locator('#roofline path.point[data-hardware="sn40l-like"]').count()).toBe(2);
    expect(await page.locator('#breakdown .panel-title').allTextContents()).toContain('HBM / DRAM bytes (B)');
    for (const id of ['l2-scale', 'sm-scale', 'smem-scale']) expect(await page.locator(`#${id}-row`).isHidden(), id).toBe(true);
    expect(await page.locator('#hbm-scale-label').textContent()).toBe('HBM3 bandwidth');
    expect(await page.locator('#kernel option[value="split-kv"]').isDisabled()).toBe(true);
    expect(await page.locator('#run-timeline').isDisabled()).toBe(true);
    expect(await page.locator('#sparse').textContent()).toContain('sn40l-like is a dataflow device');
    await afterUpdate(page, () => page.locator('#hardware').selectOption('a100-sxm-80gb'));
    expect(await page.locator('#sm-scale-row').isHidden()).toBe(false);
    expect(await page.locator('#run-timeline').isDisabled()).toBe(false);
    expect(await page.locator('#report').textContent()).toContain('(a100-sxm-80gb)');
  });

  it('a malformed file picked in the page shows an error there, not a blank', async () => {
    await page.locator('#sweep-file').setInputFiles({ name: 'broken.jsonl', mimeType: 'text/plain', buffer: Buffer.from('{"latencySeconds": 1}\nnot json\n') });
    await page.waitForSelector('body[data-sweep="error"]');
    expect(await page.locator('#sweep-error').textContent()).toMatch(/^Cannot show these results: broken\.jsonl line 2: not valid JSON/);
    expect(await page.locator('#scatter svg').count()).toBe(0);
  });

  it('a malformed results file given to attnsim viz shows an error in the page', async () => {
    const other = await browser.newPage();
    await other.goto(badServer.url);
    await other.waitForSelector('body[data-sweep="error"]');
    expect(await other.locator('#sweep-error').isVisible()).toBe(true);
    expect(await other.locator('#sweep-error').textContent()).toContain('line 2: not valid JSON');
    // The rest of the page still works.
    expect(await other.locator('#roofline path.point').count()).toBe(3);
    await other.close();
  });
});

describe('the cycle-engine timeline in the page', () => {
  it('simulates on demand and draws CTAs on SM lanes', async () => {
    const before = await page.evaluate(() => Number(document.body.dataset.timeline ?? 0));
    await page.click('#run-timeline');
    await page.waitForFunction((n) => Number(document.body.dataset.timeline ?? 0) > n, before);
    const bars = await page.locator('#timeline rect.cta').count();
    expect(bars).toBeGreaterThan(0);
    expect(await page.textContent('#timeline-status')).toMatch(/CTAs drawn/);
    await screenshot(page.locator('#timeline-section'), 'viz-timeline.png');
  });
});
