// Exercises and their test cases. The same cases run in three places: in the notebook after each
// exercise cell (`await check(...)`), in vitest against solutions/ and exercises/, and in the grader.
import * as tf from "@tensorflow/tfjs";
import { CheckFailure, NotImplementedError } from "./assert";

export interface CheckCase<F = never> {
  /** Shown to the student, and in feedback for hidden cases instead of the inputs. */
  name: string;
  /** What kind of check this is, e.g. "closed form", "brute force", "memory". */
  kind: string;
  points: number;
  run(implementation: F): void | Promise<void>;
}

export interface Exercise<F = never> {
  /** Stable id, `<topic>.<name>`: tags the notebook cell and names the tests. */
  id: string;
  /** The function the student writes in the exercise cell. */
  functionName: string;
  title: string;
  cases: CheckCase<F>[];
}

export type CaseStatus = "passed" | "failed" | "not implemented" | "error";

export interface CaseResult {
  name: string;
  kind: string;
  points: number;
  status: CaseStatus;
  /** For the student: why it failed. Empty when it passed. */
  message: string;
  seconds: number;
}

export function defineExercise<F>(exercise: Exercise<F>): Exercise<F> {
  return exercise;
}

/** Where in the student's code an unexpected error came from: the first frame that is not library code. */
function errorSummary(error: unknown): string {
  if (!(error instanceof Error)) return `threw ${String(error)}`;
  return `threw ${error.name}: ${error.message}`;
}

/** Runs one case, freeing every tensor it makes; never throws. */
export async function runCase<F>(testCase: CheckCase<F>, implementation: F): Promise<CaseResult> {
  const started = performance.now();
  const result = (status: CaseStatus, message: string): CaseResult => ({
    name: testCase.name,
    kind: testCase.kind,
    points: testCase.points,
    status,
    message,
    seconds: (performance.now() - started) / 1000,
  });
  tf.engine().startScope();
  try {
    await testCase.run(implementation);
    return result("passed", "");
  } catch (error) {
    if (error instanceof NotImplementedError) return result("not implemented", `not implemented yet: fill in the body of the exercise cell (${error.exercise})`);
    if (error instanceof CheckFailure) return result("failed", error.message);
    return result("error", errorSummary(error));
  } finally {
    tf.engine().endScope();
  }
}

export async function runCases<F>(cases: readonly CheckCase<F>[], implementation: F): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const testCase of cases) results.push(await runCase(testCase, implementation));
  return results;
}

/** Runs a case as a test: throws an Error carrying the student-facing message when it does not pass. */
export async function assertCase<F>(testCase: CheckCase<F>, implementation: F): Promise<void> {
  const outcome = await runCase(testCase, implementation);
  if (outcome.status !== "passed") throw new Error(`${outcome.status}: ${outcome.message}`);
}
