// The HTML plan report: self-contained, one shape per buffer, the peak marked, model strings escaped,
// and small enough at the scale of a patched mobilenet_v2.
import { describe, expect, it } from 'vitest';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { estimateFlash } from '../../src/cost/flash.js';
import type { Graph } from '../../src/ir/graph.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { escapeHtml, planHtml } from '../../src/report/plan-html.js';
import { planReport, type PlanReport } from '../../src/report/plan.js';

function reportOf(graph: Graph, model: string, sramBytes: number | null = null): PlanReport {
  const { plan } = planModel(graph);
  return planReport(model, plan, estimateFlash(scheduleOf(plan), 'cortex-m4'), { sramBytes, flashBytes: null });
}

const kws = () => DEMO_MODELS.find((d) => d.name === 'ds-cnn-kws')!.build();

/** Every URL-ish thing a page could load from elsewhere. */
function externalRefs(html: string): string[] {
  return [...html.matchAll(/https?:|\bsrc\s*=|\bhref\s*=|@import|url\(|<link\b|<iframe\b|<img\b/gi)].map((m) => m[0]);
}

const shapes = (html: string) => [...html.matchAll(/<path class="(?:in|out|scr|a\d)" d="([^"]+)"><title>([^<]*)<\/title><\/path>/g)];

describe('planHtml', () => {
  it('is one self-contained page: no network, no external fonts, scripts or styles', () => {
    const html = planHtml(reportOf(kws(), 'ds-cnn-kws.tflite', 64 * 1024));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(externalRefs(html)).toEqual([]);
    expect(html).not.toMatch(/<script[^>]*\bsrc/i);
    expect(html).toMatch(/<style>/);
    expect(html).toMatch(/<\/html>\s*$/);
  });

  it('draws one shape per non-empty buffer, at its offset over its steps', () => {
    const r = reportOf(kws(), 'ds-cnn-kws.tflite');
    const html = planHtml(r);
    const drawn = shapes(html);
    const buffers = r.buffers.filter((b) => b.aliasOf === null && b.bytes > 0);
    expect(drawn).toHaveLength(buffers.length);
    const yMax = Number(/<svg class="bufs"[^>]*viewBox="0 0 (\d+) (\d+)"/.exec(html)![2]);
    expect(yMax).toBeGreaterThanOrEqual(r.peakBytes);
    buffers.forEach((b, i) => {
      const [, d, title] = drawn[i]!;
      // x = first step, y measured down from the top of the byte axis, width = steps, height = bytes.
      expect(d).toBe(`M${b.first} ${yMax - b.offset - b.bytes}h${b.last - b.first + 1}v${b.bytes}h-${b.last - b.first + 1}z`);
      expect(title).toContain(escapeHtml(b.name));
      expect(title).toContain(`${b.bytes.toLocaleString('en-US')} B at offset ${b.offset.toLocaleString('en-US')}`);
    });
  });

  it('marks the peak step, the peak line, the budget verdict and the headline figures', () => {
    const r = reportOf(kws(), 'ds-cnn-kws.tflite', 1024);
    expect(r.fits).toBe(false);
    const html = planHtml(r);
    expect(html).toContain(`peak step ${r.peakStep}`);
    expect(html).toMatch(new RegExp(`<tr data-s="${r.peakStep}" class="peak">`));
    expect(html.match(/<tr data-s="\d+" class="peak">/g)).toHaveLength(1);
    expect(html).toContain(`peak ${r.peakBytes.toLocaleString('en-US')} B`);
    expect(html).toMatch(/<line class="peak"/);
    expect(html).toContain('DOES NOT FIT');
    expect(html).toContain(`short by ${r.sramShortfallBytes.toLocaleString('en-US')} B`);
    expect(html).toContain(`${r.lowerBoundBytes.toLocaleString('en-US')} B`);
    expect(html).toContain(`${r.flashBytes.toLocaleString('en-US')} B`);
    for (const s of r.suggestions) expect(html).toContain(escapeHtml(s));
    // One table row per step.
    expect(html.match(/<tr data-s="/g)).toHaveLength(r.steps.length);
  });

  it('escapes hostile tensor and model names everywhere', () => {
    const hostile = `</title><script>alert("x")</script><img src=x onerror=alert(1)>&amp;'"`;
    const g = kws();
    const out = g.ops[2]!.outputs[0]!;
    const graph: Graph = { ...g, tensors: g.tensors.map((t) => (t.id === out ? { ...t, name: hostile } : t)) };
    const r = reportOf(graph, `model<script>.tflite`, 1024);
    expect(r.buffers.some((b) => b.name === hostile)).toBe(true);
    const html = planHtml(r);
    expect(html).not.toContain(hostile);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('model<script>');
    expect(html).toContain(escapeHtml(hostile));
    expect(html.match(/<script>/g)).toHaveLength(1); // ours
    // No attribute smuggled into a tag: the attribute names of every tag, quoted values removed.
    const names = [...html.matchAll(/<[a-zA-Z][\w-]*([^>]*)>/g)].flatMap((m) => [...m[1]!.replace(/"[^"]*"/g, '').matchAll(/([\w-]+)\s*=/g)].map((a) => a[1]!));
    expect(names.filter((n) => /^(src|href|on\w+)$/i.test(n))).toEqual([]);
    expect(names.length).toBeGreaterThan(100);
  });

  it('renders a one-step plan and stays small at 1,500 steps and 4,000 buffers', () => {
    const g = DEMO_MODELS.find((d) => d.name === 'sine-mlp')!.build();
    const one: Graph = { ...g, ops: [g.ops[0]!], outputs: [g.ops[0]!.outputs[0]!] };
    const small = planHtml(reportOf(one, 'one.tflite'));
    expect(shapes(small).length).toBeGreaterThan(0);
    expect(small).toContain('peak step 0');

    const steps = 1500;
    const buffers: PlanReport['buffers'] = Array.from({ length: 4000 }, (_, id) => {
      const first = (id * 7) % steps;
      return { id, name: `stage${id % 97}/tile${id % 16}/conv_${id}`, kind: 'activation', bytes: 1024 + (id % 50) * 64, offset: (id % 40) * 8192, first, last: Math.min(steps - 1, first + (id % 5)), aliasOf: null };
    });
    const big: PlanReport = {
      ...reportOf(g, 'big.tflite'),
      peakBytes: 40 * 8192,
      lowerBoundBytes: 30 * 8192,
      peakStep: 777,
      buffers,
      steps: Array.from({ length: steps }, (_, index) => ({ index, opIndex: index % 60, kind: 'CONV_2D', output: `conv_${index}@tile${index % 16}`, variant: 'stream-row', liveBytes: 200_000 + (index % 13) * 1000, live: [index, index + 1] })),
    };
    const html = planHtml(big);
    expect(shapes(html)).toHaveLength(4000);
    expect(html.length).toBeLessThan(1_200_000);
    expect(html).toContain('peak step 777');
  });
});
