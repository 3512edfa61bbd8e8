// npm run bench: the harness, not the figures. Its timing rules on fake trainers, the table, the measurements of the
// GANs and PCA in this process at --quick sizes, the whole command on the cpu backend with --quick (child process,
// JSON, table, the PyTorch message), and the PyTorch script when .venv-bench has a torch that imports.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { timeRepeated, timeTrainingSteps, type StepHooks } from "../scripts/bench/measure";
import { BACKEND_RUNNERS } from "../scripts/bench/models";
import { venvPython } from "../scripts/course/execute";
import { dcganDiscriminator, dcganGenerator, denseAutoencoder, mlpVae } from "../lib/src";
import { MEASUREMENT_IDS, planFor, quickPlan, fullPlan, type StepPlan } from "../scripts/bench/plan";
import { BENCH_VENV, notRunMessage, pytorchArguments } from "../scripts/bench/pytorch";
import { formatNumber, renderTable, speedRatio } from "../scripts/bench/table";

const ROOT = path.resolve(__dirname, "..");

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** A trainer that runs `epochs` one-step epochs of `stepMs` each, calling afterEpoch and stopping when the signal says so, as trainingLoop does. */
function fakeTrainer(stepMs: (step: number) => number) {
  return async ({ epochs, afterEpoch, signal }: StepHooks) => {
    for (let step = 0; step < epochs && !signal.aborted; step++) {
      busy(stepMs(step));
      afterEpoch();
    }
  };
}

describe("bench timing rules", () => {
  const plan: StepPlan = { warmup: 2, steps: 5, budgetSeconds: 10, minSteps: 2, maxStepSeconds: 10 };

  it("leaves the warm-up steps out of the timed ones and times each step from the previous mark", async () => {
    const timing = await timeTrainingSteps(plan, fakeTrainer((step) => (step === 0 ? 60 : 5)));
    expect(timing.warmup).toBe(2);
    expect(timing.warmupSeconds[0]).toBeGreaterThan(0.05);
    expect(timing.steps).toBe(5);
    expect(timing.seconds).toHaveLength(5);
    expect(timing.medianSeconds).toBeGreaterThan(0.004);
    expect(timing.medianSeconds).toBeLessThan(0.05);
    expect(timing.note).toBeUndefined();
  });

  it("stops the timed steps when the budget is spent, after at least minSteps", async () => {
    const timing = await timeTrainingSteps({ ...plan, steps: 50, budgetSeconds: 0.03 }, fakeTrainer(() => 20));
    expect(timing.steps).toBeGreaterThanOrEqual(2);
    expect(timing.steps).toBeLessThan(5);
  });

  it("ends a measurement after a warm-up step longer than maxStepSeconds and says so", async () => {
    const timing = await timeTrainingSteps({ ...plan, maxStepSeconds: 0.02 }, fakeTrainer(() => 40));
    expect(timing.steps).toBe(0);
    expect(timing.warmup).toBe(1);
    expect(timing.medianSeconds).toBeGreaterThan(0.03);
    expect(timing.note).toMatch(/stopped after warm-up step 1/);
    const repeated = await timeRepeated({ ...plan, maxStepSeconds: 0.02 }, () => busy(40));
    expect(repeated.steps).toBe(0);
    expect(repeated.note).toMatch(/over maxStepSeconds/);
  });

  it("gives the cpu backend fewer steps, and the others the plan as it is", () => {
    const full = fullPlan();
    expect(planFor(full, "tensorflow")).toEqual(full);
    expect(planFor(full, "cpu").training.warmup).toBe(1);
    expect(planFor(full, "cpu").pcaFits).toBe(1);
    expect(full.batch).toEqual({ autoencoder: 256, vae: 250, gan: 128 });
    expect(full.ganFilters).toBe(32);
    expect(full.matmulSize).toBe(1024);
    expect(full.pcaRows).toBe(60_000);
  });

  it("hands the PyTorch script the same sizes and counts", () => {
    const args = pytorchArguments(quickPlan(), ["matmul", "dcgan"], "/data");
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag("--only")).toBe("matmul,dcgan");
    expect(flag("--batch-gan")).toBe("4");
    expect(flag("--gan-filters")).toBe("8");
    expect(flag("--matmul-size")).toBe("128");
    expect(flag("--mnist")).toBe("/data");
    expect(args).toContain("--quick");
  });
});

describe("bench table", () => {
  const plan = quickPlan();
  const m = (id: "matmul" | "pca" | "peakMemory", value?: number, skipped?: string) => ({ id, label: id, unit: "", higherIsBetter: id === "matmul", value, skipped });

  it("writes speed ratios so that 1 is parity whatever the unit", () => {
    expect(speedRatio("matmul", m("matmul", 50), m("matmul", 100), plan)).toBeCloseTo(0.5);
    expect(speedRatio("pca", m("pca", 4), m("pca", 1), plan)).toBeCloseTo(0.25);
    expect(speedRatio("peakMemory", m("peakMemory", 4), m("peakMemory", 1), plan)).toBeUndefined();
    expect(speedRatio("matmul", m("matmul"), m("matmul", 1), plan)).toBeUndefined();
    expect([formatNumber(3525.4), formatNumber(14.71), formatNumber(1.234), formatNumber(0.006123)]).toEqual(["3,525", "14.7", "1.23", "0.00612"]);
  });

  it("shows skipped figures with a numbered note, and kernel figures once for all backends", () => {
    const { text, notes } = renderTable({
      plan,
      rows: ["matmul", "pca", "kernelStartup"],
      columns: [
        { title: "tensorflow", kind: "backend", measurements: { matmul: m("matmul", 137), pca: m("pca", 2.5) } },
        { title: "wasm", kind: "backend", measurements: { matmul: m("matmul", 12), pca: m("pca", undefined, "failed on wasm: out of memory") } },
        { title: "PyTorch 2.13.0", kind: "reference", measurements: { matmul: m("matmul", 184), pca: m("pca", 0.5) } },
      ],
      shared: { kernelStartup: { id: "kernelStartup", label: "", unit: "s", higherIsBetter: false, value: 3.1 } },
      ratio: { of: "tensorflow", to: "PyTorch", values: { matmul: 0.745, pca: 0.2 } },
    });
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/\| measurement +\| unit +\| tensorflow \| +wasm \| PyTorch 2\.13\.0 \| tensorflow ÷ PyTorch \|/);
    expect(lines[2]).toMatch(/matMul 128×128 float32 .*\| +137 \| +12\.0 \| +184 \| +0\.74× \|/);
    expect(lines[3]).toMatch(/PCA fit.*\| +2\.50 \| +– \[1\] \| +0\.500 \| +0\.20× \|/);
    expect(lines[4]).toMatch(/kernel start-up.*\| +3\.10 \| +same \| +– \|/);
    expect(notes).toEqual(["wasm, PCA fit, 1,000×784 MNIST: failed on wasm: out of memory"]);
  });
});

/**
 * Trainable parameters of the course's models, the GANs at the quick plan's f = 8: the PyTorch script's models (--quick)
 * must have exactly these (checked below when torch is there).
 */
const TRAINABLE = { autoencoder: 2_837_314, vae: 1_361_884, dcgan: { generator: 82_161, discriminator: 3_001 }, cgan: { generator: 90_001, discriminator: 4_281 } };

function trainable(...models: tf.LayersModel[]): number {
  return models.reduce((sum, model) => sum + model.trainableWeights.reduce((s, w) => s + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0), 0);
}

describe("bench measurements on this process's backend (--quick sizes)", () => {
  const plan = quickPlan();

  it("the library's models have the trainable parameters the PyTorch script's must match", () => {
    const { encoder, decoder } = denseAutoencoder({ activation: "elu", codeSize: 30 });
    const vae = mlpVae({ latentSize: 50, activation: "tanh" });
    const filters = plan.ganFilters;
    const g = dcganGenerator({ latentSize: 100, filters });
    const d = dcganDiscriminator({ filters });
    const cg = dcganGenerator({ latentSize: 100, conditionClasses: 10, filters });
    const cd = dcganDiscriminator({ conditionClasses: 10, filters });
    expect({
      autoencoder: trainable(encoder, decoder), vae: trainable(vae.encoder, vae.decoder),
      dcgan: { generator: trainable(g), discriminator: trainable(d) }, cgan: { generator: trainable(cg), discriminator: trainable(cd) },
    }).toEqual(TRAINABLE);
    [encoder, decoder, vae.encoder, vae.decoder, g, d, cg, cd].forEach((model) => model.dispose());
  });

  for (const id of ["dcgan", "cgan", "pca"] as const) {
    it(`${id}: a figure from the library's own ${id === "pca" ? "fitPca" : "trainGan"}, and no tensor left behind`, async () => {
      const before = tf.memory().numTensors;
      const result = await BACKEND_RUNNERS[id](plan);
      expect(result.skipped).toBeUndefined();
      expect(result.value).toBeGreaterThan(0);
      expect(result.timing?.steps).toBe(id === "pca" ? 1 : 2);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe("npm run bench", () => {
  function bench(args: string[]) {
    return spawnSync("npm", ["run", "--silent", "bench", "--", ...args], { cwd: ROOT, encoding: "utf8", timeout: 150_000, env: { ...process.env, COURSE_BACKEND: "" } });
  }

  it("says what is wrong with its arguments", () => {
    const run = bench(["--backends", "gpu"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toContain("--backends: gpu is not one of tensorflow-gpu, tensorflow, wasm, cpu");
    expect(run.stdout).toContain("usage: npm run bench --");
  });

  it("--quick --backends cpu: measures in a child process, prints the table and the PyTorch message, writes the JSON", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-")), "bench.json");
    const run = bench(["--quick", "--backends", "cpu", "--only", "matmul,autoencoder,vae,kernel", "--out", out]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^npm run bench -- --quick --backends cpu .* UTC · .+, \d+ cores, [\d.]+ GiB · Node 20\./);
    expect(lines).toContainEqual(expect.stringMatching(/^\| measurement +\| unit +\| +cpu \|$/));
    for (const row of [/^\| matMul 128×128 float32 +\| GFLOP\/s +\| +[\d.,]+ \|$/, /^\| Hinton AE .*batch 16 +\| samples\/s \| +[\d.,]+ \|$/, /^\| MLP VAE .*batch 16 +\| samples\/s \| +[\d.,]+ \|$/, /^\| peak memory \(max RSS\) +\| MiB +\| +[\d,]+ \|$/, /^\| kernel start-up/]) {
      expect(lines).toContainEqual(expect.stringMatching(row));
    }
    expect(run.stdout).toContain("--quick: small sizes");
    expect(run.stdout).toContain("PyTorch reference: not run.");
    expect(run.stdout).toContain("npm run bench -- --with-pytorch");

    const report = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(report.command).toBe(`npm run bench -- --quick --backends cpu --only matmul,autoencoder,vae,kernel --out ${out}`);
    expect(new Date(report.date).getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(report.machine).toMatchObject({ cores: os.cpus().length, cpu: expect.any(String), memoryGiB: expect.any(Number) });
    expect(report.versions).toMatchObject({ node: process.versions.node, tfjs: "4.22.0", tfjsBackendWasm: "4.22.0" });
    const cpu = report.backends.cpu;
    expect(cpu.status).toBe("measured");
    expect(cpu.description).toMatch(/^backend: cpu/);
    for (const id of ["matmul", "autoencoder", "vae"]) {
      expect(cpu.measurements[id].value, id).toBeGreaterThan(0);
      expect(cpu.measurements[id].timing).toMatchObject({ warmup: 1, steps: 2, seconds: expect.any(Array), medianSeconds: expect.any(Number), meanSeconds: expect.any(Number) });
    }
    expect(cpu.measurements.autoencoder.details).toMatchObject({ batchSize: 16, trainer: "trainAutoencoder" });
    expect(cpu.measurements.peakMemory.value).toBeGreaterThan(50);
    expect(cpu.measurements.dcgan).toBeUndefined();
    // The kernel's figures when the project's Jupyter is set up, or why not.
    for (const id of ["kernelStartup", "kernelCell"]) {
      const kernel = report.kernel[id];
      expect(kernel.value ?? kernel.skipped).toBeDefined();
    }
    expect(report.pytorch).toMatchObject({ status: "not run", reason: notRunMessage() });
    expect(report.ratios).toEqual({});
    expect(report.table).toContain("| matMul 128×128 float32");
    expect(MEASUREMENT_IDS).toContain("peakMemory");
  }, 180_000);
});

// The PyTorch script itself: with .venv-bench's torch when `npm run bench -- --with-pytorch` has set it up (3 GB: not
// in CI), otherwise under the project's Python, which has no torch and must say how to get it.
const benchPython = path.join(BENCH_VENV, "bin", "python");
const torchImports = fs.existsSync(benchPython) && spawnSync(benchPython, ["-c", "import torch"], { encoding: "utf8" }).status === 0;

describe("scripts/bench_pytorch.py", () => {
  it(torchImports ? "prints the same measurements as JSON, with the torch version and thread count" : "says that torch is missing and how to install it", () => {
    const python = torchImports ? benchPython : venvPython();
    const run = spawnSync(python, [path.join(ROOT, "scripts", "bench_pytorch.py"), "--quick", "--threads", "1"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    if (!torchImports) {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("bench_pytorch.py needs torch (No module named 'torch'). `npm run bench -- --with-pytorch` installs torch 2.13.0 in .venv-bench");
      expect(run.stdout).toBe("");
      return;
    }
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.torch).toMatch(/^2\.13\.0/);
    expect(report.threads).toBe(1);
    for (const id of ["matmul", "autoencoder", "vae", "dcgan", "cgan", "pca", "peakMemory"]) expect(report.measurements[id].value, id).toBeGreaterThan(0);
    expect(report.measurements.vae.timing.steps).toBe(2);
    // The same architectures: the same trainable parameters as the library's models.
    for (const id of ["autoencoder", "vae", "dcgan", "cgan"] as const) expect(report.measurements[id].details.parameters, id).toEqual(TRAINABLE[id]);
  }, 150_000);
});
