// One backend's measurements, in a process of its own (COURSE_BACKEND set by scripts/bench.ts), so that backends do
// not share memory or threads and the peak RSS is this backend's. Writes its results to the JSON file it is given
// after every measurement, so that a crash (e.g. the wasm heap running out) keeps what was measured before.
// Usage: tsx scripts/bench/worker.ts <result.json> <plan JSON> <measurement ids, comma-separated>
import * as fs from "node:fs";
import * as os from "node:os";
import { describeBackend, initBackend, tf } from "../../lib/src";
import type { Measurement } from "./measure";
import { BACKEND_RUNNERS } from "./models";
import { BACKEND_MEASUREMENTS, describeMeasurement, type BackendMeasurementId, type Plan } from "./plan";

export interface WorkerResult {
  backend: string;
  /** describeBackend()'s line, e.g. "backend: tensorflow (tfjs-node 4.22.0, TensorFlow C library 2.21.0)". */
  description: string;
  details: Record<string, unknown>;
  measurements: Partial<Record<BackendMeasurementId | "peakMemory", Measurement>>;
  /** Why the backend could not start (e.g. "no NVIDIA GPU found"): then nothing was measured. */
  unavailable?: string;
  /** When the child is done; absent if it stopped early. */
  finished?: string;
}

function peakMemory(plan: Plan): Measurement {
  // process.resourceUsage().maxRSS is in kilobytes: the most resident memory this process had at any time.
  return {
    id: "peakMemory", ...describeMeasurement("peakMemory", plan), value: Math.round(process.resourceUsage().maxRSS / 1024),
    details: { source: "process.resourceUsage().maxRSS of the backend's own process", tfMemory: tf.memory() },
  };
}

function backendDetails(name: string): Record<string, unknown> {
  const details: Record<string, unknown> = { tfjsBackend: tf.getBackend(), tfjsCore: tf.version_core, cores: os.cpus().length };
  if (name === "tensorflow" || name === "tensorflow-gpu") {
    // tfjs-node exposes the C library's TF_Version() on its binding.
    details.tensorflowC = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding?.TF_Version;
  }
  if (name === "wasm") {
    const wasm = require("@tensorflow/tfjs-backend-wasm") as { getThreadsCount?: () => number };
    details.wasmSimd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
    details.wasmMultithread = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT");
    try {
      details.wasmThreads = wasm.getThreadsCount?.();
    } catch {
      // getThreadsCount throws before the backend is initialised; it is by now, but keep the figures above regardless.
    }
  }
  return details;
}

async function main(): Promise<void> {
  const [outFile, planJson, idList] = process.argv.slice(2);
  if (!outFile || !planJson) throw new Error("usage: tsx scripts/bench/worker.ts <result.json> <plan JSON> [ids]");
  const plan = JSON.parse(planJson) as Plan;
  const ids = (idList ? idList.split(",") : [...BACKEND_MEASUREMENTS]).filter((id): id is BackendMeasurementId => (BACKEND_MEASUREMENTS as readonly string[]).includes(id));
  const save = (result: WorkerResult) => fs.writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");
  let info: Awaited<ReturnType<typeof initBackend>>;
  try {
    info = await initBackend();
  } catch (error) {
    // "No TensorFlow.js backend could start: tensorflow-gpu: no NVIDIA GPU found": the reason after the backend's name.
    const message = (error as Error).message;
    const reason = message.replace(/^No TensorFlow\.js backend could start: /, "").replace(/^COURSE_BACKEND=[^;]*; /, "").replace(/^[a-z-]+: /, "");
    save({ backend: process.env.COURSE_BACKEND ?? "?", description: "", details: {}, measurements: {}, unavailable: reason, finished: new Date().toISOString() });
    return;
  }
  const result: WorkerResult = { backend: info.name, description: await describeBackend(), details: backendDetails(info.name), measurements: {} };
  const write = () => save(result);
  write();
  for (const id of ids) {
    process.stderr.write(`[bench ${info.name}] ${describeMeasurement(id, plan).label}\n`);
    const tensorsBefore = tf.memory().numTensors;
    try {
      result.measurements[id] = await BACKEND_RUNNERS[id](plan);
    } catch (error) {
      result.measurements[id] = { id, ...describeMeasurement(id, plan), skipped: `failed on ${info.name}: ${(error as Error).message.split("\n")[0]}` };
    }
    const leaked = tf.memory().numTensors - tensorsBefore;
    if (leaked !== 0) (result.measurements[id]!.details ??= {}).tensorsLeftOver = leaked;
    result.measurements.peakMemory = peakMemory(plan);
    write();
  }
  result.measurements.peakMemory = peakMemory(plan);
  result.finished = new Date().toISOString();
  write();
}

main().catch((error) => {
  process.stderr.write(`[bench] ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
