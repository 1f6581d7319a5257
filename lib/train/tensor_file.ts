/**
 * One self-checking file for named float32 arrays plus a JSON header: checkpoints and saved posteriors are each a
 * single atomic write, and a truncated or altered file is reported as corrupt instead of loading garbage.
 * Layout: "NSBITF1\n", u32 header bytes, header JSON, zero padding to 4 bytes, then the arrays back to back.
 */
import type { NamedArray } from "../flows/parameters.ts";

const MAGIC = new TextEncoder().encode("NSBITF1\n");

interface Header<T> {
  meta: T;
  arrays: { name: string; shape: number[]; group: string }[];
  checksum: number;
}

export interface TensorGroups {
  [group: string]: NamedArray[];
}

export function encodeTensorFile<T>(meta: T, groups: TensorGroups): Uint8Array {
  const entries = Object.entries(groups).flatMap(([group, arrays]) => arrays.map((a) => ({ group, a })));
  const dataBytes = entries.reduce((n, { a }) => n + a.data.byteLength, 0);
  const data = new Uint8Array(dataBytes);
  let offset = 0;
  for (const { a } of entries) {
    data.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), offset);
    offset += a.data.byteLength;
  }
  const header: Header<T> = {
    meta,
    arrays: entries.map(({ group, a }) => ({ name: a.name, shape: a.shape, group })),
    checksum: fnv1a(data),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((MAGIC.length + 4 + json.length) / 4) * 4;
  const out = new Uint8Array(padded + dataBytes);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  out.set(data, padded);
  return out;
}

export function decodeTensorFile<T>(bytes: Uint8Array, label: string): { meta: T; groups: TensorGroups } {
  const corrupt = (why: string) => new Error(`${label} is corrupt (${why}); delete it and train again`);
  if (bytes.length < MAGIC.length + 4 || MAGIC.some((b, i) => bytes[i] !== b)) throw corrupt("not a weights file");
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const start = Math.ceil((MAGIC.length + 4 + jsonLength) / 4) * 4;
  if (start > bytes.length) throw corrupt("truncated header");
  let header: Header<T>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + jsonLength)));
  } catch {
    throw corrupt("unreadable header");
  }
  const data = bytes.slice(start);
  const expected = header.arrays.reduce((n, a) => n + 4 * a.shape.reduce((p, s) => p * s, 1), 0);
  if (data.length !== expected) throw corrupt(`${data.length} data bytes where ${expected} belong`);
  if (fnv1a(data) !== header.checksum) throw corrupt("checksum mismatch");
  const groups: TensorGroups = {};
  let offset = 0;
  for (const { name, shape, group } of header.arrays) {
    const size = shape.reduce((p, s) => p * s, 1);
    (groups[group] ??= []).push({ name, shape, data: new Float32Array(data.buffer, offset, size) });
    offset += 4 * size;
  }
  return { meta: header.meta, groups };
}

/** 32-bit FNV-1a: enough to catch truncation and bit rot, not an integrity guarantee against tampering. */
function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return hash >>> 0;
}
