// Running an emitted module in the current JS engine (tests, `tinyforge run --engine wasm`).
import type { ArenaRef } from '../../src/schedule/types.js';
import { byteSize } from '../../src/ir/shapes.js';
import type { EmittedWasm } from './emit.js';

export interface LoadedModel {
  memory: WebAssembly.Memory;
  invoke: () => void;
  /** Sets the variable tensors back to their initial bytes (done once at instantiation). */
  reset: () => void;
  /** Byte views of each input / output tensor in linear memory. */
  inputs: Uint8Array[];
  outputs: Uint8Array[];
}

export async function instantiateEmitted(emitted: EmittedWasm): Promise<LoadedModel> {
  const { instance } = await WebAssembly.instantiate(emitted.wasm as BufferSource, {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  const view = (r: ArenaRef) => new Uint8Array(memory.buffer, emitted.layout.arenaBase + r.offset, byteSize(r.shape, r.dtype));
  const reset = () => {
    for (const s of emitted.state) new Uint8Array(memory.buffer, emitted.layout.arenaBase + s.offset, s.bytes).fill(s.fill);
  };
  reset();
  return {
    memory,
    invoke: instance.exports.invoke as () => void,
    reset,
    inputs: emitted.lowered.inputs.map(view),
    outputs: emitted.lowered.outputs.map(view),
  };
}

/** One inference: copies the inputs in, invokes, copies the outputs out. */
export function runLoaded(model: LoadedModel, inputs: readonly Uint8Array[]): Uint8Array[] {
  inputs.forEach((bytes, i) => model.inputs[i]!.set(bytes));
  model.invoke();
  return model.outputs.map((v) => v.slice());
}
