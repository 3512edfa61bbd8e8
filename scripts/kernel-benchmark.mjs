#!/usr/bin/env node
// npm run bench:kernel: start-up (launch → first `1+1` replied) and per-cell overhead of `1+1` for the
// course kernel, measured through jupyter_client (scripts/kernel_benchmark.py). Extra arguments are passed on
// (e.g. `-- --runs 5`).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const python = path.join(root, ".venv", "bin", "python");
if (!fs.existsSync(python)) {
  console.error("The project's Python is missing: run `npm install` first.");
  process.exit(1);
}
const env = { ...process.env, JUPYTER_PATH: path.join(root, ".venv", "share", "jupyter"), JUPYTER_PLATFORM_DIRS: "1" };
const run = spawnSync(python, [path.join(root, "scripts", "kernel_benchmark.py"), ...process.argv.slice(2)], { cwd: path.join(root, "notebooks"), env, stdio: "inherit" });
process.exit(run.status ?? 1);
