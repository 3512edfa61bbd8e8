// What `npm run grade` accepts: notebooks named by student, folders (one per student, or of
// notebooks), zips of either; and a clear message for what it cannot use.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import JSZip from "jszip";
import { beforeAll, expect, it } from "vitest";
import { topicSpecs } from "../scripts/grader/spec";
import { extractExercises } from "../scripts/grader/extract";
import { collectSubmissions } from "../scripts/grader/submissions";
import { corpus } from "./grader-corpus/corpus";

let folder: string;
const text = corpus().find((e) => e.student === "all-correct")!.text;

beforeAll(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "grader-submissions-"));
});

it("takes a notebook file, named by the student's id", async () => {
  fs.writeFileSync(path.join(folder, "s1234567.ipynb"), text);
  const [submission] = await collectSubmissions([path.join(folder, "s1234567.ipynb")]);
  expect(submission.student).toBe("s1234567");
  expect(submission.notebooks).toHaveLength(1);
});

it("takes a folder with one sub-folder per student and notebooks named by student", async () => {
  const root = path.join(folder, "class");
  fs.mkdirSync(path.join(root, "alice", ".ipynb_checkpoints"), { recursive: true });
  fs.writeFileSync(path.join(root, "alice", "01-pca.ipynb"), text);
  fs.writeFileSync(path.join(root, "alice", ".ipynb_checkpoints", "01-pca-checkpoint.ipynb"), text);
  fs.mkdirSync(path.join(root, "carol"));
  fs.writeFileSync(path.join(root, "carol", "notes.txt"), "no notebook");
  fs.writeFileSync(path.join(root, "bob.ipynb"), text);
  const submissions = await collectSubmissions([root]);
  expect(submissions.map((s) => s.student)).toEqual(["alice", "bob", "carol"]);
  expect(submissions[0].notebooks.map((n) => n.name)).toEqual(["01-pca.ipynb"]);
  expect(submissions[2].problems[0]).toMatch(/no \.ipynb file/);
});

it("takes a zip of per-student folders or of notebooks, and numbers repeated ids", async () => {
  const zip = new JSZip();
  zip.file("dave/01-pca.ipynb", text);
  zip.file("erin.ipynb", text);
  zip.file("__MACOSX/dave/._01-pca.ipynb", "junk");
  const file = path.join(folder, "hand-ins.zip");
  fs.writeFileSync(file, await zip.generateAsync({ type: "nodebuffer" }));
  const submissions = await collectSubmissions([file, file]);
  expect(submissions.map((s) => s.student)).toEqual(["dave", "erin", "dave~2", "erin~2"]);
  expect(submissions[2].problems[0]).toMatch(/another submission is also named dave/);
});

it("says clearly what it cannot use", async () => {
  await expect(collectSubmissions([path.join(folder, "missing.ipynb")])).rejects.toThrow(/no such file or folder/);
  fs.writeFileSync(path.join(folder, "broken.zip"), "not a zip");
  await expect(collectSubmissions([path.join(folder, "broken.zip")])).rejects.toThrow(/not a readable zip/);
  fs.writeFileSync(path.join(folder, "notes.txt"), "x");
  await expect(collectSubmissions([path.join(folder, "notes.txt")])).rejects.toThrow(/expected a \.ipynb file, a folder or a \.zip/);
});

it("finds exercise cells by nbgrader's grade_id when our metadata and tags were lost", () => {
  const notebook = JSON.parse(text);
  for (const cell of notebook.cells) {
    if (!cell.metadata.course?.exercise) continue;
    expect(cell.metadata.nbgrader.grade_id).toBe(cell.metadata.course.exercise.replace(".", "-"));
    delete cell.metadata.course;
    delete cell.metadata.tags;
  }
  const { modules, problems } = extractExercises({ student: "x", origin: "x", notebooks: [{ name: "01-pca.ipynb", text: JSON.stringify(notebook) }], problems: [] }, topicSpecs(["pca"]));
  expect(problems).toEqual([]);
  expect(modules.map((m) => m.problem)).toEqual(["", "", "", ""]);
});
