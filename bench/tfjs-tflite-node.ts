// A Node stand-in for the browser environment @tensorflow/tfjs-tflite expects, so the wasm benchmark can
// run the peer in the same process as tinyforge. Nothing is downloaded: the runtime's own files are read
// from node_modules/@tensorflow/tfjs-tflite/wasm.
//
// What tfjs-tflite does in a browser, and what stands in for it here:
// - It picks its Emscripten build from getWasmFeatures() (a SIMD probe and a threads probe), loads
//   `tflite_web_api_cc[_simd][_threaded].js` with a <script> tag (or importScripts() in a worker), and
//   the glue fetches the matching `.wasm`. We take the worker path: `self` (= globalThis, with a file://
//   `location`) and a synchronous `importScripts` that runs the glue file with `vm.runInThisContext`.
//   setWasmPath() gets the package's `wasm/` folder (that is where it ships the files, not `dist/`).
// - The threads probe posts a SharedArrayBuffer over a MessageChannel, which Node 20 supports, so the
//   threaded build would be chosen. MessageChannel is stubbed to throw while the package is imported
//   and probed (it caches the answer), so it takes the single-thread SIMD build
//   `tflite_web_api_cc_simd.js/.wasm`; `importScripts` refuses any other file, and every model is
//   created with `numThreads: 1`.
// - `fetch` of file:// URLs (Node's fetch has none) answers with the file's bytes as `application/wasm`,
//   so the glue's WebAssembly.instantiateStreaming path runs as in a browser.
// - Importing the package also starts a load with an empty wasm path (files beside the page); that one
//   asks for file:///tflite_web_api_cc_simd.js, is refused, and the package drops it.
// The globals are installed only while the runtime loads (import, feature probe, Emscripten module,
// the refused default load) and restored afterwards; the module is loaded once per process and shared
// by every model.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInThisContext } from 'node:vm';

type TfliteDataType = 'int8' | 'uint8' | 'bool' | 'int16' | 'int32' | 'uint32' | 'float32' | 'float64';
type TensorView = Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** The runner object tfjs-tflite wraps (types/tflite_web_model_runner.d.ts of the package). */
interface WebModelRunner {
  getInputs(): Array<{ id: number; dataType: TfliteDataType; name: string; shape: string; data(): TensorView }>;
  getOutputs(): Array<{ id: number; dataType: TfliteDataType; name: string; shape: string; data(): TensorView }>;
  infer(): boolean;
  cleanUp(): void;
}

interface TfliteModule {
  setWasmPath(path: string): void;
  getWasmFeatures(): Promise<{ simd: boolean; multiThreading: boolean }>;
  loadTFLiteModel(model: ArrayBuffer, options?: { numThreads?: number }): Promise<{ modelRunner: WebModelRunner }>;
}

export interface TfliteTensor {
  name: string;
  dtype: TfliteDataType;
  shape: number[];
  /** The tensor's bytes inside the runtime's wasm memory (re-read after anything that may grow it). */
  bytes(): Uint8Array;
}

/** One model in the tfjs-tflite runtime: typed views on its input/output buffers and a synchronous invoke. */
export interface TfliteNodeModel {
  inputs: TfliteTensor[];
  outputs: TfliteTensor[];
  /** Copies raw little-endian tensor bytes into input i. */
  setInput(i: number, bytes: Uint8Array): void;
  invoke(): void;
  /** Copies of the output tensors' raw bytes. */
  readOutputs(): Uint8Array[];
  dispose(): void;
}

export interface TfliteRuntimeInfo {
  version: string;
  /** The Emscripten build that was loaded (always the single-thread SIMD one). */
  build: string;
  /** Bytes of that build's glue .js and .wasm. */
  runtimeBytes: number;
  /** ms to import the package, probe features and instantiate its wasm (once per process). */
  loadMs: number;
}

const require = createRequire(import.meta.url);
const PACKAGE_DIR = dirname(require.resolve('@tensorflow/tfjs-tflite/package.json'));
const WASM_DIR = join(PACKAGE_DIR, 'wasm');
const BUILD = 'tflite_web_api_cc_simd';

interface Runtime {
  create(model: ArrayBuffer): Promise<{ modelRunner: WebModelRunner }>;
  info: TfliteRuntimeInfo;
}
let runtime: Promise<Runtime> | undefined;

/** Loads the tfjs-tflite runtime once per process (single thread, SIMD build). */
export function loadTfliteRuntime(): Promise<Runtime> {
  runtime ??= loadRuntime();
  return runtime;
}

function withGlobals<T>(globals: Record<string, unknown>, body: () => Promise<T>): Promise<T> {
  const g = globalThis as Record<string, unknown>;
  const saved = Object.keys(globals).map((k) => [k, Object.getOwnPropertyDescriptor(g, k)] as const);
  for (const [k, v] of Object.entries(globals)) Object.defineProperty(g, k, { value: v, configurable: true, writable: true, enumerable: false });
  const restore = () => {
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(g, k, d);
      else delete g[k];
    }
  };
  return body().finally(restore);
}

async function loadRuntime(): Promise<Runtime> {
  const start = performance.now();
  const version = (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
  const realFetch = globalThis.fetch;
  let defaultLoadRefused!: () => void;
  const refused = new Promise<void>((resolve) => (defaultLoadRefused = resolve));
  const importScripts = (...urls: string[]) => {
    for (const url of urls) {
      const file = fileURLToPath(url);
      if (dirname(file) !== WASM_DIR) {
        defaultLoadRefused();
        throw new Error(`tfjs-tflite: not loading ${file} (outside ${WASM_DIR})`);
      }
      if (basename(file) !== `${BUILD}.js`) throw new Error(`tfjs-tflite: refusing ${file} (want ${BUILD}.js)`);
      runInThisContext(readFileSync(file, 'utf8'), { filename: file });
    }
  };
  const fetchFile = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file:')) return realFetch(input, init);
    const body = readFileSync(fileURLToPath(url));
    return new Response(body, { headers: { 'content-type': url.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream' } });
  };
  const globals = {
    self: globalThis,
    importScripts,
    location: { origin: 'file://', href: 'file:///' },
    fetch: fetchFile,
    // The threads probe fails (it runs synchronously when the package is imported, and again below).
    MessageChannel: class {
      constructor() {
        throw new Error('threads disabled for the benchmark');
      }
    },
  };
  const tflite = await withGlobals(globals, async () => {
    const tflite = (await import('@tensorflow/tfjs-tflite')) as unknown as TfliteModule;
    const features = await tflite.getWasmFeatures();
    if (!features.simd || features.multiThreading) {
      throw new Error(`tfjs-tflite: expected the SIMD single-thread build, got ${JSON.stringify(features)}`);
    }
    // A path starting with "/" is resolved against location.origin: file:// + /abs/path/ = a file URL.
    tflite.setWasmPath(`${WASM_DIR.split('\\').join('/')}/`);
    // Creating a model loads the Emscripten module; an empty model is refused once the module is up.
    const probe = await tflite.loadTFLiteModel(new ArrayBuffer(0), { numThreads: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    if (!(probe instanceof Error) || !probe.message.startsWith('Failed to create TFLiteWebModelRunner')) {
      throw new Error(`tfjs-tflite: runtime did not load (${String(probe)})`);
    }
    await Promise.race([refused, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    return tflite;
  });
  const create = (model: ArrayBuffer) => tflite.loadTFLiteModel(model, { numThreads: 1 });
  const runtimeBytes = readFileSync(join(WASM_DIR, `${BUILD}.js`)).length + readFileSync(join(WASM_DIR, `${BUILD}.wasm`)).length;
  return { create, info: { version, build: BUILD, runtimeBytes, loadMs: performance.now() - start } };
}

/** Loads a .tflite model into tfjs-tflite (single thread, SIMD) with direct access to its tensors. */
export async function loadTfliteNodeModel(modelBytes: Uint8Array): Promise<TfliteNodeModel> {
  const { create } = await loadTfliteRuntime();
  const model = await create(modelBytes.slice().buffer);
  const runner = model.modelRunner;
  const view = (t: { dataType: TfliteDataType; name: string; shape: string; data(): TensorView }): TfliteTensor => ({
    name: t.name,
    dtype: t.dataType,
    shape: t.shape.split(',').map(Number),
    bytes: () => {
      const d = t.data();
      return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    },
  });
  const inputs = runner.getInputs().map(view);
  const outputs = runner.getOutputs().map(view);
  return {
    inputs,
    outputs,
    setInput(i, bytes) {
      const dst = inputs[i]!.bytes();
      if (dst.length !== bytes.length) throw new Error(`tfjs-tflite: input ${i} takes ${dst.length} bytes, got ${bytes.length}`);
      dst.set(bytes);
    },
    invoke() {
      if (!runner.infer()) throw new Error('tfjs-tflite: infer() failed');
    },
    readOutputs: () => outputs.map((o) => o.bytes().slice()),
    dispose: () => runner.cleanUp(),
  };
}
