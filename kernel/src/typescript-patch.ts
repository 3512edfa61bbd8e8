// tslab's converter compiles with fixed options and no source maps. We ask its two compilation passes
// (cell → ES module, ES module → CommonJS) for inline maps so that errors can name the cell's TS lines.
// This must run before tslab's converter is created; it changes nothing else in the emitted code.
import * as ts from "@tslab/typescript-for-tslab";
import { SourceMap, stripInlineMap } from "./sourcemap";

// The bundle's exports are read-only getters, so tslab's modules get a copy of it (through require.cache)
// in which two functions are wrapped.
const TS_MODULE = "@tslab/typescript-for-tslab";

/** For each CommonJS output of the second pass: the maps of both passes. */
const mapsByOutput = new Map<string, { toModule: SourceMap; toCommonJs: SourceMap }>();
let patched = false;

export function patchTypeScriptForSourceMaps(): void {
  if (patched) return;
  patched = true;
  require(TS_MODULE);
  const cached = require.cache[require.resolve(TS_MODULE)];
  if (!cached) throw new Error(`${TS_MODULE} is not in require.cache`);
  if (require.cache[require.resolve("tslab/dist/converter")]) throw new Error("tslab's converter was loaded before TypeScript was patched for source maps");
  const original = cached.exports as typeof ts;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(original)) Object.defineProperty(copy, key, { enumerable: true, configurable: true, get: () => (original as unknown as Record<string, unknown>)[key] });

  const createWatchCompilerHost = original.createWatchCompilerHost as (...args: unknown[]) => unknown;
  Object.defineProperty(copy, "createWatchCompilerHost", {
    enumerable: true,
    value: (rootFiles: unknown, options: ts.CompilerOptions, ...rest: unknown[]) => createWatchCompilerHost(rootFiles, { ...options, inlineSourceMap: true }, ...rest),
  });
  const transpileModule = original.transpileModule;
  Object.defineProperty(copy, "transpileModule", { enumerable: true, value: patchedTranspileModule });
  cached.exports = copy;

  function patchedTranspileModule(input: string, options: ts.TranspileOptions): ts.TranspileOutput {
    // tslab's esModuleToCommonJSModule is the only caller that names its input custom.js.
    if (options.fileName !== "custom.js") return transpileModule(input, options);
    const toModule = SourceMap.fromInlineComment(input);
    const output = transpileModule(stripInlineMap(input), { ...options, compilerOptions: { ...options.compilerOptions, inlineSourceMap: true } });
    const toCommonJs = SourceMap.fromInlineComment(output.outputText);
    const outputText = stripInlineMap(output.outputText);
    if (toModule && toCommonJs) {
      if (mapsByOutput.size > 64) mapsByOutput.clear();
      mapsByOutput.set(outputText, { toModule, toCommonJs });
    }
    return { ...output, outputText };
  }
}

/** Maps a zero-based line/column of tslab's CommonJS output to the zero-based line/column of its TS input. */
export function sourcePositionMapper(output: string): ((line: number, column: number) => { line: number; column: number } | undefined) | undefined {
  const maps = mapsByOutput.get(output);
  if (!maps) return undefined;
  return (line, column) => {
    const inModule = maps.toCommonJs.original({ line, column });
    return inModule && maps.toModule.original(inModule);
  };
}
