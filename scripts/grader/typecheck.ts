// Type-checks every extracted exercise module of a grading run in one TypeScript program (the
// library's and TensorFlow.js's declarations are read and checked once, not once per student),
// then compiles each module that passes to CommonJS for the sandbox.
import * as path from "node:path";
import ts from "typescript";
import { ROOT } from "../course/exercises";

export interface ModuleToCheck {
  key: string;
  source: string;
  headerLines: number;
}

export interface CheckedModule {
  /** Compiled JavaScript when the module type-checks. */
  js?: string;
  /** Compiler messages in the cell's own line numbers, or [] when it compiles. */
  errors: string[];
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  types: ["node"],
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  baseUrl: ROOT,
  paths: { "@course/lib": ["lib/src/index.ts"] },
};

/** Parsed declaration files are shared across runs in one process (tests grade many times). */
const sharedSourceFiles = new Map<string, ts.SourceFile>();
const MAX_ERRORS_SHOWN = 5;

function formatDiagnostic(diagnostic: ts.Diagnostic, headerLines: number): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (!diagnostic.file || diagnostic.start === undefined) return text;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const cellLine = line + 1 - headerLines;
  return cellLine >= 1 ? `line ${cellLine}, column ${character + 1}: ${text}` : text;
}

export function typeCheckModules(modules: ModuleToCheck[]): Map<string, CheckedModule> {
  const virtualRoot = path.join(ROOT, ".grader-virtual");
  // "<submission>/<exercise id>" → <root>/<submission>/<exercise id>.ts: a submission's modules share a
  // folder, so a cell's `import { convMatrix } from "./convolution.convMatrix"` finds its sibling.
  const byFile = new Map(modules.map((m) => [`${path.join(virtualRoot, ...m.key.split("/").map((part) => part.replace(/[^A-Za-z0-9.]+/g, "_")))}.ts`, m]));
  const host = ts.createCompilerHost(OPTIONS, true);
  const readDefault = host.getSourceFile.bind(host);
  host.getSourceFile = (file, languageVersion, onError) => {
    const module = byFile.get(file);
    if (module) return ts.createSourceFile(file, module.source, languageVersion, true);
    const cached = sharedSourceFiles.get(file);
    if (cached) return cached;
    const parsed = readDefault(file, languageVersion, onError);
    if (parsed) sharedSourceFiles.set(file, parsed);
    return parsed;
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => byFile.has(file) || fileExists(file);
  // The modules' folders exist only here; module resolution asks for them before it asks for files.
  const virtualFolders = new Set([...byFile.keys()].map((file) => path.dirname(file)));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (folder) => virtualFolders.has(folder) || folder === virtualRoot || (directoryExists ? directoryExists(folder) : true);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => byFile.get(file)?.source ?? readFile(file);

  const program = ts.createProgram([...byFile.keys()], OPTIONS, host);
  const results = new Map<string, CheckedModule>();
  for (const [file, module] of byFile) {
    const sourceFile = program.getSourceFile(file);
    const syntactic = sourceFile ? program.getSyntacticDiagnostics(sourceFile) : [];
    // Semantic checking of code that does not parse only adds noise.
    const diagnostics = syntactic.length ? syntactic : sourceFile ? program.getSemanticDiagnostics(sourceFile) : [];
    const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => formatDiagnostic(d, module.headerLines));
    if (errors.length > MAX_ERRORS_SHOWN) errors.splice(MAX_ERRORS_SHOWN, errors.length, `… and ${errors.length - MAX_ERRORS_SHOWN} more`);
    if (errors.length) {
      results.set(module.key, { errors });
      continue;
    }
    const js = ts.transpileModule(module.source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
      fileName: `${module.key}.ts`,
    }).outputText;
    results.set(module.key, { js, errors: [] });
  }
  return results;
}
