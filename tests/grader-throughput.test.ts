// Grades generated submissions with the worker pool bounded by the cores, checks every score, and
// prints and records the throughput in reports/grader-throughput-<n>.json. The suite grades 24 to
// stay quick; the recorded figure comes from
//   GRADER_SUBMISSIONS=200 npx vitest run tests/grader-throughput.test.ts
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "../scripts/course/exercises";
import { defaultJobs, gradeSubmissions } from "../scripts/grader/grade";
import { Submission } from "../scripts/grader/types";
import { corpus } from "./grader-corpus/corpus";

const COUNT = Number(process.env.GRADER_SUBMISSIONS ?? 24);

it(`grades ${COUNT} submissions in parallel and records the throughput`, async () => {
  // Realistic hand-ins: solved, untouched, partly solved, one not compiling; each made unique by a
  // comment so no work is shared between students.
  const kinds = corpus().filter((e) => ["all-correct", "all-stubs", "partially-correct", "type-error"].includes(e.student));
  const submissions: Submission[] = Array.from({ length: COUNT }, (_, i) => {
    const kind = kinds[i % kinds.length];
    const text = kind.text.replace(/(Exercise pca\.\w+)/g, `$1 (student s${String(i).padStart(3, "0")})`);
    return { student: `s${String(i).padStart(3, "0")}-${kind.student}`, origin: "generated", notebooks: [{ name: "01-pca.ipynb", text }], problems: [] };
  });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "grader-throughput-"));
  const run = await gradeSubmissions(submissions, { out, topics: ["pca"] });
  expect(run.problems).toEqual([]);
  submissions.forEach((submission, i) => {
    const want = kinds[i % kinds.length].expected;
    expect(run.reports[i].score, submission.student).toBe(Object.values(want).reduce((a, b) => a + b, 0));
  });
  const figure = {
    date: new Date().toISOString(),
    submissions: COUNT,
    seconds: Number(run.seconds.toFixed(1)),
    submissionsPerMinute: Number(run.submissionsPerMinute.toFixed(1)),
    jobs: run.jobs,
    cores: os.availableParallelism(),
    loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))),
    network: run.network,
  };
  console.log(`grader throughput: ${COUNT} submissions in ${figure.seconds} s with ${run.jobs} sandboxes = ${figure.submissionsPerMinute} submissions per minute`);
  fs.mkdirSync(path.join(ROOT, "reports"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "reports", `grader-throughput-${COUNT}.json`), JSON.stringify(figure, null, 2) + "\n");
  expect(run.jobs).toBe(defaultJobs());
  fs.rmSync(out, { recursive: true, force: true });
}, 1_800_000);
