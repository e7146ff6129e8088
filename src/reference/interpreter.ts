// The reference executor: runs a Graph op by op with TFLite's integer semantics.
import type { AnyOp, Graph, Tensor } from '../ir/graph.js';
import { byteSize, elementCount } from '../ir/shapes.js';
import { InputDataError } from '../errors.js';
import { resetByte, variableTensors } from '../ir/variables.js';
import { runDefaultKernel } from './dispatch.js';
import type { TensorView } from './types.js';
import { constantView, typedView, viewBytes } from './views.js';

export interface RunOptions {
  /** Called after each op with its node index and output views (read them before the next call). */
  onOpDone?: (index: number, op: AnyOp, outputs: readonly TensorView[]) => void;
}

export interface RunResult {
  /** Raw little-endian bytes of each graph output, in Graph.outputs order. */
  outputs: Uint8Array[];
}

/** Checks user-supplied input bytes against the graph's inputs: count and exact byte sizes. */
export function checkInputs(graph: Graph, inputs: readonly Uint8Array[]): void {
  if (inputs.length !== graph.inputs.length) {
    throw new InputDataError(`model has ${graph.inputs.length} input(s), got ${inputs.length}`, {
      expected: graph.inputs.length,
      got: inputs.length,
    });
  }
  graph.inputs.forEach((id, i) => {
    const t = graph.tensors[id]!;
    const expected = byteSize(t.shape, t.dtype);
    if (inputs[i]!.byteLength !== expected) {
      throw new InputDataError(
        `input ${i} (${t.name}, ${t.dtype}[${t.shape.join(',')}]) needs ${expected} bytes, got ${inputs[i]!.byteLength}`,
        { input: i, tensor: t.name, expectedBytes: expected, gotBytes: inputs[i]!.byteLength },
      );
    }
  });
}

function allocate(t: Tensor): TensorView {
  const probe = typedView(t.dtype, new ArrayBuffer(0), 0, 0);
  const count = elementCount(t.shape);
  return { shape: t.shape, data: typedView(t.dtype, new ArrayBuffer(count * probe.BYTES_PER_ELEMENT), 0, count) };
}

/** A model instance across invokes: variable tensors keep their values from one invoke to the next, as in TFLM. */
export interface ReferenceSession {
  invoke(inputs: readonly Uint8Array[], options?: RunOptions): RunResult;
  /** Sets every variable tensor back to its initial value (TFLM's ResetVariableTensors). */
  reset(): void;
}

/** One inference on a fresh instance (variable tensors at their initial value). */
export function runReference(graph: Graph, inputs: readonly Uint8Array[], options: RunOptions = {}): RunResult {
  return createReferenceSession(graph).invoke(inputs, options);
}

export function createReferenceSession(graph: Graph): ReferenceSession {
  const views = new Map<number, TensorView>();
  const viewOf = (id: number): TensorView => {
    let v = views.get(id);
    if (!v) {
      const t = graph.tensors[id]!;
      v = t.data ? constantView(t as Tensor & { data: Uint8Array }) : allocate(t);
      views.set(id, v);
    }
    return v;
  };
  const reset = () => {
    for (const id of variableTensors(graph)) viewBytes(viewOf(id)).fill(resetByte(graph.tensors[id]!));
  };
  reset();
  return {
    reset,
    invoke(inputs, options = {}) {
      checkInputs(graph, inputs);
      graph.inputs.forEach((id, i) => viewBytes(viewOf(id)).set(inputs[i]!));
      graph.ops.forEach((op, index) => {
        const ins = op.inputs.map((id) => (id < 0 ? null : viewOf(id)));
        const outs = op.outputs.map(viewOf);
        runDefaultKernel(op, ins, outs);
        options.onOpDone?.(index, op, outs);
      });
      return { outputs: graph.outputs.map((id) => viewBytes(viewOf(id)).slice()) };
    },
  };
}
