// Deterministic pseudo-random numbers for weights and synthetic inputs: xorshift32 streams seeded
// through a 32-bit mixer, so the same (seed, stream) always gives the same numbers on every platform.
import type { Graph, Tensor } from '../ir/graph.js';
import { elementCount } from '../ir/shapes.js';

/** A 32-bit avalanche mix (murmur3's finalizer) of the values, for deriving independent stream seeds. */
export function mixSeed(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h === 0 ? 0x9e3779b9 : h;
}

/** xorshift32 (Marsaglia): uniform(), gaussian() (Box-Muller) and int(n). */
export class Xorshift32 {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = mixSeed(seed);
  }

  /** Next raw 32-bit unsigned value. */
  nextU32(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x;
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal. */
  gaussian(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/**
 * A synthetic "natural-looking" sample in [0, 1] for a tensor of `shape`: a per-sample brightness and
 * contrast, a few smooth random waves over the spatial dims (dims 1..2 of NHWC, or the flat index for
 * other ranks), a per-channel offset and some pixel noise. Different seeds give inputs that differ in
 * global statistics too, so globally pooled features (and a classifier's output) differ between them.
 */
export function syntheticSample(shape: readonly number[], seed: number): Float64Array {
  const rng = new Xorshift32(seed);
  const n = elementCount(shape);
  const out = new Float64Array(n);
  const rank = shape.length;
  const H = rank === 4 ? shape[1]! : 1;
  const W = rank === 4 ? shape[2]! : n;
  const C = rank === 4 ? shape[3]! : 1;
  const brightness = rng.range(0.15, 0.85);
  const contrast = rng.range(0.15, 0.5);
  const noise = rng.range(0.02, 0.25);
  const waves = Array.from({ length: 4 }, () => ({
    fy: rng.range(0.5, 6) * 2 * Math.PI,
    fx: rng.range(0.5, 6) * 2 * Math.PI,
    phase: rng.range(0, 2 * Math.PI),
    amp: rng.range(0.3, 1),
  }));
  const channelOffset = Array.from({ length: C }, () => rng.range(-0.15, 0.15));
  const ampSum = waves.reduce((s, w) => s + w.amp, 0);
  for (let i = 0; i < n; i++) {
    let y: number;
    let x: number;
    let c: number;
    if (rank === 4) {
      c = i % C;
      x = Math.floor(i / C) % W;
      y = Math.floor(i / (C * W)) % H;
    } else {
      c = 0;
      x = i % W;
      y = 0;
    }
    const yy = H > 1 ? y / (H - 1) : 0;
    const xx = W > 1 ? x / (W - 1) : rng.uniform();
    let wave = 0;
    for (const w of waves) wave += w.amp * Math.sin(w.fy * yy + w.fx * xx + w.phase);
    const v = brightness + channelOffset[c]! + contrast * (wave / ampSum) + noise * (2 * rng.uniform() - 1);
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}

/** Real range a float32 graph input is drawn from when no QUANTIZE consumer tells it. */
const DEFAULT_FLOAT_RANGE: [number, number] = [0, 1];

/** The real range covered by a tensor's int8 quantization. */
function int8Range(t: Tensor): [number, number] {
  const s = t.quant?.scales[0] ?? 1;
  const zp = t.quant?.zeroPoints[0] ?? 0;
  return [s * (-128 - zp), s * (127 - zp)];
}

/** Bytes of one synthetic sample for a graph input (int8: the full quantized range; float32: the real range). */
export function syntheticInputBytes(tensor: Tensor, seed: number, floatRange: [number, number] = DEFAULT_FLOAT_RANGE): Uint8Array {
  const v = syntheticSample(tensor.shape, seed);
  switch (tensor.dtype) {
    case 'int8': {
      const q = new Int8Array(v.length);
      for (let i = 0; i < v.length; i++) q[i] = Math.round(v[i]! * 255) - 128;
      return new Uint8Array(q.buffer);
    }
    case 'float32': {
      const f = new Float32Array(v.length);
      const [lo, hi] = floatRange;
      for (let i = 0; i < v.length; i++) f[i] = lo + (hi - lo) * v[i]!;
      return new Uint8Array(f.buffer);
    }
    default:
      throw new Error(`synthetic inputs support int8 and float32 tensors, not ${tensor.dtype}`);
  }
}

/**
 * Deterministic synthetic inputs for every graph input. A float32 input is drawn from the real range of
 * the int8 tensor its QUANTIZE consumer produces (so it exercises the quantized range), else [0, 1].
 */
export function syntheticInputs(graph: Graph, seed: number): Uint8Array[] {
  return graph.inputs.map((id, i) => {
    const t = graph.tensors[id]!;
    let range = DEFAULT_FLOAT_RANGE;
    if (t.dtype === 'float32') {
      const q = graph.ops.find((op) => op.kind === 'QUANTIZE' && op.inputs[0] === id);
      if (q) range = int8Range(graph.tensors[q.outputs[0]!]!);
    }
    return syntheticInputBytes(t, mixSeed(seed, i), range);
  });
}
