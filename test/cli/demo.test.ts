// `tinyforge demo` is the README's first command: it must plan, run and compile every bundled model.
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { DEMO_MODELS } from '../../examples/models/index.js';

describe('tinyforge demo', () => {
  it('plans each bundled model within its bound and its wasm module gives the reference bytes', async () => {
    let stdout = '';
    const code = await main(['demo', '--json'], { stdout: (t) => (stdout += t), stderr: () => {} });
    expect(code).toBe(0);
    const results = JSON.parse(stdout) as Array<{ model: string; peakBytes: number; lowerBoundBytes: number; peakBytesNoInplace: number; wasmMatchesReference: boolean; wasmBytes: number }>;
    expect(results.map((r) => r.model)).toEqual(DEMO_MODELS.map((m) => m.name));
    for (const r of results) {
      expect(r.wasmMatchesReference, r.model).toBe(true);
      expect(r.peakBytes).toBeGreaterThanOrEqual(r.lowerBoundBytes);
      expect(r.peakBytes).toBeLessThanOrEqual(r.peakBytesNoInplace);
      expect(r.wasmBytes).toBeGreaterThan(0);
    }
  });
});
