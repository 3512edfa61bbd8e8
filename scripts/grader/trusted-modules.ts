// The trusted code the sandbox needs (the case runner, the library, every topic's visible and hidden
// cases), compiled to CommonJS in memory. The parent sends it to each sandbox over IPC, so the
// sandbox never needs to read tests/ or lib/src: it is not allowed to.
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { ROOT } from "../course/exercises";

export const TRUSTED_ENTRIES = {
  registry: "tests/exercises/registry.ts",
  runner: "lib/src/checks/runner.ts",
  assert: "lib/src/checks/assert.ts",
  backend: "lib/src/backend.ts",
} as const;

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, "index.ts"), base].find((candidate) => candidate.endsWith(".ts") && fs.existsSync(candidate));
}

/** Absolute path → compiled JavaScript, for every file reachable from the entries by relative imports. */
export function compileTrustedModules(): Record<string, string> {
  const modules: Record<string, string> = {};
  const pending = Object.values(TRUSTED_ENTRIES).map((entry) => path.join(ROOT, entry));
  while (pending.length) {
    const file = pending.pop()!;
    if (modules[file] !== undefined) continue;
    const text = fs.readFileSync(file, "utf8");
    modules[file] = ts.transpileModule(text, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
      fileName: file,
    }).outputText;
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      if (!imported.fileName.startsWith(".")) continue;
      const resolved = resolveRelative(file, imported.fileName);
      if (!resolved) throw new Error(`${path.relative(ROOT, file)}: cannot resolve import "${imported.fileName}"`);
      pending.push(resolved);
    }
  }
  return modules;
}
