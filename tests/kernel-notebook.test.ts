// A notebook executed with `jupyter nbconvert --execute` on the course kernel: execution counts, a tensor's
// values as a result, a chart from a bare expression, TypeScript errors as error outputs, and the cell
// after an error running normally. Checked in the saved notebook JSON and in the HTML export.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeNotebook, jupyterEnv, outputTexts, venvPython } from "../scripts/course/execute";
import { ROOT } from "../scripts/course/exercises";
import { type Notebook, toSourceLines } from "../scripts/course/notebook";
import { ensureKernelBuilt } from "./kernel-helpers";

const CELLS = [
  'import { tf, scatterChart } from "@course/lib";',
  "const t = tf.tensor2d([[1, 2], [3, 4]]);\nt",
  "const chart = await scatterChart({ points: [[0, 0], [1, 2], [2, 1]], title: \"three points\" });\nchart",
  'const count: number = "three";',
  "function divide(a: number, b: number): number {\n  if (b === 0) throw new RangeError(\"division by zero\");\n  return a / b;\n}\ndivide(1, 0);",
  "6 * 7",
  // Shorthand properties naming earlier cells' variables (tslab's converter alone fails on them at run time).
  "const shorthand = { t, chart, divide };\nObject.keys(shorthand).length * 10 + shorthand.divide(6, 3)",
  "const pair = { t, chart }; const wrong: string = 5;",
];

interface Output {
  output_type: string;
  execution_count?: number;
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join("") : value ?? "");

// Under reports/ (git-ignored) so that Node and TypeScript resolve "@course/lib" from the project.
fs.mkdirSync(path.join(ROOT, "reports"), { recursive: true }); // absent in a fresh clone until some test writes a report
const work = fs.mkdtempSync(path.join(ROOT, "reports", "kernel-notebook-"));
let cells: { execution_count: number | null; outputs: Output[] }[] = [];
let html = "";

function nbconvert(args: string[]): void {
  const run = spawnSync(venvPython(), ["-m", "jupyter", "nbconvert", "--execute", "--allow-errors", ...args], {
    cwd: work, encoding: "utf8", env: jupyterEnv(), timeout: 100_000,
  });
  if (run.status !== 0) throw new Error(`nbconvert ${args.join(" ")} failed:\n${run.stderr}`);
}

beforeAll(() => {
  ensureKernelBuilt();
  const notebook = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "typescript", display_name: "TypeScript", language: "typescript" } },
    cells: CELLS.map((source, i) => ({ cell_type: "code", id: `cell-${i}`, metadata: {}, source, outputs: [], execution_count: null })),
  };
  fs.writeFileSync(path.join(work, "demo.ipynb"), JSON.stringify(notebook));
  nbconvert(["--to", "notebook", "--output", "executed.ipynb", "demo.ipynb"]);
  nbconvert(["--to", "html", "--output", "executed.html", "demo.ipynb"]);
  cells = (JSON.parse(fs.readFileSync(path.join(work, "executed.ipynb"), "utf8")) as { cells: typeof cells }).cells;
  html = fs.readFileSync(path.join(work, "executed.html"), "utf8");
}, 120_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("a notebook executed with nbconvert", () => {
  it("numbers every cell, including the ones after errors", () => {
    expect(cells.map((c) => c.execution_count)).toEqual(CELLS.map((_, i) => i + 1));
    expect(html).toContain(`[${CELLS.length}]:`);
  });

  it("shows a tensor's shape, dtype and values as the cell's result", () => {
    const [result] = cells[1].outputs.filter((o) => o.output_type === "execute_result");
    expect(result.execution_count).toBe(2);
    expect(text(result.data?.["text/plain"])).toBe("Tensor float32 [2, 2]\n[[1, 2],\n [3, 4]]");
    expect(text(result.data?.["text/html"])).toContain("<td>3</td><td>4</td>");
  });

  it("shows a chart from a bare expression, with its SVG", () => {
    const [result] = cells[2].outputs.filter((o) => o.output_type === "execute_result");
    expect(Object.keys(result.data ?? {})).toEqual(expect.arrayContaining(["image/svg+xml", "text/plain"]));
    expect(text(result.data?.["image/svg+xml"])).toContain("<svg");
    expect(html).toContain("three points");
  });

  it("shows a compile error with its TS code and the cell's line and column", () => {
    const [error] = cells[3].outputs;
    expect(error.output_type).toBe("error");
    expect(error.ename).toBe("TS2322");
    expect(error.evalue).toContain("cell line 1, column 7");
    expect(html).toContain("TS2322");
  });

  it("shows a runtime error whose traceback names the cell's TypeScript lines only", () => {
    const [error] = cells[4].outputs;
    expect(error).toMatchObject({ output_type: "error", ename: "RangeError", evalue: "division by zero" });
    const traceback = (error.traceback ?? []).join("\n");
    expect(traceback).toMatch(/cell line 2, column \d+ in divide\n\s+if \(b === 0\) throw new RangeError/);
    expect(traceback).toMatch(/cell line 5, column \d+\n\s+divide\(1, 0\);/);
    expect(traceback).not.toMatch(/__cell_|evalmachine|tslab|kernel[\\/]dist|node:/);
    expect(traceback.match(/cell line 5, column/g)).toHaveLength(1); // the kernel's wrapper frame is not repeated
  });

  it("runs the cell after an error normally", () => {
    expect(cells[5].outputs.map((o) => [o.output_type, text(o.data?.["text/plain"])])).toEqual([["execute_result", "42"]]);
  });

  it("runs shorthand properties that name earlier cells' variables, and places errors after them in the cell as typed", () => {
    expect(cells[6].outputs.map((o) => [o.output_type, text(o.data?.["text/plain"])])).toEqual([["execute_result", "32"]]);
    const [error] = cells[7].outputs;
    expect(error).toMatchObject({ output_type: "error", ename: "TS2322" });
    expect(error.evalue).toContain("cell line 1, column 34"); // `wrong`, as typed: `{ t, chart }` was compiled as `{ t: t, chart: chart }`
  });
});

describe("the notebook runner (scripts/execute_notebook.py)", () => {
  it("reports a cell that outlasts the timeout: which cell, and whether the kernel was busy or waiting; the cells before it keep their outputs", () => {
    const cell = (source: string) => ({ cell_type: "code" as const, metadata: {}, source: toSourceLines(source), outputs: [], execution_count: null });
    const notebook: Notebook = {
      cells: [cell('console.log("before")'), cell("while (true) {}"), cell('console.log("after")')],
      metadata: { kernelspec: { name: "typescript", display_name: "TypeScript", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    // 8 s: the first cell (compiled by the kernel) must finish well within it even on a busy machine.
    const summary = executeNotebook(notebook, { name: "stuck", timeoutSeconds: 8, cwd: path.join(ROOT, "notebooks") });
    expect(summary.errors[0]).toMatchObject({ cell: 1, ename: "CellTimeoutError" });
    // A spinning loop: a running thread, and CPU time spent.
    expect(summary.errors[0].evalue).toMatch(/^cell 1 did not finish within 8 s; kernel pid \d+ has used \d+\.\d s of CPU; its threads by state .*R: /);
    expect(summary.cells.map((c) => c.status)).toEqual(["ok", "timed out", "not run"]);
    expect(outputTexts(summary.executed)[0]).toBe("before\n");
  }, 60_000);
});
