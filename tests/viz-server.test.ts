import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULTS_URL_PATH, startVizServer, type VizServer } from '../visualizer/server.js';

/** A page folder of two files, a secret beside it, and a results file elsewhere. */
const root = mkdtempSync(join(tmpdir(), 'attnsim-server-'));
const pageDir = join(root, 'page');
mkdirSync(join(pageDir, 'assets'), { recursive: true });
writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>page</title>');
writeFileSync(join(pageDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(root, 'secret.txt'), 'secret');
const resultsFile = join(root, 'results.jsonl');
writeFileSync(resultsFile, '{"latencySeconds":1,"energyJoules":2}\n');

let server: VizServer;
let bare: VizServer;

/** A raw GET: Node's client sends the path exactly as written, `..` and all. */
function get(port: number, path: string, method = 'GET', hostHeader = `127.0.0.1:${port}`): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: hostHeader } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  server = await startVizServer({ pageDir, port: 0, resultsFile });
  bare = await startVizServer({ pageDir, port: 0 });
});
afterAll(async () => {
  await server.close();
  await bare.close();
});

describe('startVizServer', () => {
  it('startVizServer: binds 127.0.0.1 only', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('startVizServer: serves the page files with their content types', async () => {
    expect(await get(server.port, '/')).toMatchObject({ status: 200, body: '<!doctype html><title>page</title>', type: 'text/html; charset=utf-8' });
    expect(await get(server.port, '/assets/app.js?v=1')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
  });

  it('startVizServer: `../`, encoded dots, backslashes and absolute paths get 404', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..\\..\\secret.txt',
      `/${join(root, 'secret.txt')}`,
      `//${join(root, 'secret.txt')}`,
      join(root, 'secret.txt'),
      '/etc/passwd',
      '/nope.html',
    ]) {
      const r = await get(server.port, path);
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
      expect(r.body).not.toContain('secret');
    }
  });

  it('startVizServer: the results file is served at its fixed URL; without one that URL is 404', async () => {
    expect(await get(server.port, RESULTS_URL_PATH)).toMatchObject({ status: 200, body: '{"latencySeconds":1,"energyJoules":2}\n' });
    expect((await get(bare.port, RESULTS_URL_PATH)).status).toBe(404);
  });

  it('startVizServer: a request addressed to another host name (DNS rebinding) gets 403', async () => {
    expect((await get(server.port, RESULTS_URL_PATH, 'GET', `evil.example:${server.port}`)).status).toBe(403);
    expect((await get(server.port, '/', 'GET', `localhost:${server.port}`)).status).toBe(200);
  });

  it('startVizServer: only GET and HEAD', async () => {
    expect((await get(server.port, '/', 'POST')).status).toBe(405);
    expect(await get(server.port, '/', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });
});
