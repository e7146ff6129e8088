// A trainable net written directly with tfjs-core ops: its variables and its forward pass to logits.
// Weights start from a seeded He-uniform (PyTorch's default for conv/linear is the same family; the
// PyTorch twin in bench/train_torch.py uses the same shapes, bounds and zero biases, its own RNG).
import * as tf from '@tensorflow/tfjs-core';
import { Xorshift32 } from '../../builder/random.js';

export interface TrainableNet {
  readonly name: string;
  readonly variables: tf.Variable[];
  /** Logits [batch, classes] for images [batch, H, W, C]. */
  forward(x: tf.Tensor4D): tf.Tensor2D;
}

/** Weight factory: He-uniform bound √(6 / fanIn), zeros for biases; one seeded stream per net. */
export class Init {
  private readonly rng: Xorshift32;
  readonly variables: tf.Variable[] = [];

  constructor(seed: number) {
    this.rng = new Xorshift32(seed);
  }

  weight(shape: number[], fanIn: number, name: string): tf.Variable {
    const bound = Math.sqrt(6 / fanIn);
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = this.rng.range(-bound, bound);
    return this.keep(tf.variable(tf.tensor(values, shape), true, name));
  }

  bias(size: number, name: string): tf.Variable {
    return this.keep(tf.variable(tf.zeros([size]), true, name));
  }

  private keep(v: tf.Variable): tf.Variable {
    this.variables.push(v);
    return v;
  }
}
