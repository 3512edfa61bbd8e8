// Executes a notebook headless with the course kernel (nbclient in the project's .venv).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "./exercises";
import { Notebook, serializeNotebook } from "./notebook";

export interface ExecutionSummary {
  notebook: string;
  wall_seconds: number;
  errors: { cell: number; ename: string; evalue: string }[];
  stderr: { cell: number; text: string }[];
  /** Per code cell; status is the kernel's execute_reply status ("ok", "error", "aborted"). */
  cells: { index: number; seconds: number; execution_count: number | null; status: string }[];
  /** The executed notebook, with its outputs. */
  executed: Notebook;
}

/** Jupyter finds the project's kernel first, and never a kernel of the same name elsewhere. */
export function jupyterEnv(): NodeJS.ProcessEnv {
  return { ...process.env, JUPYTER_PATH: path.join(ROOT, ".venv", "share", "jupyter"), JUPYTER_PLATFORM_DIRS: "1" };
}

export function venvPython(): string {
  const python = path.join(ROOT, ".venv", "bin", "python");
  if (!fs.existsSync(python)) throw new Error(`${python} is missing: run \`npm install\` first (it creates the project's Python environment)`);
  return python;
}

/** Runs `notebook` with its working directory in notebooks/ (where cells import "@course/lib"). */
export function executeNotebook(notebook: Notebook, options: { cwd?: string; timeoutSeconds?: number; name?: string } = {}): ExecutionSummary {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "course-run-"));
  try {
    const input = path.join(work, `${options.name ?? "notebook"}.ipynb`);
    const output = path.join(work, "executed.ipynb");
    fs.writeFileSync(input, serializeNotebook(notebook));
    const run = spawnSync(
      venvPython(),
      [path.join(ROOT, "scripts", "execute_notebook.py"), input, output, "--timeout", String(options.timeoutSeconds ?? 600), "--cwd", options.cwd ?? path.join(ROOT, "notebooks")],
      { encoding: "utf8", env: jupyterEnv(), maxBuffer: 64 * 1024 * 1024 },
    );
    if (run.status !== 0) throw new Error(`executing ${options.name ?? "the notebook"} failed (exit ${run.status}):\n${run.stderr.slice(-3000)}`);
    const summary = JSON.parse(run.stdout) as Omit<ExecutionSummary, "executed">;
    // What the kernel logged on its own stderr (lost messages, failed sends) goes with a stuck cell's report.
    const kernelLog = run.stderr.split("\n").filter((line) => line.startsWith("[kernel]")).slice(-20).join("\n");
    const errors = summary.errors.map((e) => (e.ename === "CellTimeoutError" && kernelLog ? { ...e, evalue: `${e.evalue}; the kernel's log:\n${kernelLog}` } : e));
    return { ...summary, errors, executed: JSON.parse(fs.readFileSync(output, "utf8")) as Notebook };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** All text a notebook's outputs show (text/plain of displays and results, and streams), per cell. */
export function outputTexts(notebook: Notebook): string[] {
  return notebook.cells.map((cell) =>
    (cell.outputs ?? [])
      .map((o) => {
        const output = o as { text?: string | string[]; data?: Record<string, string | string[]> };
        const text = output.text ?? output.data?.["text/plain"] ?? "";
        return Array.isArray(text) ? text.join("") : text;
      })
      .join("\n"),
  );
}
