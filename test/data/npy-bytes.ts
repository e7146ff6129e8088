// Hand-made .npy files for the tests.

/** A .npy v1 file: header dict padded with spaces to a 64-byte boundary, newline-terminated. */
export function npy(header: string, data: number[], version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  let h = header;
  while ((pre + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) out.set([h.length & 0xff, h.length >> 8], 8);
  else out.set([h.length & 0xff, h.length >> 8, 0, 0], 8);
  for (let i = 0; i < h.length; i++) out[pre + i] = h.charCodeAt(i);
  out.set(data, pre + h.length);
  return out;
}
