// IDX and .npy parsing on bytes written by hand: values, dtypes, and hostile files (typed errors, no reads
// past the end, no allocation from an absurd header).
import { describe, expect, it } from 'vitest';
import { parseIdx } from '../../src/data/idx.js';
import { parseNpy } from '../../src/data/npy.js';
import { datasetFromArrays } from '../../src/data/arrays.js';
import { TinyforgeError } from '../../src/errors.js';
import { npy } from './npy-bytes.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof TinyforgeError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

const idx = (...b: number[]) => new Uint8Array(b);

describe('parseIdx', () => {
  it('reads uint8 [2, 2, 3]', () => {
    const a = parseIdx(idx(0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, ...Array.from({ length: 12 }, (_, i) => i * 20)), 'u8');
    expect(a.dtype).toBe('uint8');
    expect(a.shape).toEqual([2, 2, 3]);
    expect([...a.data]).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220]);
  });

  it('reads every big-endian dtype', () => {
    expect([...parseIdx(idx(0, 0, 0x09, 1, 0, 0, 0, 2, 0xff, 0x7f), 'i8').data]).toEqual([-1, 127]);
    expect([...parseIdx(idx(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe), 'i16').data]).toEqual([258, -2]);
    expect([...parseIdx(idx(0, 0, 0x0c, 1, 0, 0, 0, 1, 0x80, 0, 0, 1), 'i32').data]).toEqual([-2147483647]);
    // 0x3fc00000 = 1.5f, 0xc0200000 = -2.5f
    expect([...parseIdx(idx(0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0xc0, 0, 0, 0xc0, 0x20, 0, 0), 'f32').data]).toEqual([1.5, -2.5]);
    // 0x3fd0000000000000 = 0.25
    expect([...parseIdx(idx(0, 0, 0x0e, 1, 0, 0, 0, 1, 0x3f, 0xd0, 0, 0, 0, 0, 0, 0), 'f64').data]).toEqual([0.25]);
  });

  it('reads from a view that does not start its buffer', () => {
    const bytes = idx(9, 9, 9, 0, 0, 0x0b, 1, 0, 0, 0, 1, 0x12, 0x34);
    expect([...parseIdx(bytes.subarray(3), 'offset').data]).toEqual([0x1234]);
  });

  it('refuses bad magic, unknown types, truncation, trailing bytes and absurd dims', () => {
    expect(codeOf(() => parseIdx(idx(1, 0, 8, 1, 0, 0, 0, 1, 5), 'm'))).toMatch(/^E_INPUT_DATA: IDX file m: bad magic 0x01000801/);
    expect(codeOf(() => parseIdx(idx(0, 0, 0x0a, 1, 0, 0, 0, 1, 5), 't'))).toMatch(/unknown element type 0x0a/);
    expect(codeOf(() => parseIdx(idx(0, 0, 8), 's'))).toMatch(/3 bytes is shorter than the 4-byte header/);
    expect(codeOf(() => parseIdx(idx(0, 0, 8, 3, 0, 0, 0, 2), 'h'))).toMatch(/truncated header: 3 dimensions need 16 bytes, the file has 8/);
    expect(codeOf(() => parseIdx(idx(0, 0, 8, 1, 0, 0, 0, 3, 1, 2), 'd'))).toMatch(/truncated: shape \[3\] of uint8 needs 3 data bytes, the file has 2/);
    expect(codeOf(() => parseIdx(idx(0, 0, 0x0c, 1, 0, 0, 0, 1, 1, 2, 3, 4, 5), 'x'))).toMatch(/has trailing bytes: shape \[1\] of int32 needs 4 data bytes, the file has 5/);
    expect(codeOf(() => parseIdx(idx(0, 0, 8, 0), 'z'))).toMatch(/has 0 dimensions/);
    // 4 x 0xffffffff elements: 2^128 bytes announced, 1 present
    const huge = idx(0, 0, 0x0e, 4, ...Array(16).fill(0xff), 7);
    expect(codeOf(() => parseIdx(huge, 'huge'))).toMatch(/shape \[4294967295, 4294967295, 4294967295, 4294967295\] announces more data than any file holds/);
    // 254 dims of 2^32-1 then a 0: the running product overflows to Infinity, then Infinity * 0 = NaN
    const overflow = idx(0, 0, 8, 255, ...Array(254 * 4).fill(0xff), 0, 0, 0, 0);
    expect(codeOf(() => parseIdx(overflow, 'nan'))).toMatch(/announces more data than any file holds/);
    expect(codeOf(() => parseIdx(idx(0, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0, 5), 'empty'))).toBe('no error');
  });
});

describe('parseNpy', () => {
  it('reads uint8, int8, int32, int64, float32 little-endian', () => {
    const u8 = parseNpy(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 2), }", [1, 2, 254, 255]), 'u8');
    expect(u8).toMatchObject({ dtype: 'uint8', shape: [2, 1, 2] });
    expect([...u8.data]).toEqual([1, 2, 254, 255]);
    expect([...parseNpy(npy("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", [0x80, 5]), 'i8').data]).toEqual([-128, 5]);
    expect([...parseNpy(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", [9, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), 'i32').data]).toEqual([9, -1]);
    expect([...parseNpy(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", [3, 1, 0, 0, 0, 0, 0, 0]), 'i64').data]).toEqual([259n]);
    // 0x3f000000 = 0.5f stored little-endian
    expect([...parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0x3f]), 'f32').data]).toEqual([0.5]);
    expect(parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", [0, 0, 0x80, 0x3f]), 'scalar')).toMatchObject({ shape: [], data: new Float32Array([1]) });
    expect([...parseNpy(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", [7, 8, 9], 2), 'v2').data]).toEqual([7, 8, 9]);
  });

  it('refuses Fortran order, big-endian, object arrays and other dtypes with E_UNSUPPORTED', () => {
    expect(codeOf(() => parseNpy(npy("{'descr': '|u1', 'fortran_order': True, 'shape': (1,), }", [1]), 'f'))).toMatch(/^E_UNSUPPORTED: .npy file f is in Fortran order/);
    expect(codeOf(() => parseNpy(npy("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 1]), 'b'))).toMatch(/^E_UNSUPPORTED: .npy file b is big-endian/);
    expect(codeOf(() => parseNpy(npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0, 0, 0, 0, 0]), 'o'))).toMatch(/^E_UNSUPPORTED: .npy file o is an object array/);
    expect(codeOf(() => parseNpy(npy("{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }", [0, 0]), 'u2'))).toMatch(/^E_UNSUPPORTED: .npy file u2 is dtype <u2/);
  });

  it('refuses bad magic, truncation, trailing bytes and unreadable headers with E_INPUT_DATA', () => {
    expect(codeOf(() => parseNpy(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, 1, 0, 0, 0]), 'm'))).toMatch(/^E_INPUT_DATA: .npy file m: bad magic/);
    expect(codeOf(() => parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", [0, 0, 0, 0]), 't'))).toMatch(/truncated: shape \(2\) of float32 needs 8 data bytes, the file has 4/);
    expect(codeOf(() => parseNpy(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", [1, 2]), 'x'))).toMatch(/has trailing bytes/);
    expect(codeOf(() => parseNpy(npy("{'descr': '|u1', 'shape': (1,), }", [1]), 'h'))).toMatch(/unreadable header/);
    const short = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", [1]).subarray(0, 40);
    expect(codeOf(() => parseNpy(short, 's'))).toMatch(/truncated header: 118 header bytes announced, 30 present/);
    expect(codeOf(() => parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", [1]), 'huge'))).toMatch(/shape \(99999999999, 99999999999\) announces more data than any file holds/);
    expect(codeOf(() => parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (9999, 9999), }", [1]), 'big'))).toMatch(/truncated: shape \(9999, 9999\) of float64 needs 799840008 data bytes, the file has 1/);
  });
});

describe('datasetFromArrays', () => {
  const images = { dtype: 'uint8', shape: [2, 1, 2], data: new Uint8Array([0, 255, 10, 20]) };
  it('makes [N, H, W] images one-channel and names classes 0..max', () => {
    const d = datasetFromArrays({ name: 'x', images, labels: { dtype: 'int64', shape: [2, 1], data: new BigInt64Array([2n, 0n]) }, imagesFile: 'i', labelsFile: 'l' });
    expect(d.shape).toEqual([2, 1, 2, 1]);
    expect([...d.labels]).toEqual([2, 0]);
    expect(d.classes).toEqual(['0', '1', '2']);
  });
  it('names a label outside the classes with its index and the range', () => {
    const labels = { dtype: 'uint8', shape: [2], data: new Uint8Array([1, 7]) };
    expect(codeOf(() => datasetFromArrays({ name: 'x', images, labels, classes: ['a', 'b'], imagesFile: 'i', labelsFile: 'l' }))).toBe(
      'E_INPUT_DATA: dataset x: label 7 at index 1 is outside [0, 2)',
    );
  });
  it('refuses NaN and infinite float pixels', () => {
    const f = { dtype: 'float32', shape: [2, 1, 1], data: new Float32Array([0.5, NaN]) };
    expect(codeOf(() => datasetFromArrays({ name: 'x', images: f, labels: { dtype: 'uint8', shape: [2], data: new Uint8Array(2) }, imagesFile: 'i', labelsFile: 'l' }))).toBe(
      'E_INPUT_DATA: dataset x: pixel NaN at element 1 (image 1) is not a finite number',
    );
  });
  it('refuses a count mismatch and float labels', () => {
    expect(codeOf(() => datasetFromArrays({ name: 'x', images, labels: { dtype: 'uint8', shape: [3], data: new Uint8Array(3) }, imagesFile: 'i', labelsFile: 'l' }))).toMatch(
      /l has 3 labels for the 2 images of i/,
    );
    expect(codeOf(() => datasetFromArrays({ name: 'x', images, labels: { dtype: 'float32', shape: [2], data: new Float32Array(2) }, imagesFile: 'i', labelsFile: 'l' }))).toMatch(
      /^E_UNSUPPORTED: labels l are float32/,
    );
  });
});
