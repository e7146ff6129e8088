// bench:prune's Pruning section: a render of some nets' rows replaces their blocks and keeps the others'.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inTableOrder, mergeNetBlocks, netBlocks, type RowSetting } from '../../bench/prune-sections.js';

const LENET = '**LeNet (Fashion-MNIST)**. Dense model 1 epoch(s), 6 runs ~590 CPU s.\n\n| setting | acc |\n|---|---|\n| dense | 87.15% |';
const DS_OLD = '**DS-CNN (Fashion-MNIST)**. Dense model on a broken export.\n\n| setting | acc |\n|---|---|\n| dense | 25.79% |';
const RESNET = '**pretrainedResnet (MLPerf Tiny ic01)** (the previous run\'s rows, not re-run). As shipped.\n\n| setting | agreement |\n|---|---|\n| dense | 92.67% |';
const ORDER = ['LeNet (Fashion-MNIST)', 'DS-CNN (Fashion-MNIST)', 'pretrainedResnet (MLPerf Tiny ic01)'];
const previous = ['Old setup paragraph.', LENET, DS_OLD, RESNET].join('\n\n');

describe('bench:prune section blocks', () => {
  it('splits the section into one block per net label, tables included, the setup paragraph left out', () => {
    const blocks = netBlocks(previous);
    expect([...blocks.keys()]).toEqual(ORDER);
    expect(blocks.get('LeNet (Fashion-MNIST)')).toBe(LENET);
    expect(blocks.get('pretrainedResnet (MLPerf Tiny ic01)')).toBe(RESNET);
  });

  it('a render of DS-CNN rows alone replaces the DS-CNN block and keeps the LeNet and ic01 blocks as written', () => {
    const fresh = '**DS-CNN (Fashion-MNIST)**. Dense model re-calibrated.\n\n| setting | acc |\n|---|---|\n| dense | 84.00% |';
    const body = mergeNetBlocks('New setup.', ORDER, new Map([['DS-CNN (Fashion-MNIST)', fresh]]), previous);
    expect(body).toBe(['New setup.', LENET, fresh, RESNET].join('\n\n'));
  });

  it('without a previous section only the fresh blocks; a kept block under an unknown label is not dropped', () => {
    const fresh = new Map([['LeNet (Fashion-MNIST)', LENET]]);
    expect(mergeNetBlocks('S.', ORDER, fresh, null)).toBe(`S.\n\n${LENET}`);
    const other = '**Some other net**. Rows.\n\n| a |\n|---|';
    expect(mergeNetBlocks('S.', ORDER, fresh, `Old.\n\n${other}`)).toBe(`S.\n\n${LENET}\n\n${other}`);
  });

  it('the committed BENCHMARKS.md section keeps its LeNet and ic01 tables byte for byte when only DS-CNN is rendered', () => {
    const text = readFileSync(new URL('../../BENCHMARKS.md', import.meta.url), 'utf8');
    const begin = '<!-- bench:prune:begin -->';
    const section = text.slice(text.indexOf(begin) + begin.length, text.indexOf('<!-- bench:prune:end -->')).trim();
    const blocks = netBlocks(section);
    expect([...blocks.keys()]).toEqual(ORDER);
    const fresh = '**DS-CNN (Fashion-MNIST)**. x\n\n| a |\n|---|';
    const merged = netBlocks(mergeNetBlocks('S.', ORDER, new Map([['DS-CNN (Fashion-MNIST)', fresh]]), section));
    expect(merged.get('LeNet (Fashion-MNIST)')).toBe(blocks.get('LeNet (Fashion-MNIST)'));
    expect(merged.get('pretrainedResnet (MLPerf Tiny ic01)')).toBe(blocks.get('pretrainedResnet (MLPerf Tiny ic01)'));
    expect(section).toContain(blocks.get('LeNet (Fashion-MNIST)')!); // the block is the section's own text
  });

  it('orders rows of several runs as the table: unpruned, fine-grained, channel (l2 then next), fine-tuned after, one-shot before stepped', () => {
    const r = (name: string, s: RowSetting) => ({ name, ...s });
    const rows = [
      r('ch30 ft', { method: 'channels', amount: 0.3, criterion: 'l2', finetune: true }),
      r('fg70 4 steps ft', { method: 'magnitude', amount: 0.7, finetune: true, steps: 4 }),
      r('dense', { method: 'dense', amount: 0, finetune: false }),
      r('ch30 next', { method: 'channels', amount: 0.3, criterion: 'next', finetune: false }),
      r('fg70 inner', { method: 'magnitude', amount: 0.7, inner: true, finetune: false }),
      r('ch20', { method: 'channels', amount: 0.2, criterion: 'l2', finetune: false }),
      r('fg70 one-shot ft', { method: 'magnitude', amount: 0.7, finetune: true, steps: 1 }),
      r('fg50', { method: 'magnitude', amount: 0.5, finetune: false }),
      r('dense ft', { method: 'dense', amount: 0, finetune: true }),
    ];
    expect(inTableOrder(rows).map((x) => x.name)).toEqual(['dense', 'fg50', 'fg70 inner', 'ch20', 'ch30 next', 'dense ft', 'fg70 one-shot ft', 'fg70 4 steps ft', 'ch30 ft']);
  });
});
