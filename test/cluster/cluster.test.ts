// K-means weight sharing (`tinyforge cluster`): the clustered file (DECODE format) runs bit-exact equal
// to its snapped int8 twin on the reference, wasm and host C; clustering TFLM's snapped kws model again
// changes nothing; a channel with fewer distinct values than clusters is kept exactly; --bits outside 1..7
// is a usage error; the same seed writes the same bytes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitWasm, instantiateEmitted, runLoaded } from '../../codegen/wasm/index.js';
import { prepareHostC } from '../../src/cli/engines/c.js';
import { parseTflite, readTflite, writeTflite } from '../../src/import/tflite/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { applyClusters, clusterWeights, snappedGraph, snappedValues } from '../../src/quantize/cluster.js';
import { kmeansInt8 } from '../../src/quantize/kmeans.js';
import { runReference } from '../../src/reference/interpreter.js';
import { syntheticInputBytes } from '../../src/builder/random.js';
import { haveTools } from '../c/toolchain.js';
import { cli } from '../helpers/cli.js';
import { GOLDEN_COMPRESSED_DIR, haveCompressedGolden, haveShared, MODELS_DIR, REPO_ROOT } from '../helpers/shared.js';

const shared = haveShared();
const KWS = join(MODELS_DIR, 'mlperf-tiny/kws_ref_model.tflite');
const SNAPPED_KWS4 = join(GOLDEN_COMPRESSED_DIR, 'kws_ref_model_lut4/kws_ref_model.snapped_lut4.tflite');
const tmp = mkdtempSync(join(tmpdir(), 'tf-cluster-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const load = (path: string) => readTflite(new Uint8Array(readFileSync(path)));
const inputsOf = (g: Graph, k: number) => g.inputs.map((id, i) => syntheticInputBytes(g.tensors[id]!, 1000 * k + i));

describe('kmeansInt8', () => {
  it('finds three well separated groups and maps every value to its own', () => {
    const values = [-100, -98, -102, -100, 0, 2, -2, 0, 97, 99, 101, 99]; // group means -100, 0, 99
    const c = kmeansInt8(values, 3, 5);
    expect(c.centroids).toEqual([-100, 0, 99]);
    expect(Array.from(c.assignments)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('keeps fewer distinct values than clusters exactly (a no-op)', () => {
    const values = [5, -7, 5, 5, 120, -7];
    const c = kmeansInt8(values, 16, 1);
    expect(c.centroids).toEqual([-7, 5, 120]);
    expect(Array.from(c.assignments).map((a) => c.centroids[a])).toEqual(values);
  });

  it('is deterministic per seed and never uses more than k values', () => {
    const values = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 255) - 127);
    const a = kmeansInt8(values, 8, 3), b = kmeansInt8(values, 8, 3);
    expect(a).toEqual(b);
    expect(a.centroids.length).toBeLessThanOrEqual(8);
  });
});

describe.skipIf(!shared)('clustering real models', () => {
  it('re-clustering TFLM\'s snapped kws (4-bit) keeps <= 16 values per channel and changes no weight', () => {
    if (!haveCompressedGolden()) return;
    const g = load(SNAPPED_KWS4);
    const clusters = clusterWeights(g, { bits: 4 });
    expect(clusters.length).toBe(10);
    for (const c of clusters) {
      for (const table of c.centroids) expect(table.length).toBeLessThanOrEqual(16);
      const t = g.tensors[c.tensor]!;
      expect(Buffer.compare(Buffer.from(snappedValues(c).buffer), Buffer.from(t.data!))).toBe(0);
    }
    const { report } = applyClusters(g, clusters, 4);
    expect(report.every((t) => t.changedWeights === 0)).toBe(true);
    // 3x3 depthwise channels (9 weights) cost more compressed: kept as int8.
    for (const t of report) expect(t.compressed).toBe(t.op !== 'DEPTHWISE_CONV_2D');
  });

  for (const [bits, perTensor] of [[4, false], [2, false], [3, true]] as const) {
    it(`kws --bits ${bits}${perTensor ? ' --per-tensor' : ''}: the DECODE file runs bit-exact equal to its snapped twin (reference, wasm, host C)`, async () => {
      const g = load(KWS);
      const clusters = clusterWeights(g, { bits, perTensor, seed: 3 });
      for (const c of clusters) for (const table of c.centroids) expect(table.length).toBeLessThanOrEqual(1 << bits);
      const clustered = readTflite(writeTflite(applyClusters(g, clusters, bits).graph));
      const twin = readTflite(writeTflite(snappedGraph(g, clusters)));
      expect(clustered.ops.filter((op) => op.kind === 'DECODE').length).toBeGreaterThan(0);
      expect(twin.ops.some((op) => op.kind === 'DECODE')).toBe(false);
      const want = [0, 1, 2].map((k) => runReference(twin, inputsOf(twin, k)).outputs);
      for (let k = 0; k < 3; k++) expect(runReference(clustered, inputsOf(clustered, k)).outputs).toEqual(want[k]);
      const library = new Uint8Array(readFileSync(join(REPO_ROOT, 'build', 'kernels.simd.wasm')));
      const wasm = await instantiateEmitted(emitWasm(scheduleOf(planModel(clustered, { backend: 'wasm' }).plan), { library, simd: true }));
      for (let k = 0; k < 3; k++) expect(runLoaded(wasm, inputsOf(clustered, k))).toEqual(want[k]);
      if (haveTools('cluster (host C)', ['gcc', 'ar'])) {
        const c = prepareHostC(scheduleOf(planModel(clustered).plan), { sanitize: true });
        try {
          for (let k = 0; k < 3; k++) expect(c.run(inputsOf(clustered, k)).outputs).toEqual(want[k]);
        } finally {
          c.dispose();
        }
      }
    }, 300_000);
  }

  it('--format metadata writes COMPRESSION_METADATA that reads back to the same DECODE graph and runs equal to the snapped twin (reference, host C)', async () => {
    const out = join(tmp, 'meta.tflite'), dec = join(tmp, 'dec.tflite');
    expect((await cli('cluster', KWS, '--bits', '2', '--seed', '4', '--format', 'metadata', '--out', out)).code).toBe(0);
    expect((await cli('cluster', KWS, '--bits', '2', '--seed', '4', '--out', dec)).code).toBe(0);
    const bytes = new Uint8Array(readFileSync(out));
    const raw = parseTflite(bytes);
    expect(raw.metadata.some((m) => m.name === 'COMPRESSION_METADATA')).toBe(false); // consumed by the reader
    expect(Buffer.from(bytes).includes(Buffer.from('COMPRESSION_METADATA'))).toBe(true);
    expect(Buffer.from(bytes).includes(Buffer.from('TFLM_DECODE'))).toBe(false);
    const meta = readTflite(bytes), decode = load(dec);
    expect(meta.ops.map((op) => op.kind)).toEqual(decode.ops.map((op) => op.kind));
    // Same weights: every DECODE expands to the same values in both files.
    const twin = readTflite(writeTflite(snappedGraph(load(KWS), clusterWeights(load(KWS), { bits: 2, seed: 4 }))));
    for (let k = 0; k < 3; k++) expect(runReference(meta, inputsOf(meta, k)).outputs).toEqual(runReference(twin, inputsOf(twin, k)).outputs);
    if (haveTools('cluster (host C)', ['gcc', 'ar'])) {
      const c = prepareHostC(scheduleOf(planModel(meta).plan), { sanitize: true });
      try {
        expect(c.run(inputsOf(meta, 0)).outputs).toEqual(runReference(twin, inputsOf(twin, 0)).outputs);
      } finally {
        c.dispose();
      }
    }
  }, 120_000);

  it('the CLI writes the same bytes for the same seed, reports the flash saved, and refuses --bits outside 1..7', async () => {
    const a = join(tmp, 'a.tflite'), b = join(tmp, 'b.tflite');
    const first = await cli('cluster', KWS, '--bits', '4', '--seed', '9', '--out', a, '--json');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { savedBytes: number; tensors: Array<{ compressed: boolean; savedBytes: number; tableEntries: number }> };
    expect(report.savedBytes).toBe(report.tensors.reduce((n, t) => n + t.savedBytes, 0));
    expect(report.savedBytes).toBeGreaterThan(0);
    expect(report.tensors.every((t) => t.tableEntries <= 16)).toBe(true);
    expect((await cli('cluster', KWS, '--bits', '4', '--seed', '9', '--out', b)).code).toBe(0);
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
    for (const bits of ['0', '8', '2.5', 'x']) {
      const r = await cli('cluster', KWS, '--bits', bits, '--out', join(tmp, `bad${bits}.tflite`));
      expect(r.code, bits).not.toBe(0);
      expect(r.stderr).toMatch(/E_USAGE: --bits must be an integer in 1\.\.7/);
    }
  }, 120_000);
});

describe.skipIf(!shared)('inspect on LUT-compressed models', () => {
  it("shows per tensor the bit width and the flash saved, as TFLM's manifest sizes give them", async () => {
    if (!haveCompressedGolden()) return;
    const dir = join(GOLDEN_COMPRESSED_DIR, 'kws_ref_model_lut2');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      lut_tensors: Array<{ tensor: number; index_bitwidth: number; channels: number; packed_index_bytes: number; value_table_elements: number; original_bytes: number }>;
    };
    const r = await cli('inspect', join(dir, 'kws_ref_model.lut2.tflite'), '--json');
    expect(r.code).toBe(0);
    const compressed = (JSON.parse(r.stdout) as { compressed: Array<{ tensor: number; bits: number; channels: number; storedBytes: number; savedBytes: number }> }).compressed;
    expect(compressed.map((c) => c.tensor).sort((a, b) => a - b)).toEqual(manifest.lut_tensors.map((t) => t.tensor).sort((a, b) => a - b));
    for (const t of manifest.lut_tensors) {
      const c = compressed.find((x) => x.tensor === t.tensor)!;
      expect(c.bits).toBe(t.index_bitwidth);
      expect(c.channels).toBe(t.channels);
      expect(c.storedBytes).toBe(t.packed_index_bytes + 16 + t.value_table_elements);
      expect(c.savedBytes).toBe(t.original_bytes - c.storedBytes);
    }
    const text = await cli('inspect', join(dir, 'kws_ref_model.lut2.tflite'));
    expect(text.stdout).toMatch(/LUT-compressed weights \(TFLM DECODE\):/);
    expect(text.stdout).toMatch(/#17 functional_1\/conv2d\/Conv2D {2}2-bit, 64 x 4-entry tables: 912 B for 2,560 B of int8, saved 1,648 B/);
  });
});
