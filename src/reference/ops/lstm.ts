// UNIDIRECTIONAL_SEQUENCE_LSTM, integer (TFLM lstm_eval.h LstmStep / EvalLstm): per time step and batch,
// four gates of two fully connected layers each (input x W + bias, hidden x R) into Q3.12, summed with
// int16 saturation, through sigmoid (tanh for the cell gate) into Q0.15; the int16 cell state becomes
// forget x cell + input x cell gate (each product rescaled, the sum saturated, then clipped); the hidden
// state becomes tanh(cell) x output gate, rescaled to the activation type; the output row copies it. The
// hidden and cell state inputs are written: they persist across invokes. int8 activations take int32
// accumulators, zero-point offsets and int32 bias; int16 ones (16x8) int64 accumulators and bias and, as
// TFLM's 16x8 fully connected, no input offset.
import type { QuantizedOp } from '../../ir/graph.js';
import type { LstmGateParams, LstmMulParams } from '../../ir/ops.js';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from '../../ir/quant.js';
import type { TensorView } from '../types.js';
import { logistic16, tanh16 } from './sigmoid16.js';

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const clamp16 = (v: number) => clamp(v, -32768, 32767);

/** TFLM lstm_shared.h input slots used here. */
const W = { forget: [2, 6, 13], input: [1, 5, 12], cell: [3, 7, 14], output: [4, 8, 15] } as const;
const HIDDEN = 18;
const CELL = 19;

/** TFLM MulElementwise of two symmetric int16 operands: (a * b) rescaled, plus the output offset, clamped. */
function mul(a: number, b: number, p: LstmMulParams, offset: number, lo: number, hi: number): number {
  return clamp(offset + multiplyByQuantizedMultiplier(Math.imul(a, b), p.multiplier, p.shift), lo, hi);
}

export function unidirectionalSequenceLstm(op: QuantizedOp<'UNIDIRECTIONAL_SEQUENCE_LSTM'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const p = op.params;
  const x = inputs[0]!;
  const hidden = inputs[HIDDEN]!.data;
  const cellState = inputs[CELL]!.data as Int16Array;
  const out = outputs[0]!.data;
  const { timeMajor, cellClip } = op.attrs;
  const [d0, d1, inputSize] = x.shape as [number, number, number];
  const [batches, steps] = timeMajor ? [d1, d0] : [d0, d1];
  const units = cellState.length / batches;
  const int8 = p.activation === 'int8';
  const [lo, hi] = int8 ? [-128, 127] : [-32768, 32767];
  const inputOffset = int8 ? -p.inputZeroPoint : 0;
  const hiddenOffset = int8 ? -p.hiddenZeroPoint : 0;
  // TFLM's Tanh of the cell state: its scale 2^power read as Q3.12 (power -12: no shift).
  const tanhShift = 12 + p.cellScalePower;
  const [tanhMultiplier, tanhLeftShift] = tanhShift < 0 ? [3, -tanhShift] : [0, tanhShift];

  /** One fully connected layer into Q3.12: row u of weights over a vector, plus bias, rescaled, clamped to int16. */
  const fc = (weights: TensorView, bias: TensorView | null, vec: ArrayLike<number | bigint>, start: number, n: number, offset: number, weightOffset: number, u: number, multiplier: number, shift: number): number => {
    if (int8) {
      let acc = bias ? Number(bias.data[u]!) : 0;
      for (let i = 0; i < n; i++) acc = (acc + Math.imul(Number(weights.data[u * n + i]!) + weightOffset, Number(vec[start + i]!) + offset)) | 0;
      return clamp16(multiplyByQuantizedMultiplier(acc, multiplier, shift));
    }
    let acc = 0;
    for (let i = 0; i < n; i++) acc += (Number(weights.data[u * n + i]!) + weightOffset) * Number(vec[start + i]!);
    const total = BigInt(acc) + (bias ? BigInt(bias.data[u]!) : 0n);
    return clamp16(multiplyByQuantizedMultiplier64(total, multiplier, shift));
  };

  const gates = new Int16Array(4 * units);
  const gate = (slots: readonly [number, number, number], g: LstmGateParams, k: number, xStart: number, hStart: number, sigmoid: boolean) => {
    const [wIn, wRec, bias] = slots;
    for (let u = 0; u < units; u++) {
      const a = fc(inputs[wIn]!, inputs[bias]!, x.data, xStart, inputSize, inputOffset, g.inputWeightOffset, u, g.inputMultiplier, g.inputShift);
      const b = fc(inputs[wRec]!, null, hidden, hStart, units, hiddenOffset, g.recurrentWeightOffset, u, g.recurrentMultiplier, g.recurrentShift);
      const sum = clamp16(a + b);
      gates[k * units + u] = sigmoid ? logistic16(sum, 0, 0) : tanh16(sum, 0, 0);
    }
  };

  for (let b = 0; b < batches; b++) {
    const s0 = b * units;
    for (let t = 0; t < steps; t++) {
      const row = timeMajor ? t * batches + b : b * steps + t;
      gate(W.forget, p.forget, 0, row * inputSize, s0, true);
      gate(W.input, p.input, 1, row * inputSize, s0, true);
      gate(W.cell, p.cell, 2, row * inputSize, s0, false);
      for (let u = 0; u < units; u++) {
        const kept = mul(gates[u]!, cellState[s0 + u]!, p.forgetCellMul, 0, -32768, 32767);
        const added = mul(gates[units + u]!, gates[2 * units + u]!, p.inputMul, 0, -32768, 32767);
        let c = clamp16(kept + added);
        if (cellClip > 0) c = clamp(c, -p.quantizedCellClip, p.quantizedCellClip);
        cellState[s0 + u] = c;
      }
      // The output gate reads the hidden state of the previous step: computed before the hidden update.
      gate(W.output, p.output, 3, row * inputSize, s0, true);
      for (let u = 0; u < units; u++) {
        const h = mul(tanh16(cellState[s0 + u]!, tanhMultiplier, tanhLeftShift), gates[3 * units + u]!, p.hiddenMul, p.hiddenZeroPoint, lo, hi);
        hidden[s0 + u] = h;
        out[row * units + u] = h;
      }
    }
  }
}
