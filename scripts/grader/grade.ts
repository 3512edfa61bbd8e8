// Grades submissions: extract each exercise cell into its own module, type-check them all in one
// program, then run each submission in its own sandboxed process, a pool of them bounded by the
// cores, and write the reports and the gradebook.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { ROOT, topics as allTopics } from "../course/exercises";
import { ExerciseModule, extractExercises } from "./extract";
import { exerciseOutcome, gradebookCsv, summaryLine, writeSubmissionFiles } from "./report";
import { detectNetworkIsolation, NetworkIsolation, runSandboxed, SandboxResult, SandboxSettings, SandboxWork } from "./sandbox";
import { topicSpecs, topicsMentioned } from "./spec";
import { compileTrustedModules, TRUSTED_ENTRIES } from "./trusted-modules";
import { typeCheckModules } from "./typecheck";
import { Submission, SubmissionReport } from "./types";

export interface GradeOptions {
  /** Where reports go: <out>/<student>/{report.json,feedback.html,results.json,impl/}, <out>/gradebook.csv. */
  out: string;
  /** Topics to grade; default: those whose exercises appear in the submissions (all if none do). */
  topics?: string[];
  jobs?: number;
  caseTimeoutMs?: number;
  submissionTimeoutMs?: number;
  memoryMb?: number;
  /** TensorFlow.js backend inside the sandbox: cpu (default) or wasm; native addons are not allowed there. */
  backend?: "cpu" | "wasm";
  log?: (line: string) => void;
  /** Force the network isolation (tests); by default a network namespace when `unshare --net` works. */
  network?: NetworkIsolation;
}

export interface GradeRun {
  reports: SubmissionReport[];
  seconds: number;
  submissionsPerMinute: number;
  jobs: number;
  network: NetworkIsolation;
  /** Problems that are the instructor's to fix (the sandbox could not start, …). */
  problems: string[];
}

export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

async function pool<T>(items: T[], jobs: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  });
  await Promise.all(runners);
}

function compileHarness(folder: string): string {
  const source = fs.readFileSync(path.join(__dirname, "sandbox-child.ts"), "utf8");
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true } }).outputText;
  const file = path.join(folder, "sandbox-child.js");
  fs.writeFileSync(file, js);
  return file;
}

/**
 * The submission's compiling exercise modules and one `<topic>.ts` re-exporting them: the folder
 * that `COURSE_IMPL=<out>/<student>/impl npx vitest run tests/exercises` runs the same cases against
 * (outside the sandbox, so only on a machine where running students' code is acceptable).
 */
function writeImplFolder(folder: string, modules: ExerciseModule[]): void {
  fs.mkdirSync(folder, { recursive: true });
  const byTopic = new Map<string, string[]>();
  for (const m of modules) {
    fs.writeFileSync(path.join(folder, `${m.spec.id}.ts`), m.source!);
    byTopic.set(m.spec.topic, [...(byTopic.get(m.spec.topic) ?? []), `export { ${m.spec.functionName} } from "./${m.spec.id}";`]);
  }
  for (const [topic, lines] of byTopic) fs.writeFileSync(path.join(folder, `${topic}.ts`), `${lines.join("\n")}\n`);
}

export async function gradeSubmissions(submissions: Submission[], options: GradeOptions): Promise<GradeRun> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const topics = options.topics ?? (() => {
    const mentioned = topicsMentioned(submissions.flatMap((s) => s.notebooks.map((n) => n.text)));
    return mentioned.length ? mentioned : allTopics();
  })();
  const specs = topicSpecs(topics);
  const extracted = submissions.map((s) => extractExercises(s, specs));
  const toCheck = extracted.flatMap((e, s) => e.modules.filter((m) => m.source).map((m) => ({ key: `${s}/${m.spec.id}`, source: m.source!, headerLines: m.headerLines })));
  const checked = typeCheckModules(toCheck);
  log(`type-checked ${toCheck.length} exercise modules of ${submissions.length} submissions in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const runFolder = fs.mkdtempSync(path.join(os.tmpdir(), "course-grade-"));
  const harnessFolder = path.join(runFolder, "harness");
  fs.mkdirSync(harnessFolder);
  const network = options.network ?? detectNetworkIsolation();
  const settings: SandboxSettings = {
    root: ROOT,
    harnessFile: compileHarness(harnessFolder),
    trustedModules: compileTrustedModules(),
    entries: Object.fromEntries(Object.entries(TRUSTED_ENTRIES).map(([k, v]) => [k, path.join(ROOT, v)])) as SandboxSettings["entries"],
    caseTimeoutMs: options.caseTimeoutMs ?? 10_000,
    submissionTimeoutMs: options.submissionTimeoutMs ?? 180_000,
    memoryMb: options.memoryMb ?? 1024,
    backend: options.backend ?? "cpu",
    network,
  };
  const jobs = options.jobs ?? defaultJobs();
  const problems: string[] = [];
  const reports: SubmissionReport[] = new Array(submissions.length);
  fs.mkdirSync(options.out, { recursive: true });

  await pool(submissions, jobs, async (submission, index) => {
    const submissionStarted = performance.now();
    const { modules, problems: submissionProblems } = extracted[index];
    const errorsOf = (m: ExerciseModule) => checked.get(`${index}/${m.spec.id}`)?.errors ?? [];
    const work: SandboxWork[] = modules
      .filter((m) => !m.problem && m.source && errorsOf(m).length === 0)
      .map((m) => ({ id: m.spec.id, topic: m.spec.topic, functionName: m.spec.functionName, js: checked.get(`${index}/${m.spec.id}`)!.js!, cases: m.spec.cases.map((_, i) => i) }));
    let sandbox: SandboxResult | undefined;
    if (work.length) {
      const ownFolder = fs.mkdtempSync(path.join(runFolder, "s-"));
      try {
        sandbox = await runSandboxed(work, settings, ownFolder);
      } finally {
        fs.rmSync(ownFolder, { recursive: true, force: true });
      }
      if (sandbox.startupProblem) problems.push(`${submission.student}: ${sandbox.startupProblem}`);
    }
    const exercises = modules.map((m) => exerciseOutcome(m, errorsOf(m), sandbox));
    const report: SubmissionReport = {
      student: submission.student,
      origin: submission.origin,
      score: exercises.reduce((sum, e) => sum + e.score, 0),
      maxScore: exercises.reduce((sum, e) => sum + e.maxScore, 0),
      seconds: (performance.now() - submissionStarted) / 1000,
      problems: submissionProblems,
      exercises,
      output: sandbox?.output ?? { bytes: 0 },
      processes: sandbox?.processes ?? 0,
    };
    reports[index] = report;
    writeSubmissionFiles(report, path.join(options.out, submission.student));
    writeImplFolder(path.join(options.out, submission.student, "impl"), modules.filter((m) => m.source && errorsOf(m).length === 0));
    log(summaryLine(report));
  });
  fs.rmSync(runFolder, { recursive: true, force: true });
  fs.writeFileSync(path.join(options.out, "gradebook.csv"), gradebookCsv(reports));
  const seconds = (performance.now() - started) / 1000;
  const run: GradeRun = { reports, seconds, submissionsPerMinute: (submissions.length / seconds) * 60, jobs, network, problems };
  fs.writeFileSync(
    path.join(options.out, "summary.json"),
    JSON.stringify({ submissions: submissions.length, seconds: Number(seconds.toFixed(1)), submissionsPerMinute: Number(run.submissionsPerMinute.toFixed(1)), jobs, network, sandboxBackend: settings.backend, problems }, null, 2) + "\n",
  );
  return run;
}
