// is_complete: tslab knows unfinished code (open brackets, strings); the parser knows invalid code.
// Required lazily: tslab's converter must load after the source-map patch (see typescript-patch.ts).
import type * as ts from "@tslab/typescript-for-tslab";

const UNTERMINATED_TEMPLATE_LITERAL = 1160;

export function checkCompleteness(code: string): { status: "complete" | "incomplete" | "invalid"; indent?: string } {
  const { isCompleteCode } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
  const unfinished = isCompleteCode(code);
  if (!unfinished.completed) return { status: "incomplete", indent: unfinished.indent ?? "" };
  const typescript = require("@tslab/typescript-for-tslab") as typeof ts;
  const { diagnostics } = typescript.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: { target: typescript.ScriptTarget.ES2022, module: typescript.ModuleKind.ESNext },
  });
  if (!diagnostics || diagnostics.length === 0) return { status: "complete" };
  // A template literal may go on over several lines: the student is still typing it.
  return diagnostics.some((d) => d.code === UNTERMINATED_TEMPLATE_LITERAL) ? { status: "incomplete", indent: "" } : { status: "invalid" };
}
