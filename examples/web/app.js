// The web example: load a model (bundled demo built with the builder, or a .tflite file), plan its memory
// (the plan report's own page, in an iframe), compile it to WebAssembly here with the wasm backend
// (its own linker + the prebuilt kernel library from /build/), run it and show the outputs and the latency.
// The last run is exposed as window.tinyforge.last (input and output bytes) for tests.
import { compile as compileModel, loadModel, plan, planHtml, runReferencePlanned, writeTflite, xorshiftInputs } from '/dist/src/index.js';
import { DEMO_MODELS } from '/dist/examples/models/index.js';

const $ = (id) => document.getElementById(id);
const KiB = 1024;
const tick = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const fmt = (n) => n.toLocaleString('en-US');
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const BYTES = { int8: 1, uint8: 1, bool: 1, int16: 2, int32: 4, float32: 4, int64: 8 };
const ARRAYS = { int8: Int8Array, uint8: Uint8Array, bool: Uint8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array };

/** What the tests read: state and the last run's bytes. */
const api = (window.tinyforge = { state: 'loading', last: null });
function setState(s) {
  api.state = s;
  document.body.dataset.state = s;
}

const state = {
  model: null, // { graph, name }
  demo: null, // the DemoModel when a bundled one is loaded
  planned: null, // { key, options, result }
  compiled: null, // { key, kind, model (the loader's createModel result), emitted, compileMs, urls }
};

// ---------------------------------------------------------------- model

for (const d of DEMO_MODELS) $('demo').append(new Option(d.name, d.name));
$('demo').append(new Option('(a .tflite file)', '', false, false));
$('demo').lastElementChild.disabled = true;

async function useModel(load, label, demo = null) {
  clearError();
  busy(`loading ${label}…`);
  await tick();
  try {
    const t0 = performance.now();
    state.model = load();
    state.demo = demo;
    state.planned = state.compiled = null;
    $('demo').value = demo ? demo.name : '';
    $('demo-desc').textContent = demo ? demo.description : '';
    const g = state.model.graph;
    const weights = g.tensors.reduce((n, t) => n + (t.data ? t.data.length : 0), 0);
    const io = (ids) => ids.map((id) => tensorText(g.tensors[id])).join(', ');
    $('model-info').innerHTML =
      `<b>${esc(state.model.name)}</b>: ${fmt(g.ops.length)} ops, ${fmt(weights)} B of constants; ${demo ? 'built' : 'read'} in ${(performance.now() - t0).toFixed(0)} ms<br>` +
      `in ${esc(io(g.inputs))} → out ${esc(io(g.outputs))}` +
      (demo ? ` · <a id="dl-tflite" href="#" download="${esc(demo.name)}.tflite">download .tflite</a>` : '');
    if (demo) $('dl-tflite').addEventListener('click', downloadTflite, { once: true });
    await replan();
  } catch (e) {
    showError(e);
    idle();
  }
}

function downloadTflite(event) {
  const a = event.currentTarget;
  a.href = URL.createObjectURL(new Blob([writeTflite(state.model.graph)], { type: 'application/octet-stream' }));
}

function tensorText(t) {
  const q = t.quant && t.quant.scales.length === 1 ? ` (scale ${+t.quant.scales[0].toPrecision(4)}, zero point ${t.quant.zeroPoints[0]})` : '';
  return `${t.name}: ${t.dtype}[${t.shape.join('×')}]${q}`;
}

function selectDemo(name) {
  const demo = DEMO_MODELS.find((d) => d.name === name);
  if (!demo) throw new Error(`no demo model ${name}`);
  return useModel(() => ({ graph: demo.build(), name: demo.name }), demo.name, demo);
}

async function openFile(file) {
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  return useModel(() => loadModel(bytes, file.name), file.name);
}

$('demo').addEventListener('change', () => selectDemo($('demo').value));
$('file').addEventListener('change', () => openFile($('file').files[0]));
const drop = $('drop');
for (const type of ['dragenter', 'dragover']) {
  document.addEventListener(type, (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
}
document.addEventListener('dragleave', (e) => {
  if (e.relatedTarget === null) drop.classList.remove('over');
});
document.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer && e.dataTransfer.files[0];
  if (file) openFile(file);
});

// ---------------------------------------------------------------- plan

function planOptions() {
  const sram = $('sram').value === 'custom' ? Math.round(Number($('sram-custom').value) * KiB) : Number($('sram').value) * KiB;
  return { sramBytes: sram > 0 ? sram : undefined, patch: $('patch').checked ? 'auto' : 'none', int8Io: $('int8io').checked };
}

async function replan() {
  if (!state.model) return;
  clearError();
  const options = planOptions();
  busy(options.patch === 'auto' ? 'planning (searching patch settings)…' : 'planning…');
  await tick();
  try {
    const t0 = performance.now();
    const result = plan(state.model, options);
    const planMs = performance.now() - t0;
    const r = result.report;
    state.planned = { key: JSON.stringify({ patch: options.patch, int8Io: options.int8Io }), options, result };
    const budget = r.sramBudgetBytes;
    const patch = r.patch ? `; ${r.patch.tiles}×${r.patch.tiles} tiles up to ${esc(r.patch.splitKind)}` : options.patch === 'auto' ? '; no patch setting beats layer by layer' : '';
    $('verdict').innerHTML =
      (budget === null ? '' : r.fits ? '<span class="badge ok">FITS</span>' : '<span class="badge bad">DOES NOT FIT</span>') +
      `peak <b>${fmt(r.peakBytes)} B</b>${budget === null ? '' : ` of ${fmt(budget)} B`}` +
      (r.sramShortfallBytes > 0 ? ` (short by ${fmt(r.sramShortfallBytes)} B${options.patch === 'none' ? '; try patch-based planning' : ''})` : '') +
      `<br><span class="note">lower bound ${fmt(r.lowerBoundBytes)} B, flash ~${fmt(r.flashBytes)} B${patch}; planned in ${planMs.toFixed(0)} ms</span>`;
    showReport(planHtml(r));
    updateInputUi();
    idle();
  } catch (e) {
    showError(e);
    idle();
  }
}

function showReport(html) {
  const frame = $('report');
  frame.onload = () => {
    const doc = frame.contentDocument;
    if (doc) frame.style.height = `${doc.documentElement.scrollHeight + 4}px`;
  };
  frame.srcdoc = html;
}

$('sram').addEventListener('change', () => {
  $('sram-custom-wrap').hidden = $('sram').value !== 'custom';
  replan();
});
$('sram-custom').addEventListener('change', replan);
$('patch').addEventListener('change', replan);
$('int8io').addEventListener('change', replan);

// ---------------------------------------------------------------- input

/** The first input when it is an image: int8/uint8 [1, H, W, 1 or 3], H and W at least 16 (49×10 MFCCs are not). */
function imageInput() {
  const g = state.planned ? state.planned.result.graph : state.model && state.model.graph;
  if (!g || g.inputs.length !== 1) return null;
  const t = g.tensors[g.inputs[0]];
  const [n, h, w, c] = t.shape;
  if (t.shape.length !== 4 || n !== 1 || (c !== 1 && c !== 3) || h < 16 || w < 16 || (t.dtype !== 'int8' && t.dtype !== 'uint8')) return null;
  return { tensor: t, h, w, c };
}

function updateInputUi() {
  const img = imageInput();
  $('image-input').hidden = !img;
  $('random-input').querySelector('label').textContent = img ? 'Random input instead (xorshift set)' : 'Random input: xorshift set';
  $('seed').placeholder = img ? 'picture' : '1';
  $('random-note').textContent = img
    ? 'Leave it empty to run on the picture; a number runs on deterministic random bytes (the input sets of ../shared/golden).'
    : 'Deterministic bytes (the input sets of ../shared/golden), one per input byte.';
  if (!img) return;
  if (!$('seed').dataset.touched) $('seed').value = '';
  const q = img.tensor.quant;
  const real = (v) => (q ? +(q.scales[0] * (v - q.zeroPoints[0])).toPrecision(3) : v);
  const lo = img.tensor.dtype === 'int8' ? -128 : 0;
  $('quant-rule').innerHTML = `q = ${img.tensor.dtype === 'int8' ? '<var>p</var> − 128' : '<var>p</var>'} (${img.tensor.dtype}, real values ${real(lo)} … ${real(lo + 255)})`;
  $('seen').width = img.w;
  $('seen').height = img.h;
  $('seen-cap').textContent = `what the model sees (${img.w}×${img.h}${img.c === 1 ? ', grey' : ''})`;
  if (!drawn) sampleImage();
  else imageBytes();
}
$('seed').addEventListener('input', () => ($('seed').dataset.touched = '1'));

// A drawing canvas (pointer), a sample picture and picture files, cropped and resized to the input.
const draw = $('draw');
const dctx = draw.getContext('2d', { willReadFrequently: true });
let drawn = false;
function clearCanvas() {
  dctx.fillStyle = '#fff';
  dctx.fillRect(0, 0, draw.width, draw.height);
  drawn = true;
  imageBytes();
}
function sampleImage() {
  // A landscape: sky, sun, hills, a house. Deterministic, so runs are reproducible.
  const W = draw.width, H = draw.height;
  const sky = dctx.createLinearGradient(0, 0, 0, H);
  sky.addColorStop(0, '#60a5fa');
  sky.addColorStop(1, '#dbeafe');
  dctx.fillStyle = sky;
  dctx.fillRect(0, 0, W, H);
  dctx.fillStyle = '#fbbf24';
  dctx.beginPath();
  dctx.arc(W * 0.78, H * 0.22, W * 0.1, 0, 2 * Math.PI);
  dctx.fill();
  dctx.fillStyle = '#16a34a';
  dctx.beginPath();
  dctx.ellipse(W * 0.3, H * 1.05, W * 0.6, H * 0.4, 0, 0, 2 * Math.PI);
  dctx.fill();
  dctx.fillStyle = '#15803d';
  dctx.beginPath();
  dctx.ellipse(W * 0.85, H * 1.1, W * 0.5, H * 0.35, 0, 0, 2 * Math.PI);
  dctx.fill();
  dctx.fillStyle = '#b91c1c';
  dctx.fillRect(W * 0.2, H * 0.52, W * 0.22, H * 0.18);
  dctx.fillStyle = '#7c2d12';
  dctx.beginPath();
  dctx.moveTo(W * 0.17, H * 0.53);
  dctx.lineTo(W * 0.31, H * 0.4);
  dctx.lineTo(W * 0.45, H * 0.53);
  dctx.fill();
  drawn = true;
  imageBytes();
}
function drawCover(source, sw, sh) {
  const s = Math.max(draw.width / sw, draw.height / sh);
  dctx.fillStyle = '#fff';
  dctx.fillRect(0, 0, draw.width, draw.height);
  dctx.drawImage(source, (draw.width - sw * s) / 2, (draw.height - sh * s) / 2, sw * s, sh * s);
  drawn = true;
  imageBytes();
}
let last = null;
draw.addEventListener('pointerdown', (e) => {
  draw.setPointerCapture(e.pointerId);
  last = pos(e);
  stroke(last, last);
});
draw.addEventListener('pointermove', (e) => {
  if (!last) return;
  const p = pos(e);
  stroke(last, p);
  last = p;
});
for (const type of ['pointerup', 'pointercancel']) draw.addEventListener(type, () => {
  last = null;
  imageBytes();
});
function pos(e) {
  const r = draw.getBoundingClientRect();
  return [((e.clientX - r.left) * draw.width) / r.width, ((e.clientY - r.top) * draw.height) / r.height];
}
function stroke(a, b) {
  dctx.strokeStyle = '#111827';
  dctx.lineWidth = 14;
  dctx.lineCap = 'round';
  dctx.beginPath();
  dctx.moveTo(a[0], a[1]);
  dctx.lineTo(b[0], b[1]);
  dctx.stroke();
  drawn = true;
}
$('sample').addEventListener('click', sampleImage);
$('clear').addEventListener('click', clearCanvas);
$('image-file').addEventListener('change', async () => {
  const file = $('image-file').files[0];
  if (!file) return;
  try {
    const bitmap = await createImageBitmap(file);
    drawCover(bitmap, bitmap.width, bitmap.height);
  } catch (e) {
    showError(new Error(`cannot read ${file.name} as a picture: ${e.message}`));
  }
});

/** The drawing, resized to the input tensor and quantized (p -> p - 128 for int8, p for uint8); also drawn in #seen. */
function imageBytes() {
  const img = imageInput();
  if (!img) return null;
  const seen = $('seen');
  const sctx = seen.getContext('2d', { willReadFrequently: true });
  sctx.imageSmoothingEnabled = true;
  sctx.imageSmoothingQuality = 'high';
  sctx.drawImage(draw, 0, 0, img.w, img.h);
  const rgba = sctx.getImageData(0, 0, img.w, img.h).data;
  const bytes = new Uint8Array(img.h * img.w * img.c);
  const flip = img.tensor.dtype === 'int8' ? 0x80 : 0; // int8 q = p - 128 has the byte p ^ 0x80
  for (let i = 0, o = 0; i < rgba.length; i += 4) {
    if (img.c === 3) {
      bytes[o++] = rgba[i] ^ flip;
      bytes[o++] = rgba[i + 1] ^ flip;
      bytes[o++] = rgba[i + 2] ^ flip;
    } else {
      bytes[o++] = Math.round(0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]) ^ flip;
    }
  }
  if (img.c === 1) {
    const grey = sctx.createImageData(img.w, img.h);
    for (let i = 0; i < bytes.length; i++) grey.data.fill(bytes[i] ^ flip, 4 * i, 4 * i + 3), (grey.data[4 * i + 3] = 255);
    sctx.putImageData(grey, 0, 0);
  }
  return [bytes];
}

function inputBytes(graph) {
  const seedText = $('seed').value.trim();
  if (imageInput() && seedText === '') return { inputs: imageBytes(), source: 'image' };
  const seed = Number(seedText || '1');
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`the xorshift set is a whole number ≥ 0, got "${seedText}"`);
  return { inputs: xorshiftInputs(graph, seed), source: `xorshift set ${seed}` };
}

// ---------------------------------------------------------------- compile and run

const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
if (!WebAssembly.validate(SIMD_PROBE)) {
  $('kernels').value = 'scalar';
  $('kernels').options[0].disabled = true;
  $('kernels').options[0].text += ' (not supported here)';
}

const libraries = {};
async function kernelLibrary(kind) {
  libraries[kind] ??= fetch(`/build/kernels.${kind}.wasm`).then(async (r) => {
    if (!r.ok) throw new Error(`/build/kernels.${kind}.wasm: HTTP ${r.status} (run npm run build)`);
    return new Uint8Array(await r.arrayBuffer());
  });
  return libraries[kind];
}

async function compile(kind) {
  const { key } = state.planned;
  const fullKey = `${key}/${kind}`;
  if (state.compiled && state.compiled.key === fullKey) return state.compiled;
  busy('loading the kernel library…');
  await tick();
  const library = await kernelLibrary(kind);
  busy(`compiling to WebAssembly (${kind} kernels)…`);
  await tick();
  const t0 = performance.now();
  // The library's compile driver plans for the wasm kernels (their workspace in the arena), not the page's C plan.
  const { files, wasm: emitted } = await compileModel(state.model, { ...state.planned.options, target: 'wasm', simd: kind === 'simd', kernels: library });
  const compileMs = performance.now() - t0;
  const file = (name) => files.find((f) => f.path === name).contents;
  // The generated loader (model.mjs), imported from a blob: URL, instantiates the module from its bytes.
  const loaderUrl = URL.createObjectURL(new Blob([file('model.mjs')], { type: 'text/javascript' }));
  const { createModel } = await import(loaderUrl);
  const model = await createModel(file('model.wasm'));
  const urls = {
    wasm: URL.createObjectURL(new Blob([file('model.wasm')], { type: 'application/wasm' })),
    js: loaderUrl,
  };
  if (state.compiled) Object.values(state.compiled.urls).forEach((url) => URL.revokeObjectURL(url));
  state.compiled = { key: fullKey, model, emitted, compileMs, urls, kind };
  return state.compiled;
}

const bytesOf = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

/**
 * Runs the compiled model (inputs copied in, invoke, outputs copied out), then times it: batches of
 * copy-in + invoke, grown until a batch takes 2 ms (the browser's clock ticks every 0.1 ms unless the
 * page is cross-origin isolated), for about 300 ms; the times are per inference.
 */
function runWasm(compiled, inputs) {
  const m = compiled.model;
  const once = () => {
    inputs.forEach((bytes, i) => bytesOf(m.inputs[i]).set(bytes));
    m.invoke();
  };
  once();
  const outputs = m.outputs.map((v) => bytesOf(v).slice());
  const times = [];
  let batch = 1;
  const start = performance.now();
  while (times.length < 5 || (times.length < 200 && performance.now() - start < 300)) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) once();
    const dt = performance.now() - t;
    if (dt < 2 && batch < 65536) batch *= 4;
    else times.push(dt / batch);
  }
  return { outputs, times, batch };
}

async function run() {
  if (!state.model || !state.planned) return;
  clearError();
  setState('busy');
  $('run').disabled = true;
  const kind = $('kernels').value;
  const { result, options } = state.planned;
  try {
    const { inputs, source } = inputBytes(result.graph);
    let outputs, times, batch = 1, engine, compiled = null, fallback = null;
    if (kind !== 'reference') {
      try {
        compiled = await compile(kind);
      } catch (e) {
        fallback = `the WebAssembly backend did not load or compile here (${e.code ? e.code + ': ' : ''}${e.message})`;
        console.error(e);
      }
    } else {
      fallback = 'chosen above';
    }
    busy('running…');
    await tick();
    if (compiled) {
      ({ outputs, times, batch } = runWasm(compiled, inputs));
      engine = `wasm-${kind}`;
    } else {
      const t = performance.now();
      outputs = runReferencePlanned(state.model, inputs, { patch: options.patch, int8Io: options.int8Io });
      times = [performance.now() - t];
      engine = 'reference';
    }
    api.last = {
      model: state.model.name,
      engine,
      options: { patch: options.patch, int8Io: options.int8Io, sramBytes: options.sramBytes ?? null },
      input: source,
      inputs: inputs.map((b) => Array.from(b)),
      outputs: outputs.map((b) => Array.from(b)),
      latencyMs: median(times),
      compileMs: compiled ? compiled.compileMs : null,
    };
    showOutputs(result.graph, outputs, { times, batch }, compiled, fallback, source);
    idle('done');
  } catch (e) {
    showError(e);
    idle('error');
  } finally {
    $('run').disabled = false;
  }
}
$('run').addEventListener('click', run);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
const ms = (x) => (x < 1 ? `${(x * 1000).toFixed(x < 0.01 ? 2 : 0)} µs` : `${x.toFixed(x < 10 ? 2 : x < 100 ? 1 : 0)} ms`);

function showOutputs(graph, outputs, { times, batch }, compiled, fallback, source) {
  const parts = [];
  if (compiled) {
    const e = compiled.emitted;
    parts.push(
      `<div class="engine">Compiled to WebAssembly in this page in ${ms(compiled.compileMs)} (${compiled.kind} kernels): ` +
        `model.wasm ${fmt(e.moduleBytes)} B (data ${fmt(e.dataSectionBytes)} B, code ${fmt(e.codeBytes)} B), memory ${e.pages} × 64 KiB pages, ` +
        `arena ${fmt(e.arenaBytes)} B. <span class="downloads"><a href="${compiled.urls.wasm}" download="model.wasm">model.wasm</a><a href="${compiled.urls.js}" download="model.mjs">model.mjs</a></span></div>`,
    );
  } else {
    parts.push(`<div class="engine fallback">Ran on the <b>reference interpreter</b> (the readable TypeScript kernels, in the planned arena), not WebAssembly: ${esc(fallback)}.</div>`);
  }
  parts.push(
    `<div><span class="latency">${ms(median(times))}</span> <span class="note">per inference, median of ${times.length} ${batch > 1 ? `batches of ${fmt(batch)} runs` : `run${times.length > 1 ? 's' : ''}`}` +
      `${times.length > 1 ? `, fastest ${ms(Math.min(...times))}` : ''}; input: ${esc(source)}</span></div>`,
  );
  if (state.demo) parts.push('<p class="note">The bundled models have seeded, untrained weights: their classes show the pipeline at work, not what the picture is.</p>');
  outputs.forEach((bytes, i) => {
    const t = graph.tensors[graph.outputs[i]];
    const values = decode(bytes, t);
    const q = t.quant && t.quant.scales.length === 1 ? t.quant : null;
    const real = q ? values.map((v) => q.scales[0] * (v - q.zeroPoints[0])) : values;
    const n = values.length;
    parts.push(`<h3 class="note">output ${esc(t.name)}: ${t.dtype}[${t.shape.join('×')}]${q ? ', dequantized' : ''}</h3>`);
    if (n >= 2 && n <= 1000 && t.shape[t.shape.length - 1] === n) {
      const order = [...real.keys()].sort((a, b) => real[b] - real[a]).slice(0, 5);
      const max = Math.max(...order.map((k) => Math.abs(real[k])), 1e-9);
      parts.push(
        '<table class="top"><thead><tr><th>class</th><th class="num">value</th><th class="num">q</th><th></th></tr></thead><tbody>' +
          order.map((k) => `<tr><td>${k}</td><td class="num">${real[k].toFixed(4)}</td><td class="num">${values[k]}</td><td class="barcell"><div class="bar" style="width:${((Math.max(real[k], 0) / max) * 100).toFixed(1)}%"></div></td></tr>`).join('') +
          '</tbody></table>',
      );
    } else {
      parts.push(`<p>${real.slice(0, 16).map((v) => v.toFixed(4)).join(', ')}${n > 16 ? `, … (${fmt(n)} values)` : ''}</p>`);
    }
    parts.push(`<details><summary>raw bytes of output ${i} (${fmt(bytes.length)} B)</summary><pre>${Array.from(bytes.subarray(0, 4096)).join(' ')}${bytes.length > 4096 ? ' …' : ''}</pre></details>`);
  });
  const out = $('outputs');
  out.innerHTML = parts.join('');
  out.dataset.outputs = JSON.stringify(outputs.map((b) => Array.from(b)));
}

function decode(bytes, t) {
  const Type = ARRAYS[t.dtype];
  if (!Type || bytes.length % (BYTES[t.dtype] || 1)) return Array.from(bytes);
  return Array.from(new Type(bytes.slice().buffer), Number);
}

// ---------------------------------------------------------------- status

function busy(text) {
  setState('busy');
  $('run').disabled = true;
  $('status').textContent = text;
}
function idle(s = 'ready') {
  setState(s);
  $('run').disabled = false;
  $('status').textContent = '';
}
function clearError() {
  $('error').textContent = '';
}
function showError(e) {
  console.error(e);
  $('error').textContent = e && e.code ? `${e.code}: ${e.message}` : String(e && e.message ? e.message : e);
}

await selectDemo(new URLSearchParams(location.search).get('model') || 'ds-cnn-kws');
