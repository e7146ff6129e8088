// Mutated and truncated copies of the shared models: each read ends in a Graph or a TinyforgeError,
// quickly, and a Graph that is accepted also writes and reads back to itself.
import { describe, expect, it } from 'vitest';
import { TinyforgeError } from '../../src/errors.js';
import { FlatReader } from '../../src/import/tflite/flat-reader.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import { BufferField, ModelField } from '../../src/import/tflite/schema.js';
import { comparable } from './graph-compare.js';
import { loadSharedModels, sharedModelsAvailable, type SharedModel } from './shared-models.js';

/** xorshift32: deterministic, so a failing case is reproducible from its seed. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return { next, below: (n: number) => next() % n, chance: (p: number) => next() / 4294967296 < p };
}
type Rng = ReturnType<typeof prng>;

/** Byte ranges of buffer contents: mutations there only change weights, so we aim mostly elsewhere. */
function dataRanges(bytes: Uint8Array): Array<[number, number]> {
  const buffers = new FlatReader(bytes, Infinity).root('TFL3').tables(ModelField.buffers, 'buffer') ?? [];
  return buffers.flatMap((b) => {
    const v = b.vector(BufferField.data, 1, 'data');
    return v && v.count > 64 ? [[v.start, v.start + v.count] as [number, number]] : [];
  });
}

const INTERESTING = [0, 1, 2, 4, 8, 0xff, 0x7f, 0x80, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 0x10000, -1, -4];

function mutate(src: Uint8Array, ranges: Array<[number, number]>, rng: Rng, donor: Uint8Array): { bytes: Uint8Array; how: string } {
  const structural = () => {
    for (let tries = 0; tries < 8; tries++) {
      const p = rng.below(src.length);
      if (!ranges.some(([a, b]) => p >= a && p < b)) return p;
    }
    return rng.below(src.length);
  };
  const kind = rng.below(6);
  const bytes = src.slice();
  const view = new DataView(bytes.buffer);
  switch (kind) {
    case 0: {
      const n = 1 + rng.below(8);
      const at: number[] = [];
      for (let i = 0; i < n; i++) {
        const p = structural();
        bytes[p] = bytes[p]! ^ (1 + rng.below(255));
        at.push(p);
      }
      return { bytes, how: `flip bytes at ${at}` };
    }
    case 1: {
      const n = rng.below(src.length);
      return { bytes: bytes.subarray(0, n), how: `truncate to ${n}` };
    }
    case 2: {
      const p = structural() & ~3;
      if (p + 4 > bytes.length) return { bytes, how: 'no-op' };
      const old = view.getUint32(p, true);
      const v = rng.chance(0.5) ? INTERESTING[rng.below(INTERESTING.length)]! : old + (rng.below(64) - 32) * 4;
      view.setUint32(p, v >>> 0, true);
      return { bytes, how: `int32 at ${p}: ${old} -> ${v >>> 0}` };
    }
    case 3: {
      const p = structural() & ~1;
      if (p + 2 > bytes.length) return { bytes, how: 'no-op' };
      const v = INTERESTING[rng.below(INTERESTING.length)]! & 0xffff;
      view.setUint16(p, v, true);
      return { bytes, how: `uint16 at ${p} -> ${v}` };
    }
    case 4: {
      // splice: a chunk of this file or another model copied over another place
      const from = rng.chance(0.5) ? donor : src;
      const len = 1 + rng.below(64);
      const s = rng.below(Math.max(1, from.length - len));
      const d = structural();
      bytes.set(from.subarray(s, s + len).subarray(0, bytes.length - d), d);
      return { bytes, how: `splice ${len} bytes from ${from === src ? 'self' : 'donor'}@${s} to ${d}` };
    }
    default: {
      // cut a chunk out of the middle: every later offset now points 'len' bytes off
      const len = 1 + rng.below(32);
      const s = Math.min(structural(), bytes.length - len);
      const out = new Uint8Array(bytes.length - len);
      out.set(bytes.subarray(0, s));
      out.set(bytes.subarray(s + len), s);
      return { bytes: out, how: `delete ${len} bytes at ${s}` };
    }
  }
}

const available = sharedModelsAvailable();

describe.skipIf(!available)('fuzzed .tflite input', () => {
  it('2,400 mutated or truncated models each end in a Graph or a TinyforgeError within 1 s', () => {
    const models = loadSharedModels();
    const byName = (n: string) => models.find((m) => m.name === n)!;
    const plan: Array<[SharedModel, number]> = [
      [byName('hello_world_int8'), 700],
      [byName('micro_speech_quantized'), 600],
      [byName('kws_ref_model'), 500],
      [byName('pretrainedResnet_quant'), 400],
      [byName('vww_96_int8'), 200],
    ];
    const outcomes: Record<string, number> = {};
    let slowest = 0;
    let cases = 0;
    const started = performance.now();
    plan.forEach(([model, count], mi) => {
      const ranges = dataRanges(model.bytes);
      const donor = plan[(mi + 1) % plan.length]![0].bytes;
      for (let i = 0; i < count; i++) {
        const seed = (mi + 1) * 100_003 + i;
        const { bytes, how } = mutate(model.bytes, ranges, prng(seed), donor);
        const t0 = performance.now();
        let outcome: string;
        try {
          const g = readTflite(bytes);
          outcome = 'Graph';
          // What we accept, we can also write, and it reads back the same.
          try {
            expect(comparable(readTflite(writeTflite(g)))).toEqual(comparable(g));
          } catch (e) {
            if (!(e instanceof TinyforgeError)) throw new Error(`${model.name} seed ${seed} (${how}): accepted graph does not round trip: ${e}`);
            outcome = `Graph, write refused: ${e.name}`;
          }
        } catch (e) {
          if (!(e instanceof TinyforgeError)) throw new Error(`${model.name} seed ${seed} (${how}): ${e instanceof Error ? e.stack : e}`);
          expect(e.message.length).toBeGreaterThan(0);
          outcome = e.name;
        }
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        if (ms > 1000) throw new Error(`${model.name} seed ${seed} (${how}) took ${ms.toFixed(0)} ms`);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        cases++;
      }
    });
    console.log(`fuzz: ${cases} cases in ${(performance.now() - started).toFixed(0)} ms, slowest ${slowest.toFixed(1)} ms`, outcomes);
    expect(cases).toBeGreaterThanOrEqual(2000);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
