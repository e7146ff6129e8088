// Gradients of the two tfjs kernels the supernet's slicing adds to a forward pass (tfjs-core's Node bundle
// ships none; src/train registers the rest): ports of tfjs-core 4.9.0's slice_grad and transpose_grad
// (Apache-2.0), registered only where none is registered yet.
import * as tf from '@tensorflow/tfjs-core';
import { registerGraphGradients } from '../train/graph-gradients.js';
import { registerTrainGradients } from '../train/gradients.js';

type Attrs = Record<string, unknown>;

const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: 'Slice', inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { begin, size } = attrs as Attrs;
      const [b, s] = tf.slice_util.parseSliceParams(x!, begin as number[], size as number[]);
      // the slice's gradient: dy placed back at its offset, zeros around it
      return { x: () => tf.pad(dy as tf.Tensor, x!.shape.map((d, i) => [b[i]!, d - b[i]! - s[i]!] as [number, number])) };
    },
  },
  {
    kernelName: 'Transpose',
    gradFunc: (dy, _saved, attrs) => {
      const perm = (attrs as Attrs).perm as number[];
      const inverse = perm.map((_, i) => perm.indexOf(i));
      return { x: () => tf.transpose(dy as tf.Tensor, inverse) };
    },
  },
];

/** Registers every gradient the supernet's forward needs (idempotent). */
export function registerSupernetGradients(): void {
  registerTrainGradients();
  registerGraphGradients();
  for (const g of GRADIENTS) if (tf.getGradient(g.kernelName) === undefined) tf.registerGradient(g);
}
