// A member of the supernet as a normal float graph: the same layers as build.ts's int8 member (stem,
// inverted residual blocks, head, mean, classifier, softmax) built as a float IR graph, its weights the
// supernet's slices (kernel transforms applied), batch norms with the member's re-calibrated statistics
// folded in by src/train/export.ts. `quantize` and `compile` take it like any trained float model.
import * as tf from '@tensorflow/tfjs-core';
import type { Graph } from '../ir/graph.js';
import { FloatGraphBuilder, type FloatArch } from '../train/arch/float-graph.js';
import { exportGraph } from '../train/export.js';
import { trainableGraph } from '../train/graph.js';
import { memberChannels, type BnStats, type Supernet } from './supernet.js';
import { archKey, type Arch, type SearchSpace } from './space.js';

/** The member's float graph (random weights) with a batch norm after every conv, its conv ops in the supernet's layer order. */
export function memberFloatArch(space: SearchSpace, arch: Arch): FloatArch {
  const b = new FloatGraphBuilder(1);
  const ch = memberChannels(space, arch.width);
  let x = b.conv('stem', b.image(arch.resolution, arch.resolution, space.inputChannels), ch.stem, 3, 2, 'RELU6', { batchNorm: true });
  arch.stages.forEach((blocks, si) => {
    const out = ch.stages[si]!;
    blocks.forEach((block, j) => {
      const name = `s${si}b${j}`;
      const cin = b.shapeOf(x)[3]!;
      const stride = j === 0 ? space.stages[si]!.stride : 1;
      let h = b.conv(`${name}_expand`, x, cin * block.expand, 1, 1, 'RELU6', { batchNorm: true });
      h = b.depthwise(`${name}_dw`, h, block.kernel, stride, 'RELU6', { batchNorm: true });
      h = b.conv(`${name}_project`, h, out, 1, 1, 'NONE', { batchNorm: true });
      x = stride === 1 && cin === out ? b.add(`${name}_add`, x, h) : h;
    });
  });
  if (space.headChannels > 0) x = b.conv('head', x, space.headChannels, 1, 1, 'RELU6', { batchNorm: true });
  x = b.globalAveragePool('pool', x);
  return b.finish(`ofa-${archKey(arch)}`, b.softmax('softmax', b.dense('classifier', x, space.classes, 'NONE')));
}

/** The member as a float graph holding the supernet's weights, batch norms (statistics `stats`) folded. */
export function exportMember(net: Supernet, arch: Arch, stats: BnStats): Graph {
  const floatArch = memberFloatArch(net.space, arch);
  const t = trainableGraph(floatArch.graph, { batchNorm: floatArch.batchNorm });
  try {
    tf.tidy(() => {
      const layers = net.memberLayers(arch);
      const convs = [...t.weights.keys()].filter((i) => floatArch.graph.ops[i]!.kind !== 'FULLY_CONNECTED').sort((a, b) => a - b);
      if (convs.length !== layers.length) throw new Error(`member ${archKey(arch)}: ${convs.length} conv ops in the float graph, ${layers.length} supernet layers`);
      convs.forEach((op, k) => {
        const layer = layers[k]!;
        const s = stats.get(layer.name);
        if (!s) throw new Error(`batch-norm statistics for layer ${layer.name} were not calibrated`);
        t.weights.get(op)!.weight.assign(layer.weight);
        const bn = t.batchNorms.get(op)!;
        bn.gamma.assign(layer.gamma);
        bn.beta.assign(layer.beta);
        bn.movingMean.assign(tf.tensor1d(s.mean));
        bn.movingVariance.assign(tf.tensor1d(s.variance));
      });
      const fc = [...t.weights.keys()].find((i) => floatArch.graph.ops[i]!.kind === 'FULLY_CONNECTED')!;
      const classifier = net.classifierOf(arch);
      t.weights.get(fc)!.weight.assign(classifier.weight);
      t.weights.get(fc)!.bias.assign(classifier.bias);
    });
    return exportGraph(t);
  } finally {
    t.dispose();
  }
}
