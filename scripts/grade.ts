// npm run grade -- <paths...> [--out grades] [--topic pca] [--jobs N] [--case-timeout 10] [--submission-timeout 180] [--memory-mb 1024] [--backend cpu|wasm]
// Paths: student notebooks (.ipynb, named by student id), folders (one sub-folder or .ipynb per
// student), or zips of either. `--single <folder>` grades one folder as one submission and
// `--results-json <file>` also writes its Gradescope results.json there (run_autograder uses both).
import * as fs from "node:fs";
import * as path from "node:path";
import { gradeSubmissions, GradeOptions } from "./grader/grade";
import { gradescopeResults } from "./grader/report";
import { collectSubmissions, submissionFromFolder } from "./grader/submissions";

const USAGE = "usage: npm run grade -- <notebook.ipynb | folder | submissions.zip>... [--out grades] [--topic pca]... [--jobs N] [--case-timeout s] [--submission-timeout s] [--memory-mb MB] [--backend cpu|wasm] [--single folder [--student id] [--results-json file]]";

function parseArguments(argv: string[]) {
  const paths: string[] = [];
  const options: GradeOptions & { single?: string; student?: string; resultsJson?: string } = { out: "grades", log: (line) => console.log(line) };
  const topics: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (!argument.startsWith("--")) {
      paths.push(argument);
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${argument} needs a value\n${USAGE}`);
    const seconds = () => {
      const n = Number(value);
      if (!(n > 0)) throw new Error(`${argument} expects a positive number of seconds, got "${value}"`);
      return n * 1000;
    };
    switch (argument) {
      case "--out": options.out = value; break;
      case "--topic": topics.push(value); break;
      case "--jobs": options.jobs = Number(value); if (!(options.jobs >= 1)) throw new Error(`--jobs expects a whole number ≥ 1, got "${value}"`); break;
      case "--case-timeout": options.caseTimeoutMs = seconds(); break;
      case "--submission-timeout": options.submissionTimeoutMs = seconds(); break;
      case "--memory-mb": options.memoryMb = Number(value); if (!(options.memoryMb >= 128)) throw new Error(`--memory-mb expects at least 128, got "${value}"`); break;
      case "--backend": if (value !== "cpu" && value !== "wasm") throw new Error(`--backend is cpu or wasm (native addons are not allowed in the sandbox), got "${value}"`); options.backend = value; break;
      case "--single": options.single = value; break;
      case "--student": options.student = value; break;
      case "--results-json": options.resultsJson = value; break;
      default: throw new Error(`unknown option ${argument}\n${USAGE}`);
    }
  }
  if (topics.length) options.topics = topics;
  if (!paths.length && !options.single) throw new Error(USAGE);
  return { paths, options };
}

async function main(): Promise<void> {
  const { paths, options } = parseArguments(process.argv.slice(2));
  const submissions = options.single ? [submissionFromFolder(options.single, options.student)] : await collectSubmissions(paths);
  const run = await gradeSubmissions(submissions, options);
  console.log(
    `graded ${run.reports.length} submission(s) in ${run.seconds.toFixed(1)} s with ${run.jobs} sandbox(es) in parallel: ` +
      `${run.submissionsPerMinute.toFixed(1)} submissions per minute. Reports in ${path.resolve(options.out)} (gradebook.csv, <student>/feedback.html).`,
  );
  for (const problem of run.problems) console.error(`grader problem: ${problem}`);
  if (options.resultsJson) {
    fs.mkdirSync(path.dirname(options.resultsJson), { recursive: true });
    fs.writeFileSync(options.resultsJson, JSON.stringify(gradescopeResults(run.reports[0]), null, 2) + "\n");
  }
  if (run.problems.length) process.exitCode = 2;
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
