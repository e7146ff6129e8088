// The wasm kernel library's entry: every kernel the per-model modules link against.
export { multiplyByQuantizedMultiplier } from './quant';
