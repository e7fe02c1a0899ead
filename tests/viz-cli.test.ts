import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const outDir = mkdtempSync(join(tmpdir(), 'attnsim-plot-'));

describe('attnsim plot', () => {
  it('plot roofline --compare: one SVG with a ceiling set and points per preset', async () => {
    const out = join(outDir, 'roofline.svg');
    const r = await runCli(['plot', 'roofline', '--hardware', 'h200-sxm', '--compare', 'h100-sxm,a100-sxm-80gb', '--model', 'llama-3.1-8b', '--context', '8k', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`attnsim plot: wrote roofline to ${out}\n`);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg.match(/class="series"/g)).toHaveLength(3);
    // fa2 is one launch: one point per memory level per preset.
    expect(svg.match(/class="point /g)).toHaveLength(9);
  });

  it('plot breakdown: bars for each memory level and energy', async () => {
    const out = join(outDir, 'breakdown.svg');
    const r = await runCli(['plot', 'breakdown', '--compare', 'b200', '--q-len', '4096', '--heads', '16', '--head-dim', '128', '--out', out]);
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg.match(/class="bar read"/g)).toHaveLength(3 * 2);
    expect(svg).toContain('energy (J)');
  });

  it('plot timeline: the cycle engine CTAs on the SM lanes of a split-KV decode', async () => {
    const out = join(outDir, 'timeline.svg');
    const r = await runCli(['plot', 'timeline', '--heads', '32', '--kv-heads', '8', '--q-len', '1', '--kv-len', '4096', '--head-dim', '128', '--out', out]);
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    // The H200 launch records: 8 kv heads × 32 splits = 256 split CTAs, then the combine kernel's 8.
    expect(svg.match(/class="cta"/g)).toHaveLength(256 + 8);
    expect(svg).toContain('flash_fwd_splitkv_kernel');
  });

  it('plot sparse --densities: the three curves at each density', async () => {
    const out = join(outDir, 'sparse.svg');
    const r = await runCli(['plot', 'sparse', '--model', 'llama-3.1-8b', '--context', '16k', '--densities', '0.1,0.5,1', '--block', '64', '--out', out]);
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    for (const curve of ['idealSpeedup', 'tileBoundSpeedup', 'simulatedSpeedup']) expect(svg.match(new RegExp(`class="point ${curve}"`, 'g'))).toHaveLength(3);
  });

  it('plot with an unknown view, a bad density or a non-SVG name: one error line, exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [['plot', 'pie', '--out', join(outDir, 'x.svg')], 'attnsim: error: view: unknown view "pie"; valid views: roofline, breakdown, sparse, timeline\n'],
      [['plot', 'sparse', '--densities', '0,0.5', '--out', join(outDir, 'x.svg')], 'attnsim: error: --densities: each density must be in (0, 1], got "0,0.5"\n'],
      [['plot', 'roofline', '--out', join(outDir, 'x.png')], `attnsim: error: --out: expected a .svg file name, got "${join(outDir, 'x.png')}"\n`],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(message);
    }
  });
});

describe('attnsim viz', () => {
  it('viz --port with a bad value or a missing results file: one error line, exit 2', async () => {
    expect((await runCli(['viz', '--port', '70000'])).stderr).toBe('attnsim: error: --port: expected a port number 0..65535 (0 picks a free one), got "70000"\n');
    const r = await runCli(['viz', join(outDir, 'missing.jsonl'), '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^attnsim: error: (results: cannot read ".*missing.jsonl": no such file or directory|viz: the page is not built)/);
  });
});

describe('attnsim viz (a real process)', () => {
  it('viz results.jsonl --port 0: prints its 127.0.0.1 address, serves the page and the results, stops on SIGTERM', async () => {
    const results = join(outDir, 'results.jsonl');
    writeFileSync(results, '{"latencySeconds":1,"energyJoules":2}\n');
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'attnsim.js'), 'viz', results, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes('\n')) resolve(stdout);
      });
      child.on('exit', () => reject(new Error(`viz exited early: ${stderr}`)));
    });
    const url = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line)?.[1];
    expect(line).toMatch(new RegExp(`^attnsim viz: serving http://127\\.0\\.0\\.1:\\d+/ with ${results.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(127\\.0\\.0\\.1 only; Ctrl-C to stop\\)\\n$`));
    expect((await fetch(url!)).status).toBe(200);
    expect(await (await fetch(`${url}api/results`)).text()).toBe('{"latencySeconds":1,"energyJoules":2}\n');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
