// Synthetic submissions with the exact score each must get. Each is built from the released
// notebook of notebook 01 (PCA): the answer key (every exercise solved) or the student edition
// (stubs), with one or more exercise cells replaced by a particular kind of broken code.
// Points: pca.covariance 4, pca.eigenvectors 3, pca.project 3, pca.explained 3 (13 in all).
import * as fs from "node:fs";
import * as path from "node:path";
import { answerKeyNotebook, notebookFor, parseSolutions, ROOT } from "../../scripts/course/exercises";
import { Notebook, readNotebook, serializeNotebook, toSourceLines } from "../../scripts/course/notebook";

export type ExerciseId = "pca.covariance" | "pca.eigenvectors" | "pca.project" | "pca.explained";

export interface CorpusEntry {
  student: string;
  what: string;
  /** The notebook file's text (not always valid JSON). */
  text: string;
  expected: Record<ExerciseId, number>;
  /** Something the feedback must say, per exercise or for the submission ("*"). */
  says?: Partial<Record<ExerciseId | "*", RegExp>>;
}

const FULL: Record<ExerciseId, number> = { "pca.covariance": 4, "pca.eigenvectors": 3, "pca.project": 3, "pca.explained": 3 };
const source = parseSolutions("pca");
const solution = (id: ExerciseId) => source.exercises.find((e) => e.id === id)!.solution;
const stub = (id: ExerciseId) => source.exercises.find((e) => e.id === id)!.stub;

function withCells(base: Notebook, replace: Partial<Record<ExerciseId, string | null>>): Notebook {
  const copy = JSON.parse(JSON.stringify(base)) as Notebook;
  copy.cells = copy.cells.flatMap((cell) => {
    const id = cell.metadata.course?.exercise as ExerciseId | undefined;
    if (!id || !(id in replace)) return [cell];
    const code = replace[id];
    return typeof code === "string" ? [{ ...cell, source: toSourceLines(code) }] : [];
  });
  return copy;
}

const key = () => answerKeyNotebook("pca");
const stubs = () => readNotebook(notebookFor("pca"));
const text = (notebook: Notebook) => serializeNotebook(notebook);
const scores = (changes: Partial<Record<ExerciseId, number>>) => ({ ...FULL, ...changes });

/** The solution with the code between BEGIN and END SOLUTION replaced: signature and doc comment stay. */
function withBody(id: ExerciseId, body: string): string {
  return solution(id).replace(/^[ \t]*\/\/ BEGIN SOLUTION\n[\s\S]*?^[ \t]*\/\/ END SOLUTION\n/m, `${body}\n`);
}

export function corpus(): CorpusEntry[] {
  const untidyCovariance = withBody("pca.covariance", "  const mean = x.mean(0) as tf.Tensor1D;\n  const centred = x.sub(mean);\n  return { mean, covariance: tf.matMul(centred, centred, true, false).div(x.shape[0]) as tf.Tensor2D };");
  // Rejects the slightly negative eigenvalues that round-off produces: only the hidden edge case sees it.
  const strictExplained = withBody("pca.explained", '  if (eigenvalues.some((v) => v < 0)) throw new RangeError("eigenvalues must not be negative");\n  const total = eigenvalues.reduce((a, b) => a + b, 0);\n  let running = 0;\n  return eigenvalues.map((v) => (running += v) / total);');
  const duplicated = key();
  const explainedAt = duplicated.cells.findIndex((c) => c.metadata.course?.exercise === "pca.explained");
  duplicated.cells.splice(explainedAt, 0, { ...JSON.parse(JSON.stringify(duplicated.cells[explainedAt])), id: "pca-copy", source: toSourceLines(stub("pca.explained")) });
  const nbformat3 = { nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [] }] };

  return [
    { student: "all-correct", what: "every exercise solved", text: text(key()), expected: FULL },
    { student: "all-stubs", what: "the student edition as released", text: text(stubs()), expected: scores({ "pca.covariance": 0, "pca.eigenvectors": 0, "pca.project": 0, "pca.explained": 0 }), says: { "pca.covariance": /not implemented yet/ } },
    {
      student: "partially-correct",
      what: "covariance without tf.tidy, eigenvectors not done, explained rejects negative eigenvalues",
      text: text(withCells(key(), { "pca.covariance": untidyCovariance, "pca.eigenvectors": stub("pca.eigenvectors"), "pca.explained": strictExplained })),
      expected: scores({ "pca.covariance": 3, "pca.eigenvectors": 0, "pca.explained": 2 }),
      says: { "pca.covariance": /wrap the work in tf\.tidy/, "pca.explained": /a hidden check \(edge case\) failed: your function threw an error/ },
    },
    {
      student: "type-error",
      what: "a type error in the covariance cell",
      text: text(withCells(key(), { "pca.covariance": withBody("pca.covariance", '  const n: string = x.shape[0];\n  return { mean: x.mean(0), covariance: x.div(n) } as never;') })),
      expected: scores({ "pca.covariance": 0 }),
      says: { "pca.covariance": /does not compile[\s\S]*line \d+, column \d+: Type 'number' is not assignable to type 'string'/ },
    },
    {
      student: "syntax-error",
      what: "a missing brace in the projection cell",
      text: text(withCells(key(), { "pca.project": solution("pca.project").replace(/\}\n$/, "\n") })),
      expected: scores({ "pca.project": 0 }),
      says: { "pca.project": /does not compile[\s\S]*'\}' expected/ },
    },
    {
      student: "infinite-loop",
      what: "an infinite loop in the eigenvector exercise",
      text: text(withCells(key(), { "pca.eigenvectors": withBody("pca.eigenvectors", "  let spins = 0;\n  while (covariance.shape[0] > 0) spins++;\n  return { values: [spins, p], vectors: covariance };") })),
      expected: scores({ "pca.eigenvectors": 0 }),
      says: { "pca.eigenvectors": /did not finish within/ },
    },
    {
      student: "memory-bomb",
      what: "explained-variance allocates until the memory cap",
      text: text(withCells(key(), { "pca.explained": withBody("pca.explained", "  const hoard: Float64Array[] = [];\n  for (;;) hoard.push(new Float64Array(1 << 24).fill(eigenvalues.length));") })),
      expected: scores({ "pca.explained": 0 }),
      says: { "pca.explained": /memory/ },
    },
    {
      student: "heap-bomb",
      what: "the projection fills the JavaScript heap until V8 gives up",
      text: text(withCells(key(), { "pca.project": withBody("pca.project", "  const hoard: number[][] = [];\n  for (;;) hoard.push(Array.from({ length: 1e5 }, (_, i) => i * x.shape[0] + 0.5));") })),
      expected: scores({ "pca.project": 0 }),
      says: { "pca.project": /memory/ },
    },
    {
      student: "process-exit",
      what: "the covariance function calls process.exit()",
      text: text(withCells(key(), { "pca.covariance": withBody("pca.covariance", "  process.exit(0);") })),
      expected: scores({ "pca.covariance": 0 }),
      says: { "pca.covariance": /process\.exit\(\) is not allowed/ },
    },
    {
      student: "throw-at-load",
      what: "the eigenvector cell throws when the module loads",
      text: text(withCells(key(), { "pca.eigenvectors": `${solution("pca.eigenvectors")}\nthrow new Error("boom at load");\n` })),
      expected: scores({ "pca.eigenvectors": 0 }),
      says: { "pca.eigenvectors": /failed while loading[\s\S]*boom at load/ },
    },
    {
      student: "reads-solution",
      what: "the covariance function reads solutions/pca.ts and the hidden tests",
      text: text(withCells(key(), {
        "pca.covariance": `import * as fs from "node:fs";\n${withBody("pca.covariance", `  fs.readFileSync(${JSON.stringify(path.join(ROOT, "solutions", "pca.ts"))}, "utf8");\n  fs.readFileSync(${JSON.stringify(path.join(ROOT, "tests", "hidden", "pca.ts"))}, "utf8");\n  return tf.tidy(() => ({ mean: x.mean(0) as tf.Tensor1D, covariance: tf.matMul(x.sub(x.mean(0)), x.sub(x.mean(0)), true, false).div(x.shape[0]) as tf.Tensor2D }));`)}`,
      })),
      expected: scores({ "pca.covariance": 0 }),
      says: { "pca.covariance": /ERR_ACCESS_DENIED|Access to this API has been restricted/ },
    },
    {
      student: "opens-socket",
      what: "the explained-variance function opens a TCP connection and a UDP socket, then returns a correct answer",
      text: text(withCells(key(), {
        "pca.explained": `import * as net from "node:net";\nimport * as dgram from "node:dgram";\n${withBody("pca.explained", '  try { net.connect(80, "1.1.1.1").on("error", () => undefined); } catch { /* denied */ }\n  try { dgram.createSocket("udp4").send("x", 53, "8.8.8.8", () => undefined); } catch { /* denied */ }\n  const clipped = eigenvalues.map((v) => Math.max(v, 0));\n  const total = clipped.reduce((a, b) => a + b, 0);\n  let running = 0;\n  return clipped.map((v) => (running += v) / total);')}`,
      })),
      expected: FULL,
    },
    {
      student: "tampers",
      what: "the covariance cell (correct) tampers with TensorFlow.js, Math, test globals and the result channel when it loads; the explained-variance cell (wrong) tampers with the assertions",
      text: text(withCells(key(), {
        "pca.covariance": `import * as lib from "@course/lib";\n${solution("pca.covariance")}\n${[
          "const sabotage: (() => void)[] = [",
          "  () => { (lib.tf as any).randomNormal = () => lib.tf.zeros([1]); },",
          "  () => { (lib.tf.Tensor.prototype as any).dataSync = () => new Float32Array(0); },",
          "  () => { (lib.tf as any).matMul = () => lib.tf.zeros([1]); },",
          "  () => { Math.abs = () => 0; },",
          "  () => { (globalThis as any).Math = { abs: () => 0, max: () => 0 }; },",
          "  () => { (globalThis as any).expect = () => ({ toBe: () => undefined }); },",
          "  () => { (process as any).mainModule.require(\"@tensorflow/tfjs-core\").Tensor.prototype.dataSync = () => new Float32Array(0); },",
          "  () => { (process as any).send({ type: \"result\", id: \"pca.explained\", index: 0, status: \"passed\", message: \"\", seconds: 0 }); },",
          "  () => { (process as any).send({ type: \"done\" }); },",
          "];",
          "for (const attempt of sabotage) { try { attempt(); } catch { /* refused */ } }",
        ].join("\n")}\n`,
        "pca.explained": `import * as lib from "@course/lib";\n${withBody("pca.explained", [
          "  const attempts: (() => void)[] = [",
          "    () => { (lib as any).expectClose = () => undefined; },",
          "    () => { (lib as any).runCase = async () => ({ status: \"passed\" }); },",
          "    () => { Object.defineProperty(Array.prototype, \"length\", { value: 3 }); },",
          "    () => { Number.isNaN = () => false; },",
          "  ];",
          "  for (const attempt of attempts) { try { attempt(); } catch { /* refused */ } }",
          "  return eigenvalues.map(() => 0.5);",
        ].join("\n"))}`,
      })),
      expected: scores({ "pca.explained": 0 }),
    },
    {
      student: "floods-stdout",
      what: "prints 100 MB to stdout when the covariance cell loads",
      text: text(withCells(key(), { "pca.covariance": `${solution("pca.covariance")}\nfor (let i = 0; i < 100; i++) process.stdout.write("x".repeat(1024 * 1024));\n` })),
      expected: FULL,
    },
    { student: "malformed-json", what: "a notebook cut off in the middle", text: text(key()).slice(0, 5000), expected: scores({ "pca.covariance": 0, "pca.eigenvectors": 0, "pca.project": 0, "pca.explained": 0 }), says: { "*": /not valid JSON/ } },
    { student: "nbformat-3", what: "an nbformat 3 notebook", text: JSON.stringify(nbformat3), expected: scores({ "pca.covariance": 0, "pca.eigenvectors": 0, "pca.project": 0, "pca.explained": 0 }), says: { "*": /nbformat 3 is not supported/ } },
    {
      student: "cells-deleted",
      what: "the covariance and projection cells deleted",
      text: text(withCells(key(), { "pca.covariance": null, "pca.project": null })),
      expected: scores({ "pca.covariance": 0, "pca.project": 0 }),
      says: { "pca.covariance": /no exercise cell for pca\.covariance was found/ },
    },
    {
      student: "cells-duplicated",
      what: "the explained-variance cell duplicated: a stub first, the solution last",
      text: text(duplicated),
      expected: FULL,
      says: { "pca.explained": /2 cells are tagged exercise:pca\.explained[\s\S]*the last one was graded/ },
    },
    {
      student: "renamed-function",
      what: "pcaProject renamed to pcaProjection",
      text: text(withCells(key(), { "pca.project": solution("pca.project").replace("function pcaProject(", "function pcaProjection(") })),
      expected: scores({ "pca.project": 0 }),
      says: { "pca.project": /does not define the function pcaProject: was it renamed\?/ },
    },
  ];
}

/** Writes the corpus as one .ipynb per student into a folder (what an instructor would pass). */
export function writeCorpus(folder: string, entries = corpus()): void {
  fs.mkdirSync(folder, { recursive: true });
  for (const entry of entries) fs.writeFileSync(path.join(folder, `${entry.student}.ipynb`), entry.text);
}
