/**
 * NumPy's .npy format (version 1.0): float32 matrices written and read (the dataset format numpy reads directly),
 * float64 or float32 arrays read (recordings saved by numpy).
 * npm has no maintained writer, and the format is a fixed 10-byte preamble plus a Python-literal header.
 */

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

/** The header of .npy bytes: dtype, shape (1-D or 2-D, as written) and where the data start. */
function readNpyHeader(bytes: Uint8Array, label: string): { descr: string; shape: number[]; start: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${label}: not a .npy file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLength;
  if (start > bytes.length) throw new Error(`${label}: truncated header`);
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? "no dtype";
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${label}: Fortran-ordered arrays are not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new Error(`${label}: header has no shape`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.length < 1 || shape.length > 2 || shape.some((s) => !Number.isSafeInteger(s) || s < 0)) {
    throw new Error(`${label}: expected a 1-D or 2-D array, found shape (${shapeText})`);
  }
  // The size in the dtype ('<f8': 8 bytes), so that a foreign dtype is reported as such rather than as a bad length.
  const itemSize = Number(/(\d+)$/.exec(descr)?.[1] ?? 4);
  const byteLength = shape.reduce((a, b) => a * b, 1) * itemSize;
  if (bytes.length - start !== byteLength) {
    throw new Error(
      `${label}: expected ${byteLength} data bytes for shape (${shapeText}), found ${bytes.length - start}`,
    );
  }
  return { descr, shape, start };
}

/** Decode .npy bytes holding a little-endian float32 matrix (1-D arrays read as one column). */
export function decodeNpy(bytes: Uint8Array, label = "npy file"): Matrix {
  const { descr, shape, start } = readNpyHeader(bytes, label);
  if (descr !== "<f4") throw new Error(`${label}: expected float32 ('<f4') data, found ${descr}`);
  const [rows, cols = 1] = shape;
  const data = new Float32Array(rows * cols);
  new Uint8Array(data.buffer).set(bytes.subarray(start));
  return { rows, cols, data };
}

/** Decode .npy bytes holding a little-endian float64 or float32 array of 1 or 2 dimensions, as float64. */
export function decodeNpyFloat64(bytes: Uint8Array, label = "npy file"): { shape: number[]; data: Float64Array } {
  const { descr, shape, start } = readNpyHeader(bytes, label);
  if (descr !== "<f8" && descr !== "<f4") {
    throw new Error(`${label}: expected float64 ('<f8') or float32 ('<f4') data, found ${descr}`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const raw = bytes.slice(start);
  const data = descr === "<f8"
    ? new Float64Array(raw.buffer, 0, n)
    : Float64Array.from(new Float32Array(raw.buffer, 0, n));
  return { shape, data };
}
