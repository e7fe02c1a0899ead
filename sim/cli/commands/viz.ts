import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { startVizServer } from '../../../visualizer/server.js';
import { InputError } from '../../../hardware/errors.js';
import type { CliIo } from '../io.js';
import { readTextFile } from '../../node/files.js';
import { packageRoot } from '../../node/paths.js';
import { checkInputFile } from './user-files.js';

/** Where `npm run build` puts the page (vite, visualizer/vite.config.ts). */
export function builtPageDir(): string {
  return join(packageRoot(), 'visualizer', 'dist');
}

const DEFAULT_PORT = 5170;
const MAX_PORT = 65535;

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || port > MAX_PORT) throw new InputError('--port', `expected a port number 0..${MAX_PORT} (0 picks a free one), got "${text}"`);
  return port;
}

/**
 * The results file must be one the page can show: a readable file (not a directory) whose
 * first line is a JSON object, as a sweep writes. It is re-read on every reload, so a sweep
 * still running may add to it; only what is there now is checked.
 */
function checkResultsFile(path: string): void {
  checkInputFile(path, 'results');
  const text = readTextFile(path, 'results');
  const first = text.split('\n').find((line) => line.trim() !== '');
  if (first === undefined) return; // a sweep that has not written its first row yet
  let row: unknown;
  try {
    row = JSON.parse(first);
  } catch {
    row = undefined;
  }
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new InputError('results', `"${path}" is not a sweep results file: its first line is not a JSON object (attnsim sweep writes one per design point)`);
  }
}

/** `attnsim viz [results.jsonl]`: serve the built visualizer on 127.0.0.1 until interrupted. */
export function registerViz(program: Command, io: CliIo): void {
  program
    .command('viz')
    .description('serve the interactive roofline visualizer on 127.0.0.1 (the simulator runs in the page), opening a sweep results file if given')
    .argument('[results]', 'a sweep results file (JSONL) to show in the sweep scatter')
    .option('--port <n>', 'TCP port on 127.0.0.1 (0 picks a free one)', String(DEFAULT_PORT))
    .action(async (results: string | undefined, flags: { port: string }) => {
      const port = parsePort(flags.port);
      if (results !== undefined) checkResultsFile(results);
      const pageDir = builtPageDir();
      if (!existsSync(join(pageDir, 'index.html'))) throw new InputError('viz', `the page is not built (no ${pageDir}/index.html); run \`npm run build\``);
      let server;
      try {
        server = await startVizServer({ pageDir, port, ...(results !== undefined ? { resultsFile: results } : {}) });
      } catch (e) {
        throw new InputError('--port', `cannot listen on 127.0.0.1:${port} (${(e as Error).message})`);
      }
      io.stdout(`attnsim viz: serving ${server.url}${results !== undefined ? ` with ${results}` : ''} (127.0.0.1 only; Ctrl-C to stop)\n`);
      // Serve until the process is interrupted; the CLI's promise settles only then.
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
