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

  it('plot roofline --hardware sn40l-like: its matrix peak under its HBM and on-chip ceilings, the report as one point per level', async () => {
    const out = join(outDir, 'roofline-dataflow.svg');
    const r = await runCli(['plot', 'roofline', '--hardware', 'sn40l-like', '--model', 'llama-3.1-8b', '--context', '4k', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg.match(/class="series" data-hardware="sn40l-like"/g)).toHaveLength(1);
    expect(svg.match(/class="ceiling memory /g)).toHaveLength(2);
    expect(svg.match(/class="ceiling compute /g)).toHaveLength(1);
    expect(svg.match(/class="point (smem|hbm)"/g)).toHaveLength(2);
    for (const text of ['>HBM3<', '>on-chip SRAM<', '>matrix bf16<', 'DRAM bandwidth', 'intensity at on-chip', 'sn40l-like · dataflow-incremental at HBM3']) expect(svg).toContain(text);
    expect(svg).not.toContain('L2');
  });

  it('plot roofline --compare h200-sxm,sn40l-like: a GPU and a dataflow device overlaid, levels named for both', async () => {
    const out = join(outDir, 'roofline-mixed.svg');
    const r = await runCli(['plot', 'roofline', '--hardware', 'h200-sxm', '--compare', 'h200-sxm,sn40l-like', '--model', 'llama-3.1-8b', '--context', '4k', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect([...svg.matchAll(/class="series" data-hardware="([^"]+)"/g)].map((m) => m[1])).toEqual(['h200-sxm', 'sn40l-like']);
    // fa2 on the H200: one launch at three levels; sn40l-like: the call at on-chip memory and DRAM.
    expect(svg.match(/class="point /g)).toHaveLength(3 + 2);
    for (const text of ['HBM / DRAM bandwidth', 'L2 / smem / on-chip bandwidth', 'tensor core / matrix peak', 'intensity at HBM / DRAM']) expect(svg).toContain(text);
  });

  it('plot breakdown on a dataflow device beside a GPU: bytes per level and energy, one bar each', async () => {
    const out = join(outDir, 'breakdown-mixed.svg');
    const r = await runCli(['plot', 'breakdown', '--hardware', 'sn40l-like', '--compare', 'h100-sxm', '--model', 'llama-3.1-8b', '--context', '4k', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg.match(/class="bar read"/g)).toHaveLength(3 * 2);
    for (const text of ['smem / on-chip bytes (B)', 'L2 bytes (B)', 'HBM / DRAM bytes (B)', 'energy (J)']) expect(svg).toContain(text);
    const alone = join(outDir, 'breakdown-dataflow.svg');
    expect((await runCli(['plot', 'breakdown', '--hardware', 'wafer-mesh-like', '--model', 'llama-3.1-8b', '--context', '4k', '--out', alone])).code).toBe(0);
    const only = readFileSync(alone, 'utf8');
    expect(only.match(/class="panel-title"/g)).toHaveLength(3);
    for (const text of ['on-chip bytes (B)', 'DRAM bytes (B)', 'on-chip energy']) expect(only).toContain(text);
  });

  it('plot timeline or sparse on a dataflow device, or a kernel it has no pipeline for: one error line naming the kind, exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['plot', 'timeline', '--hardware', 'sn40l-like', '--out', join(outDir, 'x.svg')],
        "attnsim: error: --hardware: plot timeline draws the GPU cycle engine's CTAs on SMs; sn40l-like is a dataflow device (plot roofline and plot breakdown draw it)\n",
      ],
      [
        ['plot', 'sparse', '--hardware', 'wafer-mesh-like', '--out', join(outDir, 'x.svg')],
        'attnsim: error: --hardware: plot sparse draws the block-sparse speedup of a GPU kernel; wafer-mesh-like is a dataflow device (plot roofline and plot breakdown draw it)\n',
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(message);
    }
    const r = await runCli(['plot', 'roofline', '--compare', 'sn40l-like', '--kernel', 'sdpa-flash', '--out', join(outDir, 'x.svg')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^attnsim: error: --kernel: unknown pipeline "sdpa-flash" for a dataflow device; valid: .*\n$/);
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
