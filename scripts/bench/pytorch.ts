// The PyTorch reference of `npm run bench -- --with-pytorch`: a Python environment of its own, .venv-bench, with the
// torch pinned in scripts/bench/requirements.txt (never part of `npm install`: it is a 3 GB download), and
// scripts/bench_pytorch.py run in it. Set up the way scripts/setup.mjs sets up .venv: created once, reinstalled only
// when the requirements change (a stamp file records their hash).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Measurement } from "./measure";
import type { BackendMeasurementId, Plan } from "./plan";

export const projectRoot = path.resolve(__dirname, "..", "..");
export const BENCH_VENV = path.join(projectRoot, ".venv-bench");
export const BENCH_REQUIREMENTS = path.join(projectRoot, "scripts", "bench", "requirements.txt");
const venvPython = path.join(BENCH_VENV, "bin", "python");
const stampFile = path.join(BENCH_VENV, "bench-setup.json");

export class PytorchSetupError extends Error {}

/** The torch version the requirements pin (e.g. "2.13.0"). */
export function pinnedTorchVersion(): string {
  const match = /^torch==([^\s;]+)/m.exec(fs.readFileSync(BENCH_REQUIREMENTS, "utf8"));
  return match?.[1] ?? "?";
}

function requirementsHash(): string {
  return createHash("sha256").update(fs.readFileSync(BENCH_REQUIREMENTS)).digest("hex");
}

function readStamp(): { requirements?: string; torch?: string } {
  try {
    return JSON.parse(fs.readFileSync(stampFile, "utf8"));
  } catch {
    return {};
  }
}

/** True when .venv-bench holds the torch of the current requirements (as far as the stamp says; importing is checked when run). */
export function pytorchInstalled(): boolean {
  return fs.existsSync(venvPython) && readStamp().requirements === requirementsHash();
}

/** What the bench says when the PyTorch reference was not asked for. */
export function notRunMessage(): string {
  const torch = pinnedTorchVersion();
  return pytorchInstalled()
    ? `PyTorch reference: not run. Add --with-pytorch (\`npm run bench -- --with-pytorch\`) to run it with the torch ${torch} already in .venv-bench.`
    : `PyTorch reference: not run. \`npm run bench -- --with-pytorch\` runs it: the first time it creates .venv-bench and installs torch ${torch} from PyPI into it (about 3 GB to download; never part of \`npm install\`).`;
}

function findPython(): string {
  // As scripts/setup.mjs: an explicit COURSE_PYTHON must work; otherwise python3 or python, 3.10 or newer.
  const candidates = process.env.COURSE_PYTHON ? [process.env.COURSE_PYTHON] : ["python3", "python"];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
    if (probe.status !== 0) {
      if (process.env.COURSE_PYTHON) throw new PytorchSetupError(`COURSE_PYTHON=${candidate} does not run; point it at a Python 3.10+ or unset it.`);
      continue;
    }
    const [major, minor] = probe.stdout.trim().split(".").map(Number);
    if (major === 3 && minor >= 10) return candidate;
  }
  throw new PytorchSetupError("Python 3.10 or newer was not found: install it, or point COURSE_PYTHON at one, for the PyTorch reference.");
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { stdio: ["ignore", process.stderr, process.stderr] });
  if (result.error) throw new PytorchSetupError(`${what}: could not start ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new PytorchSetupError(`${what} failed (${command} ${args.join(" ")}, exit ${result.status})`);
}

/** Checks that torch imports and computes; returns its version. */
function torchWorks(): string {
  const probe = spawnSync(venvPython, ["-c", "import torch; assert torch.randn(2).sum().isfinite(); print(torch.__version__)"], { encoding: "utf8" });
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || "").trim().split("\n").slice(-1)[0];
    throw new PytorchSetupError(`torch in .venv-bench does not import (${why}); delete .venv-bench and run \`npm run bench -- --with-pytorch\` again`);
  }
  return probe.stdout.trim();
}

/** Creates .venv-bench and installs the pinned torch when needed (a few minutes of download the first time). Returns torch's version. */
export function setUpPytorch(log: (message: string) => void): string {
  if (!fs.existsSync(venvPython)) {
    const python = findPython();
    log(`creating .venv-bench with ${python} (for the PyTorch reference only)`);
    const created = spawnSync(python, ["-m", "venv", BENCH_VENV], { stdio: ["ignore", process.stderr, process.stderr] });
    if (created.status !== 0) {
      fs.rmSync(BENCH_VENV, { recursive: true, force: true });
      throw new PytorchSetupError(`\`${python} -m venv .venv-bench\` failed; on Debian/Ubuntu install python3-venv`);
    }
  }
  const wanted = requirementsHash();
  if (readStamp().requirements !== wanted) {
    log(`installing torch ${pinnedTorchVersion()} and its dependencies from PyPI into .venv-bench (scripts/bench/requirements.txt; about 3 GB, a few minutes)`);
    run(venvPython, ["-m", "pip", "install", "--disable-pip-version-check", "--no-warn-conflicts", "--progress-bar", "off", "-r", BENCH_REQUIREMENTS], "installing torch into .venv-bench");
    const torch = torchWorks();
    fs.writeFileSync(stampFile, JSON.stringify({ requirements: wanted, torch }, null, 2) + "\n");
    log(`torch ${torch} works in .venv-bench`);
    return torch;
  }
  return torchWorks();
}

export interface PytorchResult {
  torch: string;
  python: string;
  threads: number;
  interopThreads: number;
  parallelInfo: string;
  mkldnn: boolean;
  data: string;
  quick: boolean;
  measurements: Partial<Record<BackendMeasurementId | "peakMemory", Measurement>>;
}

/** The flags that give scripts/bench_pytorch.py the same sizes, counts and budgets as the plan. */
export function pytorchArguments(plan: Plan, ids: readonly BackendMeasurementId[], mnistDir: string | undefined): string[] {
  const args = [
    "--only", ids.join(","),
    "--matmul-size", String(plan.matmulSize),
    "--warmup", String(plan.training.warmup),
    "--steps", String(plan.training.steps),
    "--min-steps", String(plan.training.minSteps),
    "--budget", String(plan.training.budgetSeconds),
    "--matmul-budget", String(plan.matmul.budgetSeconds),
    "--max-step-seconds", String(plan.training.maxStepSeconds),
    "--batch-autoencoder", String(plan.batch.autoencoder),
    "--batch-vae", String(plan.batch.vae),
    "--batch-gan", String(plan.batch.gan),
    "--gan-filters", String(plan.ganFilters),
    "--pca-rows", String(plan.pcaRows),
    "--pca-fits", String(plan.pcaFits),
  ];
  if (plan.quick) args.push("--quick");
  if (mnistDir) args.push("--mnist", mnistDir);
  return args;
}

/** Runs scripts/bench_pytorch.py in .venv-bench and reads the JSON it prints. */
export function runPytorch(plan: Plan, ids: readonly BackendMeasurementId[], mnistDir: string | undefined): PytorchResult {
  const script = path.join(projectRoot, "scripts", "bench_pytorch.py");
  const result = spawnSync(venvPython, [script, ...pytorchArguments(plan, ids, mnistDir)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", process.stderr],
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONWARNINGS: "ignore" },
  });
  if (result.status !== 0) throw new Error(`scripts/bench_pytorch.py failed (exit ${result.status ?? result.signal}${result.error ? `, ${result.error.message}` : ""})`);
  const lines = result.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as PytorchResult;
}
