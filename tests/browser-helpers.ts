import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';

/** Shared by the browser tests: Debian's Chromium, and the built page. */

export const CHROMIUM_PATH = process.env.ATTNSIM_CHROMIUM ?? '/usr/bin/chromium';
export const REPO_ROOT = join(import.meta.dirname, '..');
export const PAGE_DIR = join(REPO_ROOT, 'visualizer', 'dist');
const PAGE_SOURCES = ['app', 'views', 'data'].map((d) => join(REPO_ROOT, 'visualizer', d));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
