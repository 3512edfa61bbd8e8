#!/usr/bin/env node
// npm start: JupyterLab on notebooks/ with the course's TypeScript kernel, bound to 127.0.0.1.
// Headless-friendly: no browser is opened; JupyterLab prints the URL with its token.
// PORT=<n> picks the port (default 8888, or the next free one).
import { spawn } from "node:child_process";
import path from "node:path";
import { jupyterEnv, projectRoot, venvProgram } from "./project-jupyter.mjs";

const jupyter = venvProgram("jupyter");
const args = [
  "lab",
  `--notebook-dir=${path.join(projectRoot, "notebooks")}`,
  "--ip=127.0.0.1",
  `--port=${process.env.PORT ?? 8888}`,
  "--no-browser",
  "--MappingKernelManager.default_kernel_name=typescript",
  // Containers and CI machines often run as root, which JupyterLab refuses without this.
  ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
  ...process.argv.slice(2),
];
const lab = spawn(jupyter, args, { stdio: "inherit", env: jupyterEnv() });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => lab.kill(signal));
lab.on("exit", (code) => process.exit(code ?? 0));
