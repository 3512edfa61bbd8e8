// Jupyter `error` contents (ename, evalue, traceback) whose positions are the cell's TypeScript lines.
import type { Diagnostic } from "tslab/dist/converter";
import type { Engine } from "./engine";

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

const DIAGNOSTIC_ERROR = 1;

/** One traceback entry per diagnostic: `cell line 2, column 7: error TS2322: ...`, the line, a caret. */
export function compileErrorContent(diagnostics: Diagnostic[], source: string): ErrorContent {
  const lines = source.split("\n");
  const errors = diagnostics.filter((d) => d.category === DIAGNOSTIC_ERROR);
  const first = errors[0] ?? diagnostics[0];
  const traceback = diagnostics.map((d) => {
    const where = d.fileName ? `${d.fileName}:${d.start.line + 1}:${d.start.character + 1}` : `cell line ${d.start.line + 1}, column ${d.start.character + 1}`;
    const kind = d.category === DIAGNOSTIC_ERROR ? "error" : "warning";
    const header = `${where}: ${kind} TS${d.code}: ${d.messageText}`;
    if (d.fileName || lines[d.start.line] === undefined) return header;
    const width = Math.max(1, d.start.line === d.end.line ? d.end.character - d.start.character : 1);
    return `${header}\n    ${lines[d.start.line]}\n    ${" ".repeat(d.start.character)}${"^".repeat(width)}`;
  });
  return { ename: `TS${first.code}`, evalue: `${first.messageText} (cell line ${first.start.line + 1}, column ${first.start.character + 1})`, traceback };
}

/** Stack frames inside the cell become `cell line N`; frames of the kernel and of Node itself (`node:…`) are dropped. */
export function runtimeErrorContent(error: unknown, engine: Engine): ErrorContent {
  if (!(error instanceof Error)) {
    return { ename: "Uncaught", evalue: String(error), traceback: [`Uncaught ${describe(error)}`] };
  }
  const ename = error.name || error.constructor?.name || "Error";
  const evalue = error.message;
  const frames: string[] = [];
  for (const line of (error.stack ?? "").split("\n").slice(1)) {
    const frame = /^\s+at (?:(.*) \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!frame) continue;
    const [, fn, file, lineText, columnText] = frame;
    const position = engine.sourcePosition(file, Number(lineText), Number(columnText));
    if (position) {
      const name = fn && !/^(Object\.<anonymous>|exports|eval)$/.test(fn) && !fn.startsWith("__") ? ` in ${fn}` : "";
      const entry = `  cell line ${position.line}, column ${position.column}${name}\n      ${position.text.trim()}`;
      // The kernel's wrapper around a cell maps to the same cell position as the call it wraps: show it once.
      if (frames[frames.length - 1] !== entry) frames.push(entry);
      continue;
    }
    if (/^node:|__cell_\d+__\.js|[\\/]kernel[\\/]dist[\\/]|[\\/]tslab[\\/]/.test(file)) continue;
    frames.push(`  ${line.trim()}`);
  }
  return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...frames] };
}

function describe(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
