// TFLM's LUT-compressed formats read from crafted files: a COMPRESSION_METADATA model built here runs
// equal to its plain int8 twin; an unknown schema_version, out-of-range index widths, short or ragged
// tables, short packed indices, indices beyond their table and malformed DECODE headers are refused with
// typed errors naming the numbers, never read out of bounds.
import { Builder } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/builder/index.js';
import { parseTflite, readTflite, writeTflite, type TfliteModel } from '../../src/import/tflite/index.js';
import { packIndices } from '../../src/ir/lut.js';
import { applyClusters, clusterWeights, snappedGraph } from '../../src/quantize/cluster.js';
import { runReference } from '../../src/reference/interpreter.js';
import { syntheticInputBytes, Xorshift32 } from '../../src/builder/random.js';
import { TinyforgeError } from '../../src/errors.js';
import { refusal } from '../helpers/refusal.js';
import { encodeParsed } from './craft.js';

/** A conv net with 4 output channels of 3x3x8 weights (72 per channel: compression pays at 2 bits). */
function net() {
  const b = new ModelBuilder({ name: 'lut_net', seed: 4 });
  const x = b.input('x', [1, 6, 6, 8], { scale: 1 / 32, zeroPoint: 3 });
  b.output(b.conv2d(x, { filters: 4, kernel: 3, stride: 1, activation: 'relu' }));
  const graph = b.build();
  const clusters = clusterWeights(graph, { bits: 2, seed: 1 });
  return { graph, clusters, weight: clusters[0]!.tensor };
}

interface LutSpec {
  schemaVersion?: number;
  tensor?: number;
  valueBuffer?: number;
  bitWidth?: number;
}

/** A metadata.fbs Metadata table: schema_version, subgraphs[0].lut_tensors = [spec]. */
function compressionMetadata(spec: Required<LutSpec>): Uint8Array {
  const b = new Builder(256);
  b.startObject(3);
  b.addFieldInt32(0, spec.tensor, 0);
  b.addFieldInt32(1, spec.valueBuffer, 0);
  b.addFieldInt8(2, spec.bitWidth, 0);
  const lut = b.endObject();
  const luts = vector(b, [lut]);
  b.startObject(1);
  b.addFieldOffset(0, luts, 0);
  const subgraph = b.endObject();
  const subgraphs = vector(b, [subgraph]);
  b.startObject(2);
  b.addFieldInt32(0, spec.schemaVersion, -1); // always stored
  b.addFieldOffset(1, subgraphs, 0);
  b.finish(b.endObject());
  return b.asUint8Array().slice();
}

function vector(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

interface Damage {
  packed?: (p: Uint8Array) => Uint8Array;
  values?: (v: Uint8Array) => Uint8Array;
  metadata?: (m: Uint8Array) => Uint8Array;
}

/** The snapped model in the COMPRESSION_METADATA format, optionally damaged. */
function metadataFile(spec: LutSpec = {}, damage: Damage = {}): Uint8Array {
  const { graph, clusters, weight } = net();
  const c = clusters[0]!;
  const m: TfliteModel = parseTflite(writeTflite(snappedGraph(graph, clusters)));
  const stride = 4;
  const tables = new Uint8Array(c.centroids.flatMap((t) => [...t, ...new Array<number>(stride - t.length).fill(t[t.length - 1]!)]).map((v) => v & 0xff));
  m.tensors[weight]!.data = (damage.packed ?? ((p) => p))(packIndices(c.assignments, 2));
  const withData = m.tensors.filter((t) => t.data !== null).length;
  m.metadata.push({ name: 'lut values', data: (damage.values ?? ((v) => v))(tables) });
  const valueBuffer = 1 + withData + m.metadata.length - 1; // craft.ts: tensor blobs, then metadata blobs
  m.metadata.push({
    name: 'COMPRESSION_METADATA',
    data: (damage.metadata ?? ((d) => d))(compressionMetadata({ schemaVersion: 1, tensor: weight, valueBuffer, bitWidth: 2, ...spec })),
  });
  return encodeParsed(m);
}

const inputs = (g: ReturnType<typeof readTflite>) => g.inputs.map((id, i) => syntheticInputBytes(g.tensors[id]!, 7 + i));

describe('COMPRESSION_METADATA models', () => {
  it('a crafted 2-bit model imports as DECODE and runs equal to its snapped twin', () => {
    const { graph, clusters } = net();
    const twin = readTflite(writeTflite(snappedGraph(graph, clusters)));
    const g = readTflite(metadataFile());
    expect(g.ops.map((op) => op.kind)).toEqual(['DECODE', 'CONV_2D']);
    expect(g.metadata.some((m) => m.name === 'COMPRESSION_METADATA')).toBe(false);
    expect(runReference(g, inputs(g)).outputs).toEqual(runReference(twin, inputs(twin)).outputs);
  });

  it.each([
    ['schema_version 2', { schemaVersion: 2 }, {}, /schema_version 2 is newer than the 1/],
    ['index_bitwidth 0', { bitWidth: 0 }, {}, /index_bitwidth 0 is outside 1\.\.7/],
    ['index_bitwidth 8', { bitWidth: 8 }, {}, /index_bitwidth 8 is outside 1\.\.7/],
    ['a tensor beyond the model', { tensor: 999 }, {}, /names tensor 999, outside/],
    ['a value buffer beyond the model', { valueBuffer: 9999 }, {}, /value buffer 9999 is outside/],
    ['short packed indices', {}, { packed: (p: Uint8Array) => p.subarray(0, p.length - 1) }, /holds 71 bytes, 288 indices of 2 bits need 72/],
    ['tables that do not split into the channels', {}, { values: (v: Uint8Array) => v.subarray(0, v.length - 1) }, /holds 15 values for 4 channels/],
    ['an empty value buffer', {}, { values: () => new Uint8Array(0) }, /holds 0 values for 4 channels/],
  ] as const)('refuses %s with E_MODEL_FORMAT', (_what, spec, damage, message) => {
    const e = refusal(() => readTflite(metadataFile(spec, damage)));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toMatch(message);
  });

  it('byte flips in the metadata flatbuffer, the tables or the packed indices end in a run or a TinyforgeError', () => {
    const rng = new Xorshift32(77);
    const flip = (bytes: Uint8Array) => {
      const out = new Uint8Array(bytes);
      for (let k = 0; k < 1 + (rng.nextU32() % 3); k++) out[rng.nextU32() % out.length] = rng.nextU32() & 0xff;
      return out;
    };
    const outcomes = { ran: 0, refused: 0 };
    for (let i = 0; i < 150; i++) {
      const where = (['metadata', 'values', 'packed'] as const)[i % 3]!;
      const bytes = metadataFile({}, { [where]: flip });
      try {
        const g = readTflite(bytes);
        runReference(g, inputs(g));
        outcomes.ran++;
      } catch (e) {
        expect(e, `case ${i} (${where})`).toBeInstanceOf(TinyforgeError);
        outcomes.refused++;
      }
    }
    expect(outcomes.ran).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('refuses an index beyond its (3-entry) table', () => {
    // Every index set to 3 while each channel's table has 4 entries is fine; a 3-entry stride is not.
    const e = refusal(() => readTflite(metadataFile({}, { values: (v) => v.subarray(0, 12) })));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toMatch(/index \d at element \d+ is beyond the 3-entry value table/);
  });
});

describe('DECODE-format models', () => {
  /** The clustered model with its ancillary header bytes (or its whole ancillary data) replaced. */
  function decodeFile(edit: (ancillary: Uint8Array) => Uint8Array): Uint8Array {
    const { graph, clusters } = net();
    const clustered = applyClusters(graph, clusters, 2).graph;
    const m = parseTflite(writeTflite(clustered));
    const decode = m.operators.find((op) => op.kind === 'DECODE')!;
    const a = m.tensors[decode.inputs[1]!]!;
    a.data = edit(new Uint8Array(a.data!));
    a.shape = [a.data.length];
    return encodeParsed(m);
  }
  const header = (offset: number, value: number) => (a: Uint8Array) => ((a[offset] = value), a);

  it('runs the unedited file', () => {
    expect(readTflite(decodeFile((a) => a)).ops[0]!.kind).toBe('DECODE');
  });

  it.each([
    ['DCM version 2', header(1, 2), 'E_MODEL_FORMAT', /DECODE header version 2 \/ LUT version 1, expected 1 \/ 1/],
    ['LUT version 0', header(4, 0), 'E_MODEL_FORMAT', /LUT version 0/],
    ['bit width 0', header(5, 0), 'E_MODEL_FORMAT', /index bit width 0 is outside 1\.\.7/],
    ['bit width 9', header(5, 9), 'E_MODEL_FORMAT', /index bit width 9 is outside 1\.\.7/],
    ['stride 0', header(6, 0), 'E_MODEL_FORMAT', /value table stride 0 is outside 1\.\.128/],
    ['stride 200', header(6, 200), 'E_MODEL_FORMAT', /value table stride 200 is outside 1\.\.128/],
    ['Huffman decode type', header(0, 1), 'E_UNSUPPORTED', /decode type 1 \(only LUT/],
    ['a header cut short', (a: Uint8Array) => a.subarray(0, 10), 'E_MODEL_FORMAT', /10 bytes is shorter than the 16-byte DECODE header/],
    ['tables cut short', (a: Uint8Array) => a.subarray(0, a.length - 1), 'E_MODEL_FORMAT', /4 value tables of 4 entries need 32 ancillary bytes, found 31/],
    ['4-bit indices over 2-bit data', header(5, 4), 'E_MODEL_FORMAT', /288 indices of 4 bits need 144 bytes, found 72/],
  ] as const)('refuses %s', (_what, edit, code, message) => {
    const e = refusal(() => readTflite(decodeFile(edit)));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });
});
