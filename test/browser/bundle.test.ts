// The library as a web developer bundles it: esbuild --bundle --platform=browser of dist/src/index.js with
// no externals (Node's fs and the wasm backend's wabt must not be pulled in), then the bundle
// run in Debian's headless Chromium: load, plan and run a model, byte for byte as in Node.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { loadModel, plan, runReferencePlanned, writeTflite, xorshiftInputs } from '../../src/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

const CHROMIUM = '/usr/bin/chromium';
const ENTRY = join(REPO_ROOT, 'dist', 'src', 'index.js');

async function bundle(): Promise<string> {
  if (!existsSync(ENTRY)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const result = await build({ entryPoints: [ENTRY], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
  expect(result.errors).toEqual([]);
  return result.outputFiles[0]!.text;
}

describe('browser bundle of the library', () => {
  it('esbuild bundles dist/src/index.js for the browser without externals, leaving the wasm backend and wabt out', async () => {
    const code = await bundle();
    // the wasm backend and wabt would be inlined if the lazy backend import were followed
    expect(code.length).toBeLessThan(3_000_000);
    expect(code).not.toMatch(/function linkModule|parseWat/);
  }, 60_000);

  const haveChromium = existsSync(CHROMIUM);
  if (!haveChromium && process.env.CI === 'true') {
    it('needs /usr/bin/chromium (CI=true): apt-get install chromium', () => {
      expect.fail(`${CHROMIUM} is missing; .ci/run installs the Debian chromium package`);
    });
  } else if (!haveChromium) {
    console.warn(`[skip] ${CHROMIUM} not found: the browser bundle is not run in Chromium (apt-get install chromium)`);
  }

  it.runIf(haveChromium)('the bundle plans and runs ds-cnn-kws in Chromium with the bytes Node gets', async () => {
    const code = await bundle();
    const graph = DEMO_MODELS.find((m) => m.name === 'ds-cnn-kws')!.build();
    const bytes = writeTflite(graph);
    const model = loadModel(bytes, 'ds-cnn-kws');
    const inputs = xorshiftInputs(model.graph, 3);
    const expected = { peakBytes: plan(model).report.peakBytes, outputs: runReferencePlanned(model, inputs).map((o) => Array.from(o)) };

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      // A string, not a function: vitest would rewrite a function's import() into its own loader.
      const script = `(async () => {
        const lib = await import(URL.createObjectURL(new Blob([${JSON.stringify(code)}], { type: 'text/javascript' })));
        const m = lib.loadModel(new Uint8Array(${JSON.stringify(Array.from(bytes))}), 'ds-cnn-kws');
        const outputs = lib.runReferencePlanned(m, [new Uint8Array(${JSON.stringify(Array.from(inputs[0]!))})]);
        return { peakBytes: lib.plan(m).report.peakBytes, outputs: outputs.map((o) => Array.from(o)) };
      })()`;
      const got = (await page.evaluate(script)) as typeof expected;
      expect(errors).toEqual([]);
      expect(got).toEqual(expected);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
