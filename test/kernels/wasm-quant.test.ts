// The wasm kernel library's requantization must equal the TS spec (src/ir/quant.ts) bit for bit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../src/ir/quant.js';
import { REPO_ROOT } from '../helpers/shared.js';

type Exports = { multiplyByQuantizedMultiplier: (x: number, m: number, s: number) => number };

async function load(target: 'simd' | 'scalar'): Promise<Exports> {
  const bytes = readFileSync(join(REPO_ROOT, 'build', `kernels.${target}.wasm`));
  const { instance } = await WebAssembly.instantiate(bytes, {});
  return instance.exports as unknown as Exports;
}

describe.each(['simd', 'scalar'] as const)('wasm kernel library (%s build)', (target) => {
  it('multiplyByQuantizedMultiplier equals the reference on random and edge operands', async () => {
    const wasm = await load(target);
    let x = 12345;
    const next = () => {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      return x | 0;
    };
    const cases: Array<[number, number, number]> = [
      [2147483647, 2147483647, 0], [-2147483648, 1073741824, -1], [0, 0, 0], [-1, 1073741824, -31], [100, 1518500250, 2],
    ];
    for (let i = 0; i < 20000; i++) {
      const { multiplier, shift } = quantizeMultiplier(Math.abs(next()) / 2 ** (20 + (i % 24)));
      cases.push([next() >> (i % 20), multiplier, shift]);
    }
    for (const [v, m, s] of cases) expect(wasm.multiplyByQuantizedMultiplier(v, m, s)).toBe(multiplyByQuantizedMultiplier(v, m, s));
  });
});
