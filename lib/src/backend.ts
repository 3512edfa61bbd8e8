// Chooses the fastest TensorFlow.js backend that works on this machine, quietly.
// Order: tensorflow-gpu (tfjs-node-gpu with a GPU) > tensorflow (tfjs-node) > wasm > cpu.
// COURSE_BACKEND=<name> forces one. Nothing here writes to stderr: graders and nbconvert treat it as failure.
import * as fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import "./fused-gradients";
import { patchWasmBackend } from "./wasm-kernels";

export type BackendName = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";
export const BACKEND_ORDER: readonly BackendName[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];

export interface BackendInfo {
  /** The course's name for the active backend. */
  name: BackendName;
  /** The name TensorFlow.js registered it under (tfjs-node and tfjs-node-gpu both say "tensorflow"). */
  tfjsName: string;
  /** Why it was chosen, and why the faster ones were not. */
  notes: string[];
}

// TensorFlow's C library logs to stderr at load time unless told not to; tfjs prints a
// "Hi there" banner on the cpu backend unless in production mode. Left alone on purpose: TensorFlow 2.21's oneDNN
// notice on CPUs with AVX-512, which this level does not reach; turning it off turns the faster kernels off (README).
process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
tf.env().set("PROD", true);

let active: Promise<BackendInfo> | undefined;

function gpuPresent(): boolean {
  return fs.existsSync("/proc/driver/nvidia/version") || fs.existsSync("/dev/nvidia0");
}

function tryRequire(name: string): string | undefined {
  try {
    require(name);
    return undefined;
  } catch (error) {
    return (error as Error).message.split("\n")[0];
  }
}

async function activate(name: BackendName, notes: string[]): Promise<boolean> {
  switch (name) {
    case "tensorflow-gpu": {
      if (!gpuPresent()) return skip(notes, name, "no NVIDIA GPU found");
      const failure = tryRequire("@tensorflow/tfjs-node-gpu");
      if (failure) return skip(notes, name, `@tensorflow/tfjs-node-gpu did not load (${failure}); see the README, "GPU"`);
      return tf.setBackend("tensorflow");
    }
    case "tensorflow": {
      const failure = tryRequire("@tensorflow/tfjs-node");
      if (failure) return skip(notes, name, `@tensorflow/tfjs-node did not load (${failure}); run \`npm install\` again`);
      return tf.setBackend("tensorflow");
    }
    case "wasm": {
      const failure = tryRequire("@tensorflow/tfjs-backend-wasm");
      if (failure) return skip(notes, name, `@tensorflow/tfjs-backend-wasm did not load (${failure})`);
      patchWasmBackend();
      return tf.setBackend("wasm");
    }
    case "cpu":
      return tf.setBackend("cpu");
  }
}

function skip(notes: string[], name: BackendName, why: string): false {
  notes.push(`${name}: ${why}`);
  return false;
}

function requestedBackends(): BackendName[] {
  const forced = process.env.COURSE_BACKEND?.trim();
  if (!forced) return [...BACKEND_ORDER];
  if (!(BACKEND_ORDER as readonly string[]).includes(forced)) {
    throw new Error(`COURSE_BACKEND=${forced} is not a backend: use one of ${BACKEND_ORDER.join(", ")}, or unset it to pick the fastest.`);
  }
  return [forced as BackendName];
}

async function selectBackend(): Promise<BackendInfo> {
  const notes: string[] = [];
  const candidates = requestedBackends();
  if (candidates.length === 1) notes.push(`COURSE_BACKEND=${candidates[0]}`);
  for (const name of candidates) {
    if (await activate(name, notes)) {
      await tf.ready();
      return { name, tfjsName: tf.getBackend(), notes };
    }
  }
  throw new Error(`No TensorFlow.js backend could start: ${notes.join("; ")}`);
}

/** Selects the backend once (later calls return the same choice). Call it before any tensor work. */
export function initBackend(): Promise<BackendInfo> {
  active ??= selectBackend();
  return active;
}

/** One line saying which backend is active, e.g. `backend: tensorflow (tfjs-node 4.22.0, TensorFlow C library 2.21.0)`. */
export async function describeBackend(): Promise<string> {
  const info = await initBackend();
  const details: Record<BackendName, string> = {
    "tensorflow-gpu": `tfjs-node-gpu ${packageVersion("@tensorflow/tfjs-node-gpu")}, TensorFlow C library ${tensorflowLibraryVersion()}`,
    tensorflow: `tfjs-node ${packageVersion("@tensorflow/tfjs-node")}, TensorFlow C library ${tensorflowLibraryVersion()}`,
    wasm: `tfjs-backend-wasm ${tf.version_core}, slower: see the README's performance table`,
    cpu: `pure JavaScript, very slow: run \`npm install\` to get the native backend`,
  };
  const skipped = info.notes.length ? `; ${info.notes.join("; ")}` : "";
  return `backend: ${info.name} (${details[info.name]}${skipped})`;
}

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return "?";
  }
}

function tensorflowLibraryVersion(): string {
  // tfjs-node exposes the C library's TF_Version() on its binding.
  const backend = tf.backend() as unknown as { binding?: { TF_Version?: string } };
  return backend.binding?.TF_Version ?? "?";
}

export { tf };
