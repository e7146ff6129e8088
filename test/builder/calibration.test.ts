import { describe, expect, it } from 'vitest';
import { ModelBuilder, type TensorHandle } from '../../src/builder/index.js';
import { runReference } from '../../src/reference/interpreter.js';

/** A model touching every builder layer, small enough to compare element by element. */
function mixed(seed: number) {
  const b = new ModelBuilder({ name: 'mixed', seed, calibrationSamples: 4 });
  const x = b.input('x', [1, 12, 10, 3], { scale: 0.02, zeroPoint: -5 });
  const c = b.conv2d(x, { filters: 8, kernel: 3, stride: 2, activation: 'relu6' });
  const d = b.depthwiseConv2d(c, { kernel: 3, depthMultiplier: 2, activation: 'relu' });
  const p = b.conv2d(d, { filters: 8, kernel: 1 });
  const s = b.add(c, p, { activation: 'relu' });
  const m = b.mul(s, b.maxPool2d(c, { pool: 1 }));
  const padded = b.pad(m, [
    [0, 0],
    [1, 0],
    [0, 1],
    [0, 0],
  ]);
  const a = b.averagePool2d(padded, { pool: 2, padding: 'same' });
  const cat = b.concatenation([a, b.maxPool2d(padded, { pool: 2, padding: 'same' })], { axis: 3 });
  const g = b.mean(cat, { axes: [1, 2], keepDims: true });
  const f = b.fullyConnected(b.reshape(g, [1, -1]), { units: 6, activation: 'relu' });
  const logits = b.fullyConnected(f, { units: 4 });
  const probs = b.softmax(logits);
  const gate = b.logistic(logits);
  b.output(probs);
  b.output(gate);
  b.output(c);
  return { b, outs: [probs, gate, c] as TensorHandle[] };
}

describe('calibration shadow pass', () => {
  it('tracks the int8 reference interpreter to within a few quanta on its own samples', () => {
    const { b, outs } = mixed(11);
    const graph = b.build();
    b.calibrationInputs().forEach((inputs, sample) => {
      const { outputs } = runReference(graph, inputs);
      outs.forEach((h, k) => {
        const t = graph.tensors[h.id]!;
        const [scale, zp] = [t.quant!.scales[0]!, t.quant!.zeroPoints[0]!];
        const ref = new Int8Array(outputs[k]!.buffer);
        const shadow = b.calibrationValues(h)[sample]!;
        let worst = 0;
        let sum = 0;
        ref.forEach((q, i) => {
          const diff = Math.abs(q - Math.min(127, Math.round(shadow[i]! / scale) + zp));
          worst = Math.max(worst, diff);
          sum += diff;
        });
        // The first conv differs only by requantization rounding. Later layers accumulate one-quantum
        // differences (pool and mean rounding), which the head's FCs amplify into its finer scale and
        // LOGISTIC's steep middle magnifies again.
        expect(worst, `${t.name}, sample ${sample}`).toBeLessThanOrEqual([6, 12, 1][k]!);
        expect(sum / ref.length, `${t.name}, sample ${sample}`).toBeLessThanOrEqual([2, 4, 0.5][k]!);
      });
    });
  });

  it('gives scales that use the int8 range without saturating the calibration samples', () => {
    const { b } = mixed(12);
    const graph = b.build();
    for (const inputs of b.calibrationInputs()) {
      runReference(graph, inputs, {
        onOpDone: (_i, op, outs) => {
          if (op.kind !== 'CONV_2D' && op.kind !== 'DEPTHWISE_CONV_2D' && op.kind !== 'ADD') return;
          const v = outs[0]!.data as Int8Array;
          let min = 127;
          let max = -128;
          for (const e of v) {
            min = Math.min(min, e);
            max = Math.max(max, e);
          }
          // Over all samples the range reaches 127 somewhere; per sample it spans a good part of it.
          expect(max - min, op.kind).toBeGreaterThan(64);
        },
      });
    }
  });
});
