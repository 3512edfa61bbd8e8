// The kernel's hooks for library code: the running cell's abort signal (set by an interrupt) and
// clear_output. Outside our kernel (plain Node, tests) there is no signal and nothing to clear.
const KERNEL_ABORT = Symbol.for("course.kernel.abort");
const KERNEL_CLEAR_OUTPUT = Symbol.for("course.kernel.clearOutput");

/** The signal of the cell that is running this code; the kernel renews it for every cell. */
export function currentAbortSignal(): AbortSignal | undefined {
  const signal = (globalThis as Record<symbol, unknown>)[KERNEL_ABORT];
  return signal instanceof AbortSignal ? signal : undefined;
}

export class InterruptedError extends Error {
  constructor() {
    super("interrupted: the kernel was asked to stop this cell");
    this.name = "KeyboardInterrupt";
  }
}

/** Training loops call this between batches, so that an interrupt stops them within one batch. */
export function throwIfInterrupted(): void {
  if (currentAbortSignal()?.aborted) throw new InterruptedError();
}

/** Clears the cell's output (`wait`: when the next output arrives), as IPython's clear_output. */
export function clearOutput(wait = false): void {
  const clear = (globalThis as Record<symbol, unknown>)[KERNEL_CLEAR_OUTPUT];
  if (typeof clear === "function") (clear as (wait: boolean) => void)(wait);
}
