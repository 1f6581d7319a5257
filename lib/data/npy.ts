/**
 * NumPy's .npy format (version 1.0) for float32 matrices: the dataset format numpy reads directly.
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

/** Decode .npy bytes holding a little-endian float32 matrix (1-D arrays read as one column). */
export function decodeNpy(bytes: Uint8Array, label = "npy file"): Matrix {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${label}: not a .npy file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLength;
  if (start > bytes.length) throw new Error(`${label}: truncated header`);
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (descr !== "<f4") throw new Error(`${label}: expected float32 ('<f4') data, found ${descr ?? "no dtype"}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${label}: Fortran-ordered arrays are not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new Error(`${label}: header has no shape`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.length < 1 || shape.length > 2 || shape.some((s) => !Number.isSafeInteger(s) || s < 0)) {
    throw new Error(`${label}: expected a 1-D or 2-D array, found shape (${shapeText})`);
  }
  const [rows, cols = 1] = shape;
  const byteLength = rows * cols * 4;
  if (bytes.length - start !== byteLength) {
    throw new Error(
      `${label}: expected ${byteLength} data bytes for shape (${shapeText}), found ${bytes.length - start}`,
    );
  }
  const data = new Float32Array(rows * cols);
  new Uint8Array(data.buffer).set(bytes.subarray(start));
  return { rows, cols, data };
}
