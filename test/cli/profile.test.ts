// tinyforge profile as a user meets it: the --json schema on every shared model, the clock and core
// flags, the HTML report (self-contained, escaped), --measure wasm, and progress lines that stay silent
// off a terminal and with --json.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { ModelBuilder } from '../../src/builder/index.js';
import { DEVICES } from '../../src/cost/devices.js';
import { profileSchedule } from '../../src/cost/profile.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import { main, type CliIO } from '../../src/cli/main.js';
import { createProgress } from '../../src/cli/progress.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { profileHtml } from '../../src/report/profile-html.js';
import { profileReport, type ProfileReport } from '../../src/report/profile.js';
import { goldenModels, haveShared } from '../helpers/shared.js';

async function cli(argv: string[], tty = false) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: tty };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-profile-'));
const shared = haveShared();

function demoFile(name: string): string {
  const file = join(tmp, `${name}.tflite`);
  writeFileSync(file, writeTflite(DEMO_MODELS.find((d) => d.name === name)!.build()));
  return file;
}

/** Every field README.md documents for `profile --json`. */
const LAYER_FIELDS = [
  'index', 'opIndex', 'op', 'name', 'kernels', 'kernelKind', 'calls', 'tiles', 'macs', 'params', 'weightBytes', 'inputBytes', 'outputBytes',
  'bytesMoved', 'intensity', 'bound', 'instructions', 'macCycles', 'memoryCycles', 'cycles', 'ms', 'macsPerCycle', 'share', 'measuredMs',
];
const TOTAL_FIELDS = [
  'layers', 'calls', 'macs', 'params', 'weightBytes', 'inputBytes', 'outputBytes', 'bytesMoved', 'intensity', 'instructions', 'cycles', 'ms',
  'macsPerCycle', 'computeBoundShare', 'memoryBoundShare', 'measuredMs',
];

function checkSchema(r: ProfileReport) {
  expect(r.schemaVersion).toBe(1);
  expect(Object.keys(r).sort()).toEqual(['aliasedOps', 'calibration', 'device', 'layers', 'measure', 'model', 'plan', 'schemaVersion', 'totals']);
  for (const k of ['id', 'name', 'mhz', 'defaultMhz', 'clockNote', 'peakMacsPerCycle', 'sramBytesPerCycle', 'flashBytesPerCycle', 'kinds']) expect(r.device).toHaveProperty(k);
  for (const k of ['source', 'method', 'date', 'models']) expect(r.calibration).toHaveProperty(k);
  expect(r.plan.arenaBytes).toBeGreaterThan(0);
  expect(r.layers.length).toBeGreaterThan(0);
  for (const l of r.layers) {
    expect(Object.keys(l).sort()).toEqual([...LAYER_FIELDS].sort());
    expect(['compute', 'memory']).toContain(l.bound);
    expect(l.cycles).toBeGreaterThan(0);
    expect(l.bytesMoved).toBeGreaterThanOrEqual(l.inputBytes + l.outputBytes);
    if (l.macs === 0) expect(l.bound).toBe('memory');
  }
  expect(Object.keys(r.totals).sort()).toEqual([...TOTAL_FIELDS].sort());
  expect(r.totals.macs).toBe(r.layers.reduce((s, l) => s + l.macs, 0));
  expect(r.totals.cycles).toBe(r.layers.reduce((s, l) => s + l.cycles, 0));
  expect(r.totals.instructions).toBe(r.layers.reduce((s, l) => s + l.instructions, 0));
  expect(r.layers.reduce((s, l) => s + l.share, 0)).toBeCloseTo(1, 3);
}

describe('tinyforge profile', () => {
  it('prints help and refuses bad flags with exit 2', async () => {
    const help = await cli(['profile', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--cpu <core>/);
    expect(help.stdout).toMatch(/m4 120, m7 480, m33 160, m55 400/);
    const model = demoFile('sine-mlp');
    expect((await cli(['profile', model, '--cpu', 'cortex-a53'])).code).toBe(2);
    const mhz = await cli(['profile', model, '--mhz', 'fast']);
    expect(mhz.code).toBe(2);
    expect(mhz.stderr).toMatch(/--mhz/);
  });

  it('prints a table with totals and the calibration status', async () => {
    const r = await cli(['profile', demoFile('ds-cnn-kws')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/on Cortex-M4F \(DSP\) at 120 MHz/);
    expect(r.stdout).toMatch(/MAC\/B\s+bound\s+est\. cycles\s+est\. ms\s+share/);
    expect(r.stdout).toMatch(/^\s+total\s+\d+ calls/m);
    expect(r.stdout).toMatch(/calibration: /);
  });

  it('--cpu and --mhz: the clock scales the milliseconds, the core the cycles', async () => {
    const model = demoFile('ds-cnn-kws');
    const m4 = JSON.parse((await cli(['profile', model, '--json'])).stdout) as ProfileReport;
    const m4fast = JSON.parse((await cli(['profile', model, '--json', '--mhz', '240'])).stdout) as ProfileReport;
    const m7 = JSON.parse((await cli(['profile', model, '--json', '--cpu', 'cortex-m7', '--mhz', '280'])).stdout) as ProfileReport;
    checkSchema(m4);
    expect(m4.device.mhz).toBe(120);
    expect(m4fast.totals.cycles).toBe(m4.totals.cycles);
    expect(m4fast.totals.ms).toBeCloseTo(m4.totals.ms / 2, 3);
    expect(m7.device).toMatchObject({ id: 'cortex-m7', mhz: 280, defaultMhz: 480 });
    expect(m7.totals.instructions).toBe(m4.totals.instructions); // the same Thumb-2 code
    expect(m7.totals.cycles).toBeLessThan(m4.totals.cycles); // dual issue
  });

  it('--report writes a self-contained page with the roofline, the bars and the table', async () => {
    const file = join(tmp, 'profile.html');
    const r = await cli(['profile', demoFile('mobilenetv2-035-144'), '--report', file]);
    expect(r.code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect([...html.matchAll(/https?:|\bsrc\s*=|\bhref\s*=|@import|url\((?!#)|<link\b|<iframe\b|<img\b/gi)]).toEqual([]);
    expect(html).toMatch(/<polyline class="roof-sram"/);
    expect(html).toMatch(/<polyline class="roof-flash"/);
    const report = JSON.parse((await cli(['profile', demoFile('mobilenetv2-035-144'), '--json'])).stdout) as ProfileReport;
    const withMacs = report.layers.filter((l) => l.macs > 0);
    expect(html.match(/<circle class="pt (compute|memory)"/g)).toHaveLength(withMacs.length);
    expect(html.match(/<rect class="bar-(compute|memory)"/g)).toHaveLength(report.layers.length);
    expect(html.match(/<tr data-s="\d+">/g)).toHaveLength(report.layers.length);
  });

  it('escapes hostile model and tensor names in the HTML', () => {
    const b = new ModelBuilder({ name: 'hostile', seed: 1 });
    const x = b.input('x"><script>alert(1)</script>', [1, 8, 8, 4], { scale: 0.1, zeroPoint: 0 });
    b.output(b.conv2d(x, { name: '<img src=x onerror=alert(2)>', filters: 4, kernel: 3 }));
    const { plan, patch } = planModel(b.build());
    const report = profileReport('<b>evil</b>&"\'.tflite', profileSchedule(scheduleOf(plan), { device: DEVICES['cortex-m55'] }), { arenaBytes: plan.arenaBytes, patch });
    const html = profileHtml(report);
    expect(html).not.toMatch(/<script>alert/);
    expect(html).not.toMatch(/<img src=x/);
    expect(html).not.toMatch(/<b>evil/);
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&lt;b&gt;evil&lt;/b&gt;&amp;&quot;&#39;.tflite');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('--measure wasm adds a measured column per layer and a total', async () => {
    const r = await cli(['profile', demoFile('sine-mlp'), '--measure', 'wasm', '--runs', '3', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as ProfileReport;
    expect(report.measure).toMatchObject({ engine: 'wasm', runs: 3 });
    for (const l of report.layers) expect(l.measuredMs).toBeGreaterThanOrEqual(0);
    expect(report.totals.measuredMs).toBeGreaterThan(0);
    const text = await cli(['profile', demoFile('sine-mlp'), '--measure', 'wasm', '--runs', '3']);
    expect(text.stdout).toMatch(/wasm ms/);
  });

  describe.skipIf(!shared)('on the shared models', () => {
    it('--json has the documented fields on every shared model', async () => {
      for (const g of goldenModels()) {
        const r = await cli(['profile', g.modelPath, '--json']);
        expect(r.code, g.name).toBe(0);
        const report = JSON.parse(r.stdout) as ProfileReport;
        checkSchema(report);
        expect(report.model).toBe(g.modelPath.split('/').pop());
      }
    });
  });
});

describe('progress lines', () => {
  const sink = (tty: boolean) => {
    const writes: string[] = [];
    return { io: { stdout: () => {}, stderr: (t: string) => writes.push(t), stderrIsTTY: tty } satisfies CliIO, writes };
  };

  it('draw on a terminal, clear at the end, and are silent off a terminal and with --json', () => {
    let t = 0;
    const on = sink(true);
    const p = createProgress(on.io, 'patch search', { now: () => (t += 200) });
    p.update(1, 4);
    p.update(4, 4);
    p.end();
    expect(on.writes[0]).toBe('\rpatch search: 1/4 (25%)');
    expect(on.writes.at(-1)).toMatch(/^\r +\r$/);
    for (const [tty, json] of [[false, false], [true, true], [false, true]] as const) {
      const off = sink(tty);
      const q = createProgress(off.io, 'x', { json });
      q.update(1, 2);
      q.end();
      expect(q.enabled).toBe(false);
      expect(off.writes).toEqual([]);
    }
  });

  it('plan --patch auto and profile --patch auto write nothing to stderr off a terminal or with --json', async () => {
    const model = demoFile('mobilenetv2-035-144');
    for (const argv of [['plan', model, '--patch', 'auto'], ['profile', model, '--patch', 'auto'], ['plan', model, '--patch', 'auto', '--json']]) {
      const r = await cli(argv);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
    const json = await cli(['profile', model, '--patch', 'auto', '--json'], true);
    expect(json.stderr).toBe('');
    const tty = await cli(['plan', model, '--patch', 'auto'], true);
    expect(tty.stderr).toMatch(/\rpatch search: \d+\/\d+ \(\d+%\)/);
    expect(tty.stdout).not.toMatch(/patch search/);
  });
});
