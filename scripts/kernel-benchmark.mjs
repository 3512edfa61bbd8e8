#!/usr/bin/env node
// npm run bench:kernel: start-up (launch → first `1+1` replied) and per-cell overhead of `1+1` for the
// course kernel, measured through jupyter_client (scripts/kernel_benchmark.py). Extra arguments are passed on
// (e.g. `-- --runs 5`).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { jupyterEnv, projectRoot, venvProgram } from "./project-jupyter.mjs";

const python = venvProgram("python");
const run = spawnSync(python, [path.join(projectRoot, "scripts", "kernel_benchmark.py"), ...process.argv.slice(2)], {
  cwd: path.join(projectRoot, "notebooks"),
  env: jupyterEnv(),
  stdio: "inherit",
});
process.exit(run.status ?? 1);
