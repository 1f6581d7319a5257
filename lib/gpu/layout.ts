/**
 * Struct layouts declared once in TypeScript: the WGSL struct text a kernel is compiled with and the writer that
 * packs a host's values at the offsets WGSL gives them (scalars align to 4, vec2 to 8, vec3 and vec4 to 16, arrays
 * to their element with a stride of the element's size rounded to its alignment, a struct's size rounded to its
 * largest alignment), so no offset is ever matched by hand.
 */

export type Scalar = "f32" | "u32" | "i32";
export type Vector = `vec${2 | 3 | 4}<${Scalar}>`;
export interface ArrayType {
  element: Scalar | Vector;
  length: number;
}
export type MemberType = Scalar | Vector | ArrayType;
export type Members = Record<string, MemberType>;

/** What a host writes for each member: a number for a scalar, every component (row-major) for a vector or array. */
export type Values<M extends Members> = { [K in keyof M]: M[K] extends Scalar ? number : ArrayLike<number> };

/** One member as WGSL lays it out. */
export interface Field {
  name: string;
  /** The member's type as WGSL spells it. */
  type: string;
  offset: number;
  size: number;
  align: number;
  scalar: Scalar;
  /** Components of a vector (1 for a scalar). */
  components: number;
  /** Elements of an array (1 for a scalar or vector). */
  count: number;
  /** Bytes between array elements (the element's size for a scalar or vector). */
  stride: number;
}

/** `array<element, length>` as a member type. */
export function array(element: Scalar | Vector, length: number): ArrayType {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`an array needs a length ≥ 1, got ${length}`);
  return { element, length };
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

export class StructLayout<M extends Members = Members> {
  readonly fields: readonly Field[];
  /** Bytes of the struct (a multiple of its alignment). */
  readonly size: number;
  readonly align: number;

  constructor(readonly name: string, members: M) {
    if (!IDENTIFIER.test(name)) throw new Error(`bad struct name: ${name}`);
    const fields: Field[] = [];
    let offset = 0;
    for (const [member, type] of Object.entries(members)) {
      if (!IDENTIFIER.test(member)) throw new Error(`${name}: bad member name ${member}`);
      const field = layoutOf(member, type);
      offset = roundUp(offset, field.align);
      fields.push({ ...field, offset });
      offset += field.size;
    }
    if (fields.length === 0) throw new Error(`${name}: a struct needs at least one member`);
    this.fields = fields;
    this.align = Math.max(...fields.map((f) => f.align));
    this.size = roundUp(offset, this.align);
  }

  /** The WGSL declaration. */
  get wgsl(): string {
    return `struct ${this.name} {\n${this.fields.map((f) => `  ${f.name}: ${f.type},\n`).join("")}}\n`;
  }

  /** Bytes a uniform buffer of this struct takes (WebGPU binds uniforms in 16-byte units). */
  get uniformBytes(): number {
    return roundUp(this.size, 16);
  }

  /** `values` packed at their offsets into `uniformBytes` bytes; every member must be given, and fit its type. */
  pack(values: Values<M>): Uint8Array {
    const bytes = new Uint8Array(this.uniformBytes);
    this.#write(new DataView(bytes.buffer), 0, values);
    return bytes;
  }

  /** `records` packed as a WGSL `array<Name>` (a structured storage buffer): record i at i · size. */
  packArray(records: readonly Values<M>[]): Uint8Array {
    const bytes = new Uint8Array(records.length * this.size);
    const view = new DataView(bytes.buffer);
    records.forEach((record, i) => this.#write(view, i * this.size, record));
    return bytes;
  }

  #write(view: DataView, base: number, values: Values<M>): void {
    const given = values as Record<string, number | ArrayLike<number>>;
    for (const name of Object.keys(given)) {
      if (!this.fields.some((f) => f.name === name)) throw new Error(`${this.name} has no member ${name}`);
    }
    for (const field of this.fields) {
      const value = given[field.name];
      const flat = typeof value === "number" ? [value] : value;
      const expected = field.components * field.count;
      if (flat === undefined || flat.length !== expected) {
        throw new Error(`${this.name}.${field.name} needs ${expected} value${expected > 1 ? "s" : ""}`);
      }
      for (let i = 0; i < expected; i++) {
        const at = base + field.offset + Math.floor(i / field.components) * field.stride + (i % field.components) * 4;
        writeScalar(view, at, field.scalar, flat[i], `${this.name}.${field.name}`);
      }
    }
  }
}

/** A struct layout named `name` with `members` in declaration order. */
export function struct<M extends Members>(name: string, members: M): StructLayout<M> {
  return new StructLayout(name, members);
}

function layoutOf(name: string, type: MemberType): Omit<Field, "offset"> {
  if (typeof type !== "string") {
    const element = layoutOf(name, type.element);
    const stride = roundUp(element.size, element.align);
    return {
      ...element,
      type: `array<${type.element}, ${type.length}>`,
      size: stride * type.length,
      count: type.length,
      stride,
    };
  }
  const vector = /^vec([234])<(f32|u32|i32)>$/.exec(type);
  if (vector) {
    const components = Number(vector[1]);
    const align = components === 2 ? 8 : 16;
    return {
      name,
      type,
      size: 4 * components,
      align,
      scalar: vector[2] as Scalar,
      components,
      count: 1,
      stride: 4 * components,
    };
  }
  if (type === "f32" || type === "u32" || type === "i32") {
    return { name, type, size: 4, align: 4, scalar: type, components: 1, count: 1, stride: 4 };
  }
  throw new Error(`member ${name}: unsupported type ${type}`);
}

function writeScalar(view: DataView, at: number, scalar: Scalar, value: number, what: string): void {
  if (typeof value !== "number" || Number.isNaN(value)) throw new Error(`${what} must be a number, got ${value}`);
  if (scalar === "f32") {
    view.setFloat32(at, value, true);
    return;
  }
  const [low, high] = scalar === "u32" ? [0, 2 ** 32 - 1] : [-(2 ** 31), 2 ** 31 - 1];
  if (!Number.isInteger(value) || value < low || value > high) {
    throw new RangeError(`${what}: ${value} is not a ${scalar}`);
  }
  if (scalar === "u32") view.setUint32(at, value, true);
  else view.setInt32(at, value, true);
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}
