// The web example (examples/web/) in Debian's headless Chromium through playwright-core: the page plans,
// compiles to WebAssembly in the browser and runs the bundled models; every output byte must equal the
// Node reference run on the same model, plan options and input bytes. Needs dist/ and build/ (npm test
// builds them). Without /usr/bin/chromium the browser suite skips with a notice, or fails when CI=true.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type StartedServer } from '../../examples/web/serve.js';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { loadModel, plan, runReferencePlanned, writeTflite, xorshiftInputs, type PatchChoice } from '../../src/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

interface LastRun {
  model: string;
  engine: string;
  options: { patch: PatchChoice; int8Io: boolean; sramBytes: number | null };
  input: string;
  inputs: number[][];
  outputs: number[][];
  latencyMs: number;
  compileMs: number | null;
}

function get(server: StartedServer, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  // node:http sends the path as given (fetch would normalize "..").
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: server.port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('web example server', () => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer({ port: 0 });
  });
  afterAll(() => server?.close());

  it('listens on 127.0.0.1 only', () => {
    const address = server.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
  });

  it('serves the page, the library, the kernels and the three bare-import packages with their MIME types', async () => {
    expect((await get(server, '/')).status).toBe(302);
    const page = await get(server, '/examples/web/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('type="importmap"');
    expect((await get(server, '/examples/web/app.js')).type).toBe('text/javascript; charset=utf-8');
    expect((await get(server, '/examples/web/style.css')).type).toBe('text/css; charset=utf-8');
    if (existsSync(join(REPO_ROOT, 'build', 'kernels.simd.wasm'))) expect((await get(server, '/build/kernels.simd.wasm')).type).toBe('application/wasm');
    expect((await get(server, '/node_modules/flatbuffers/mjs/flatbuffers.js')).status).toBe(200);
  });

  it('refuses everything outside its folders: traversal, encoded traversal, other packages, the repository root', async () => {
    for (const path of [
      '/package.json',
      '/dist/../package.json',
      '/dist/%2e%2e/package.json',
      '/dist/%2E%2E%2Fpackage.json',
      '/examples/web/..%2f..%2fpackage.json',
      '/examples/web/..%5c..%5cpackage.json',
      '/node_modules/vitest/package.json',
      '/node_modules/flatbuffers/../vitest/package.json',
      '/dist/%00',
      '/src/index.ts',
      '/.git/config',
    ]) {
      const res = await get(server, path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });
});

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI === 'true') {
    describe('web example in Chromium', () => {
      it('needs /usr/bin/chromium (CI=true): apt-get install chromium', () => {
        expect.fail(`${CHROMIUM} is missing; .ci/run installs the Debian chromium package`);
      });
    });
  } else {
    console.warn(`[skip] ${CHROMIUM} not found: the web example's browser tests are skipped (apt-get install chromium)`);
  }
}

describe.skipIf(!haveChromium)('web example in Chromium', () => {
  let server: StartedServer;
  let browser: Browser;
  let context: BrowserContext;
  const external: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'src', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const { chromium } = await import('playwright-core');
    server = await startServer({ port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    // The page may reach its own server and nothing else.
    const origin = `http://127.0.0.1:${server.port}/`;
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin)) return route.continue();
      external.push(url);
      return route.abort();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(query = ''): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url + query);
    await waitFor(page, 'ready');
    return page;
  }

  async function waitFor(page: Page, state: 'ready' | 'done', timeout = 60_000) {
    await page.waitForFunction((s) => {
      const t = (window as unknown as { tinyforge?: { state: string } }).tinyforge;
      return t?.state === s || t?.state === 'error';
    }, state, { timeout });
    const error = await page.textContent('#error');
    expect(error ?? '').toBe('');
  }

  async function runOnPage(page: Page, timeout = 60_000): Promise<LastRun> {
    await page.click('#run');
    await waitFor(page, 'done', timeout);
    return page.evaluate(() => (window as unknown as { tinyforge: { last: LastRun } }).tinyforge.last);
  }

  /** The Node result: the reference executor in the arena planned with the page's options. */
  function nodeOutputs(model: { graph: import('../../src/index.js').Graph; name: string }, inputs: Uint8Array[], last: LastRun): number[][] {
    return runReferencePlanned(model, inputs, { patch: last.options.patch, int8Io: last.options.int8Io }).map((b) => Array.from(b));
  }

  it('DS-CNN keyword model: compiles to wasm in the page; random input and output bytes equal Node', async () => {
    const page = await open('?model=ds-cnn-kws');
    await page.fill('#seed', '3');
    await page.selectOption('#kernels', 'simd');
    const last = await runOnPage(page);
    expect(last.model).toBe('ds-cnn-kws');
    expect(last.engine).toBe('wasm-simd');
    expect(last.input).toBe('xorshift set 3');

    const model = { graph: DEMO_MODELS.find((m) => m.name === 'ds-cnn-kws')!.build(), name: 'ds-cnn-kws' };
    const inputs = xorshiftInputs(plan(model, { patch: 'none' }).graph, 3);
    expect(last.inputs).toEqual(inputs.map((b) => Array.from(b)));
    expect(last.outputs).toEqual(nodeOutputs(model, inputs, last));
    expect(last.outputs[0]).toHaveLength(12);
    // The same bytes are on the page, and the plan report's chart is drawn.
    expect(JSON.parse((await page.getAttribute('#outputs', 'data-outputs'))!)).toEqual(last.outputs);
    expect(await page.frameLocator('#report').locator('svg.chart').count()).toBe(1);
    expect(await page.textContent('#verdict')).toContain('FITS');
    await page.close();
  }, 180_000);

  it('a .tflite chosen with the file picker, scalar kernels: output bytes equal Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-web-'));
    try {
      const graph = DEMO_MODELS.find((m) => m.name === 'ds-cnn-kws')!.build();
      const bytes = writeTflite(graph);
      const file = join(dir, 'kws.tflite');
      writeFileSync(file, bytes);
      const page = await open('?model=sine-mlp');
      await page.setInputFiles('#file', file);
      await page.waitForFunction(() => document.getElementById('model-info')?.textContent?.includes('kws.tflite'));
      await waitFor(page, 'ready');
      await page.selectOption('#kernels', 'scalar');
      await page.fill('#seed', '1');
      const last = await runOnPage(page);
      expect(last.model).toBe('kws.tflite');
      expect(last.engine).toBe('wasm-scalar');
      const model = loadModel(bytes, 'kws.tflite');
      const inputs = xorshiftInputs(plan(model).graph, 1);
      expect(last.inputs).toEqual(inputs.map((b) => Array.from(b)));
      expect(last.outputs).toEqual(nodeOutputs(model, inputs, last));
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('a dropped .tflite with the wasm backend unreachable: falls back to the reference interpreter, says so, same bytes', async () => {
    const graph = DEMO_MODELS.find((m) => m.name === 'sine-mlp')!.build();
    const bytes = writeTflite(graph);
    const page = await open('?model=ds-cnn-kws');
    await page.route('**/dist/codegen/wasm/link.js', (route) => route.abort()); // the backend's linker: the backend fails to load
    await page.evaluate((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'sine.tflite'));
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, Array.from(bytes));
    await page.waitForFunction(() => document.getElementById('model-info')?.textContent?.includes('sine.tflite'));
    await waitFor(page, 'ready');
    await page.fill('#seed', '2');
    const last = await runOnPage(page);
    expect(last.engine).toBe('reference');
    expect(await page.textContent('#outputs')).toContain('did not load or compile here');
    const model = loadModel(bytes, 'sine.tflite');
    const inputs = xorshiftInputs(plan(model).graph, 2);
    expect(last.inputs).toEqual(inputs.map((b) => Array.from(b)));
    expect(last.outputs).toEqual(nodeOutputs(model, inputs, last));
    await page.close();
  }, 180_000);

  it('image model with patch-based planning: the sample picture, quantized in the page; outputs equal Node; screenshot', async () => {
    const page = await open('?model=mobilenetv2-035-144');
    expect(await page.isVisible('#image-input')).toBe(true);
    await page.selectOption('#sram', '128');
    await waitFor(page, 'ready');
    await page.check('#patch');
    await waitFor(page, 'ready', 120_000);
    expect(await page.textContent('#verdict')).toMatch(/^FITS/);
    await page.click('#sample');
    const last = await runOnPage(page, 120_000);
    expect(last.engine).toBe('wasm-simd');
    expect(last.input).toBe('image');
    expect(last.options.patch).toBe('auto');
    const pixels = last.inputs[0]!;
    expect(pixels).toHaveLength(144 * 144 * 3);
    expect(new Set(pixels).size).toBeGreaterThan(16);

    const model = { graph: DEMO_MODELS.find((m) => m.name === 'mobilenetv2-035-144')!.build(), name: 'mobilenetv2-035-144' };
    expect(last.outputs).toEqual(nodeOutputs(model, last.inputs.map((a) => Uint8Array.from(a)), last));
    expect(await page.frameLocator('#report').locator('svg.chart').count()).toBe(1);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web.png'), fullPage: true });
    await page.close();
  }, 300_000);

  it('made no request beyond its own 127.0.0.1 server and threw no page errors', () => {
    expect(external).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
