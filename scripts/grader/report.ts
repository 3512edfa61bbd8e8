// Scores and the files written for each submission: report.json, feedback.html (offline, no
// scripts), results.json in Gradescope's format; and the gradebook across submissions.
import * as fs from "node:fs";
import * as path from "node:path";
import { escapeHtml } from "../../lib/src/display/escape";
import { ExerciseModule } from "./extract";
import { RawCaseOutcome, SandboxResult } from "./sandbox";
import { CaseOutcome, CaseSpec, ExerciseOutcome, SubmissionReport } from "./types";

/** Hidden cases never show their message: it could carry their inputs or expected values. */
function hiddenMessage(spec: CaseSpec, outcome: RawCaseOutcome): string {
  switch (outcome.status) {
    case "passed":
      return "";
    case "failed":
      return `a hidden check (${spec.kind}) failed: your function returned a wrong result for an input the visible checks do not use`;
    case "error":
      return `a hidden check (${spec.kind}) failed: your function threw an error`;
    case "not implemented":
      return "not implemented yet";
    default:
      return outcome.message; // written by the parent (timeout, crash, not run): no inputs in it
  }
}

export function exerciseOutcome(module: ExerciseModule, compileErrors: string[], sandbox: SandboxResult | undefined): ExerciseOutcome {
  const { spec } = module;
  const maxScore = spec.cases.reduce((sum, c) => sum + c.points, 0);
  let problem = module.problem;
  if (!problem && compileErrors.length) problem = `the exercise cell does not compile, so its checks could not run:\n${compileErrors.join("\n")}`;
  const loadFailure = sandbox?.loadFailures.get(spec.id);
  if (!problem && loadFailure) problem = `the exercise cell failed while loading, so its checks could not run: ${loadFailure}`;
  const cases = spec.cases.map((c, index): CaseOutcome => {
    const raw = problem ? undefined : sandbox?.cases.get(`${spec.id}#${index}`);
    if (!raw) return { ...c, status: "not run", score: 0, message: problem ? "not run (see above)" : "not run: no result came back from the sandbox", seconds: 0 };
    const message = c.visibility === "hidden" ? hiddenMessage(c, raw) : raw.message;
    return { ...c, status: raw.status, score: raw.status === "passed" ? c.points : 0, message, seconds: raw.seconds };
  });
  return {
    id: spec.id,
    title: spec.title,
    functionName: spec.functionName,
    score: cases.reduce((sum, c) => sum + c.score, 0),
    maxScore,
    problem,
    notes: module.notes,
    cases,
  };
}

export function summaryLine(report: SubmissionReport): string {
  return `${report.student}: ${report.score}/${report.maxScore}`;
}

function feedbackHtml(report: SubmissionReport): string {
  const mark = (c: CaseOutcome) => (c.status === "passed" ? "✓" : "✗");
  const exercise = (e: ExerciseOutcome) => `
<section>
<h2>${escapeHtml(e.title)} <small>(${escapeHtml(e.id)}, function <code>${escapeHtml(e.functionName)}</code>)</small>: ${e.score}/${e.maxScore}</h2>
${e.problem ? `<pre class="problem">${escapeHtml(e.problem)}</pre>` : ""}
${e.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join("")}
<table><tr><th></th><th>check</th><th>kind</th><th>points</th><th>result</th></tr>
${e.cases
  .map((c) => `<tr class="${c.status === "passed" ? "ok" : "bad"}"><td>${mark(c)}</td><td>${c.visibility === "hidden" ? "<em>hidden:</em> " : ""}${escapeHtml(c.name)}</td><td>${escapeHtml(c.kind)}</td><td>${c.score}/${c.points}</td><td>${escapeHtml(c.status)}${c.message ? `<pre>${escapeHtml(c.message)}</pre>` : ""}</td></tr>`)
  .join("\n")}
</table>
</section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback for ${escapeHtml(report.student)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#1f2328}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}
tr.ok td:first-child{color:#1a7f37}tr.bad td:first-child{color:#cf222e}pre{white-space:pre-wrap;margin:.2em 0}
pre.problem{background:#fff8c5;padding:.5em}.note{color:#9a6700}small{font-weight:normal;color:#59636e}
</style></head><body>
<h1>Feedback for ${escapeHtml(report.student)}: ${report.score}/${report.maxScore}</h1>
<p>Graded ${escapeHtml(new Date().toISOString().slice(0, 16).replace("T", " "))} UTC from ${escapeHtml(path.basename(report.origin))}. Each check is worth the points shown; hidden checks say only what kind of check failed.</p>
${report.problems.map((p) => `<pre class="problem">${escapeHtml(p)}</pre>`).join("\n")}
${report.exercises.map(exercise).join("\n")}
</body></html>
`;
}

/** Gradescope's results.json: https://gradescope-autograders.readthedocs.io/en/latest/specs/ */
export function gradescopeResults(report: SubmissionReport): Record<string, unknown> {
  const tests = report.exercises.flatMap((e) =>
    e.cases.map((c) => ({
      name: `${e.id}: ${c.visibility === "hidden" ? "[hidden] " : ""}${c.name}`,
      score: c.score,
      max_score: c.points,
      status: c.status === "passed" ? "passed" : "failed",
      output: [e.problem && c.status !== "passed" ? e.problem : "", c.message].filter(Boolean).join("\n"),
      visibility: "visible",
    })),
  );
  const output = [...report.problems, ...report.exercises.map((e) => `${e.title} (${e.id}): ${e.score}/${e.maxScore}${e.problem ? ` — ${e.problem.split("\n")[0]}` : ""}`)].join("\n");
  return { score: report.score, execution_time: Math.round(report.seconds * 10) / 10, output, stdout_visibility: "hidden", tests };
}

export function writeSubmissionFiles(report: SubmissionReport, folder: string): void {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "report.json"), JSON.stringify(report, null, 2) + "\n");
  fs.writeFileSync(path.join(folder, "feedback.html"), feedbackHtml(report));
  fs.writeFileSync(path.join(folder, "results.json"), JSON.stringify(gradescopeResults(report), null, 2) + "\n");
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function gradebookCsv(reports: SubmissionReport[]): string {
  const rows: (string | number)[][] = [["student", "exercise", "points", "max"]];
  for (const report of reports) {
    for (const e of report.exercises) rows.push([report.student, e.id, e.score, e.maxScore]);
    rows.push([report.student, "total", report.score, report.maxScore]);
  }
  return rows.map((row) => row.map(csvField).join(",")).join("\n") + "\n";
}
