// Every topic's answer key scores full marks in the sandbox, including cells that call the student's
// function from another exercise cell (notebook 03's transposed convolution uses convMatrix); and such
// a cell is graded with the student's own version of that function, as it ran in the notebook.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { answerKeyNotebook, topics } from "../scripts/course/exercises";
import { cellSource, serializeNotebook, toSourceLines } from "../scripts/course/notebook";
import { gradeSubmissions, GradeRun } from "../scripts/grader/grade";
import { Submission } from "../scripts/grader/types";

const allTopics = topics();
let run: GradeRun;

/** The convolution answer key with convMatrix returning W scaled by 2: wrong, and so is everything built on it. */
function wrongConvMatrix(): Submission {
  const notebook = answerKeyNotebook("convolution");
  const cell = notebook.cells.find((c) => c.metadata.course?.exercise === "convolution.convMatrix")!;
  cell.source = toSourceLines(cellSource(cell).replace(/return tf\.tensor2d\(([^;]*)\);/, "return tf.tensor2d($1).mul(2) as tf.Tensor2D;"));
  return { student: "wrong-conv-matrix", origin: "test", notebooks: [{ name: "03-convolution.ipynb", text: serializeNotebook(notebook) }], problems: [] };
}

beforeAll(async () => {
  const submissions: Submission[] = allTopics.map((topic) => ({
    student: `answer-key-${topic}`,
    origin: "test",
    notebooks: [{ name: `${topic}.ipynb`, text: serializeNotebook(answerKeyNotebook(topic)) }],
    problems: [],
  }));
  submissions.push(wrongConvMatrix());
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "grader-answer-keys-"));
  run = await gradeSubmissions(submissions, { out, topics: allTopics, caseTimeoutMs: 20_000, memoryMb: 1024 });
}, 900_000);

describe("the answer keys", () => {
  it.each(allTopics)("%s scores full marks", (topic) => {
    const report = run.reports.find((r) => r.student === `answer-key-${topic}`)!;
    const ofTopic = report.exercises.filter((e) => e.id.startsWith(`${topic}.`));
    const lost = ofTopic.filter((e) => e.score !== e.maxScore).map((e) => `${e.id} ${e.score}/${e.maxScore}: ${e.problem} ${e.cases.filter((c) => c.status !== "passed").map((c) => c.message).join("; ")}`);
    expect(lost).toEqual([]);
    expect(ofTopic.length).toBeGreaterThan(0);
  });

  it("grades a cell that calls another exercise's function with the student's own version of it", () => {
    const report = run.reports.find((r) => r.student === "wrong-conv-matrix")!;
    const exercise = (id: string) => report.exercises.find((e) => e.id === id)!;
    expect(exercise("convolution.convMatrix").score).toBeLessThan(exercise("convolution.convMatrix").maxScore);
    const viaMatrix = exercise("convolution.transposedViaMatrix");
    expect(viaMatrix.problem).toBe("");
    expect(viaMatrix.score).toBeLessThan(viaMatrix.maxScore);
    expect(JSON.stringify(viaMatrix)).toMatch(/uses your convMatrix/);
    // The direct method does not use convMatrix: full marks.
    expect(exercise("convolution.transposedViaDirect").score).toBe(exercise("convolution.transposedViaDirect").maxScore);
  });
});
