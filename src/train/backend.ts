// The 'tinyforge' tfjs backend: tfjs's cpu backend (its tensors, its kernels) with the hot training
// kernels (conv, depthwise, their gradients, max pool, matmul) replaced by build/train-simd.wasm.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadPackageAsset } from '../package-asset.js';
import { instantiateTrainKernels } from './arena.js';
import { registerTrainGradients } from './gradients.js';
import { BATCH_NORM, BATCH_NORM_GRAD, RELU6_GRAD, RELU_GRAD, batchNorm, batchNormGrad, relu6Grad, reluGrad } from './elementwise.js';
import { kernelFor } from './kernels.js';

export const TRAIN_BACKEND = 'tinyforge';

/** The cpu backend under its own name, so tfjs looks its kernels up under 'tinyforge'. */
export class TinyforgeBackend extends MathBackendCPU {
  constructor() {
    super();
    // the cpu backend's first write prints "install tfjs-node" to stderr; this backend is the fast path
    Object.assign(this, { firstUse: false });
  }
}

let registered: Promise<void> | undefined;

/**
 * Registers the 'tinyforge' backend (once) and makes it tfjs's current backend. `wasm` is
 * build/train-simd.wasm's bytes; fetched from the package when omitted.
 */
export async function useTrainBackend(wasm?: Uint8Array): Promise<void> {
  registered ??= (async () => {
    const arena = await instantiateTrainKernels(wasm ?? (await loadPackageAsset('build/train-simd.wasm')));
    for (const config of tf.getKernelsForBackend('cpu')) tf.registerKernel(kernelFor(config, TRAIN_BACKEND, arena));
    tf.registerKernel({ kernelName: RELU_GRAD, backendName: TRAIN_BACKEND, kernelFunc: reluGrad });
    tf.registerKernel({ kernelName: RELU6_GRAD, backendName: TRAIN_BACKEND, kernelFunc: relu6Grad });
    tf.registerKernel({ kernelName: BATCH_NORM, backendName: TRAIN_BACKEND, kernelFunc: batchNorm });
    tf.registerKernel({ kernelName: BATCH_NORM_GRAD, backendName: TRAIN_BACKEND, kernelFunc: batchNormGrad });
    tf.registerBackend(TRAIN_BACKEND, () => new TinyforgeBackend(), 0);
    registerTrainGradients();
  })();
  await registered;
  await tf.setBackend(TRAIN_BACKEND);
}
