// Reading and writing Jupyter notebooks (nbformat 4) with clear messages for malformed files.
import * as fs from "node:fs";

export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  metadata: Record<string, unknown> & { course?: { exercise?: string; check?: string }; tags?: string[] };
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

export class NotebookError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "NotebookError";
  }
}

export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Jupyter stores source as a list of lines, each but the last ending in "\n". */
export function toSourceLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)).filter((line) => line !== "");
}

export function parseNotebook(text: string, file: string): Notebook {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new NotebookError(file, `not valid JSON (${(error as Error).message}); was it saved completely? Re-download it or restore it with git.`);
  }
  const notebook = data as Partial<Notebook>;
  if (typeof notebook !== "object" || notebook === null || Array.isArray(notebook)) throw new NotebookError(file, "not a notebook: the top level is not a JSON object");
  if (notebook.nbformat !== 4) {
    throw new NotebookError(file, `nbformat ${String(notebook.nbformat)} is not supported: open it in JupyterLab and save it again (that writes nbformat 4)`);
  }
  if (!Array.isArray(notebook.cells)) throw new NotebookError(file, "not a notebook: it has no list of cells");
  notebook.cells.forEach((cell, index) => {
    if (!cell || typeof cell !== "object" || !["code", "markdown", "raw"].includes(cell.cell_type)) {
      throw new NotebookError(file, `cell ${index + 1} is malformed (no valid cell_type)`);
    }
    if (typeof cell.source !== "string" && !Array.isArray(cell.source)) throw new NotebookError(file, `cell ${index + 1} has no source`);
    cell.metadata ??= {};
  });
  return notebook as Notebook;
}

export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new NotebookError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseNotebook(text, file);
}

/** Serialises like Jupyter does (one-space indent, trailing newline), so diffs stay small. */
export function serializeNotebook(notebook: Notebook): string {
  return JSON.stringify(notebook, null, 1) + "\n";
}

export function writeNotebook(file: string, notebook: Notebook): void {
  fs.writeFileSync(file, serializeNotebook(notebook));
}

export function exerciseCells(notebook: Notebook): Map<string, NotebookCell[]> {
  const cells = new Map<string, NotebookCell[]>();
  for (const cell of notebook.cells) {
    const id = cell.metadata.course?.exercise;
    if (cell.cell_type === "code" && id) cells.set(id, [...(cells.get(id) ?? []), cell]);
  }
  return cells;
}
