// Compiles and runs cells with tslab's converter (the TypeScript engine), keeping what the protocol layer
// needs and tslab's executor throws away: the last expression's value, the error object, compile
// diagnostics with their codes, and where each compiled line came from.
import Module from "node:module";
import path from "node:path";
import vm from "node:vm";
import type { Converter, Diagnostic, CompletionInfo } from "tslab/dist/converter";
import { loadTypeScriptWithCodeCache } from "./code-cache";
import { earlierCellNames, expandShorthandProperties, type ExpandedCell } from "./shorthand";
import { patchTypeScriptForSourceMaps, sourcePositionMapper } from "./typescript-patch";

export type Outcome =
  | { kind: "ok"; hasValue: boolean; value?: unknown }
  | { kind: "compile-error"; diagnostics: Diagnostic[] }
  | { kind: "runtime-error"; error: unknown }
  | { kind: "interrupted" };

export class InterruptedError extends Error {
  constructor() {
    super("the cell was interrupted");
    this.name = "KeyboardInterrupt";
  }
}

interface CompiledCell {
  source: string[];
  /** Characters of our function wrapper in front of the compiled code's first line. */
  wrapperColumns: number;
  /** Maps a zero-based position of the compiled code (without the wrapper) to the cell's TS. */
  toSource?: (line: number, column: number) => { line: number; column: number } | undefined;
  /** From the cell as compiled (shorthand properties spelled out) to the cell as typed. */
  expanded: ExpandedCell;
}

/** Positions in the converter's output are one line below the cell's: it prepends `export {};`. */
const CONVERTER_PREFIX_LINES = 1;
const CELL_FILE = /__cell_(\d+)__\.js/;
const CELL_ARGUMENTS = "course.kernel.cellArguments";

export class Engine {
  private converter!: Converter;
  private declarations = "";
  private readonly locals: Record<string, unknown> = {};
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, NodeJS.Module>();
  private readonly cells = new Map<number, CompiledCell>();
  private readonly require: NodeJS.Require;
  private rejectRunning: ((error: Error) => void) | undefined;

  constructor(rootDir: string) {
    this.require = this.wrapRequire(Module.createRequire(path.join(rootDir, "__cell__.js")), rootDir);
  }

  /** Loads TypeScript and type-checks the empty program: most of the kernel's start-up time. */
  start(): void {
    const saveCodeCache = loadTypeScriptWithCodeCache();
    patchTypeScriptForSourceMaps();
    const { createConverter } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
    this.converter = createConverter({ isJS: false, isBrowser: false });
    setTimeout(saveCodeCache, 200).unref(); // once the first cells are answered
  }

  get started(): boolean {
    return this.converter !== undefined;
  }

  /** Stops the cell being awaited (the synchronous part is stopped by SIGINT through breakOnSigint). */
  interrupt(): void {
    this.rejectRunning?.(new InterruptedError());
  }

  async execute(source: string, cellNumber: number, run: <T>(body: () => T) => T = (body) => body()): Promise<Outcome> {
    const expanded = expandShorthandProperties(source, earlierCellNames(this.declarations));
    const converted = this.converter.convert(this.declarations, expanded.source);
    for (const side of converted.sideOutputs ?? []) {
      this.sideModules.delete(side.path);
      this.sideOutputs.set(side.path, side.data);
    }
    if (converted.diagnostics.length > 0) {
      const original = (position: Diagnostic["start"]) => ({ offset: expanded.toOriginalOffset(position.offset), ...expanded.toOriginal(position) });
      return { kind: "compile-error", diagnostics: converted.diagnostics.map((d) => (d.fileName ? d : { ...d, start: original(d.start), end: original(d.end) })) };
    }
    const declarations = converted.declOutput ?? "";
    if (!converted.output) {
      this.declarations = declarations;
      return { kind: "ok", hasValue: false };
    }
    const wrapper = converted.hasToplevelAwait ? "(async function (exports, require) { " : "(function (exports, require) { ";
    this.cells.set(cellNumber, { source: source.split("\n"), wrapperColumns: wrapper.length, toSource: sourcePositionMapper(converted.output), expanded });
    // The call is part of the script so that breakOnSigint covers the cell's synchronous part.
    const code = `${wrapper}${converted.output}\n})(globalThis[Symbol.for("${CELL_ARGUMENTS}")].exports, globalThis[Symbol.for("${CELL_ARGUMENTS}")].require)`;
    (globalThis as Record<symbol, unknown>)[Symbol.for(CELL_ARGUMENTS)] = { exports: this.locals, require: this.require };
    const interrupted = new Promise<never>((_, reject) => (this.rejectRunning = reject));
    interrupted.catch(() => undefined);
    try {
      const result = run(() => vm.runInThisContext(code, { filename: `__cell_${cellNumber}__.js`, breakOnSigint: true }) as unknown);
      if (converted.hasToplevelAwait) await Promise.race([result, interrupted]);
    } catch (error) {
      // Variables declared before the failure stay usable in later cells, with their types.
      this.declarations = declarations;
      if (error instanceof InterruptedError || (error as { code?: string } | null)?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") return { kind: "interrupted" };
      return { kind: "runtime-error", error };
    } finally {
      this.rejectRunning = undefined;
    }
    this.declarations = declarations;
    const name = converted.lastExpressionVar;
    if (!name || !(name in this.locals)) return { kind: "ok", hasValue: false };
    const value = this.locals[name];
    delete this.locals[name];
    return { kind: "ok", hasValue: value !== undefined, value };
  }

  complete(source: string, position: number): CompletionInfo {
    return this.converter.complete(this.declarations, source, position);
  }

  /** The quick info (signature and documentation) at `position`, as text. */
  inspect(source: string, position: number): string | undefined {
    const info = this.converter.inspect(this.declarations, source, position);
    if (!info) return undefined;
    const { printQuickInfo } = require("tslab/dist/inspect") as { printQuickInfo(info: unknown): string };
    return printQuickInfo(info);
  }

  /** `cell 3, line 2` for a compiled cell's stack position, or undefined for anything else. */
  sourcePosition(file: string, line: number, column: number): { cell: number; line: number; column: number; text: string } | undefined {
    const match = CELL_FILE.exec(file);
    if (!match) return undefined;
    const cellNumber = Number(match[1]);
    const cell = this.cells.get(cellNumber);
    if (!cell?.toSource) return undefined;
    const wrapperColumns = line === 1 ? cell.wrapperColumns : 0;
    const original = cell.toSource(line - 1, Math.max(0, column - 1 - wrapperColumns));
    if (!original) return undefined;
    const sourceLine = original.line - CONVERTER_PREFIX_LINES;
    if (sourceLine < 0 || sourceLine >= cell.source.length) return undefined;
    const typed = cell.expanded.toOriginal({ line: sourceLine, character: original.column });
    return { cell: cellNumber, line: sourceLine + 1, column: typed.character + 1, text: cell.source[sourceLine] };
  }

  /** Cells import TypeScript files of the notebook's folder: tslab compiles them as "side outputs". */
  private wrapRequire(base: NodeJS.Require, dirname: string): NodeJS.Require {
    const load = (id: string): unknown => {
      if (id === "tslab") return tslabModule();
      let filename = path.resolve(dirname, id);
      if (path.extname(filename) === "") filename += ".js";
      const cached = this.sideModules.get(filename);
      if (cached) return cached.exports;
      const code = this.sideOutputs.get(filename);
      if (code === undefined) return base(id);
      const mod = new Module(filename, module) as NodeJS.Module & { _compile(code: string, filename: string): void; paths: string[] };
      mod.filename = filename;
      mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(filename));
      mod.require = this.wrapRequire(mod.require.bind(mod) as NodeJS.Require, path.dirname(filename));
      this.sideModules.set(filename, mod);
      mod._compile(code, filename);
      return mod.exports;
    };
    return Object.assign(load, { resolve: base.resolve, cache: base.cache, main: base.main, extensions: base.extensions }) as NodeJS.Require;
  }
}

/**
 * `import * as tslab from "tslab"` keeps working: tslab.display.html(...) and newDisplay() publish through
 * tslab's module-level writer, which we point at our kernel's publisher.
 */
function tslabModule(): unknown {
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  jupyter.lastWriteDisplayData = (globalThis as Record<symbol, unknown>)[Symbol.for("course.kernel.publish")];
  return require("tslab");
}
