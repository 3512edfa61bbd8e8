// The student bundle: what students download to work on the notebooks. Built from an allowlist so
// that nothing instructor-only (solutions/, tests/ with the hidden cases, the grader) can slip in.
import * as fs from "node:fs";
import * as path from "node:path";
import JSZip from "jszip";
import { parseSolutions, ROOT, topics } from "../course/exercises";

export const STUDENT_BUNDLE = path.join(ROOT, "build", "student-bundle.zip");

/** Top-level files and folders students get; anything else stays out. */
const INCLUDED = [
  "README.md", "ARCHITECTURE.md", "package.json", "package-lock.json", "requirements.txt", "requirements.in", "requirements-tensorflow.txt",
  ".gitignore", "notebooks", "exercises", "lib", "datasets", "kernel", "scripts/setup.mjs", "scripts/start.mjs",
];
/** Never shipped, wherever they appear (build output, caches, checkpoints). */
const EXCLUDED = /(^|\/)(node_modules|dist|\.ipynb_checkpoints|__pycache__)(\/|$)|\.tsbuildinfo$/;
/** Instructor-only places; a bundle holding anything under them is refused. */
export const FORBIDDEN = [/^solutions\//, /^tests\//, /^scripts\/grader\//, /^scripts\/grade\.ts$/, /^scripts\/gradescope\.ts$/, /^reports\//];

function listFiles(relative: string): string[] {
  const full = path.join(ROOT, relative);
  if (!fs.existsSync(full) || EXCLUDED.test(relative)) return [];
  if (fs.statSync(full).isFile()) return [relative];
  return fs.readdirSync(full).sort().flatMap((name) => listFiles(path.posix.join(relative, name)));
}

/**
 * The text of every solution body (between BEGIN and END SOLUTION) of three lines or more: none may
 * appear in the bundle. One-line bodies (a formula such as the convolution output size) can equal
 * the library's own reference code, which students get by design, so they are not searched for.
 */
export function solutionBodies(): { id: string; body: string }[] {
  return topics().flatMap((topic) =>
    parseSolutions(topic).exercises.map((e) => ({ id: e.id, body: /\/\/ BEGIN SOLUTION\n([\s\S]*?)\n[ \t]*\/\/ END SOLUTION/.exec(e.solution)?.[1].trim() ?? "" })),
  ).filter((s) => s.body.split("\n").filter((line) => line.trim()).length >= 3);
}

export interface StudentBundle {
  files: string[];
  /** Solution bodies that the library's own reference code repeats (students get lib/ by design). */
  warnings: string[];
}

export async function buildStudentBundle(file: string): Promise<StudentBundle> {
  const files = INCLUDED.flatMap(listFiles);
  const leaked = files.filter((f) => FORBIDDEN.some((p) => p.test(f)));
  if (leaked.length) throw new Error(`refusing to build the student bundle: it would contain ${leaked.join(", ")}`);
  const zip = new JSZip();
  const bodies = solutionBodies();
  const warnings: string[] = [];
  for (const relative of files) {
    const content = fs.readFileSync(path.join(ROOT, relative));
    const text = content.toString("utf8");
    for (const found of bodies.filter((s) => text.includes(s.body))) {
      // The library ships reference versions so that demos run before an exercise is done.
      if (relative.startsWith("lib/")) warnings.push(`${relative} repeats the solution of ${found.id} verbatim`);
      else throw new Error(`refusing to build the student bundle: ${relative} contains the solution of ${found.id} (run \`npm run release\` first?)`);
    }
    zip.file(`generative-models-course/${relative}`, content);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
  return { files, warnings };
}
