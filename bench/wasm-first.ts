// First inference in a fresh Node process: from createModel(bytes) of the emitted loader (which runs
// WebAssembly.instantiate on them) to the first output; the loader's import and reading the bytes come
// before the clock. A fresh process, because in the benchmark's own process V8 is still compiling other
// large modules in the background (binaryen, which emitted the module, and tfjs-tflite's 3.7 MB runtime),
// which would be charged to our cold start; a page that loads only our module has neither.
//
// Node 20 loads its fetch implementation (undici, ~20 ms) the first time anything touches the global
// `Response`, and the loader does (`source instanceof Response`); a browser has it built in. So the
// figure is taken with `Response` touched before the clock (`warmNode`), and also without, as a fresh
// Node process sees it.
//
// `node dist/bench/wasm-first.js job.json [--warm-node]` prints {ms, output}; `firstInferenceMs(job)`
// runs it `repeats` times each way and returns the medians.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LoaderModule } from './wasm-tinyforge.js';

export interface FirstInferenceJob {
  /** The emitted model.mjs and model.wasm. */
  loader: string;
  wasm: string;
  inputs: Uint8Array[];
}

interface JobFile {
  loader: string;
  wasm: string;
  inputs: string[];
}

const SELF = fileURLToPath(import.meta.url);
const bytesOf = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

export interface FirstInference {
  /** Median ms with Node's `Response` loaded before the clock (what a browser page sees). */
  ms: number;
  /** Median ms in a fresh Node process as is. */
  nodeMs: number;
  output: Uint8Array;
}

export function firstInferenceMs(job: FirstInferenceJob, repeats = 5): FirstInference {
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-first-'));
  try {
    const file: JobFile = {
      loader: job.loader,
      wasm: job.wasm,
      inputs: job.inputs.map((bytes, i) => {
        writeFileSync(join(dir, `input_${i}.bin`), bytes);
        return join(dir, `input_${i}.bin`);
      }),
    };
    writeFileSync(join(dir, 'job.json'), JSON.stringify(file));
    const run = (warm: boolean) =>
      Array.from(
        { length: repeats },
        () =>
          JSON.parse(execFileSync(process.execPath, [SELF, join(dir, 'job.json'), ...(warm ? ['--warm-node'] : [])], { encoding: 'utf8' })) as {
            ms: number;
            output: string;
          },
      );
    const mid = (runs: Array<{ ms: number }>) => runs.map((r) => r.ms).sort((a, b) => a - b)[runs.length >> 1]!;
    const warm = run(true);
    const cold = run(false);
    const outputs = new Set([...warm, ...cold].map((r) => r.output));
    if (outputs.size !== 1) throw new Error('first outputs differ between fresh processes');
    return { ms: mid(warm), nodeMs: mid(cold), output: new Uint8Array(Buffer.from(warm[0]!.output, 'base64')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(jobPath: string, warmNode: boolean): Promise<void> {
  const job = JSON.parse(readFileSync(jobPath, 'utf8')) as JobFile;
  if (warmNode) void globalThis.Response;
  const { createModel } = (await import(pathToFileURL(job.loader).href)) as LoaderModule;
  const bytes = readFileSync(job.wasm);
  const inputs = job.inputs.map((f) => readFileSync(f));
  const start = performance.now();
  const model = await createModel(bytes);
  inputs.forEach((x, i) => bytesOf(model.inputs[i]!).set(x));
  model.invoke();
  const output = bytesOf(model.outputs[0]!).slice();
  const ms = performance.now() - start;
  process.stdout.write(JSON.stringify({ ms, output: Buffer.from(output).toString('base64') }));
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) await child(process.argv[2]!, process.argv.includes('--warm-node'));
