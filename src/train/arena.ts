// The training kernels' wasm instance and a bump allocator over its memory: each kernel call copies its
// operands in, runs, and copies its result out (the copies are O(n), the kernels O(n·k)).
import { ToolchainError } from '../errors.js';

export interface TrainExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemm(a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number,
    M: number, K: number, N: number, accumulate: number, pack: number): void;
  convGeometry(batch: number, inH: number, inW: number, inC: number, kH: number, kW: number, sH: number, sW: number,
    dH: number, dW: number, padTop: number, padLeft: number, outH: number, outW: number, outC: number): void;
  conv2d(x: number, w: number, y: number, cols: number, pack: number): void;
  conv2dBackpropInput(dy: number, w: number, dx: number, dcols: number, pack: number): void;
  conv2dBackpropFilter(x: number, dy: number, dw: number, cols: number, pack: number): void;
  depthwise(x: number, w: number, y: number): void;
  depthwiseBackpropInput(dy: number, w: number, dx: number): void;
  depthwiseBackpropFilter(x: number, dy: number, dw: number): void;
  maxPool(x: number, y: number): void;
  maxPoolGrad(dy: number, x: number, dx: number): void;
}

const PAGE = 65536;

export class TrainArena {
  readonly k: TrainExports;
  private readonly base: number;
  private top: number;

  constructor(exports: TrainExports) {
    this.k = exports;
    this.base = (exports.heapBase() + 15) & ~15;
    this.top = this.base;
  }

  /** Frees everything allocated since the last reset (call at the start of each kernel). */
  reset(): void {
    this.top = this.base;
  }

  /** Room for `floats` float32s, 16-byte aligned, growing the memory when needed. */
  alloc(floats: number): number {
    const at = this.top;
    this.top = (at + floats * 4 + 15) & ~15;
    const have = this.k.memory.buffer.byteLength;
    if (this.top > have) this.k.memory.grow(Math.ceil((this.top - have) / PAGE));
    return at;
  }

  /** Allocates and fills with `values`. */
  put(values: ArrayLike<number>): number {
    const at = this.alloc(values.length);
    new Float32Array(this.k.memory.buffer, at, values.length).set(values);
    return at;
  }

  /** A copy of `floats` float32s at `at`. */
  read(at: number, floats: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, at, floats).slice();
  }
}

/** Instantiates build/train-simd.wasm (its bytes, from loadPackageAsset or the caller). */
export async function instantiateTrainKernels(bytes: Uint8Array): Promise<TrainArena> {
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>), {});
  } catch (err) {
    throw new ToolchainError(`the training kernels (build/train-simd.wasm, ${bytes.length} bytes) do not instantiate: ${(err as Error).message}`,
      { bytes: bytes.length });
  }
  return new TrainArena(instance.exports as unknown as TrainExports);
}
