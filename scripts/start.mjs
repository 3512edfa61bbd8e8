#!/usr/bin/env node
// npm start: JupyterLab on notebooks/ with the course's TypeScript kernel, bound to 127.0.0.1.
// Headless-friendly: no browser is opened; JupyterLab prints the URL with its token.
// PORT=<n> picks the port (default 8888, or the next free one).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const jupyter = path.join(root, ".venv", "bin", "jupyter");
if (!fs.existsSync(jupyter)) {
  console.log("JupyterLab is not installed in .venv: run `npm install` first (it sets up Python, Jupyter and the kernel).");
  process.exit(1);
}
const args = [
  "lab",
  `--notebook-dir=${path.join(root, "notebooks")}`,
  "--ip=127.0.0.1",
  `--port=${process.env.PORT ?? 8888}`,
  "--no-browser",
  "--MappingKernelManager.default_kernel_name=typescript",
  // Containers and CI machines often run as root, which JupyterLab refuses without this.
  ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
  ...process.argv.slice(2),
];
const env = { ...process.env, JUPYTER_PATH: path.join(root, ".venv", "share", "jupyter"), JUPYTER_PLATFORM_DIRS: "1" };
const lab = spawn(jupyter, args, { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => lab.kill(signal));
lab.on("exit", (code) => process.exit(code ?? 0));
