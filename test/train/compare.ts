// Runs the same tfjs kernel on the 'cpu' backend and on 'tinyforge', and bounds their difference.
import * as tf from '@tensorflow/tfjs-core';
import { Xorshift32 } from '../../src/builder/random.js';
import { TRAIN_BACKEND } from '../../src/train/backend.js';

/** `count` values uniform in [-1, 1); with `levels`, rounded to that many steps so max pools see ties. */
export function randomValues(rng: Xorshift32, count: number, levels = 0): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = rng.uniform() * 2 - 1;
    out[i] = levels > 0 ? Math.round(u * levels) / levels : u;
  }
  return out;
}

export interface Operand {
  values: Float32Array;
  shape: number[];
}

/** The kernel's output on `backend`, its operands made there from plain arrays. */
export async function runOn(backend: string, kernel: string, inputs: Record<string, Operand>, attrs: object): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const ts: Record<string, tf.Tensor> = {};
    for (const [name, op] of Object.entries(inputs)) ts[name] = tf.tensor(op.values, op.shape, 'float32');
    const out = tf.engine().runKernel(kernel, ts as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

/**
 * The largest |ours - cpu| divided by its allowed bound, elementwise: the cpu kernels sum in float64
 * (JS numbers) and round once, ours sums `terms` float32 products in some order, so the standard
 * recursive-summation bound is terms · 2^-24 · Σ|aᵢbᵢ| (plus the reference's own rounding, 2^-24·|y|).
 * `magnitude` is that Σ|aᵢbᵢ| per element: the same kernel run on the absolute values of the `absOf` operands.
 */
export async function boundRatio(kernel: string, inputs: Record<string, Operand>, attrs: object, terms: number,
  absOf = Object.keys(inputs)): Promise<{ ratio: number; maxAbs: number; size: number }> {
  const ours = await runOn(TRAIN_BACKEND, kernel, inputs, attrs);
  const ref = await runOn('cpu', kernel, inputs, attrs);
  const absInputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, absOf.includes(k) ? { shape: v.shape, values: v.values.map(Math.abs) } : v]));
  const magnitude = await runOn('cpu', kernel, absInputs, attrs);
  if (ours.length !== ref.length) throw new Error(`${kernel}: ${ours.length} outputs vs cpu ${ref.length}`);
  const u = 2 ** -24;
  let ratio = 0;
  let maxAbs = 0;
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(ours[i] - ref[i]);
    const r = err === 0 ? 0 : err / ((terms + 1) * u * magnitude[i]);
    ratio = Math.max(ratio, Number.isNaN(r) ? Infinity : r);
    maxAbs = Math.max(maxAbs, err);
  }
  return { ratio, maxAbs, size: ref.length };
}
