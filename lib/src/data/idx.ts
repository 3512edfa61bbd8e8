// Reader for the IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/):
//   bytes 0-1  zero
//   byte  2    element type (0x08 = unsigned byte, the only one MNIST uses)
//   byte  3    number of dimensions
//   then one big-endian uint32 per dimension, then the elements in row-major order.
import { gunzipSync } from "node:zlib";

export type IdxArray = {
  /** Size of each dimension, e.g. [10000, 28, 28]. */
  dims: number[];
  /** The elements in row-major order (a view into the file's bytes, not a copy). */
  data: Uint8Array;
};

const UNSIGNED_BYTE = 0x08;
const MAX_DIMENSIONS = 4;
const DEFAULT_REMEDY = "the file is corrupt: reinstall it with `npm ci`";

const IDX_TYPE_NAMES: Record<number, string> = {
  0x08: "unsigned byte",
  0x09: "signed byte",
  0x0b: "16-bit integer",
  0x0c: "32-bit integer",
  0x0d: "32-bit float",
  0x0e: "64-bit float",
};

/** 7840016 -> "7,840,016": file sizes are easier to compare with separators. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

function hexByte(value: number): string {
  return "0x" + value.toString(16).padStart(2, "0");
}

function isGzip(bytes: Uint8Array, source: string): boolean {
  // An IDX file starts with a zero byte, so the gzip magic 1f 8b can never be mistaken for one.
  return source.endsWith(".gz") || (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b);
}

function gunzip(bytes: Uint8Array, source: string, remedy: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new Error(`${source}: could not decompress the gzip data (${(error as Error).message}); ${remedy}`);
  }
}

/**
 * Parses an IDX file (optionally gzip-compressed) of unsigned bytes.
 * `source` names the file in error messages; `remedy` tells the reader what to do about a bad file.
 */
export function readIdx(bytes: Uint8Array, source: string, remedy: string = DEFAULT_REMEDY): IdxArray {
  if (isGzip(bytes, source)) bytes = gunzip(bytes, source, remedy);
  if (bytes.length < 4) {
    throw new Error(`${source}: ${formatCount(bytes.length)} bytes is too short for an IDX file (the header alone is at least 8 bytes); ${remedy}`);
  }
  const [zero0, zero1, typeCode, dimensionCount] = bytes;
  if (zero0 !== 0 || zero1 !== 0) {
    throw new Error(
      `${source}: not an IDX file: it starts with bytes ${hexByte(zero0)} ${hexByte(zero1)}, expected 0x00 0x00; ${remedy}`,
    );
  }
  if (typeCode !== UNSIGNED_BYTE) {
    const typeName = IDX_TYPE_NAMES[typeCode] ?? "an unknown type";
    throw new Error(
      `${source}: unsupported IDX element type ${hexByte(typeCode)} (${typeName}); ` +
        `only 0x08 (unsigned byte, as in MNIST and Fashion-MNIST) is supported`,
    );
  }
  if (dimensionCount < 1 || dimensionCount > MAX_DIMENSIONS) {
    throw new Error(`${source}: the IDX header declares ${dimensionCount} dimensions, expected 1 to ${MAX_DIMENSIONS}; ${remedy}`);
  }
  const headerLength = 4 + 4 * dimensionCount;
  if (bytes.length < headerLength) {
    throw new Error(
      `${source}: truncated header: expected ${headerLength} bytes for ${dimensionCount} dimensions, found ${formatCount(bytes.length)}; ${remedy}`,
    );
  }
  const dims = readDimensions(bytes, dimensionCount);
  if (dims.some((size) => size === 0)) {
    throw new Error(`${source}: the IDX header declares a dimension of size 0 (${dims.join("×")}); ${remedy}`);
  }
  checkLength(bytes.length, headerLength, dims, source, remedy);
  return { dims, data: bytes.subarray(headerLength) };
}

function readDimensions(bytes: Uint8Array, dimensionCount: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < dimensionCount; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return dims;
}

function checkLength(found: number, headerLength: number, dims: number[], source: string, remedy: string): void {
  const expected = headerLength + dims.reduce((product, size) => product * size, 1);
  if (found === expected) return;
  const what = found < expected ? "truncated" : "too long";
  const extra = found > expected ? ` (${formatCount(found - expected)} bytes too many)` : "";
  throw new Error(
    `${source}: ${what}: expected ${formatCount(expected)} bytes for ${dims.join("×")}, found ${formatCount(found)}${extra}; ${remedy}`,
  );
}
