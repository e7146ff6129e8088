// Assigns buffer indices to constant contents, sharing one buffer between identical byte strings.

/** FNV-1a over the bytes; only narrows the candidates, equality is checked byte by byte. */
function fingerprint(data: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return `${data.length}:${h >>> 0}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class BufferDeduper {
  /** Buffer contents by index; index 0 is TFLite's empty sentinel. */
  readonly contents: Array<Uint8Array | null> = [null];
  private readonly byFingerprint = new Map<string, number[]>();

  /** A buffer of its own for `data`, shared with nothing (a LUT value table the metadata names by index). */
  append(data: Uint8Array): number {
    this.contents.push(data);
    return this.contents.length - 1;
  }

  indexOf(data: Uint8Array): number {
    if (data.length === 0) return 0;
    const key = fingerprint(data);
    const candidates = this.byFingerprint.get(key) ?? [];
    const found = candidates.find((i) => sameBytes(this.contents[i]!, data));
    if (found !== undefined) return found;
    this.contents.push(data);
    candidates.push(this.contents.length - 1);
    this.byFingerprint.set(key, candidates);
    return this.contents.length - 1;
  }
}
