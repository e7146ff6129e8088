// `tinyforge plan` as a user meets it: the --json schema, budgets and shortfalls, the HTML report, the
// TFLM offline plan, and usage errors. Runs on a bundled demo model; the patch case needs ../shared.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { main } from '../../src/cli/main.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import { tflmOfflineOf } from '../../src/plan/tflm-offline.js';
import { haveShared, MODELS_DIR } from '../helpers/shared.js';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-plan-'));
const shared = haveShared();
const kws = join(tmp, 'ds-cnn-kws.tflite');
const mobilenet = join(tmp, 'mobilenetv2-035-144.tflite');

beforeAll(() => {
  for (const [path, name] of [[kws, 'ds-cnn-kws'], [mobilenet, 'mobilenetv2-035-144']] as const) {
    writeFileSync(path, writeTflite(DEMO_MODELS.find((d) => d.name === name)!.build()));
  }
});

const SCHEMA = [
  'model', 'peakBytes', 'lowerBoundBytes', 'flashBytes', 'flash', 'sramBudgetBytes', 'flashBudgetBytes', 'fits',
  'sramShortfallBytes', 'flashShortfallBytes', 'alignment', 'inplace', 'strategy', 'orderSearch', 'patch', 'layerByLayerBytes',
  'peakStep', 'steps', 'buffers', 'suggestions', 'cpu', 'stackBytes', 'staticBytes', 'reserveBytes', 'ramBytes',
];

describe('tinyforge plan', () => {
  it('--json has the documented fields', async () => {
    const r = await cli('plan', kws, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report).sort()).toEqual([...SCHEMA].sort());
    expect(report.model).toBe('ds-cnn-kws.tflite');
    expect(report.peakBytes).toBeGreaterThanOrEqual(report.lowerBoundBytes);
    expect(report.flashBytes).toBe(report.flash.textBytes + report.flash.rodataBytes + report.flash.dataBytes);
    expect(report.sramBudgetBytes).toBeNull();
    expect(report.orderSearch).toEqual({ exhaustive: true, reason: null });
    expect(report.fits).toBe(true);
    expect(report.steps[0]).toEqual(expect.objectContaining({ index: 0, opIndex: expect.any(Number), kind: expect.any(String), output: expect.any(String), variant: expect.any(String), liveBytes: expect.any(Number), live: expect.any(Array) }));
    expect(report.buffers[0]).toEqual(expect.objectContaining({ id: 0, name: expect.any(String), kind: expect.any(String), bytes: expect.any(Number), offset: expect.any(Number), first: expect.any(Number), last: expect.any(Number) }));
    expect(Math.max(...report.steps.map((s: { liveBytes: number }) => s.liveBytes))).toBe(report.steps[report.peakStep].liveBytes);
  });

  it('fits and the shortfall follow --sram against arena + stack + static + --reserve', async () => {
    const base = JSON.parse((await cli('plan', kws, '--json')).stdout);
    expect(base).toMatchObject({ cpu: 'cortex-m4', reserveBytes: 0 });
    expect(base.stackBytes).toBeGreaterThan(0);
    expect(base.staticBytes).toBeGreaterThan(0);
    const ram = base.peakBytes + base.stackBytes + base.staticBytes;
    expect(base.ramBytes).toBe(ram);
    const exact = JSON.parse((await cli('plan', kws, '--json', '--sram', String(ram))).stdout);
    expect(exact).toMatchObject({ fits: true, sramBudgetBytes: ram, sramShortfallBytes: 0, suggestions: [] });
    const short = JSON.parse((await cli('plan', kws, '--json', '--sram', String(ram - 1))).stdout);
    expect(short).toMatchObject({ fits: false, sramShortfallBytes: 1 });
    // the arena alone is not the RAM a device needs
    const arenaOnly = JSON.parse((await cli('plan', kws, '--json', '--sram', String(base.peakBytes))).stdout);
    expect(arenaOnly).toMatchObject({ fits: false, sramShortfallBytes: base.stackBytes + base.staticBytes });
    const reserved = JSON.parse((await cli('plan', kws, '--json', '--sram', String(ram), '--reserve', '1K')).stdout);
    expect(reserved).toMatchObject({ fits: false, reserveBytes: 1024, ramBytes: ram + 1024, sramShortfallBytes: 1024 });
    const text = (await cli('plan', kws, '--sram', String(ram + 1024), '--reserve', '1K')).stdout;
    expect(text).toContain(`RAM         ${(ram + 1024).toLocaleString('en-US')} B of ${(ram + 1024).toLocaleString('en-US')} B = arena ${base.peakBytes.toLocaleString('en-US')} + stack ${base.stackBytes.toLocaleString('en-US')} (cortex-m4)`);
    // no DSP: no stack arrays, other frames
    const generic = JSON.parse((await cli('plan', kws, '--json', '--cpu', 'generic')).stdout);
    expect(generic.cpu).toBe('generic');
    expect(generic.stackBytes).not.toBe(base.stackBytes);
    const bad = await cli('plan', kws, '--cpu', 'cortex-m99');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/E_USAGE: --cpu must be one of cortex-m4, .*got "cortex-m99"/);
    const flash = JSON.parse((await cli('plan', kws, '--json', '--flash', '1K')).stdout);
    expect(flash.fits).toBe(false);
    expect(flash.flashShortfallBytes).toBe(flash.flashBytes - 1024);
  });

  it('--sram 1K on a big model: does not fit, shortfall = peak - budget, and a suggestion; exit 0', async () => {
    const r = await cli('plan', mobilenet, '--sram', '1K', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.fits).toBe(false);
    expect(report.peakBytes).toBeGreaterThan(100_000);
    expect(report.sramShortfallBytes).toBe(report.ramBytes - 1024);
    expect(report.suggestions.length).toBeGreaterThan(0);
    expect(report.suggestions.join('\n')).toMatch(/peak is at step \d+/);
    const text = await cli('plan', kws, '--sram', '1K');
    expect(text.stdout).toMatch(/DOES NOT FIT/);
    expect(text.stdout).toMatch(/suggestion: /);
  });

  it('--report writes a self-contained HTML page of the plan', async () => {
    const html = join(tmp, 'plan.html');
    const r = await cli('plan', kws, '--sram', '64K', '--report', html);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('ds-cnn-kws.tflite');
    expect(page).toContain('FITS');
    expect(page).not.toMatch(/https?:|\bsrc\s*=|\bhref\s*=/);
    // --json stays clean JSON on stdout; the note goes to stderr.
    const j = await cli('plan', kws, '--json', '--report', join(tmp, 'plan2.html'));
    expect(JSON.parse(j.stdout).model).toBe('ds-cnn-kws.tflite');
    expect(j.stderr).toMatch(/wrote .*plan2\.html/);
  });

  it('--emit-tflm-plan writes the model with TFLM offsets equal to the reported plan', async () => {
    const out = join(tmp, 'kws_tflm.tflite');
    const r = await cli('plan', kws, '--emit-tflm-plan', out, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.inplace).toBe(false);
    expect(report.strategy).toMatch(/TFLM/);
    const model = readTflite(new Uint8Array(readFileSync(out)));
    const alloc = tflmOfflineOf(model)!;
    expect(alloc.offsets).toHaveLength(model.tensors.length);
    for (const b of report.buffers) expect(alloc.offsets[model.tensors.findIndex((t) => t.name === b.name)]).toBe(b.offset);
    expect(r.stderr).toMatch(/TFLM offline plan/);
  });

  it('exits 2 on usage errors, with one line naming the problem', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['plan', kws, '--sram', '12Q'], /--sram must be a byte size/],
      [['plan', kws, '--flash', '-5'], /--flash/],
      [['plan', kws, '--patch', 'sideways'], /--patch takes auto, none or N@LAYER/],
      [['plan', kws, '--patch', '4@999'], /not an op index/],
      [['plan', kws, '--alignment', '3'], /alignment/],
      [['plan', kws, '--emit-tflm-plan', join(tmp, 'x.tflite'), '--patch', 'auto'], /TFLite Micro runs whole layers/],
      [['plan', kws, '--emit-tflm-plan', join(tmp, 'x.tflite'), '--int8-io'], /as stored/],
      [['plan', kws, '--emit-tflm-plan', join(tmp, 'x.tflite'), '--alignment', '8'], /aligned to a power of two of at least 16/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
    expect(existsSync(join(tmp, 'x.tflite'))).toBe(false);
  });

  it('--help explains the schema, the report and what TFLM export refuses', async () => {
    const r = await cli('plan', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--report <file>/);
    expect(r.stdout).toMatch(/--emit-tflm-plan <file>/);
    expect(r.stdout).toMatch(/refuses --patch and --int8-io/);
    expect(r.stdout).toMatch(/lowerBoundBytes/);
  });

  describe.skipIf(!shared)('on the shared models', () => {
    it('--patch auto --int8-io on mcunet_vww reports a patch below the layer-by-layer peak', async () => {
      const r = await cli('plan', join(MODELS_DIR, 'mcunet/mcunet_vww.tflite'), '--patch', 'auto', '--int8-io', '--json');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.patch).toEqual(expect.objectContaining({ tiles: expect.any(Number), splitOp: expect.any(Number), splitKind: expect.any(String), splitTensor: expect.any(String) }));
      expect(report.patch.tiles).toBeGreaterThanOrEqual(2);
      expect(report.layerByLayerBytes).toBeGreaterThan(report.peakBytes);
      expect(report.peakBytes).toBe(report.patch.peakBytes);
    });
  });
});
