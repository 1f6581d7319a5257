/** Parsers of command-line values, shared by every command: each refuses a bad value with the reason commander prints. */
import { InvalidArgumentError } from "@commander-js/extra-typings";

export function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError("must be a number");
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0) || !Number.isFinite(n)) {
    throw new InvalidArgumentError("must be a positive number");
  }
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0) || !Number.isFinite(n)) {
    throw new InvalidArgumentError("must be a number ≥ 0");
  }
  return n;
}

export function nonZeroNumber(value: string): number {
  const n = finiteNumber(value);
  if (n === 0) throw new InvalidArgumentError("must be a non-zero number");
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("must be an integer");
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("must be an integer ≥ 0");
  return n;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError("must be a positive integer");
  }
  return n;
}

export function numberList(value: string): number[] {
  const values = value.split(",").map((v) => (v.trim() === "" ? NaN : Number(v)));
  if (values.some((v) => !Number.isFinite(v))) throw new InvalidArgumentError("must be comma-separated numbers");
  return values;
}
