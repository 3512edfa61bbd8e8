// The project's own Jupyter: the programs in .venv, and an environment in which Jupyter finds the
// project's kernel (.venv/share/jupyter) before any kernel of the same name elsewhere.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The path of a program in .venv/bin, or exit with what to do when `npm install` has not run. */
export function venvProgram(name) {
  const program = path.join(projectRoot, ".venv", "bin", name);
  if (!fs.existsSync(program)) {
    console.log(`${program} is missing: run \`npm install\` first (it sets up Python, Jupyter and the kernel).`);
    process.exit(1);
  }
  return program;
}

export function jupyterEnv() {
  return { ...process.env, JUPYTER_PATH: path.join(projectRoot, ".venv", "share", "jupyter"), JUPYTER_PLATFORM_DIRS: "1" };
}
