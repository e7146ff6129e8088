// The accuracy-vs-instructions page (bench:prune --report): a self-contained SVG scatter per net, names escaped.
import { describe, expect, it } from 'vitest';
import { tradeoffPage, type TradeoffPoint } from '../../src/prune/index.js';

const point = (name: string, method: TradeoffPoint['method'], accuracy: number, instructions: number, finetuned = false): TradeoffPoint => ({
  name, method, accuracy, instructions, finetuned, measured: true, peakBytes: 1000, flashBytes: 2000,
});

describe('tradeoffPage', () => {
  const page = tradeoffPage(
    [{ name: 'net <b>&', accuracyLabel: 'int8 accuracy', points: [point('dense', 'dense', 0.9, 8e6), point('channel 30% <script>', 'channels', 0.85, 5e6, true), point('fine-grained 70%', 'magnitude', 0.5, 8e6)] }],
    'pruning "trade-off"',
  );
  const circles = [...page.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="5" stroke="(#[0-9a-f]+)" stroke-width="1.6" fill="(#[0-9a-f]+)"\/>/g)];

  it('places one point per model: fewer instructions further left, higher accuracy higher up', () => {
    expect(circles).toHaveLength(3);
    const [dense, channel, sparse] = circles.map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    expect(channel!.x).toBeLessThan(dense!.x);
    expect(sparse!.x).toBe(dense!.x);
    expect(dense!.y).toBeLessThan(channel!.y);
    expect(channel!.y).toBeLessThan(sparse!.y);
  });

  it('fills fine-tuned points and colours by method', () => {
    expect(circles.map((m) => m[4] === '#fff')).toEqual([true, false, true]);
    expect(new Set(circles.map((m) => m[3])).size).toBe(3);
  });

  it('escapes every name and loads nothing from outside', () => {
    expect(page.match(/<script>/g)).toHaveLength(1); // the shell's (empty) inline script only
    expect(page).toContain('<script></script>');
    expect(page).not.toContain('<b>');
    expect(page).toContain('channel 30% &lt;script&gt;');
    expect(page).toContain('net &lt;b&gt;&amp;');
    expect(page).not.toMatch(/(src|href)=|url\(|@import/);
  });
});
