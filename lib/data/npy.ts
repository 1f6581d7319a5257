/**
 * NumPy's .npy format: float32 matrices written (version 1.0, the dataset format numpy reads directly) and read;
 * float64 and byte arrays of any shape read too (the MEG data), from plain or gzip-compressed files.
 * npm has no maintained writer, and the format is a fixed 10-byte preamble plus a Python-literal header.
 */
import { readMaybeGzip } from "./gzip.ts";

export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** The .npy preamble (magic, version, header) for a float32 matrix of rows × cols; data follows it. */
export function npyHeader(rows: number, cols: number): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += " ".repeat((64 - ((10 + header.length + 1) % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  return out;
}

/** Encode a row-major float32 matrix as .npy bytes. */
export function encodeNpy({ rows, cols, data }: Matrix): Uint8Array {
  if (data.length !== rows * cols) {
    throw new Error(`matrix ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  }
  const header = npyHeader(rows, cols);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}

/** The element types read from .npy files (little-endian): float32, float64, and bytes (uint8 and bool). */
const DTYPES = { "<f4": Float32Array, "<f8": Float64Array, "|u1": Uint8Array, "|b1": Uint8Array } as const;
type Dtype = keyof typeof DTYPES;

/** An n-dimensional C-ordered array read from a .npy file. */
export interface NpyArray {
  dtype: Dtype;
  shape: number[];
  data: Float32Array | Float64Array | Uint8Array;
}

/** The header of .npy bytes (version 1, 2 or 3): dtype descriptor, shape, and where the data start. */
function parseHeader(bytes: Uint8Array, label: string): { descr?: string; shape: number[]; start: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${label}: not a .npy file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLength;
  if (start > bytes.length) throw new Error(`${label}: truncated header`);
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start));
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${label}: Fortran-ordered arrays are not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new Error(`${label}: header has no shape`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new Error(`${label}: bad shape (${shapeText})`);
  return { descr: /'descr':\s*'([^']+)'/.exec(header)?.[1], shape, start };
}

/** The data after the header as a typed array of the dtype (a copy, aligned), checking their length. */
function readData(bytes: Uint8Array, dtype: Dtype, shape: number[], start: number, label: string) {
  const Type = DTYPES[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== count * Type.BYTES_PER_ELEMENT) {
    throw new Error(
      `${label}: expected ${count * Type.BYTES_PER_ELEMENT} data bytes for shape (${shape.join(", ")}), ` +
        `found ${bytes.length - start}`,
    );
  }
  const data = new Type(count);
  new Uint8Array(data.buffer).set(bytes.subarray(start));
  return data;
}

/** Decode .npy bytes of any shape holding one of the DTYPES. */
export function decodeNpyArray(bytes: Uint8Array, label = "npy file"): NpyArray {
  const { descr, shape, start } = parseHeader(bytes, label);
  if (descr === undefined || !(descr in DTYPES)) {
    throw new Error(
      `${label}: unsupported dtype ${descr ?? "(none)"}; expected one of ${Object.keys(DTYPES).join(", ")}`,
    );
  }
  const dtype = descr as Dtype;
  return { dtype, shape, data: readData(bytes, dtype, shape, start, label) };
}

/** Decode .npy bytes holding a little-endian float32 matrix (1-D arrays read as one column). */
export function decodeNpy(bytes: Uint8Array, label = "npy file"): Matrix {
  const { descr, shape, start } = parseHeader(bytes, label);
  if (descr !== "<f4") throw new Error(`${label}: expected float32 ('<f4') data, found ${descr ?? "no dtype"}`);
  if (shape.length < 1 || shape.length > 2) {
    throw new Error(`${label}: expected a 1-D or 2-D array, found shape (${shape.join(", ")})`);
  }
  const [rows, cols = 1] = shape;
  return { rows, cols, data: readData(bytes, "<f4", shape, start, label) as Float32Array };
}

/** Read a .npy file, or a gzip-compressed one (`.npy.gz`), of any shape holding one of the DTYPES. */
export async function readNpy(path: string): Promise<NpyArray> {
  return decodeNpyArray(await readMaybeGzip(path), path);
}

/** Decode .npy bytes holding a little-endian float64 or float32 array of 1 or 2 dimensions, as float64. */
export function decodeNpyFloat64(bytes: Uint8Array, label = "npy file"): { shape: number[]; data: Float64Array } {
  const { descr, shape, start } = parseHeader(bytes, label);
  if (descr !== "<f8" && descr !== "<f4") {
    throw new Error(`${label}: expected float64 ('<f8') or float32 ('<f4') data, found ${descr ?? "no dtype"}`);
  }
  if (shape.length < 1 || shape.length > 2) {
    throw new Error(`${label}: expected a 1-D or 2-D array, found shape (${shape.join(", ")})`);
  }
  const data = readData(bytes, descr, shape, start, label);
  return { shape, data: data instanceof Float64Array ? data : Float64Array.from(data) };
}
