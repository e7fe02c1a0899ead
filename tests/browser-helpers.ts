import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';

/**
 * Shared by the browser tests and scripts/docs-screenshots.mjs: a Chromium to drive, and the
 * built page. The browser comes from npm (@sparticuz/chromium, a devDependency that carries a
 * headless Chromium), so `npm install` is all a bare machine needs; ATTNSIM_CHROMIUM names a
 * system Chromium to use instead.
 */

export const REPO_ROOT = join(import.meta.dirname, '..');
export const PAGE_DIR = join(REPO_ROOT, 'visualizer', 'dist');
const PAGE_SOURCES = ['app', 'views', 'data'].map((d) => join(REPO_ROOT, 'visualizer', d));

/** No network chatter, first-run UI or GPU: the page is served from loopback and drawn in SVG. */
const QUIET_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * One line: a launch error from playwright carries the browser's command line, its output and
 * a call log after the first line. The browser's first error line (a missing shared library, say)
 * is kept, since the first line alone is often just "browser has been closed".
 */
function reason(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n').map((l) => l.trim());
  const first = lines.find((l) => l.length > 0) ?? 'unknown error';
  const browserError = lines.find((l) => /^\[pid=\d+\]\[err\] /.test(l))?.replace(/^\[pid=\d+\]\[err\] /, '');
  return browserError ? `${first}: ${browserError}` : first;
}

/** An error whose whole report is its one-line message: the cause and the fix, no stack to read past. */
function launchFailure(message: string): Error {
  const error = new Error(message);
  error.stack = `Error: ${message}`;
  return error;
}

/**
 * Starts Chromium, or throws one line saying why it could not and what to do. The tests fail
 * with it, so a machine without a browser fails the browser tests rather than skipping them.
 */
export async function launchChromium(): Promise<Browser> {
  const systemChromium = process.env.ATTNSIM_CHROMIUM;
  if (systemChromium) {
    try {
      return await chromium.launch({ executablePath: systemChromium, args: QUIET_FLAGS, headless: true });
    } catch (e) {
      throw launchFailure(
        `attnsim browser tests: could not start Chromium at ATTNSIM_CHROMIUM=${systemChromium} (${reason(e)}); set ATTNSIM_CHROMIUM to a Chromium binary, or unset it to use the one from @sparticuz/chromium (npm install)`,
      );
    }
  }
  let executablePath = '';
  try {
    // Imported here, not at the top: a missing package is then this one-line failure, not a load error of the test file.
    const { default: packaged, inflate } = await import('@sparticuz/chromium');
    const binDir = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', 'bin');
    // Both are unpacked into the temporary folder on first use (a few seconds), then reused. The
    // binary links NSS and NSPR, which a bare Linux lacks (a system Chromium pulls them in); the
    // package ships them for Amazon Linux, and they serve any glibc as new or newer.
    const [path, libsDir] = await Promise.all([packaged.executablePath(), inflate(join(binDir, 'al2023.tar.br'))]);
    executablePath = path;
    const libraryPath = [join(libsDir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    // Its flags suit a serverless sandbox, where the browser must run in one process; here that mode
    // brings the whole browser down when the test closes its second page, so each page gets its own.
    const args = packaged.args.filter((a) => a !== '--single-process');
    return await chromium.launch({ executablePath, args: [...args, ...QUIET_FLAGS], headless: true, env: { ...process.env, LD_LIBRARY_PATH: libraryPath } });
  } catch (e) {
    // An unpacking cut short (Ctrl-C on the first run) leaves a broken binary that is reused from then on.
    const where = executablePath ? `${executablePath}: ` : '';
    const stale = executablePath ? `, delete ${executablePath} if its unpacking was cut short` : '';
    throw launchFailure(`attnsim browser tests: could not start Chromium from @sparticuz/chromium (${where}${reason(e)}); run npm install${stale}, or set ATTNSIM_CHROMIUM to a Chromium binary`);
  }
}

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const stat = statSync(full);
    newest = Math.max(newest, stat.isDirectory() ? newestMtimeMs(full) : stat.mtimeMs);
  }
  return newest;
}

/** `npm test` builds the page first; a test run straight after editing it rebuilds here, so it never tests a stale page. */
export async function ensurePageBuilt(): Promise<void> {
  let builtMs = 0;
  try {
    builtMs = statSync(join(PAGE_DIR, 'index.html')).mtimeMs;
  } catch {
    // not built yet
  }
  if (builtMs > Math.max(...PAGE_SOURCES.map(newestMtimeMs))) return;
  await build({ configFile: join(REPO_ROOT, 'visualizer', 'vite.config.ts'), logLevel: 'error' });
}

/**
 * A made-up sweep of 24 rows for the results view: more SMs and bandwidth are faster and cost
 * more energy, with noise. Twelve rows per preset, so a row filter visibly halves the scatter.
 */
export function sampleSweepResults(): string {
  return Array.from({ length: 24 }, (_, i) => {
    const sms = 66 + 6 * (i % 12);
    const hbmTBps = i < 12 ? 3.35 : 4.8;
    const latencySeconds = 0.02 * (132 / sms) ** 0.8 * (4.8 / hbmTBps) ** 0.3 * (1 + ((i * 7) % 5) / 20);
    const energyJoules = 10 * (sms / 132) ** 0.5 * (hbmTBps / 4.8) ** 0.4 * (1 + ((i * 3) % 4) / 15);
    return JSON.stringify({ hardware: i < 12 ? 'h100-sxm' : 'h200-sxm', sms, hbmTBps, latencySeconds, energyJoules });
  }).join('\n');
}

const updates = (p: Page) => p.evaluate(() => Number(document.body.dataset.updates));

/** Do `action`, then wait until the page has finished one more update than before it. */
export async function afterUpdate(p: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await updates(p);
  await action();
  await p.waitForFunction((n) => Number(document.body.dataset.updates) > n, before);
}
