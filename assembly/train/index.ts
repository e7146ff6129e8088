// The float32 training kernels (build/train-simd.wasm), registered into tfjs by src/train/backend.ts.
// Buffers are byte offsets into this module's memory, which the host grows and fills from heapBase().
export { gemm } from './gemm';
export { convGeometry, conv2d, conv2dBackpropInput, conv2dBackpropFilter } from './conv';
export { depthwise, depthwiseBackpropInput, depthwiseBackpropFilter } from './depthwise';
export { maxPool, maxPoolGrad } from './pool';

/** The first byte the host may use: everything below is this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}
