// Turns Arrow string columns (dictionary-encoded or plain Utf8) into small integer ids, per row,
// without building a JS string per row.
import type { Data } from 'apache-arrow';

/** Maps each distinct string to a dense id (0, 1, 2, …) and back. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }
}

const decoder = new TextDecoder();

/** Writes the interned id of every row of a dictionary or Utf8 column chunk into out[at..]. */
export function internColumn(data: Data, interner: Interner, out: Int32Array, at: number): void {
  if (data.dictionary !== undefined) {
    internDictionary(data, interner, out, at);
  } else {
    internUtf8(data, interner, out, at);
  }
}

function internDictionary(data: Data, interner: Interner, out: Int32Array, at: number): void {
  const words = data.dictionary?.toArray() ?? [];
  const remap = new Int32Array(words.length);
  for (let i = 0; i < words.length; i++) remap[i] = interner.id(String(words[i]));
  const indices: ArrayLike<number> = data.values;
  for (let i = 0; i < data.length; i++) out[at + i] = remap[indices[i] ?? 0] ?? 0;
}

/** Short strings (≤ 6 bytes, all codes here) get a numeric key so decoding happens once per value. */
function internUtf8(data: Data, interner: Interner, out: Int32Array, at: number): void {
  const offsets: Int32Array = data.valueOffsets;
  const bytes: Uint8Array = data.values;
  const byKey = new Map<number, number>();
  for (let i = 0; i < data.length; i++) {
    const start = offsets[i] ?? 0;
    const end = offsets[i + 1] ?? start;
    const len = end - start;
    if (len > 6) {
      out[at + i] = interner.id(decoder.decode(bytes.subarray(start, end)));
      continue;
    }
    // len leads, so keys of different lengths never collide; max 7·2^48 < 2^53 stays exact
    let key = len;
    for (let b = start; b < end; b++) key = key * 256 + (bytes[b] ?? 0);
    let id = byKey.get(key);
    if (id === undefined) {
      id = interner.id(decoder.decode(bytes.subarray(start, end)));
      byKey.set(key, id);
    }
    out[at + i] = id;
  }
}
