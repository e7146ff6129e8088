// Deterministic test inputs: the xorshift32 byte stream ../shared/golden uses, so any run can be
// reproduced from (model, input set k) alone.
import type { Graph } from '../ir/graph.js';
import { byteSize, elementCount } from '../ir/shapes.js';
import { UnsupportedError } from '../errors.js';

function* xorshiftBytes(setIndex: number): Generator<number, never> {
  let x = (1000 * setIndex + 1) >>> 0;
  for (;;) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    yield x & 0xff;
  }
}

/** The int8 quantization a float32 input's values are drawn in. */
export interface InputQuant {
  scale: number;
  zeroPoint: number;
}

/**
 * Input set k for a graph: integer inputs take one stream byte per byte; a float32 input takes one
 * byte per element as an int8 q, written as (q - zp) * scale of the QUANTIZE op that consumes it — or,
 * for a float model (no QUANTIZE), of `floatInputQuant[i]` (e.g. the int8 sibling model's input).
 */
export function xorshiftInputs(graph: Graph, setIndex: number, floatInputQuant: ReadonlyArray<InputQuant | undefined> = []): Uint8Array[] {
  const stream = xorshiftBytes(setIndex);
  const next = () => stream.next().value;
  return graph.inputs.map((id, inputIndex) => {
    const t = graph.tensors[id]!;
    const bytes = new Uint8Array(byteSize(t.shape, t.dtype));
    if (t.dtype !== 'float32') {
      for (let i = 0; i < bytes.length; i++) bytes[i] = next();
      return bytes;
    }
    const consumer = graph.ops.find((op) => op.kind === 'QUANTIZE' && op.inputs[0] === id);
    const q = consumer ? graph.tensors[consumer.outputs[0]!]!.quant : null;
    const given = floatInputQuant[inputIndex];
    if (!q && !given) {
      throw new UnsupportedError(`float32 input ${t.name} is not consumed by a QUANTIZE op and no input quantization was given`, { tensor: t.name });
    }
    const scale = q ? q.scales[0]! : given!.scale;
    const zeroPoint = q ? q.zeroPoints[0]! : given!.zeroPoint;
    const floats = new Float32Array(bytes.buffer);
    for (let i = 0; i < elementCount(t.shape); i++) {
      const qValue = (next() << 24) >> 24;
      floats[i] = Math.fround((qValue - zeroPoint) * scale);
    }
    return bytes;
  });
}
