// Turns a submission's tagged exercise cells into one TypeScript module per exercise, so that one
// broken cell (missing, renamed, not compiling) costs only its own exercise.
import ts from "typescript";
import { cellSource, NotebookCell, NotebookError, parseNotebook } from "../course/notebook";
import { TopicSpec } from "./spec";
import { ExerciseSpec, Submission } from "./types";

export interface ExerciseModule {
  spec: ExerciseSpec;
  /** The module's TypeScript, or undefined when `problem` says why there is none. */
  source?: string;
  /** Lines before the cell's code in `source`: diagnostics are reported in cell lines. */
  headerLines: number;
  problem: string;
  notes: string[];
}

interface FoundCell {
  notebook: string;
  index: number;
  cell: NotebookCell;
}

function exerciseIdOf(cell: NotebookCell): string | undefined {
  const fromMetadata = cell.metadata?.course?.exercise;
  if (typeof fromMetadata === "string") return fromMetadata;
  // JupyterLab keeps tags even where a tool dropped our metadata; nbgrader's grade_id is the same id.
  const tag = (Array.isArray(cell.metadata?.tags) ? cell.metadata.tags : []).find((t) => typeof t === "string" && t.startsWith("exercise:"));
  if (tag) return tag.slice("exercise:".length);
  // nbgrader's grade_id is the id with "." written "-" (nbgrader allows no dots): pca-covariance.
  const nbgrader = (cell.metadata as { nbgrader?: { grade_id?: unknown } }).nbgrader;
  const match = typeof nbgrader?.grade_id === "string" ? /^([a-z0-9_]+)-(.+)$/.exec(nbgrader.grade_id) : null;
  return match ? `${match[1]}.${match[2]}` : undefined;
}

/** Finds the function the grader calls: a top-level function declaration or a const holding a function. */
function definesFunction(code: string, name: string): { found: boolean; exported: boolean } {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true);
  for (const statement of file.statements) {
    const exported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return { found: true, exported };
    if (ts.isVariableStatement(statement) && statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)) return { found: true, exported };
  }
  return { found: false, exported: false };
}

/** Names of the other exercises' functions that a cell uses without defining them itself. */
function usedExerciseFunctions(code: string, names: Set<string>): string[] {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true);
  const declared = new Set<string>();
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node)) && node.name && ts.isIdentifier(node.name)) declared.add(node.name.text);
    else if (ts.isIdentifier(node) && names.has(node.text)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...used].filter((name) => !declared.has(name));
}

export interface ExtractedSubmission {
  modules: ExerciseModule[];
  /** Problems with the notebooks themselves (not JSON, nbformat 3, …). */
  problems: string[];
}

export function extractExercises(submission: Submission, topics: TopicSpec[]): ExtractedSubmission {
  const problems = [...submission.problems];
  const cells = new Map<string, FoundCell[]>();
  for (const notebook of submission.notebooks) {
    try {
      parseNotebook(notebook.text, notebook.name).cells.forEach((cell, index) => {
        const id = cell.cell_type === "code" ? exerciseIdOf(cell) : undefined;
        if (id) cells.set(id, [...(cells.get(id) ?? []), { notebook: notebook.name, index, cell }]);
      });
    } catch (error) {
      problems.push(error instanceof NotebookError ? error.message : `${notebook.name}: ${(error as Error).message}`);
    }
  }
  const why = problems.length ? ` (${problems.join("; ")})` : "";
  const modules = topics.flatMap((topic) =>
    topic.exercises.map((spec): ExerciseModule => {
      const found = cells.get(spec.id) ?? [];
      const base = { spec, headerLines: 0, notes: [] as string[] };
      if (found.length === 0) {
        return { ...base, problem: `no exercise cell for ${spec.id} was found${why}: the cell tagged exercise:${spec.id} was deleted or lost its metadata. Copy it from the released notebook, put your code back in, and hand in again.` };
      }
      const chosen = found[found.length - 1];
      if (found.length > 1) {
        base.notes.push(`${found.length} cells are tagged exercise:${spec.id} (${found.map((f) => `${f.notebook} cell ${f.index + 1}`).join(", ")}); the last one was graded, as it is the one in effect when the notebook runs top to bottom.`);
      }
      const code = cellSource(chosen.cell);
      const where = `${chosen.notebook} cell ${chosen.index + 1}`;
      const definition = definesFunction(code, spec.functionName);
      if (!definition.found) {
        return { ...base, problem: `the exercise cell (${where}) does not define the function ${spec.functionName}: was it renamed? The grader calls ${spec.functionName}.` };
      }
      // A cell may call the student's own function from another exercise cell (in the notebook all
      // cells share one scope): that cell's module is imported, so the two are graded as they ran.
      const siblings = topic.exercises.filter((other) => other.id !== spec.id && cells.has(other.id));
      const used = usedExerciseFunctions(code, new Set(siblings.map((other) => other.functionName)));
      const imports = siblings.filter((other) => used.includes(other.functionName)).map((other) => `import { ${other.functionName} } from "./${other.id}";`);
      for (const other of siblings.filter((o) => used.includes(o.functionName))) base.notes.push(`uses your ${other.functionName} from the exercise cell of ${other.id}`);
      const header = [...topic.imports, 'import { notImplemented } from "@course/lib";', ...imports, `// ${spec.id} from ${where}`];
      const footer = definition.exported ? "" : `\nexport { ${spec.functionName} };\n`;
      return { ...base, source: `${header.join("\n")}\n${code}\n${footer}`, headerLines: header.length, problem: "" };
    }),
  );
  return { modules, problems };
}
