// Runs the kernel's Python-side checks (jupyter_client in .venv) from notebooks/, where cells import "@course/lib".
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { jupyterEnv, venvPython } from "../scripts/course/execute";
import { ROOT } from "../scripts/course/exercises";

export const KERNEL_MAIN = path.join(ROOT, "kernel", "dist", "main.js");

/**
 * Compiles the kernel when kernel/dist is missing or older than kernel/src (npm install compiles it), so
 * the tests never run stale code. Only when stale: test files run in parallel and start kernels from dist.
 */
export function ensureKernelBuilt(): void {
  const sources = path.join(ROOT, "kernel", "src");
  const stale = fs.readdirSync(sources).some((file) => {
    const compiled = path.join(ROOT, "kernel", "dist", file.replace(/\.ts$/, ".js"));
    return !fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < fs.statSync(path.join(sources, file)).mtimeMs;
  });
  if (!stale) return;
  const run = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "kernel")], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`tsc -p kernel failed:\n${run.stdout}${run.stderr}`);
  if (!fs.existsSync(KERNEL_MAIN)) throw new Error(`${KERNEL_MAIN} is missing after tsc -p kernel`);
}

export function runPython(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(venvPython(), args, {
    cwd: options.cwd ?? path.join(ROOT, "notebooks"),
    encoding: "utf8",
    env: jupyterEnv(),
    timeout: options.timeoutMs ?? 110_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: run.status, stdout: run.stdout ?? "", stderr: run.stderr ?? "" };
}
