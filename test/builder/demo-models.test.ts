import { describe, expect, it } from 'vitest';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { buildDsCnnKws } from '../../examples/models/ds-cnn-kws.js';
import { syntheticInputs } from '../../src/builder/index.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import type { AnyOp, Graph } from '../../src/ir/graph.js';
import type { OpKind } from '../../src/ir/ops.js';
import { deriveParams, type DeriveContext } from '../../src/ir/params/index.js';
import { xorshiftInputs } from '../../src/reference/inputs.js';
import { runReference } from '../../src/reference/interpreter.js';

const built = new Map<string, Graph>();
function graphOf(name: string): Graph {
  let g = built.get(name);
  if (!g) {
    g = DEMO_MODELS.find((m) => m.name === name)!.build();
    built.set(name, g);
  }
  return g;
}

/** Runs the reference interpreter and keeps every int8 op output. */
function run(g: Graph, inputs: Uint8Array[]): { outputs: Uint8Array[]; acts: Map<number, Int8Array> } {
  const acts = new Map<number, Int8Array>();
  const { outputs } = runReference(g, inputs, {
    onOpDone: (i, _op, outs) => {
      const d = outs[0]!.data;
      if (d instanceof Int8Array) acts.set(i, d.slice());
    },
  });
  return { outputs, acts };
}

const clampOf = (op: AnyOp): [number, number] => (op.attrs as { clamp?: [number, number] }).clamp ?? [-128, 127];

it('the demo set has the promised models', () => {
  expect(DEMO_MODELS.map((m) => m.name)).toEqual(['mobilenetv2-035-144', 'ds-cnn-kws', 'sine-mlp']);
  for (const m of DEMO_MODELS) expect(m.description.length).toBeGreaterThan(20);
});

describe.each(DEMO_MODELS.map((m) => m.name))('demo model %s', (name) => {
  it('is deterministic: the same seed gives identical .tflite bytes', () => {
    const model = DEMO_MODELS.find((m) => m.name === name)!;
    const a = writeTflite(graphOf(name));
    const b = writeTflite(model.build());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('has dense tensor ids, int8 activations and params that re-derive identically', () => {
    const g = graphOf(name);
    g.tensors.forEach((t, i) => expect(t.id).toBe(i));
    g.ops.forEach((op, index) => {
      const { params, ...rest } = op;
      const again = deriveParams({ op: rest, index, tensors: g.tensors } as DeriveContext<OpKind>);
      expect(again).toEqual(params);
      for (const id of op.inputs) expect(id).toBeLessThan(g.tensors.length);
    });
    // Every non-constant tensor is produced by exactly one op or is a graph input.
    const produced = new Set(g.ops.flatMap((op) => op.outputs));
    for (const t of g.tensors) if (t.data === null) expect(produced.has(t.id) !== g.inputs.includes(t.id)).toBe(true);
  });

  it('round-trips through writeTflite / readTflite unchanged', () => {
    const g = graphOf(name);
    expect(readTflite(writeTflite(g))).toEqual(g);
  });

  it('runs on the reference interpreter with non-degenerate activations', () => {
    const g = graphOf(name);
    const inputSets = [syntheticInputs(g, 101), syntheticInputs(g, 202), xorshiftInputs(g, 0)];
    const runs = inputSets.map((inputs) => run(g, inputs));
    const finalFc = g.ops.map((op) => op.kind).lastIndexOf('FULLY_CONNECTED');
    for (const { acts } of runs) {
      g.ops.forEach((op, i) => {
        if (!['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'MEAN', 'AVERAGE_POOL_2D', 'FULLY_CONNECTED'].includes(op.kind) || i >= finalFc) return;
        const v = acts.get(i)!;
        // Tiny layers (sine-mlp's 16 hinge units, 15 of them at 0 or 6 by design) are checked by accuracy instead.
        if (v.length < 64) return;
        const [lo, hi] = clampOf(op);
        let atLo = 0;
        let atHi = 0;
        for (const e of v) {
          if (e <= lo) atLo++;
          if (e >= hi) atHi++;
        }
        const where = `${op.kind} ${g.tensors[op.outputs[0]!]!.name}`;
        expect(atHi / v.length, `${where} saturates at the top`).toBeLessThan(0.05);
        expect((atLo + atHi) / v.length, `${where} sits at its clamp ends`).toBeLessThan(0.9);
        expect(new Set(v).size, `${where} collapses`).toBeGreaterThanOrEqual(v.length >= 16 ? 8 : 2);
      });
      // The last hidden layer (the classifier's input) spreads over many levels.
      const lastHidden = g.ops.findIndex((op) => op.outputs[0] === g.ops[finalFc]!.inputs[0]);
      const h = acts.get(lastHidden)!;
      if (h.length >= 64) expect(new Set(h).size).toBeGreaterThanOrEqual(16);
    }
    const out = runs.map((r) => Array.from(new Int8Array(r.outputs[0]!.buffer)));
    // Different inputs, different outputs.
    expect(out[0]).not.toEqual(out[1]);
    expect(out[0]).not.toEqual(out[2]);
    if (g.ops[g.ops.length - 1]!.kind === 'SOFTMAX') {
      // Not one-hot: at least two classes keep some probability on the synthetic inputs.
      for (const o of out.slice(0, 2)) expect(o.filter((v) => v > -128).length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('sine-mlp computes sin(x)', () => {
  it('is within 0.06 of sin(x) on every int8 input', () => {
    const g = graphOf('sine-mlp');
    const inQ = g.tensors[g.inputs[0]!]!.quant!;
    const outQ = g.tensors[g.outputs[0]!]!.quant!;
    let worst = 0;
    for (let q = -128; q <= 127; q++) {
      const { outputs } = runReference(g, [new Uint8Array(new Int8Array([q]).buffer)]);
      const y = (new Int8Array(outputs[0]!.buffer)[0]! - outQ.zeroPoints[0]!) * outQ.scales[0]!;
      const x = (q - inQ.zeroPoints[0]!) * inQ.scales[0]!;
      worst = Math.max(worst, Math.abs(y - Math.sin(x)));
    }
    expect(worst).toBeLessThan(0.06);
  });
});

describe('builder seeds', () => {
  it('a different seed gives different weights but the same structure', () => {
    const a = graphOf('ds-cnn-kws');
    const b = buildDsCnnKws({ seed: 99 });
    expect(b.ops.map((o) => o.kind)).toEqual(a.ops.map((o) => o.kind));
    expect(b.tensors.map((t) => t.shape)).toEqual(a.tensors.map((t) => t.shape));
    expect(Buffer.from(writeTflite(b)).equals(Buffer.from(writeTflite(a)))).toBe(false);
  });

  it('the KWS model has the MLPerf Tiny structure', () => {
    const g = graphOf('ds-cnn-kws');
    expect(g.ops.map((o) => o.kind)).toEqual([
      'CONV_2D',
      ...Array.from({ length: 4 }, () => ['DEPTHWISE_CONV_2D', 'CONV_2D']).flat(),
      'AVERAGE_POOL_2D',
      'RESHAPE',
      'FULLY_CONNECTED',
      'SOFTMAX',
    ]);
    expect(g.tensors[g.ops[0]!.outputs[0]!]!.shape).toEqual([1, 25, 5, 64]);
    expect(g.tensors[g.outputs[0]!]!.shape).toEqual([1, 12]);
  });

  it('the MobileNetV2 has 17 inverted-residual blocks, 10 ADD skips, and PADs before stride-2 depthwise convs', () => {
    const g = graphOf('mobilenetv2-035-144');
    const count = (k: string) => g.ops.filter((o) => o.kind === k).length;
    expect(count('DEPTHWISE_CONV_2D')).toBe(17);
    expect(count('ADD')).toBe(10);
    expect(count('PAD')).toBe(4);
    expect(count('CONV_2D')).toBe(1 + 16 + 17 + 1);
    expect(g.tensors[g.inputs[0]!]!.shape).toEqual([1, 144, 144, 3]);
    const conv1 = g.tensors[g.ops.find((o) => o.kind === 'MEAN')!.inputs[0]!]!;
    expect(conv1.shape).toEqual([1, 5, 5, 1280]);
    expect(g.tensors[g.outputs[0]!]!.shape).toEqual([1, 2]);
  });
});
