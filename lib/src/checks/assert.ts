// Assertions for exercise checks. Their messages are for students: what was expected, what came
// back, and where (shape, index), never a stack trace.
import * as tf from "@tensorflow/tfjs";

/** A check that did not hold; its message is shown to the student as is. */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailure";
  }
}

/** What an exercise stub throws until the student fills it in. */
export class NotImplementedError extends Error {
  constructor(readonly exercise: string) {
    super(`not implemented: ${exercise}`);
    this.name = "NotImplementedError";
  }
}

/** The body of an exercise stub: `throw notImplemented("pca.covariance")`. */
export function notImplemented(exercise: string): NotImplementedError {
  return new NotImplementedError(exercise);
}

export function fail(message: string): never {
  throw new CheckFailure(message);
}

export function expectTrue(condition: boolean, message: string): void {
  if (!condition) fail(message);
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(3);
  return Number(value.toFixed(4)).toString();
}

function formatIndex(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index.unshift(flat % shape[axis]);
    flat = Math.floor(flat / shape[axis]);
  }
  return `[${index.join(", ")}]`;
}

function preview(values: ArrayLike<number>, limit = 6): string {
  const shown = Array.from(values).slice(0, limit).map(formatNumber).join(", ");
  return values.length > limit ? `[${shown}, …] (${values.length} values)` : `[${shown}]`;
}

function describeValue(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tf.Tensor of shape [${value.shape.join(", ")}]`;
  if (value === undefined) return "undefined (did the function forget to return?)";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

export function expectTensor(value: unknown, what: string): tf.Tensor {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) fail(`${what}: the tensor was already disposed (return it from tf.tidy instead of disposing it)`);
    return value;
  }
  return fail(`${what}: expected a tf.Tensor, got ${describeValue(value)}`);
}

export function expectShape(value: unknown, shape: readonly number[], what: string): tf.Tensor {
  const tensor = expectTensor(value, what);
  const same = tensor.shape.length === shape.length && tensor.shape.every((n, i) => n === shape[i]);
  if (!same) fail(`${what}: expected shape [${shape.join(", ")}], got [${tensor.shape.join(", ")}]`);
  return tensor;
}

/** Compares numbers elementwise: |got − want| ≤ tolerance · max(1, |want|). */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tolerance = 1e-4, shape?: readonly number[]): void {
  if (got.length !== want.length) fail(`${what}: expected ${want.length} values, got ${got.length}`);
  let worst = -1;
  let worstError = 0;
  for (let i = 0; i < want.length; i++) {
    const error = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
    if (!(error <= tolerance) && (worst < 0 || error > worstError || Number.isNaN(error))) {
      worst = i;
      worstError = error;
      if (Number.isNaN(error)) break;
    }
  }
  if (worst >= 0) {
    const where = shape ? formatIndex(worst, shape) : `[${worst}]`;
    fail(
      `${what}: at ${where} expected ${formatNumber(want[worst])}, got ${formatNumber(got[worst])} ` +
        `(tolerance ${tolerance}).\n  expected ${preview(want)}\n  got      ${preview(got)}`,
    );
  }
}

/** Checks a tensor's shape, then its values against `want` (flat, row-major). */
export function expectTensorClose(value: unknown, want: ArrayLike<number>, shape: readonly number[], what: string, tolerance = 1e-4): void {
  const tensor = expectShape(value, shape, what);
  expectClose(tensor.dataSync(), want, what, tolerance, shape);
}

export function expectNumberArray(value: unknown, length: number, what: string): number[] {
  const isArrayLike = Array.isArray(value) || ArrayBuffer.isView(value);
  if (!isArrayLike) fail(`${what}: expected an array of ${length} numbers, got ${describeValue(value)}`);
  const numbers = Array.from(value as ArrayLike<unknown>);
  if (numbers.length !== length) fail(`${what}: expected ${length} numbers, got ${numbers.length}`);
  if (!numbers.every((v) => typeof v === "number")) fail(`${what}: expected numbers only`);
  return numbers as number[];
}
