// The backend the library picks, and the wasm fallback: the kernels it adds must match the cpu backend.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { describeBackend, initBackend } from "../lib/src/backend";
import { patchWasmBackend } from "../lib/src/wasm-kernels";

const ROOT = path.resolve(__dirname, "..");

// On CPUs with AVX-512 or AMX, the TensorFlow C library (2.21) announces oneDNN's custom operations when it loads,
// through absl logging that TF_CPP_MIN_LOG_LEVEL does not reach. The only switch, TF_ENABLE_ONEDNN_OPTS=0, made the
// DCGAN's steps a third slower here (12.0 → 7.6 per second), so the course leaves it on: that notice, and nothing else.
const ONEDNN_NOTICE = /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR\n[IW]\d{4} [^\n]* port\.cc:\d+\] oneDNN custom operations are on\.[^\n]*\n/;

describe("backend selection", () => {
  it("uses the native tensorflow backend after npm install (unless COURSE_BACKEND says otherwise)", async () => {
    const info = await initBackend();
    if (!process.env.COURSE_BACKEND) expect(info.name).toBe("tensorflow");
    expect(await describeBackend()).toMatch(/^backend: (tensorflow|wasm|cpu)/);
  });

  it("the README's one-liner prints the backend on stdout and nothing on stderr but TensorFlow's oneDNN notice", () => {
    const run = spawnSync(process.execPath, ["-e", "require('@course/lib').describeBackend().then(console.log)"], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr.replace(ONEDNN_NOTICE, "")).toBe("");
    expect(run.stdout).toMatch(/^backend: tensorflow \(tfjs-node 4\.22\.0, TensorFlow C library 2\.21\.0/);
  });

  it("COURSE_BACKEND with an unknown name fails with the list of backends", () => {
    const run = spawnSync(process.execPath, ["-e", "require('@course/lib').initBackend().catch(e => { console.log(e.message); })"], {
      cwd: ROOT, encoding: "utf8", env: { ...process.env, COURSE_BACKEND: "gpu" },
    });
    expect(run.stdout).toContain("COURSE_BACKEND=gpu is not a backend: use one of tensorflow-gpu, tensorflow, wasm, cpu");
  });

  it("COURSE_BACKEND=wasm and =cpu work and stay quiet on stderr", () => {
    for (const backend of ["wasm", "cpu"]) {
      const run = spawnSync(process.execPath, ["-e", "const l = require('@course/lib'); l.describeBackend().then(d => { console.log(d); l.tf.ones([2]).dataSync(); })"], {
        cwd: ROOT, encoding: "utf8", env: { ...process.env, COURSE_BACKEND: backend },
      });
      expect(run.stdout).toMatch(new RegExp(`^backend: ${backend}`));
      expect(run.stderr).toBe("");
    }
  });
});

/** Runs `compute` on wasm (patched) and on cpu, and returns both results. */
async function onWasmAndCpu(compute: () => tf.Tensor): Promise<{ wasm: Float32Array; cpu: Float32Array }> {
  const previous = tf.getBackend();
  patchWasmBackend();
  await tf.setBackend("wasm");
  const wasm = tf.tidy(compute).dataSync() as Float32Array;
  await tf.setBackend("cpu");
  const cpu = tf.tidy(compute).dataSync() as Float32Array;
  await tf.setBackend(previous);
  return { wasm, cpu };
}

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  return a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i]) / (1 + Math.abs(b[i]))), 0);
}

describe("wasm fallback kernels", () => {
  type Shape4 = [number, number, number, number];
  const cases: [Shape4, Shape4, number | [number, number], "valid" | "same"][] = [
    [[2, 7, 7, 3], [3, 3, 3, 4], 1, "valid"],
    [[2, 8, 8, 2], [3, 3, 2, 5], 2, "same"],
    [[1, 9, 9, 1], [4, 4, 1, 2], 2, "valid"],
    [[3, 6, 5, 2], [2, 3, 2, 3], [2, 1], "same"],
    [[2, 14, 14, 4], [5, 5, 4, 8], 2, "same"],
  ];
  it.each(cases)("Conv2DBackpropFilter for x %j, filter %j, stride %j, %s padding matches cpu", async (xShape, filterShape, strides, pad) => {
    const { wasm, cpu } = await onWasmAndCpu(() => {
      const x = tf.randomNormal(xShape, 0, 1, "float32", 1) as tf.Tensor4D;
      const filter = tf.randomNormal(filterShape, 0, 1, "float32", 2) as tf.Tensor4D;
      return tf.grad((f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, strides, pad).square().sum())(filter);
    });
    expect(maxRelativeError(wasm, cpu)).toBeLessThan(1e-4);
  });

  it.each([[false, false], [true, false], [false, true], [true, true]])("matMul with transposeA=%s transposeB=%s matches cpu (plain and fused)", async (ta, tb) => {
    const { wasm, cpu } = await onWasmAndCpu(() => {
      const a = tf.randomNormal(ta ? [7, 5] : [5, 7], 0, 1, "float32", 3) as tf.Tensor2D;
      const b = tf.randomNormal(tb ? [4, 7] : [7, 4], 0, 1, "float32", 4) as tf.Tensor2D;
      const bias = tf.randomNormal([4], 0, 1, "float32", 5);
      return tf.concat([tf.matMul(a, b, ta, tb), tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: "relu" })]);
    });
    expect(maxRelativeError(wasm, cpu)).toBeLessThan(1e-5);
  });

  it("a small conv net trains on wasm: the loss goes down and no tensor leaks", async () => {
    const previous = tf.getBackend();
    patchWasmBackend();
    await tf.setBackend("wasm");
    const x = tf.randomNormal([16, 8, 8, 1], 0, 1, "float32", 6);
    const y = tf.randomNormal([16, 4, 4, 2], 0, 1, "float32", 7);
    const filter = tf.variable(tf.randomNormal([3, 3, 1, 2], 0, 0.1, "float32", 8));
    const optimizer = tf.train.adam(0.05);
    const loss = () => tf.losses.meanSquaredError(y, tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 2, "same")) as tf.Scalar;
    const first = tf.tidy(() => loss().dataSync()[0]);
    optimizer.minimize(loss); // creates the optimizer's slots
    const before = tf.memory().numTensors;
    for (let step = 0; step < 30; step++) optimizer.minimize(loss);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.tidy(() => loss().dataSync()[0])).toBeLessThan(first);
    tf.dispose([x, y, filter]);
    optimizer.dispose();
    await tf.setBackend(previous);
  });
});
