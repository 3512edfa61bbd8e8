// npm run bench: how fast the course's models train on each TensorFlow.js backend, against PyTorch CPU on the same
// machine. Prints one table (rows: measurements; columns: backends, PyTorch, and the speed ratio tensorflow ÷ PyTorch)
// and writes every figure, with the date, the machine and the versions, to JSON.
//
//   npm run bench                        all backends (tensorflow-gpu too when present), default reports/bench.json
//   npm run bench -- --with-pytorch      and the PyTorch reference (sets up .venv-bench from PyPI the first time)
//   npm run bench -- --quick             small sizes and counts: checks that everything runs, measures nothing
//   npm run bench -- --backends tensorflow,wasm --only matmul,autoencoder --out reports/mine.json
//
// Each backend runs in a child process of its own (scripts/bench/worker.ts, COURSE_BACKEND set), one after the other:
// backends share neither memory nor thread pools, and each one's peak memory is its own. Each training measurement
// runs warm-up steps, then timed steps (median and mean reported), through the library's own trainers. The kernel's
// start-up and per-cell overhead come from scripts/kernel-benchmark.mjs, measured once (the kernel loads no backend
// until a cell does).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Measurement } from "./bench/measure";
import { round } from "./bench/measure";
import {
  BACKEND_MEASUREMENTS, describeMeasurement, fullPlan, MEASUREMENT_IDS, planFor, quickPlan, SELECTABLE,
  type BackendMeasurementId, type MeasurementId, type Plan, type Selectable,
} from "./bench/plan";
import { notRunMessage, pinnedTorchVersion, projectRoot, PytorchSetupError, runPytorch, setUpPytorch, type PytorchResult } from "./bench/pytorch";
import { renderTable, speedRatio, type TableColumn } from "./bench/table";
import type { WorkerResult } from "./bench/worker";

const BACKENDS = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const;
type Backend = (typeof BACKENDS)[number];

export interface BenchOptions {
  quick: boolean;
  /** The backends asked for; by default all, tensorflow-gpu only when it can start. */
  backends: Backend[];
  backendsGiven: boolean;
  withPytorch: boolean;
  out: string;
  only: Selectable[];
}

const USAGE = `usage: npm run bench -- [--quick] [--backends ${BACKENDS.join(",")}] [--only ${SELECTABLE.join(",")}] [--with-pytorch] [--out reports/bench.json]`;

class UsageError extends Error {}

function listFlag<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T[] {
  if (!value || value.startsWith("--")) throw new UsageError(`--${name} needs a comma-separated list of ${allowed.join(", ")}`);
  const items = value.split(",").map((item) => item.trim()).filter(Boolean);
  const wrong = items.filter((item) => !(allowed as readonly string[]).includes(item));
  if (wrong.length) throw new UsageError(`--${name}: ${wrong.join(", ")} ${wrong.length > 1 ? "are" : "is"} not one of ${allowed.join(", ")}`);
  return items as T[];
}

export function parseArguments(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { quick: false, backends: [...BACKENDS], backendsGiven: false, withPytorch: false, out: path.join("reports", "bench.json"), only: [...SELECTABLE] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case "--quick":
        options.quick = true;
        break;
      case "--with-pytorch":
        options.withPytorch = true;
        break;
      case "--backends":
        options.backends = listFlag("backends", argv[++i], BACKENDS);
        options.backendsGiven = true;
        break;
      case "--only":
        options.only = listFlag("only", argv[++i], SELECTABLE);
        break;
      case "--out": {
        const value = argv[++i];
        if (!value || value.startsWith("--")) throw new UsageError("--out needs a file name, e.g. reports/bench.json");
        options.out = value;
        break;
      }
      default:
        throw new UsageError(`unknown argument ${flag}`);
    }
  }
  return options;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

// ---------------------------------------------------------------- the machine and the versions

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

function gpuDescription(): string {
  try {
    return fs.readFileSync("/proc/driver/nvidia/version", "utf8").split("\n")[0].trim();
  } catch {
    return fs.existsSync("/dev/nvidia0") ? "NVIDIA device present" : "none found";
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "?",
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    gpu: gpuDescription(),
    loadAverageAtStart: os.loadavg().map((l) => round(l, 2)),
  };
}

// ---------------------------------------------------------------- one backend, in a child process

const WORKER = path.join(__dirname, "bench", "worker.ts");

interface BackendReport {
  status: "measured" | "unavailable" | "failed";
  reason?: string;
  description?: string;
  details?: Record<string, unknown>;
  plan?: Plan;
  measurements: Partial<Record<MeasurementId, Measurement>>;
  seconds?: number;
}

function measureBackend(backend: Backend, plan: Plan, ids: readonly BackendMeasurementId[], quiet = false): BackendReport {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "course-bench-")), `${backend}.json`);
  const started = performance.now();
  const child = spawnSync(process.execPath, ["--import", "tsx", WORKER, resultFile, JSON.stringify(plan), ids.join(",")], {
    cwd: projectRoot,
    // The child's own output goes to stderr with the progress: stdout keeps only the table.
    stdio: ["ignore", quiet ? "ignore" : process.stderr, quiet ? "pipe" : process.stderr],
    env: { ...process.env, COURSE_BACKEND: backend, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? "2" },
  });
  const seconds = round((performance.now() - started) / 1000, 1);
  let result: WorkerResult | undefined;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as WorkerResult;
  } catch {
    result = undefined;
  } finally {
    fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
  }
  const exit = child.error ? child.error.message : child.signal ? `signal ${child.signal}` : `exit code ${child.status}`;
  if (result?.unavailable) return { status: "unavailable", reason: result.unavailable, measurements: {}, seconds };
  if (!result) return { status: "failed", reason: `the ${backend} process stopped before starting (${exit})`, measurements: {}, seconds };
  const measurements: Partial<Record<MeasurementId, Measurement>> = { ...result.measurements };
  const complete = child.status === 0 && result.finished !== undefined;
  for (const id of ids) {
    if (!measurements[id]) measurements[id] = { id, ...describeMeasurement(id, plan), skipped: `the ${backend} process stopped before this measurement (${exit})` };
  }
  return {
    status: complete ? "measured" : "failed",
    ...(!complete && { reason: `the ${backend} process stopped early (${exit})` }),
    description: result.description,
    details: result.details,
    plan,
    measurements,
    seconds,
  };
}

// ---------------------------------------------------------------- the kernel, once

function measureKernel(plan: Plan): Partial<Record<MeasurementId, Measurement>> {
  const script = path.join(projectRoot, "scripts", "kernel-benchmark.mjs");
  const run = spawnSync(process.execPath, [script, "--json", "--runs", String(plan.kernel.runs), "--cells", String(plan.kernel.cells)], {
    cwd: projectRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines = (run.stdout ?? "").trim().split("\n");
  let report: { startup_seconds: number; startup_runs: number[]; per_cell_ms_median: number; per_cell_ms_p90: number; kernel: string } | undefined;
  try {
    report = JSON.parse(lines[lines.length - 1]);
  } catch {
    report = undefined;
  }
  if (run.status !== 0 || !report) {
    const why = [run.stdout, run.stderr, run.error?.message].join("\n").trim().split("\n").filter(Boolean).slice(-1)[0] ?? `exit ${run.status}`;
    const skipped = `scripts/kernel-benchmark.mjs failed: ${why}`;
    return {
      kernelStartup: { id: "kernelStartup", ...describeMeasurement("kernelStartup", plan), skipped },
      kernelCell: { id: "kernelCell", ...describeMeasurement("kernelCell", plan), skipped },
    };
  }
  const details = { source: "scripts/kernel-benchmark.mjs (jupyter_client)", kernel: report.kernel, runs: plan.kernel.runs, cells: plan.kernel.cells };
  return {
    kernelStartup: { id: "kernelStartup", ...describeMeasurement("kernelStartup", plan), value: report.startup_seconds, details: { ...details, startupRuns: report.startup_runs } },
    kernelCell: { id: "kernelCell", ...describeMeasurement("kernelCell", plan), value: report.per_cell_ms_median, details: { ...details, p90Ms: report.per_cell_ms_p90 } },
  };
}

// ---------------------------------------------------------------- PyTorch

function mnistDir(): string | undefined {
  if (process.env.COURSE_MNIST_DIR) return path.resolve(process.env.COURSE_MNIST_DIR);
  try {
    const definition = JSON.parse(fs.readFileSync(path.join(projectRoot, "datasets", "mnist.json"), "utf8")) as { source: { package: string; folder: string } };
    return path.join(path.dirname(require.resolve(`${definition.source.package}/package.json`)), definition.source.folder);
  } catch {
    return undefined;
  }
}

interface PytorchReport {
  status: "measured" | "not run" | "failed";
  reason?: string;
  result?: Omit<PytorchResult, "measurements">;
  measurements: Partial<Record<MeasurementId, Measurement>>;
}

function measurePytorch(options: BenchOptions, plan: Plan, ids: readonly BackendMeasurementId[]): PytorchReport {
  if (!options.withPytorch) return { status: "not run", reason: notRunMessage(), measurements: {} };
  try {
    setUpPytorch(log);
    log(`PyTorch ${pinnedTorchVersion()} reference (scripts/bench_pytorch.py)`);
    const { measurements: raw, ...result } = runPytorch(plan, ids, mnistDir());
    const measurements: Partial<Record<MeasurementId, Measurement>> = {};
    for (const [id, m] of Object.entries(raw) as [MeasurementId, Measurement][]) measurements[id] = { ...describeMeasurement(id, plan), ...m, id };
    return { status: "measured", result, measurements };
  } catch (error) {
    const reason = error instanceof PytorchSetupError ? `PyTorch reference: not run: ${error.message}` : `PyTorch reference failed: ${(error as Error).message}`;
    return { status: "failed", reason, measurements: {} };
  }
}

// ---------------------------------------------------------------- all together

export async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.log(`${error.message}\n${USAGE}`);
    return 2;
  }
  const plan = options.quick ? quickPlan() : fullPlan();
  const started = new Date();
  const host = machine();
  const backendIds = BACKEND_MEASUREMENTS.filter((id) => options.only.includes(id));
  const notes: string[] = [];
  if (options.quick) notes.push("--quick: small sizes and 1 warm-up + 2 timed steps, to check that the bench runs. These figures are not benchmarks.");
  if (host.loadAverageAtStart[0] > 0.5 * host.cores) {
    notes.push(`The machine was busy when the bench started (load average ${host.loadAverageAtStart[0]} on ${host.cores} cores): timings are unreliable; run it on an idle machine.`);
  }

  // The kernel (once, before the backends: nothing else runs meanwhile).
  let kernel: Partial<Record<MeasurementId, Measurement>> = {};
  if (options.only.includes("kernel")) {
    log("kernel start-up and per-cell overhead (scripts/kernel-benchmark.mjs)");
    kernel = measureKernel(plan);
  }

  // The backends, one child process each. tensorflow-gpu is tried only when asked for or by default; by default, when it
  // cannot start (no GPU), it is a note rather than a column.
  const backends: Partial<Record<Backend, BackendReport>> = {};
  for (const backend of options.backends) {
    const probing = backend === "tensorflow-gpu" && !options.backendsGiven;
    log(`${backend}: ${backendIds.length ? backendIds.join(", ") : "start-up and memory only"}`);
    const report = measureBackend(backend, planFor(plan, backend), backendIds, probing);
    backends[backend] = report;
    if (report.status !== "measured") log(`${backend}: ${report.status}: ${report.reason}`);
  }
  for (const [backend, report] of Object.entries(backends) as [Backend, BackendReport][]) {
    if (report.status === "unavailable") notes.push(`${backend}: not measured: ${report.reason}.`);
  }

  const pytorch = measurePytorch(options, plan, backendIds);
  if (pytorch.reason) notes.push(pytorch.reason);

  // The table: measured (or failed) backends as columns, then PyTorch and the ratio of tensorflow (or the first backend) to it.
  const measured = (Object.entries(backends) as [Backend, BackendReport][]).filter(([, r]) => r.status !== "unavailable");
  const rows = MEASUREMENT_IDS.filter((id) => (id === "kernelStartup" || id === "kernelCell" ? options.only.includes("kernel") : id === "peakMemory" || (backendIds as readonly string[]).includes(id)));
  const columns: TableColumn[] = measured.map(([backend, report]) => ({ title: backend, kind: "backend", measurements: report.measurements }));
  const torchTitle = `PyTorch ${pytorch.result?.torch.replace(/\+.*/, "") ?? pinnedTorchVersion()}`;
  if (pytorch.status === "measured") columns.push({ title: torchTitle, kind: "reference", measurements: pytorch.measurements });
  const ratios: Partial<Record<Backend, Partial<Record<MeasurementId, number>>>> = {};
  if (pytorch.status === "measured") {
    for (const [backend, report] of measured) {
      ratios[backend] = {};
      for (const id of rows) {
        const ratio = speedRatio(id, report.measurements[id], pytorch.measurements[id], plan);
        if (ratio !== undefined) ratios[backend]![id] = round(ratio, 3);
      }
    }
  }
  const ratioBackend = measured.find(([b]) => b === "tensorflow")?.[0] ?? measured[0]?.[0];
  const table = renderTable({
    plan,
    rows,
    columns,
    shared: kernel,
    ...(ratioBackend && ratios[ratioBackend] && { ratio: { of: ratioBackend, to: "PyTorch", values: ratios[ratioBackend]! } }),
  });

  const cores = host.cores;
  const heading = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""} · ${started.toISOString().slice(0, 16).replace("T", " ")} UTC · ${host.cpu}, ${cores} cores, ${host.memoryGiB} GiB · Node ${process.versions.node}, TensorFlow.js ${packageVersion("@tensorflow/tfjs")}`;
  const footer = [
    ...(pytorch.status === "measured" ? [`Ratios: speed of ${ratioBackend} ÷ speed of PyTorch (1.00× is parity; below 1, slower). PyTorch: ${pytorch.result?.threads} threads, ${pytorch.result?.data}.`] : []),
    "Throughputs from the median step after the warm-up; the JSON has means and every step's time.",
    ...table.notes.map((text, i) => `[${i + 1}] ${text}`),
    ...notes,
  ];
  console.log(`${heading}\n\n${table.text}\n\n${footer.join("\n")}`);

  const report = {
    command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
    date: started.toISOString(),
    seconds: round((Date.now() - started.getTime()) / 1000, 1),
    quick: options.quick,
    plan,
    machine: { ...host, loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)) },
    versions: {
      node: process.versions.node,
      tfjs: packageVersion("@tensorflow/tfjs"),
      tfjsNode: packageVersion("@tensorflow/tfjs-node"),
      tfjsNodeGpu: packageVersion("@tensorflow/tfjs-node-gpu"),
      tfjsBackendWasm: packageVersion("@tensorflow/tfjs-backend-wasm"),
      tensorflowC: backends.tensorflow?.details?.tensorflowC ?? backends["tensorflow-gpu"]?.details?.tensorflowC,
      torch: pytorch.result?.torch,
      python: pytorch.result?.python,
    },
    backends,
    kernel,
    pytorch,
    ratios,
    table: table.text,
    notes: footer,
  };
  const out = path.resolve(options.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  const shown = path.relative(process.cwd(), out);
  console.log(`\nAll figures: ${shown.startsWith("..") || !shown ? out : shown}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
