// Routes what a cell writes (stdout, stderr, displays) to that cell's request, even from timers and
// promises that outlive it, and silences cells that were interrupted.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Header } from "./wire";

export type CellState = "running" | "finished" | "interrupted";

export class CellRun {
  state: CellState = "running";
  readonly abort = new AbortController();
  constructor(readonly parent: Header, readonly executionCount: number) {}
}

export const cellContext = new AsyncLocalStorage<CellRun>();

export type StreamSink = (cell: CellRun, name: "stdout" | "stderr", text: string) => void;

type Write = typeof process.stdout.write;

/** Replaces process.stdout/stderr.write; writes outside any cell go to the kernel's own log (the real stderr). */
export function captureStreams(current: () => CellRun | undefined, sink: StreamSink): { log(text: string): void } {
  const realStderr = process.stderr.write.bind(process.stderr) as Write;
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    const real = stream.write.bind(stream) as Write;
    stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) => {
      const done = typeof encoding === "function" ? encoding : callback;
      const cell = cellContext.getStore() ?? current();
      if (!cell) return real(chunk, encoding as BufferEncoding, done);
      if (cell.state !== "interrupted") sink(cell, name, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8"));
      done?.();
      return true;
    }) as Write;
  }
  return { log: (text) => realStderr(`[kernel] ${text}\n`) };
}

type TimerFunction = (callback: (...args: unknown[]) => void, ...rest: unknown[]) => unknown;

/**
 * An interrupted cell cannot schedule new timers: an async loop that yields through setTimeout/setImmediate
 * (`await tf.nextFrame()`, `await new Promise(r => setImmediate(r))`) stops at its next yield even if it
 * never checks the abort signal. Timers scheduled before the interrupt still fire, so a loop that checks
 * the signal gets there and ends cleanly (throwIfInterrupted, disposing its tensors); intervals stop.
 */
export function stopTimersOfInterruptedCells(): void {
  const timers = globalThis as unknown as Record<string, TimerFunction>;
  const noop = () => undefined;
  for (const name of ["setTimeout", "setInterval", "setImmediate"]) {
    const original = timers[name];
    const guarded = function (this: unknown, callback: (...args: unknown[]) => void, ...rest: unknown[]) {
      const cell = cellContext.getStore();
      if (!cell || typeof callback !== "function") return original.call(this, callback, ...rest);
      if (cell.state === "interrupted") {
        const timer = original.call(this, noop, ...rest);
        if (name === "setInterval") clearInterval(timer as NodeJS.Timeout);
        return timer;
      }
      if (name !== "setInterval") return original.call(this, callback, ...rest);
      return original.call(this, function (this: unknown, ...args: unknown[]) {
        if (cell.state !== "interrupted") callback.apply(this, args);
      }, ...rest);
    };
    // Keeps util.promisify's custom versions and the like.
    for (const key of Reflect.ownKeys(original)) {
      if (!(key in guarded)) Object.defineProperty(guarded, key, Object.getOwnPropertyDescriptor(original, key)!);
    }
    timers[name] = guarded as TimerFunction;
  }
}
